package report

import (
	"fmt"
	"html"
	"strings"
)

// SVG draws the sequence: one column per participant, one row per arrow.
// Requests are class "arrow req", answers "arrow res", failures also
// "failed" (red, with an x at the end).
func (s sequence) SVG() string {
	const colW, rowH, top, left = 230, 34, 56, 20
	x := map[string]int{}
	for i, p := range s.Parts {
		x[p.ID] = left + colW/2 + i*colW
	}
	width := left*2 + colW*len(s.Parts)
	height := top + rowH*(len(s.Msgs)+len(s.Notes)+1) + 20
	var b strings.Builder
	e := html.EscapeString
	fmt.Fprintf(&b, `<svg class="seq" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="sequence of requests">`, width, height, width, height)
	b.WriteString(`<defs><marker id="ah" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#333"/></marker></defs>`)
	for _, p := range s.Parts {
		cx := x[p.ID]
		fmt.Fprintf(&b, `<g class="participant"><rect x="%d" y="8" width="%d" height="30" rx="4" fill="#eef" stroke="#99a"/><text x="%d" y="28" text-anchor="middle" font-size="12">%s</text><line x1="%d" y1="38" x2="%d" y2="%d" stroke="#bbb" stroke-dasharray="4 3"/></g>`,
			cx-colW/2+8, colW-16, cx, e(clip(p.Label, 34)), cx, cx, height-10)
	}
	y := top
	for i, m := range s.Msgs {
		y += rowH
		x1, x2 := x[m.From], x[m.To]
		class, color, dash := "arrow req", "#333", ""
		if m.Answer {
			class, dash = "arrow res", ` stroke-dasharray="6 3"`
		}
		if m.Failed {
			class += " failed"
			color = "#b00020"
		}
		fmt.Fprintf(&b, `<g class="%s" data-step="%d"><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"%s marker-end="url(#ah)"/>`, class, m.Step, x1, y, x2, y, color, dash)
		if m.Failed {
			fmt.Fprintf(&b, `<path d="M%d,%d l8,8 m0,-8 l-8,8" stroke="%s" stroke-width="2"/>`, x2-4, y-4, color)
		}
		mid := (x1 + x2) / 2
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-size="11">%d. %s</text></g>`, mid, y-6, i+1, e(clip(m.Text, 70)))
	}
	for _, n := range s.Notes {
		y += rowH
		fmt.Fprintf(&b, `<g class="note"><rect x="%d" y="%d" width="%d" height="24" fill="#fff4cc" stroke="#d4b000"/><text x="%d" y="%d" font-size="12">%s</text></g>`, left, y-16, width-2*left, left+8, y, e(n))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

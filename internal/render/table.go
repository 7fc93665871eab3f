package render

import (
	"io"
	"strings"
	"unicode/utf8"

	"github.com/regauth/regauth/internal/redact"
)

// Table writes rows under header in a box-drawn table, cells padded by one
// space and left-aligned. Cells are folded to one line and stripped of
// control characters: they often hold server text. (Written here rather
// than with tablewriter: its init built width tables on every start-up,
// a third of regauth version's time.)
func Table(w io.Writer, header []string, rows [][]string) error {
	cols := len(header)
	clean := func(r []string) []string {
		out := make([]string, cols)
		for i := 0; i < cols && i < len(r); i++ {
			out[i] = redact.OneLine(r[i])
		}
		return out
	}
	all := [][]string{clean(header)}
	for _, r := range rows {
		all = append(all, clean(r))
	}
	width := make([]int, cols)
	for _, r := range all {
		for i, c := range r {
			if n := cellWidth(c); n > width[i] {
				width[i] = n
			}
		}
	}
	longest := make([]int, cols)
	for _, r := range all {
		for i, c := range r {
			for _, word := range strings.Fields(c) {
				longest[i] = max(longest[i], cellWidth(word))
			}
		}
	}
	width = fitWidths(width, longest, all[0], tableWidth(w))
	var b strings.Builder
	rule := func(l, m, r string) {
		b.WriteString(l)
		for i, n := range width {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", n+2))
		}
		b.WriteString(r + "\n")
	}
	// A cell wider than its column wraps onto more lines of the same row.
	line := func(r []string) {
		cells := make([][]string, len(r))
		height := 1
		for i, c := range r {
			cells[i] = wrapCell(c, width[i])
			if len(cells[i]) > height {
				height = len(cells[i])
			}
		}
		for l := 0; l < height; l++ {
			for i := range r {
				c := ""
				if l < len(cells[i]) {
					c = cells[i][l]
				}
				b.WriteString("│ ")
				b.WriteString(c)
				b.WriteString(strings.Repeat(" ", max(width[i]-cellWidth(c), 0)+1))
			}
			b.WriteString("│\n")
		}
	}
	rule("┌", "┬", "┐")
	line(all[0])
	rule("├", "┼", "┤")
	for _, r := range all[1:] {
		line(r)
	}
	rule("└", "┴", "┘")
	_, err := io.WriteString(w, b.String())
	return err
}

// cellWidth counts runes: the cells are ASCII and a few symbols (…, ·),
// each one column wide.
func cellWidth(s string) int { return utf8.RuneCountInString(s) }

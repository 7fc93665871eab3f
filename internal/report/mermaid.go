package report

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Mermaid is a sequence as a Mermaid sequenceDiagram.
func (s sequence) Mermaid() string {
	var b strings.Builder
	b.WriteString("sequenceDiagram\n    autonumber\n")
	for _, p := range s.Parts {
		fmt.Fprintf(&b, "    participant %s as %s\n", p.ID, mermaidText(p.Label))
	}
	for _, m := range s.Msgs {
		arrow := "->>"
		switch {
		case m.Failed && m.Answer:
			arrow = "--x"
		case m.Failed:
			arrow = "-x"
		case m.Answer:
			arrow = "-->>"
		}
		fmt.Fprintf(&b, "    %s%s%s: %s\n", m.From, arrow, m.To, mermaidText(m.Text))
	}
	if len(s.Notes) > 0 {
		last := "C"
		if len(s.Parts) > 1 {
			last = s.Parts[1].ID
		}
		fmt.Fprintf(&b, "    Note over C,%s: %s\n", last, mermaidText(strings.Join(s.Notes, ", ")))
	}
	return b.String()
}

var endWord = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)\bend\b`) })

// mermaidText escapes what breaks a Mermaid line: ; and # and quotes as
// entity codes, angle brackets (masked secrets read <kind ...>), and a bare
// "end", which closes a block.
func mermaidText(s string) string {
	s = strings.NewReplacer("#", "#35;", ";", "#59;", "\"", "#quot;", "<", "#lt;", ">", "#gt;", "\n", " ", "\r", " ", "%%", "#37;#37;").Replace(s)
	// #35; itself holds a ';' that must stay: the replacer ran once.
	s = endWord().ReplaceAllStringFunc(s, func(w string) string { return "#" + fmt.Sprint(int(w[0])) + ";" + w[1:] })
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

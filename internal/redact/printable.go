package redact

import (
	"strings"
	"unicode"
)

// Printable strips control characters (escape sequences included) from text
// that came from a server, so a hostile or broken reply cannot drive the
// user's terminal. Newlines and tabs survive.
func Printable(s string) string {
	clean := true
	for _, c := range s {
		if (unicode.IsControl(c) && c != '\n' && c != '\t') || c == unicode.ReplacementChar {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch {
		case c == '\n' || c == '\t':
			b.WriteRune(c)
		case unicode.IsControl(c) || c == unicode.ReplacementChar:
			b.WriteRune('.')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// OneLine is Printable with newlines and tabs folded to spaces, for errors
// and table cells.
func OneLine(s string) string {
	// Fold line breaks before Printable, which would turn a lone \r into '.'.
	s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)
	return strings.TrimSpace(Printable(s))
}

package redact

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Printable escapes what a hostile or broken server could use to drive the
// user's terminal or hide text: control characters (escape sequences
// included) as \x1b or \u0085, bidi controls (U+202A-U+202E,
// U+2066-U+2069) as \u202e, bytes that are not UTF-8 as \xff. Newlines
// and tabs survive.
func Printable(s string) string {
	if !needsEscape(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case c == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case c == '\n' || c == '\t':
			b.WriteRune(c)
		case c < 0x80 && unicode.IsControl(c):
			fmt.Fprintf(&b, "\\x%02x", c)
		case unicode.IsControl(c) || isBidi(c):
			fmt.Fprintf(&b, "\\u%04x", c)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func needsEscape(s string) bool {
	if !utf8.ValidString(s) {
		return true
	}
	for _, c := range s {
		if (unicode.IsControl(c) && c != '\n' && c != '\t') || isBidi(c) {
			return true
		}
	}
	return false
}

// isBidi reports the bidirectional controls that reorder what a terminal
// shows (Trojan Source).
func isBidi(c rune) bool {
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
}

// OneLine is Printable with newlines and tabs folded to spaces, for errors
// and table cells.
func OneLine(s string) string {
	// Fold line breaks before Printable, which would turn a lone \r into '.'.
	s = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)
	return strings.TrimSpace(Printable(s))
}

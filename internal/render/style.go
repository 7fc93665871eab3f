// Package render turns regauth's data (traces, decoded configs, tokens) into
// text, tables and JSON. It is the only layer that knows about terminals.
package render

import (
	"io"
	"os"

	"github.com/fatih/color"
	"github.com/mattn/go-isatty"
)

// Style colours text for one output stream. Colour is decided per stream,
// never through fatih/color's global switch, so stdout piped to a file stays
// plain while stderr on a terminal keeps its colour.
type Style struct {
	on bool
}

// NewStyle decides colour for w: only on a terminal, and never when noColor
// (--no-color) or NO_COLOR is set.
func NewStyle(w io.Writer, noColor bool, getenv func(string) string) Style {
	if noColor || (getenv != nil && getenv("NO_COLOR") != "") {
		return Style{}
	}
	return Style{on: IsTerminal(w)}
}

// Plain is a Style without colour (tests, JSON, files).
func Plain() Style { return Style{} }

// IsTerminal reports whether w is a terminal.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}

func (s Style) paint(text string, attrs ...color.Attribute) string {
	if !s.on || text == "" {
		return text
	}
	c := color.New(attrs...)
	c.EnableColor()
	return c.Sprint(text)
}

func (s Style) Bold(t string) string   { return s.paint(t, color.Bold) }
func (s Style) Dim(t string) string    { return s.paint(t, color.Faint) }
func (s Style) Green(t string) string  { return s.paint(t, color.FgGreen) }
func (s Style) Yellow(t string) string { return s.paint(t, color.FgYellow) }
func (s Style) Red(t string) string    { return s.paint(t, color.FgRed) }
func (s Style) Cyan(t string) string   { return s.paint(t, color.FgCyan) }

// Status colours an HTTP status by class: 2xx green, 3xx cyan, 4xx yellow,
// 5xx red.
func (s Style) Status(code int, text string) string {
	switch {
	case code >= 500:
		return s.Red(text)
	case code >= 400:
		return s.Yellow(text)
	case code >= 300:
		return s.Cyan(text)
	case code >= 200:
		return s.Green(text)
	}
	return text
}

// Severity colours a diagnosis severity word.
func (s Style) Severity(sev, text string) string {
	switch sev {
	case "error":
		return s.paint(text, color.FgRed, color.Bold)
	case "warning":
		return s.Yellow(text)
	}
	return s.Cyan(text)
}

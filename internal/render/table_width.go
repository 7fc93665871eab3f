package render

import (
	"io"
	"os"
	"strings"
	"sync/atomic"
)

// DefaultPipeWidth is the width tables fit when the output is not a
// terminal (a file, a pipe, a test's buffer) and $COLUMNS says nothing:
// wide enough that ordinary tables stay one line per row (they are grepped),
// while a helper's long stderr still wraps instead of making a 300-column
// table.
const DefaultPipeWidth = 200

var pipeWidth atomic.Int64

// SetPipeWidth sets the width for output that is not a terminal ($COLUMNS);
// n <= 0 restores the default.
func SetPipeWidth(n int) { pipeWidth.Store(int64(n)) }

// tableWidth is how many columns a table written to w may take.
func tableWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok && IsTerminal(f) {
		if n := terminalColumns(f.Fd()); n > 0 {
			return n
		}
	}
	if n := pipeWidth.Load(); n > 0 {
		return int(n)
	}
	return DefaultPipeWidth
}

// fitWidths narrows the widest columns until the table fits max columns
// in all (borders and padding included); no column goes below its
// header's width, minCell, or its longest word: a token, a URL or a
// digest is never broken (it is copied from here), only sentences wrap.
func fitWidths(width, longestWord []int, header []string, max int) []int {
	const minCell = 12
	out := append([]int(nil), width...)
	total := func() int {
		n := 1
		for _, c := range out {
			n += c + 3
		}
		return n
	}
	floor := func(i int) int {
		f := cellWidth(header[i])
		if f < minCell {
			f = minCell
		}
		if longestWord[i] > f {
			f = longestWord[i]
		}
		if f > width[i] {
			f = width[i]
		}
		return f
	}
	for total() > max {
		widest := -1
		for i := range out {
			if out[i] > floor(i) && (widest < 0 || out[i] > out[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			break // as narrow as it goes: let it overflow
		}
		out[widest]--
	}
	return out
}

// wrapCell breaks s into lines of at most n columns, at spaces where it
// can, mid-word where a word is longer than n.
func wrapCell(s string, n int) []string {
	if n <= 0 || cellWidth(s) <= n {
		return []string{s}
	}
	var lines []string
	var cur []rune
	for _, word := range strings.Split(s, " ") {
		w := []rune(word)
		for len(w) > 0 {
			space := 0
			if len(cur) > 0 {
				space = 1
			}
			if len(cur)+space+len(w) <= n {
				if space == 1 {
					cur = append(cur, ' ')
				}
				cur = append(cur, w...)
				w = nil
				continue
			}
			if len(cur) > 0 {
				lines = append(lines, string(cur))
				cur = nil
				continue
			}
			cur, w = append(cur, w[:n]...), w[n:]
			lines = append(lines, string(cur))
			cur = nil
		}
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, string(cur))
	}
	return lines
}

package render

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// A long cell (a helper's stderr) wraps so the table fits the width,
// instead of making a 300-column table.
func TestTableFitsTheWidth(t *testing.T) {
	long := strings.Repeat("helper exploded: keyring locked ", 9) + "sha256:3c2e1f0d9b8a7f6e5d4c3b2a1f0e9d8c"
	for _, width := range []int{120, 80, 60} {
		SetPipeWidth(width)
		var b bytes.Buffer
		if err := Table(&b, []string{"KEY", "HELPER SAYS"}, [][]string{{"reg.example", long}, {"ok.example", "fine"}}); err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, line := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if n := utf8.RuneCountInString(line); n > width {
				t.Errorf("width %d: a line of %d columns:\n%s", width, n, b.String())
			}
			// The cell's text survives the wrapping, in order.
			if parts := strings.Split(line, "│"); len(parts) == 4 {
				text.WriteString(strings.TrimSpace(parts[2]))
			}
		}
		if !strings.Contains(strings.ReplaceAll(text.String(), " ", ""), strings.ReplaceAll(long, " ", "")) {
			t.Errorf("width %d: the cell's text was lost:\n%s", width, b.String())
		}
	}
	SetPipeWidth(0)
}

// A word (a token with --show-secrets, a digest, a URL) is never broken.
func TestTableKeepsWordsWhole(t *testing.T) {
	SetPipeWidth(40)
	defer SetPipeWidth(0)
	tok := "ghp_" + strings.Repeat("x", 50)
	var b bytes.Buffer
	if err := Table(&b, []string{"KEY", "SECRET"}, [][]string{{"ghcr.io", tok + " and more words here"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), tok) {
		t.Errorf("the token was broken:\n%s", b.String())
	}
}

func TestTableNarrowerThanItsHeaders(t *testing.T) {
	SetPipeWidth(10)
	defer SetPipeWidth(0)
	var b bytes.Buffer
	if err := Table(&b, []string{"REGISTRY", "VERDICT"}, [][]string{{"a.example", "ok"}}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "REGISTRY") || !strings.Contains(b.String(), "a.example") {
		t.Errorf("headers and short cells are never cut:\n%s", b.String())
	}
}

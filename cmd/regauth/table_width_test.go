package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// A helper's long stderr wraps within $COLUMNS instead of making a
// 300-column table.
func TestTablesFitColumns(t *testing.T) {
	dir := t.TempDir()
	long := strings.Repeat("the keyring daemon refused the request because the session bus went away; ", 5)
	writeFile(t, dir, "docker-credential-wordy", "#!/bin/sh\nread url\necho '"+long+"' >&2\nexit 4\n")
	if err := os.Chmod(filepath.Join(dir, "docker-credential-wordy"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	c := newCLI(t)
	c.env["COLUMNS"] = "110"
	cfg := writeFile(t, t.TempDir(), "c.json", `{"credHelpers":{"reg.example":"wordy"}}`)
	r := c.run("decode-config", cfg).wantCode(t, 0)
	inTable := 0
	for _, line := range strings.Split(r.out, "\n") {
		if !strings.HasPrefix(line, "│") && !strings.HasPrefix(line, "┌") {
			continue
		}
		inTable++
		if n := utf8.RuneCountInString(line); n > 110 {
			t.Errorf("a table line of %d columns with COLUMNS=110:\n%s", n, r.out)
			break
		}
	}
	if inTable < 4 || !strings.Contains(strings.Join(strings.Fields(r.out), " "), "session bus went") {
		t.Errorf("the stderr should be in the table, wrapped:\n%s", r.out)
	}
}

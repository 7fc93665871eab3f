package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/regauth/regauth/internal/clidocs"
)

var updateDocs = flag.Bool("update-docs", false, "regenerate docs/cli from the command tree")

// The command reference in docs/cli is generated from the Cobra tree; this
// fails when a flag, command or help text changed and the docs were not
// regenerated (go test ./cmd/regauth -run TestCLIDocs -update-docs).
func TestCLIDocsUpToDate(t *testing.T) {
	root := newRootCmd(&Deps{Getenv: func(string) string { return "" }})
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	committed := filepath.Join("..", "..", "docs", "cli")
	if *updateDocs {
		if err := os.RemoveAll(committed); err != nil {
			t.Fatal(err)
		}
		if err := clidocs.Generate(root, committed); err != nil {
			t.Fatal(err)
		}
		return
	}
	fresh := t.TempDir()
	if err := clidocs.Generate(root, fresh); err != nil {
		t.Fatal(err)
	}
	want, err := clidocs.Files(fresh)
	if err != nil {
		t.Fatal(err)
	}
	got, err := clidocs.Files(committed)
	if err != nil {
		t.Fatal(err)
	}
	if d := clidocs.Diff(want, got); len(d) > 0 {
		t.Errorf("docs/cli is out of date with the commands (go test ./cmd/regauth -run TestCLIDocs -update-docs): %v", d)
	}
}

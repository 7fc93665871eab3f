package main

import (
	"strings"
	"testing"
)

// Each command is registered under the name cobra dispatches on: a
// mismatch would build the wrong command, or none, for a run.
func TestRegisteredNamesMatchCommands(t *testing.T) {
	g := &GlobalOptions{deps: &Deps{Getenv: func(string) string { return "" }}}
	for _, name := range commandOrder {
		if got := commands[name](g).Name(); got != name {
			t.Errorf("registered as %q, but the command is %q", name, got)
		}
	}
}

// A run builds only its own command; help, a typo and global flags before
// the command still see them all.
func TestRunBuildsOnlyItsCommand(t *testing.T) {
	deps := &Deps{Getenv: func(string) string { return "" }}
	if n := len(newRootCmdFor(deps, []string{"-o", "json", "pull-trace", "alpine"}).Commands()); n != 1 {
		t.Errorf("pull-trace run built %d commands, want 1", n)
	}
	if n := len(newRootCmdFor(deps, []string{"help"}).Commands()); n != len(commandOrder) {
		t.Errorf("help built %d commands, want all %d", n, len(commandOrder))
	}

	r := newCLI(t).run("help").wantCode(t, 0)
	for _, name := range commandOrder {
		if !strings.Contains(r.out, "  "+name+" ") {
			t.Errorf("help does not list %s:\n%s", name, r.out)
		}
	}
	r = newCLI(t).run("pul-trace", "alpine").wantCode(t, 2)
	if !strings.Contains(r.err, "pull-trace") {
		t.Errorf("a typo should suggest pull-trace: %q", r.err)
	}
	r = newCLI(t).run("--no-color", "help", "probe").wantCode(t, 0)
	if !strings.Contains(r.out, "regauth probe") {
		t.Errorf("help probe: %s", r.out)
	}
	r = newCLI(t).run("-o", "json", "version").wantCode(t, 0)
	if !strings.Contains(r.out, `"command": "version"`) {
		t.Errorf("-o json version: %s", r.out)
	}
}

package authconfig

import (
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestBuilderSortsAndReplacesDuplicates(t *testing.T) {
	b := newBuilder("/p", FormatConfig)
	b.addEntry(Entry{Key: "b", Username: "first"})
	b.addEntry(Entry{Key: "a"})
	b.addEntry(Entry{Key: "b", Username: "second"})
	f := b.finish(nil)
	if got := keysOf(f); len(got) != 2 || got[0] != "a" || got[1] != "b" {
		t.Fatalf("keys = %v, want [a b]", got)
	}
	if f.Entries[1].Username != "second" {
		t.Errorf("a later duplicate must replace the earlier one, got %q", f.Entries[1].Username)
	}
}

func TestBuilderFindings(t *testing.T) {
	b := newBuilder("", FormatConfig)
	b.finding(diagnose.UnknownConfigKey, "m")
	b.findingHint(diagnose.UnknownConfigKey, "m", "own hint")
	if b.f.Findings[0].Hint != diagnose.Lookup(diagnose.UnknownConfigKey).Hint || b.f.Findings[1].Hint != "own hint" {
		t.Errorf("hints: %+v", b.f.Findings)
	}
	if got := b.in("x"); got != "x" {
		t.Errorf("in() without a path = %q", got)
	}
	if got := located("/p", "x"); got != "x in /p" {
		t.Errorf("located = %q", got)
	}
}

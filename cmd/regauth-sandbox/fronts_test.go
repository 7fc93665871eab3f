package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// --help names every front the sandbox has, each on its own --like line.
func TestHelpListsEveryFront(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run(context.Background(), nil, []string{"--help"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, l := range sandbox.Likes {
		if !strings.Contains(out.String(), "--like "+string(l)+" ") {
			t.Errorf("--help does not list --like %s", l)
		}
	}
}

// An unknown front is a usage error (exit 2) naming the ones there are.
func TestUnknownFront(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), nil, []string{"--like", "nexus"}, &out, &errOut)
	if code != exitUsage || !strings.Contains(errOut.String(), `"nexus"`) || !strings.Contains(errOut.String(), "artifactory") {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if strings.Count(errOut.String(), "\n") != 1 {
		t.Errorf("want one line: %q", errOut.String())
	}
}

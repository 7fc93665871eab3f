package main

import (
	"io"
	"os"
	"testing"
	"time"
)

// BenchmarkVersionInProcess is the part of "regauth version" that runs
// after init: building the root and the one command it names, and running
// it. Start-up as a whole is measured against a bare binary with hyperfine.
func BenchmarkVersionInProcess(b *testing.B) {
	deps := &Deps{In: os.Stdin, Out: io.Discard, ErrOut: io.Discard, Getenv: func(string) string { return "" }, Now: time.Now}
	b.ReportAllocs()
	for b.Loop() {
		if code := Execute(deps, []string{"version"}); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}

package main

import (
	"io"
	"net/http"
	"time"
)

// Deps is everything a command touches outside itself, injected so every
// command runs in-process in tests with buffers, a fixed clock and a chosen
// transport.
type Deps struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	Getenv func(string) string
	Now    func() time.Time
	// Transport, when set, replaces the transport built from the TLS flags
	// (tests point it at in-process servers).
	Transport http.RoundTripper
}

func (d *Deps) getenv(k string) string {
	if d.Getenv == nil {
		return ""
	}
	return d.Getenv(k)
}

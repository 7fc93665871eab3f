package main

import (
	"context"
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
	// DockerInfo asks the local Docker daemon which image store it uses;
	// nil skips the question (tests).
	DockerInfo func(context.Context) DockerStore
	// Args are the command line's arguments, for reports.
	Args []string
}

// DockerStore is what the local daemon said about its image store: Store
// is "classic", "containerd" or "" (not known), Reason one sentence.
type DockerStore struct{ Store, Reason string }

func (d *Deps) getenv(k string) string {
	if d.Getenv == nil {
		return ""
	}
	return d.Getenv(k)
}

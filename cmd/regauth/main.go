// Command regauth diagnoses container-registry authentication.
package main

import (
	"context"
	"os"
	"time"

	"github.com/regauth/regauth/internal/dockerinfo"
)

func main() {
	deps := &Deps{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		Getenv: os.Getenv,
		Now:    time.Now,
		DockerInfo: func(ctx context.Context) DockerStore {
			r := dockerinfo.Detect(ctx, os.Getenv)
			return DockerStore{Store: r.Store, Reason: r.Reason}
		},
	}
	os.Exit(Execute(deps, os.Args[1:]))
}

// Command regauth diagnoses container-registry authentication.
package main

import (
	"os"
	"time"
)

func main() {
	deps := &Deps{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		Getenv: os.Getenv,
		Now:    time.Now,
	}
	os.Exit(Execute(deps, os.Args[1:]))
}

package main

import (
	"errors"
	"fmt"
)

// Exit codes scripts can rely on; documented in --help and the README.
const (
	exitOK        = 0
	exitRefused   = 1 // the registry, token service or a verification said no
	exitUsage     = 2 // usage error or bad input
	exitTransport = 3 // could not talk to the registry or token service
)

// exitError carries the exit code for an error. quiet means the command has
// already told the user everything (a trace with its verdict), so main prints
// nothing more.
type exitError struct {
	code  int
	err   error
	quiet bool
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, a...)}
}

func badInput(err error) error { return &exitError{code: exitUsage, err: err} }

// silentExit ends the command with code after it printed its own verdict.
func silentExit(code int) error {
	if code == exitOK {
		return nil
	}
	return &exitError{code: code, quiet: true}
}

func exitCodeOf(err error) (int, bool) {
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code, ee.quiet
	}
	return exitRefused, false
}

package main

import (
	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// helperFailed carries a credential helper's failure from credential
// resolution to the trace, which reports it instead of exiting 2.
type helperFailed struct{ failure *flow.HelperFailure }

func (h *helperFailed) Error() string { return h.failure.Message }

// helperFailure is the engine's record of a failed helper; path is the PATH
// the helper was looked up on.
func helperFailure(he *creds.HelperError, path string) *flow.HelperFailure {
	e := he.Err
	return &flow.HelperFailure{
		Helper:     e.Helper,
		Kind:       e.Kind,
		ExitCode:   e.ExitCode,
		Stderr:     redact.Printable(e.Stderr),
		Latency:    e.Latency,
		Message:    redact.Printable(e.Error()),
		ClientText: redact.Printable(e.ClientText()),
		Hint:       e.Hint(path),
		Source:     he.Source,
	}
}

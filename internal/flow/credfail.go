package flow

import (
	"fmt"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// HelperFailure is a credential helper that failed while the credentials
// were resolved. The client stops there, before any request
// (docker-credential-helpers client.Get: "error getting credentials").
type HelperFailure struct {
	Helper   string        `json:"helper"`
	Kind     string        `json:"kind"`
	ExitCode int           `json:"exit_code"`
	Stderr   string        `json:"stderr,omitempty"`
	Latency  time.Duration `json:"-"`
	// LatencyMS is Latency for JSON.
	LatencyMS float64 `json:"latency_ms"`
	// Message is the failure in one line; ClientText is what the Docker
	// CLI prints; Hint names the helper's usual cause.
	Message    string `json:"message"`
	ClientText string `json:"client_text"`
	Hint       string `json:"hint"`
	// Source is where the helper was configured ("credsStore in PATH").
	Source string `json:"source"`
}

// helperFailed ends a trace whose credentials could not be read: nothing
// is sent, as the client sends nothing.
func (e *engine) helperFailed() bool {
	hf := e.opts.HelperFailure
	if hf == nil {
		return false
	}
	hf.LatencyMS = float64(hf.Latency.Microseconds()) / 1000
	t := e.trace
	t.CredentialHelper = hf
	t.Credentials = Credentials{Source: hf.Source}
	ran := fmt.Sprintf("exit status %d, after %s", hf.ExitCode, hf.Latency.Round(time.Millisecond))
	if hf.Kind == "not-installed" {
		ran = "not run"
	}
	t.diag(diagnose.CredentialHelperError, fmt.Sprintf("%s (%s); %s stops before sending anything", hf.Message, ran, e.clientName()), hf.Hint)
	t.Verdict, t.Summary = VerdictRefused, hf.ClientText
	return true
}

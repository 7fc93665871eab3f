// Package credhelper runs a Docker credential helper
// (docker-credential-<name> get) the way the Docker client does, bounded in
// time and output, and says precisely how it failed.
package credhelper

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/docker/docker-credential-helpers/client"
	"github.com/docker/docker-credential-helpers/credentials"
)

// DefaultTimeout is used when Get is given no timeout: a helper that waits
// for a keychain prompt must not hang regauth.
const DefaultTimeout = 10 * time.Second

// tokenUsername is the username the Docker CLI stores an identity token
// under in a helper (and maps back to identitytoken on get).
const tokenUsername = "<token>"

// Result is what the helper answered.
type Result struct {
	Username   string
	Secret     string
	SecretKind string // "password", or "identitytoken" when the helper said Username "<token>"
	Latency    time.Duration
}

// Error kinds.
const (
	KindNotInstalled = "not-installed"
	KindNotFound     = "credentials-not-found"
	KindTimeout      = "timeout"
	KindFailed       = "failed"
	KindBadOutput    = "bad-output"
)

// Error is a helper run that gave no credentials.
type Error struct {
	Kind     string // one of the Kind constants
	Helper   string // "docker-credential-pass"
	ExitCode int
	Stderr   string // trimmed, bounded
	Msg      string
	// Action is the helper verb that failed; "" means get.
	Action string
	// Latency is how long the helper ran before it failed.
	Latency time.Duration
}

// Error is one line, in the words the user needs to act on it.
func (e *Error) Error() string {
	if e.Kind == KindNotInstalled {
		return e.Helper + ": " + e.Msg
	}
	action := e.Action
	if action == "" {
		action = "get"
	}
	s := e.Helper + " " + action + ": " + e.Msg
	if e.Stderr != "" {
		s += "; stderr: " + oneLine(e.Stderr)
	}
	return s
}

// Get runs "docker-credential-<name> get" with serverURL on stdin, killing
// it after timeout (DefaultTimeout if timeout <= 0).
func Get(ctx context.Context, name, serverURL string, timeout time.Duration) (Result, error) {
	var creds *credentials.Credentials
	start := time.Now()
	err := invoke(ctx, name, "get", timeout, func(p client.ProgramFunc) (err error) {
		creds, err = client.Get(p, serverURL)
		return err
	})
	res := Result{Latency: time.Since(start)}
	if err != nil {
		var he *Error
		if errors.As(err, &he) {
			he.Latency = res.Latency
		}
		return res, err
	}
	res.Username, res.Secret, res.SecretKind = creds.Username, creds.Secret, "password"
	if creds.Username == tokenUsername {
		res.Username, res.SecretKind = "", "identitytoken"
	}
	return res, nil
}

// invoke runs one helper action through the helpers' client library with
// a bounded program, and turns a failure into an *Error.
func invoke(ctx context.Context, name, action string, timeout time.Duration, call func(client.ProgramFunc) error) error {
	helper := "docker-credential-" + name
	if strings.ContainsAny(name, `/\`) {
		// The CLI would run a path relative to the working directory; a
		// config file from elsewhere must not make us run arbitrary files.
		return &Error{Kind: KindFailed, Helper: helper, Action: action, Msg: "the helper name contains a path separator; not running it"}
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var run *helperRun
	err := call(func(args ...string) client.Program {
		run = newHelperRun(runCtx, helper, args...)
		return run
	})
	if err == nil && run != nil && run.stdout.truncated {
		err = errors.New("stdout too large")
	}
	if err != nil {
		e := classify(runCtx, ctx, helper, timeout, run, err)
		e.Action = action
		return e
	}
	return nil
}

// classify turns what client.Get reported, and what the run recorded, into
// an Error. client.Get flattens the exec error into text, so the run's own
// record is what tells the kinds apart.
func classify(runCtx, parent context.Context, helper string, timeout time.Duration, run *helperRun, err error) *Error {
	e := &Error{Kind: KindFailed, Helper: helper}
	if run == nil {
		e.Msg = err.Error()
		return e
	}
	e.Stderr = run.stderrText()
	var exitErr *exec.ExitError
	switch {
	case errors.Is(run.err, exec.ErrNotFound):
		e.Kind, e.Msg = KindNotInstalled, "executable file not found in $PATH"
	case errors.Is(runCtx.Err(), context.DeadlineExceeded) && parent.Err() == nil:
		e.Kind, e.Msg = KindTimeout, fmt.Sprintf("no answer within %s (--helper-timeout)", timeout)
	case parent.Err() != nil:
		e.Msg = "stopped: " + parent.Err().Error()
	case credentials.IsErrCredentialsNotFound(err):
		e.Kind, e.Msg = KindNotFound, err.Error()
		e.ExitCode = run.exitCode()
	case errors.As(run.err, &exitErr):
		e.ExitCode = exitErr.ExitCode()
		e.Msg = exitErr.Error()
		if out := run.stdoutText(); out != "" {
			e.Msg += ": " + oneLine(out)
		}
	case run.err != nil:
		e.Msg = run.err.Error()
	case run.stdout.truncated:
		e.Kind, e.Msg = KindBadOutput, fmt.Sprintf("stdout is larger than %d KiB, not the helper's JSON", maxStdout>>10)
	case len(run.stdout.buf) == 0:
		e.Kind, e.Msg = KindBadOutput, "exited 0 with nothing on stdout; a helper must print its JSON answer"
	default:
		// Exit 0 with output that is not the JSON; the output may hold a
		// secret, so only the decoder's complaint is shown.
		e.Kind, e.Msg = KindBadOutput, "stdout is not the helper's JSON: "+err.Error()
	}
	return e
}

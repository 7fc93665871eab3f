package credhelper

import (
	"context"
	"errors"
	"io"
	"os/exec"
	"strings"
	"time"
	"unicode"
)

// Output bounds: a helper answers with a few hundred bytes of JSON; more
// is a broken helper, and must not fill memory.
const (
	maxStdout      = 1 << 20
	maxStderr      = 4 << 10
	maxStdoutInMsg = 512
)

// waitDelay bounds the wait for the output pipes after the helper exits or
// is killed: a grandchild holding them open must not hang us.
const waitDelay = 500 * time.Millisecond

// helperRun is a client.Program that, unlike the library's shell program,
// captures stderr apart from stdout, bounds both, and is killed when its
// context ends. It keeps what happened for classify.
type helperRun struct {
	cmd    *exec.Cmd
	stdout boundedBuffer
	stderr boundedBuffer
	err    error
}

func newHelperRun(ctx context.Context, helper string, args ...string) *helperRun {
	r := &helperRun{
		stdout: boundedBuffer{limit: maxStdout},
		stderr: boundedBuffer{limit: maxStderr},
	}
	// The process group is deliberately left alone: helpers such as pass
	// may prompt on the terminal (pinentry), which a new group would stop.
	r.cmd = exec.CommandContext(ctx, helper, args...)
	r.cmd.Stdout = &r.stdout
	r.cmd.Stderr = &r.stderr
	r.cmd.WaitDelay = waitDelay
	return r
}

// Input sets what the helper reads on stdin (the server URL for get).
func (r *helperRun) Input(in io.Reader) { r.cmd.Stdin = in }

// Output runs the helper and returns its stdout.
func (r *helperRun) Output() ([]byte, error) {
	err := r.cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The helper itself exited 0; only a child it left behind kept
		// the pipes open. Its answer is complete.
		err = nil
	}
	r.err = err
	return r.stdout.buf, err
}

func (r *helperRun) exitCode() int {
	if r.cmd.ProcessState == nil {
		return 0
	}
	return r.cmd.ProcessState.ExitCode()
}

func (r *helperRun) stdoutText() string {
	s := strings.TrimSpace(string(r.stdout.buf))
	if len(s) > maxStdoutInMsg {
		s = s[:maxStdoutInMsg] + "... (truncated)"
	}
	return s
}

func (r *helperRun) stderrText() string {
	s := strings.TrimSpace(string(r.stderr.buf))
	if r.stderr.truncated {
		s += "... (truncated)"
	}
	return s
}

// boundedBuffer keeps the first limit bytes written and drops the rest,
// still accepting them so the helper never blocks on a full pipe.
type boundedBuffer struct {
	buf       []byte
	limit     int
	truncated bool
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	room := b.limit - len(b.buf)
	if room >= len(p) {
		b.buf = append(b.buf, p...)
		return len(p), nil
	}
	if room > 0 {
		b.buf = append(b.buf, p[:room]...)
	}
	b.truncated = true
	return len(p), nil
}

// oneLine folds text from a helper onto one line and drops control
// characters, so a helper's output cannot drive the user's terminal.
func oneLine(s string) string {
	var b strings.Builder
	space := false
	for _, c := range s {
		switch {
		case c == '\n' || c == '\r' || c == '\t' || c == ' ':
			space = true
			continue
		case unicode.IsControl(c) || c == unicode.ReplacementChar:
			c = '.'
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(c)
	}
	return b.String()
}

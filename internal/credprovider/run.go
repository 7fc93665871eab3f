package credprovider

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	cp "github.com/regauth/regauth/internal/decode/credprovider"
	"github.com/regauth/regauth/internal/diagnose"
)

// Output bounds: a response is a few hundred bytes; more is a broken
// plugin and must not fill memory (the kubelet reads it unbounded).
const (
	maxStdout = 1 << 20
	maxStderr = 16 << 10
)

// waitDelay bounds the wait for the pipes after the plugin exits or is
// killed, so a grandchild holding them open cannot hang the replay.
const waitDelay = 500 * time.Millisecond

// runPlugin is the kubelet's ExecPlugin: BIN_DIR/NAME with the config's
// args, the inherited environment plus the config's env (the config's win,
// being last), the request on stdin, and the time limit.
func runPlugin(ctx context.Context, p cp.Provider, path, image string, o Options) Run {
	req := cp.Request(p.APIVersion, image)
	run := Run{Provider: p.Name, Path: path, Args: p.Args, EnvNames: p.EnvNames, Request: strings.TrimSpace(string(req)), ExitCode: -1, Timeout: o.Timeout}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	stdout, stderr := &bounded{limit: maxStdout}, &bounded{limit: maxStderr}
	cmd := exec.CommandContext(ctx, path, p.Args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = bytes.NewReader(req), stdout, stderr
	env := append([]string{}, o.Environ...)
	for _, e := range p.Env {
		env = append(env, e.Name+"="+e.Value)
	}
	cmd.Env = env
	cmd.WaitDelay = waitDelay
	killGroup(cmd)
	start := time.Now()
	err := cmd.Run()
	run.Latency = time.Since(start)
	run.LatencyMS = run.Latency.Milliseconds()
	if cmd.ProcessState != nil && cmd.ProcessState.Exited() {
		run.ExitCode = cmd.ProcessState.ExitCode()
	}
	run.Stderr = strings.TrimSpace(string(stderr.buf))
	if stderr.truncated {
		run.Stderr += " ... (truncated)"
	}
	run.StdoutBytes = stdout.n
	prefix := fmt.Sprintf("error execing credential provider plugin %s for image %s: ", p.Name, image)
	switch {
	case ctx.Err() != nil:
		run.TimedOut = errors.Is(ctx.Err(), context.DeadlineExceeded)
		run.KubeletLog = prefix + ctx.Err().Error() + ": " + run.Stderr
	case err != nil && !errors.Is(err, exec.ErrWaitDelay):
		run.KubeletLog = prefix + err.Error() + ": " + run.Stderr
	case stdout.truncated:
		run.fault = &cp.Fault{Code: diagnose.CredProviderResponseInvalid, Detail: fmt.Sprintf("it printed %d bytes on stdout, more than the %d a response can be here", stdout.n, maxStdout)}
		run.KubeletLog = "error decoding credential provider plugin response from stdout"
	default:
		r, f := cp.ParseResponse(stdout.buf, p.APIVersion)
		run.Response = r
		if f != nil {
			run.KubeletLog = f.Kubelet
			run.fault = f
			break
		}
		run.OK = true
		run.Cache = r.Cache(p, image)
	}
	if run.KubeletLog != "" {
		run.KubeletLog = "Failed getting credential from external registry credential provider: " + run.KubeletLog
	}
	return run
}

// diagnosis names what went wrong with the run, nil when nothing did.
func (run Run) diagnosis(image string) *diagnose.Diagnosis {
	if run.OK {
		return nil
	}
	tail := fmt.Sprintf("; the kubelet logs %q and pulls %s without this plugin's credentials", run.KubeletLog, image)
	var d diagnose.Diagnosis
	switch {
	case run.TimedOut:
		d = diagnose.New(diagnose.CredProviderTimeout, fmt.Sprintf("plugin %s did not answer within %s and was killed after %s%s",
			run.Provider, run.Timeout, run.Latency.Round(time.Millisecond), tail), "")
	case run.fault != nil:
		d = diagnose.New(run.fault.Code, fmt.Sprintf("plugin %s: %s%s", run.Provider, run.fault.Detail, tail), "")
	default:
		what := fmt.Sprintf("exited with status %d", run.ExitCode)
		if run.ExitCode < 0 {
			what = "could not be run or was stopped by a signal"
		}
		d = diagnose.New(diagnose.CredProviderPluginFailed, fmt.Sprintf("plugin %s %s after %s%s", run.Provider, what, run.Latency.Round(time.Millisecond), tail), "")
	}
	return &d
}

// bounded keeps the first limit bytes and counts the rest, still taking
// them so the plugin never blocks on a full pipe.
type bounded struct {
	buf       []byte
	limit, n  int
	truncated bool
}

func (b *bounded) Write(p []byte) (int, error) {
	b.n += len(p)
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

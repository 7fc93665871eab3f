// Package realclient runs the real registry clients installed on this
// machine (containerd's ctr, skopeo, crane, regctl, oras, the docker CLI
// and dockerd) against a registry on loopback, so parity tests can compare
// what the server logged for the real client with what regauth sends.
// Every daemon it starts keeps its state in a temporary directory, listens
// on a unix socket there, and is stopped by pid when the test ends; no
// client reads the user's own configuration.
package realclient

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// CommandTimeout bounds every client run.
const CommandTimeout = 60 * time.Second

// installHints says how CI gets each binary.
var installHints = map[string]string{
	"containerd": "apt-get install containerd",
	"ctr":        "apt-get install containerd",
	"skopeo":     "apt-get install skopeo",
	"dockerd":    "apt-get install docker.io",
	"docker":     "apt-get install docker.io (or docker-cli)",
	"crane":      "go install github.com/google/go-containerregistry/cmd/crane@v0.22.1",
	"regctl":     "go install github.com/regclient/regclient/cmd/regctl@v0.11.7",
	"oras":       "go install oras.land/oras/cmd/oras@v1.3.6",
}

// Need returns the binary's path. Missing, it skips the test locally and
// fails it under CI (CI=true), naming what to install.
func Need(t testing.TB, bin string) string {
	t.Helper()
	p, err := exec.LookPath(bin)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed: CI must install it (%s)", bin, installHints[bin])
	}
	t.Skipf("%s is not installed (%s)", bin, installHints[bin])
	return ""
}

// NeedRoot skips (or under CI fails) a test that starts a daemon.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("the daemon parity tests run as root in CI")
	}
	t.Skip("starting containerd or dockerd needs root")
}

// Result is one client run: its combined output and error.
type Result struct {
	Args   []string
	Output string
	Err    error
}

// OK reports whether the client exited 0.
func (r Result) OK() bool { return r.Err == nil }

// LastLine is the client's last non-empty output line: its error message.
func (r Result) LastLine() string {
	lines := strings.Split(strings.TrimSpace(r.Output), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func (r Result) String() string {
	return fmt.Sprintf("%s: %v\n%s", strings.Join(r.Args, " "), r.Err, r.Output)
}

func run(ctx context.Context, env []string, stdin string, name string, args ...string) Result {
	ctx, cancel := context.WithTimeout(ctx, CommandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return Result{Args: append([]string{name}, args...), Output: out.String(), Err: err}
}

// isolatedEnv is a minimal environment with HOME and the XDG directories in
// dir, so no client finds the user's credentials.
func isolatedEnv(dir string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + dir,
		"XDG_CONFIG_HOME=" + filepath.Join(dir, ".config"),
		"XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"),
		"DOCKER_CONFIG=" + filepath.Join(dir, ".docker"),
		"NO_PROXY=*", "no_proxy=*",
	}
	for _, d := range []string{".config", "run", ".docker"} {
		_ = os.MkdirAll(filepath.Join(dir, d), 0o700)
	}
	return append(env, extra...)
}

// writeDockerConfig stores user:pass for host as the Docker CLI would.
func writeDockerConfig(dir, host, user, pass string) error {
	cfg := map[string]any{"auths": map[string]any{}}
	if user != "" || pass != "" {
		cfg["auths"] = map[string]any{host: map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))}}
	}
	b, _ := json.Marshal(cfg)
	return os.WriteFile(filepath.Join(dir, "config.json"), b, 0o600)
}

// shortTempDir is a directory with a short path: unix socket paths are
// limited to about 108 bytes, and t.TempDir's are long.
func shortTempDir(t testing.TB, prefix string) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", prefix)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

// daemon is a process started by a test and stopped by pid.
type daemon struct {
	cmd  *exec.Cmd
	done chan error
	log  *bytes.Buffer
}

func startDaemon(t testing.TB, name string, args ...string) *daemon {
	t.Helper()
	cmd := exec.Command(name, args...)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	// Its own process group, so its children (dockerd's containerd) stop
	// with it.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	d := &daemon{cmd: cmd, done: make(chan error, 1), log: &log}
	go func() { d.done <- cmd.Wait() }()
	t.Cleanup(d.stop)
	return d
}

func (d *daemon) stop() {
	pid := d.cmd.Process.Pid
	_ = syscall.Kill(-pid, syscall.SIGTERM)
	select {
	case <-d.done:
	case <-time.After(10 * time.Second):
		_ = syscall.Kill(-pid, syscall.SIGKILL)
		<-d.done
	}
	// Whatever is left of the group (a shim, a child containerd).
	_ = syscall.Kill(-pid, syscall.SIGKILL)
}

// waitFor polls ready until it is true, the daemon exits, or 30 s pass.
func (d *daemon) waitFor(ready func() bool) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if ready() {
			return nil
		}
		select {
		case err := <-d.done:
			d.done <- err
			return fmt.Errorf("exited: %v\n%s", err, d.log.String())
		case <-time.After(100 * time.Millisecond):
		}
	}
	return errors.New("not ready after 30 s\n" + d.log.String())
}

package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// fixedNow is the clock every command test runs at: two minutes after the
// test tokens were issued.
var fixedNow = time.Date(2026, 11, 24, 10, 2, 0, 0, time.UTC)

type result struct {
	out, err string
	code     int
}

// cli runs regauth in-process as a user would from a shell, with a home
// directory of its own so no real config is read.
type cli struct {
	t   *testing.T
	env map[string]string
	in  string
	now func() time.Time
	// dockerStore is what the fake daemon says; nil asks no daemon.
	dockerStore *DockerStore
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	home := t.TempDir()
	return &cli{t: t, env: map[string]string{"HOME": home, "PATH": os.Getenv("PATH")}, now: func() time.Time { return fixedNow }}
}

func (c *cli) run(args ...string) result {
	c.t.Helper()
	var out, errOut bytes.Buffer
	deps := &Deps{
		In:     strings.NewReader(c.in),
		Out:    &out,
		ErrOut: &errOut,
		Getenv: func(k string) string { return c.env[k] },
		Now:    c.now,
	}
	if c.dockerStore != nil {
		ds := *c.dockerStore
		deps.DockerInfo = func(context.Context) DockerStore { return ds }
	}
	code := Execute(deps, args)
	return result{out: out.String(), err: errOut.String(), code: code}
}

// wantCode fails with everything the command printed.
func (r result) wantCode(t *testing.T, code int) result {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.out, r.err)
	}
	return r
}

// wantOneLineError checks the error convention: one line on stderr,
// "regauth: <command>: ...", naming what went wrong.
func (r result) wantOneLineError(t *testing.T, cmd string, mentions ...string) {
	t.Helper()
	e := strings.TrimRight(r.err, "\n")
	if strings.Contains(e, "\n") || !strings.HasPrefix(e, "regauth: "+cmd+": ") {
		t.Errorf("want one line \"regauth: %s: ...\", got %q", cmd, r.err)
	}
	if strings.Contains(e, "goroutine") || strings.Contains(e, "panic") {
		t.Errorf("stack trace or panic on stderr: %q", r.err)
	}
	for _, m := range mentions {
		if !strings.Contains(e, m) {
			t.Errorf("error should mention %q: %q", m, e)
		}
	}
}

var (
	portRE     = regexp.MustCompile(`127\.0\.0\.(\d+):\d+`)
	durationRE = regexp.MustCompile(`\b\d+(\.\d+)?(ms|µs|s)\b`)
	msFieldRE  = regexp.MustCompile(`("[a-z_]*_ms"|"duration_ms"|"time"|"latency_ms"): -?\d+(\.\d+)?`)
	fpRE       = regexp.MustCompile(`sha256:[0-9a-f]{8}>`)
	stampRE    = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
	tmpRE      = regexp.MustCompile(`/tmp/[^\s"']*`)
	httpDateRE = regexp.MustCompile(`[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT`)
	kidRE      = regexp.MustCompile(`(kid[=": ]+)[A-Za-z0-9_-]{43}`)
	jtiRE      = regexp.MustCompile(`("jti": ")[^"]+`)
	relRE      = regexp.MustCompile(`\((in \d[\dhms]*|\d[\dhms]* ago)\)`)
)

// normalise masks what changes from run to run (ports, durations, token
// fingerprints of freshly issued tokens, temp paths) so golden files hold
// only what a change in behaviour would change.
func normalise(s string, fresh bool) string {
	s = portRE.ReplaceAllString(s, "127.0.0.$1:PORT")
	s = tmpRE.ReplaceAllString(s, "/TMP")
	if fresh {
		s = durationRE.ReplaceAllString(s, "DUR")
		s = msFieldRE.ReplaceAllString(s, `$1: 0`)
		s = fpRE.ReplaceAllString(s, "sha256:XXXXXXXX>")
		s = stampRE.ReplaceAllString(s, "TIME")
		s = httpDateRE.ReplaceAllString(s, "DATE")
		s = kidRE.ReplaceAllString(s, "${1}KID")
		s = jtiRE.ReplaceAllString(s, "${1}JTI")
		// Token times are whole seconds: "in 5m0s" or "in 4m59s".
		s = relRE.ReplaceAllString(s, "(REL)")
	}
	return s
}

// golden compares got with testdata/<name>, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from the output (go test ./cmd/regauth -run %s -update rewrites it)\n--- got ---\n%s\n--- want ---\n%s", path, t.Name(), got, want)
	}
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestVersion(t *testing.T) {
	r := newCLI(t).run("version").wantCode(t, 0)
	if !strings.HasPrefix(r.out, "regauth ") || !strings.Contains(r.out, "commit") {
		t.Errorf("version output: %q", r.out)
	}
	r = newCLI(t).run("version", "-o", "json").wantCode(t, 0)
	if !strings.Contains(r.out, `"schemaVersion": 1`) || !strings.Contains(r.out, `"command": "version"`) {
		t.Errorf("version json: %s", r.out)
	}
}

func TestUsageErrorsExit2(t *testing.T) {
	cases := [][]string{
		{"no-such-command"},
		{"version", "--no-such-flag"},
		{"version", "-o", "yaml"},
		{"login-trace"},
		{"login-trace", "a", "b"},
		{"login-trace", "reg.example", "-p", "x"},
		{"login-trace", "reg.example", "-u", "a", "-p", "x", "--password-stdin"},
		{"login-trace", "reg.example", "--anonymous", "-u", "a"},
		{"login-trace", "ftp://reg.example"},
		{"login-trace", "reg.example", "--timeout", "0s"},
	}
	for _, args := range cases {
		r := newCLI(t).run(args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, r.code, r.err)
		}
		if e := strings.TrimRight(r.err, "\n"); strings.Count(e, "\n") > 0 || !strings.HasPrefix(e, "regauth: ") {
			t.Errorf("%v: want one line starting \"regauth: \", got %q", args, r.err)
		}
	}
}

func TestHelpHasExamplesAndExitCodes(t *testing.T) {
	for _, cmd := range []string{"decode-config", "inspect-token", "login-trace"} {
		r := newCLI(t).run(cmd, "--help").wantCode(t, 0)
		if !strings.Contains(r.out, "Examples:") || !strings.Contains(r.out, "Exit codes") && cmd != "decode-config" {
			t.Errorf("%s --help should show examples and exit codes:\n%s", cmd, r.out)
		}
	}
	r := newCLI(t).run("--help").wantCode(t, 0)
	for _, w := range []string{"0  ok", "2  usage error", "3  transport failure", "completion"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("root --help should mention %q", w)
		}
	}
}

func TestCompletion(t *testing.T) {
	for shell, want := range map[string]string{"bash": "bash completion", "zsh": "#compdef regauth", "fish": "complete -c regauth", "powershell": "Register-ArgumentCompleter"} {
		r := newCLI(t).run("completion", shell).wantCode(t, 0)
		if !strings.Contains(r.out, want) {
			t.Errorf("completion %s: want %q in the script", shell, want)
		}
	}
}

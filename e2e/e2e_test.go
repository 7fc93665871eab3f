package e2e

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

type ran struct {
	out, err string
	code     int
}

// runTool runs a client (docker or regauth) with its own HOME and
// DOCKER_CONFIG, so nothing of the machine's own config is read or written.
func runTool(t *testing.T, home, stdin, bin string, args ...string) ran {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "DOCKER_CONFIG="+filepath.Join(home, ".docker"), "NO_COLOR=1")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := ran{out: out.String(), err: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running %s: %v", bin, err)
	}
	return r
}

func docker(t *testing.T) string {
	return tool(t, "docker", "docker.io", "/usr/local/bin", "/usr/bin")
}

// compareWire runs docker's command and regauth's against the same server
// and compares what nginx logged for each: method, URI with its query,
// status and Authorization scheme, line by line.
func compareWire(t *testing.T, logPath string, dockerRun, regauthRun func() ran) (dockerRes, regauthRes ran, wire []string) {
	t.Helper()
	n := len(settledLines(t, logPath, 0))
	dockerRes = dockerRun()
	dockerWire := settledLines(t, logPath, n)
	n += len(dockerWire)
	regauthRes = regauthRun()
	ours := settledLines(t, logPath, n)
	if strings.Join(ours, "\n") != strings.Join(dockerWire, "\n") {
		t.Errorf("regauth's requests differ from docker's (nginx access log)\n--- docker ---\n%s\n--- regauth ---\n%s\n--- regauth output ---\n%s",
			strings.Join(dockerWire, "\n"), strings.Join(ours, "\n"), regauthRes.out)
	}
	return dockerRes, regauthRes, dockerWire
}

func TestLoginThroughHarborProxyMatchesDocker(t *testing.T) {
	dockerBin := docker(t)
	s := start(t)
	home := t.TempDir()
	pw := s.users["alice"]

	d, r, wire := compareWire(t, s.accessLog,
		func() ran {
			return runTool(t, home, pw, dockerBin, "login", s.harbor, "-u", "alice", "--password-stdin")
		},
		func() ran {
			return runTool(t, home, pw, s.regauth, "login-trace", s.harbor, "-u", "alice", "--password-stdin")
		})
	if d.code != 0 || !strings.Contains(d.out, "Login Succeeded") {
		t.Fatalf("docker login: exit %d\n%s%s", d.code, d.out, d.err)
	}
	if r.code != 0 || !strings.Contains(r.out, "OK login succeeds") {
		t.Errorf("regauth login-trace: exit %d\n%s%s", r.code, r.out, r.err)
	}
	// The sequence recorded from Docker CLI 28.2 through Harbor's proxy.
	joined := strings.Join(wire, "\n")
	for _, want := range []string{
		"GET /v2/ 401 -",
		"GET /service/token?account=alice&client_id=docker&offline_token=true&service=harbor-registry 200 Basic",
		"GET /v2/ 200 Bearer",
	} {
		if !strings.Contains(joined, want) {
			t.Errorf("nginx should have logged %q:\n%s", want, joined)
		}
	}

	// regauth reads the config.json docker wrote.
	cfg := filepath.Join(home, ".docker", "config.json")
	dc := runTool(t, home, "", s.regauth, "decode-config", cfg)
	if dc.code != 0 || !strings.Contains(dc.out, s.harbor) || !strings.Contains(dc.out, "alice") || !strings.Contains(dc.out, "PLAINTEXT_PASSWORD") {
		t.Errorf("decode-config of docker's config.json: exit %d\n%s%s", dc.code, dc.out, dc.err)
	}
	if strings.Contains(dc.out, pw) {
		t.Errorf("decode-config showed the password")
	}
	// And logs in with the credentials docker stored.
	lt := runTool(t, home, "", s.regauth, "login-trace", s.harbor)
	if lt.code != 0 || !strings.Contains(lt.out, `auths["`+s.harbor+`"]`) {
		t.Errorf("login-trace with docker's stored credentials: exit %d\n%s%s", lt.code, lt.out, lt.err)
	}
}

func TestWrongPasswordMatchesDocker(t *testing.T) {
	dockerBin := docker(t)
	s := start(t)
	home := t.TempDir()
	d, r, _ := compareWire(t, s.accessLog,
		func() ran {
			return runTool(t, home, "Wrong-Password-9", dockerBin, "login", s.harbor, "-u", "alice", "--password-stdin")
		},
		func() ran {
			return runTool(t, home, "Wrong-Password-9", s.regauth, "login-trace", s.harbor, "-u", "alice", "--password-stdin")
		})
	if d.code == 0 {
		t.Fatalf("docker login with a wrong password succeeded?\n%s", d.out)
	}
	if r.code != 1 || !strings.Contains(r.out, "BAD_CREDENTIALS") {
		t.Errorf("regauth: exit %d, want 1 with BAD_CREDENTIALS\n%s", r.code, r.out)
	}
	if strings.Contains(r.out+r.err, "Wrong-Password-9") {
		t.Errorf("the password leaked")
	}
}

func TestBasicRegistryMatchesDocker(t *testing.T) {
	dockerBin := docker(t)
	s := start(t)
	home := t.TempDir()
	pw := s.users["bob"]
	d, r, wire := compareWire(t, s.basicLog,
		func() ran { return runTool(t, home, pw, dockerBin, "login", s.basic, "-u", "bob", "--password-stdin") },
		func() ran {
			return runTool(t, home, pw, s.regauth, "login-trace", s.basic, "-u", "bob", "--password-stdin")
		})
	if d.code != 0 || r.code != 0 {
		t.Fatalf("docker exit %d, regauth exit %d\n%s\n%s", d.code, r.code, d.err, r.out)
	}
	if j := strings.Join(wire, "\n"); !strings.Contains(j, "GET /v2/ 401 -") || !strings.Contains(j, "GET /v2/ 200 Basic") {
		t.Errorf("Basic login sequence:\n%s", j)
	}
}

func TestPullTraceOfPushedImage(t *testing.T) {
	s := start(t)
	authz, err := s.tokens.AdminAuthorization("library/hello")
	if err != nil {
		t.Fatal(err)
	}
	digest, err := sandbox.PushImageTo(context.Background(), "http://"+s.harbor, authz, "library/hello", "latest")
	if err != nil {
		t.Fatalf("pushing through nginx to registry 2.8: %v", err)
	}
	home := t.TempDir()
	n := len(settledLines(t, s.accessLog, 0))
	r := runTool(t, home, s.users["alice"], s.regauth, "pull-trace", s.harbor+"/library/hello:latest", "-u", "alice", "--password-stdin")
	if r.code != 0 || !strings.Contains(r.out, digest) {
		t.Fatalf("pull-trace of a pushed image: exit %d, want the digest %s\n%s%s", r.code, digest, r.out, r.err)
	}
	wire := strings.Join(settledLines(t, s.accessLog, n), "\n")
	for _, want := range []string{
		"GET /service/token?account=alice&scope=repository%3Alibrary%2Fhello%3Apull&service=harbor-registry 200 Basic",
		"HEAD /v2/library/hello/manifests/latest 200 Bearer",
	} {
		if !strings.Contains(wire, want) {
			t.Errorf("nginx should have logged %q:\n%s", want, wire)
		}
	}
	// A repository alice may not pull: refused, with the scope analysis.
	r = runTool(t, home, s.users["bob"], s.regauth, "pull-trace", s.harbor+"/private/secret:latest", "-u", "bob", "--password-stdin")
	if r.code != 1 || !strings.Contains(r.out, "INSUFFICIENT_SCOPE") {
		t.Errorf("bob pulling private/secret: exit %d, want 1 with INSUFFICIENT_SCOPE\n%s", r.code, r.out)
	}
}

package flow

// Parity with the real Docker CLI: docker login (which, with no daemon,
// performs the login itself) and regauth's Login against the same sandbox
// must put the same requests on the wire. Skipped where no docker CLI is
// installed, except under CI, where a missing CLI is a failure.

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

func needDocker(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("docker")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("the docker CLI is not on PATH: CI must install it (docker-cli or docker.io) for the parity tests")
		}
		t.Skip("no docker CLI on PATH")
	}
	return path
}

// wireLine is a request reduced to what Docker's behaviour fixes: method,
// host role, path, query (keys and values, sorted) and auth scheme.
func wireLines(sb *sandbox.Sandbox) []string {
	var out []string
	for _, r := range sb.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		keys := make([]string, 0, len(q))
		for k := range q {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var parts []string
		for _, k := range keys {
			parts = append(parts, k+"="+strings.Join(q[k], "|"))
		}
		out = append(out, fmt.Sprintf("%s %s %s?%s auth=%s", r.Method, r.Host, r.Path, strings.Join(parts, "&"), r.AuthScheme))
	}
	return out
}

func TestDockerLoginParity(t *testing.T) {
	docker := needDocker(t)
	for _, like := range []sandbox.Like{sandbox.LikeHarbor, sandbox.LikeDockerHub, sandbox.LikeBasic} {
		t.Run(string(like), func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Like: like})
			pw := sb.Users()["alice"]
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, docker, "login", sb.Host(), "-u", "alice", "--password-stdin")
			cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+t.TempDir())
			cmd.Stdin = strings.NewReader(pw)
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("docker login: %v\n%s", err, out)
			}
			dockerWire := wireLines(sb)

			sb.ResetRequests()
			tr := Login(context.Background(), Options{Registry: sb.Host(), Timeout: 10 * time.Second,
				Credentials: Credentials{Username: "alice", Password: pw, Source: "test"}})
			if !tr.OK() {
				t.Fatalf("regauth login: %s\n%s", tr.Summary, diagText(tr))
			}
			ours := wireLines(sb)
			if strings.Join(ours, "\n") != strings.Join(dockerWire, "\n") {
				t.Errorf("regauth's wire differs from docker's\n--- docker ---\n%s\n--- regauth ---\n%s", strings.Join(dockerWire, "\n"), strings.Join(ours, "\n"))
			}
		})
	}
}

// An open registry (/v2/ answers 200 to anyone): docker login still sends
// its own GET /v2/ after the ping. A fake server, because every sandbox
// front asks for credentials; the docker CLI is the oracle.
func TestDockerLoginParityOpenRegistry(t *testing.T) {
	docker := needDocker(t)
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" auth="+r.Header.Get("Authorization"))
		mu.Unlock()
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("{}"))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, docker, "login", host, "-u", "alice", "--password-stdin")
	cmd.Env = append(os.Environ(), "DOCKER_CONFIG="+t.TempDir(), "DOCKER_HOST=unix:///nonexistent.sock")
	cmd.Stdin = strings.NewReader("pw")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("docker login: %v\n%s", err, out)
	}
	mu.Lock()
	dockerWire := strings.Join(got, "\n")
	got = nil
	mu.Unlock()
	tr := Login(context.Background(), Options{Registry: host, Timeout: 10 * time.Second, Credentials: Credentials{Username: "alice", Password: "pw", Source: "test"}})
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	mu.Lock()
	ours := strings.Join(got, "\n")
	mu.Unlock()
	if ours != dockerWire || strings.Count(ours, "GET /v2/") != 2 {
		t.Errorf("docker sent\n%s\nregauth sent\n%s", dockerWire, ours)
	}
}

package flow

// Parity with the real Docker CLI: docker login (which, with no daemon,
// performs the login itself) and regauth's Login against the same sandbox
// must put the same requests on the wire. Skipped where no docker CLI is
// installed, except under CI, where a missing CLI is a failure.

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
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

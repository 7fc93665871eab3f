package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

func startSandbox(t *testing.T, like sandbox.Like) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Like: like})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// traceCLI is a cli whose clock is real: the sandbox issues tokens now.
func traceCLI(t *testing.T) *cli {
	c := newCLI(t)
	c.now = time.Now
	return c
}

func TestLoginTraceGolden(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"] + "\n"
	r := c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "--no-color").wantCode(t, 0)
	golden(t, "login-trace.golden", normalise(r.out, true))

	c.in = sb.Users()["alice"] + "\n"
	r = c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "-o", "json").wantCode(t, 0)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	golden(t, "login-trace.json.golden", normalise(r.out, true))

	c.in = "wrong-password\n"
	r = c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "--no-color").wantCode(t, 1)
	golden(t, "login-trace-refused.golden", normalise(r.out, true))
}

func TestLoginTraceExitCodes(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeDistribution)
	pw := sb.Users()["alice"]
	traceCLI(t).run("login-trace", sb.Host(), "-u", "alice", "-p", pw).wantCode(t, 0)
	traceCLI(t).run("login-trace", sb.Host(), "-u", "alice", "-p", "nope-nope").wantCode(t, 1)
	// Nothing listens on port 1 of 127.0.0.9: a transport failure.
	r := traceCLI(t).run("login-trace", "127.0.0.9:1", "-u", "alice", "-p", pw, "--timeout", "2s").wantCode(t, 3)
	if !strings.Contains(r.out, "REGISTRY_UNREACHABLE") || !strings.Contains(r.out, "UNREACHABLE") {
		t.Errorf("unreachable registry:\n%s", r.out)
	}
}

func TestLoginTraceCredentialsFromConfig(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	pw := sb.Users()["alice"]
	auth := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))

	// A key stored with a scheme and path matches by host, as in Docker.
	c := traceCLI(t)
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"http://`+sb.Host()+`/v1/":{"auth":"`+auth+`"}}}`)
	r := c.run("login-trace", "http://"+sb.Host()).wantCode(t, 0)
	if !strings.Contains(r.out, `auths["http://`+sb.Host()+`/v1/"]`) || !strings.Contains(r.out, "as alice") {
		t.Errorf("the trace should say where the credentials came from:\n%s", r.out)
	}

	// --config names the file; nothing for this host means anonymous.
	cfg := writeFile(t, t.TempDir(), "config.json", `{"auths":{"other.example":{"auth":"`+auth+`"}}}`)
	r = traceCLI(t).run("login-trace", "http://"+sb.Host(), "--config", cfg).wantCode(t, 0)
	if !strings.Contains(r.out, "anonymously") || !strings.Contains(r.out, "no entry for") {
		t.Errorf("no entry: anonymous, and say so:\n%s", r.out)
	}

	// A credential helper, run as Docker runs it.
	c = traceCLI(t)
	dir := t.TempDir()
	writeFile(t, dir, "docker-credential-sandbox", "#!/bin/sh\nread url\necho '{\"ServerURL\":\"'$url'\",\"Username\":\"alice\",\"Secret\":\""+pw+"\"}'\n")
	if err := os.Chmod(filepath.Join(dir, "docker-credential-sandbox"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"`+sb.Host()+`":{}},"credsStore":"sandbox"}`)
	r = c.run("login-trace", "http://"+sb.Host()).wantCode(t, 0)
	if !strings.Contains(r.out, "docker-credential-sandbox") || strings.Contains(r.out, pw) {
		t.Errorf("helper credentials:\n%s", r.out)
	}

	// A broken helper is a clear error, not a silent anonymous login
	// (helperfail_test.go has the trace it gives).
	c = traceCLI(t)
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"credsStore":"no-such-helper"}`)
	r = c.run("login-trace", "http://"+sb.Host())
	if r.code == 0 || !strings.Contains(r.err+r.out, "docker-credential-no-such-helper") {
		t.Errorf("missing helper: exit %d\n%s%s", r.code, r.out, r.err)
	}
}

func TestLoginTraceIdentityTokenFromConfig(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeDockerHub)
	// docker login against the Hub-like service stores the refresh token it
	// returns as identitytoken; get one the same way.
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	r := c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "--oauth", "-o", "json", "--show-secrets").wantCode(t, 0)
	var doc struct {
		Steps []struct {
			Response struct{ Body string }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	var reply struct {
		RefreshToken string `json:"refresh_token"`
	}
	json.Unmarshal([]byte(doc.Steps[len(doc.Steps)-2].Response.Body), &reply)
	if reply.RefreshToken == "" {
		t.Fatalf("no refresh token in the token reply: %s", r.out)
	}
	c = traceCLI(t)
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"`+sb.Host()+`":{"identitytoken":"`+reply.RefreshToken+`"}}}`)
	r = c.run("login-trace", "http://"+sb.Host(), "-v").wantCode(t, 0)
	if !strings.Contains(r.out, "grant_type=refresh_token") || !strings.Contains(r.out, "with an identity token") {
		t.Errorf("identity token login:\n%s", r.out)
	}
	if strings.Contains(r.out, reply.RefreshToken) {
		t.Errorf("the identity token leaked")
	}
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// An old client against Harbor: the /v1/ 404, why, and the v2 handshake a
// current client makes beside it.
func TestLoginTraceV1Golden(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	ua := "docker/1.9.1 go/go1.4.3 kernel/3.10.0 os/linux arch/amd64"
	r := c.run("login-trace", "http://"+sb.Host(), "--api", "v1", "-u", "alice", "--password-stdin", "--user-agent", ua, "--no-color").wantCode(t, exitRefused)
	golden(t, "v1-login-harbor.golden", normalise(r.out, true))
	for i, q := range sb.Requests() {
		if q.UserAgent != ua {
			t.Errorf("request %d (%s %s) went with User-Agent %q", i+1, q.Method, q.Path, q.UserAgent)
		}
	}
	// The wire: the old client's two requests, then the current client's three.
	var seq []string
	for _, q := range sb.Requests() {
		seq = append(seq, q.Method+" "+q.Path)
	}
	if got := strings.Join(seq, ", "); got != "GET /v1/_ping, POST /v1/users/, GET /v2/, GET /service/token, GET /v2/" {
		t.Errorf("requests: %s", got)
	}

	c.in = sb.Users()["alice"]
	r = c.run("login-trace", "http://"+sb.Host(), "--api", "v1", "-u", "alice", "--password-stdin", "-o", "json").wantCode(t, exitRefused)
	var doc struct {
		SchemaVersion int    `json:"schemaVersion"`
		Verdict       string `json:"verdict"`
		Steps         []struct{ Kind string }
		Diagnoses     []struct{ Code string }
		Details       struct {
			API     string `json:"api"`
			V2Login struct {
				Verdict string `json:"verdict"`
			} `json:"v2_login"`
		} `json:"details"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if doc.SchemaVersion != 1 || doc.Verdict != "refused" || len(doc.Steps) != 2 || doc.Steps[0].Kind != "v1" ||
		doc.Diagnoses[0].Code != "V1_NOT_SUPPORTED" || doc.Details.API != "v1" || doc.Details.V2Login.Verdict != "ok" {
		t.Errorf("--api v1 JSON: %+v\n%s", doc, r.out)
	}
	golden(t, "v1-login-harbor.json.golden", normalise(r.out, true))
}

func TestLoginTraceAPIFlag(t *testing.T) {
	r := newCLI(t).run("login-trace", "reg.example", "--api", "v3")
	r.wantCode(t, exitUsage).wantOneLineError(t, "login-trace", `--api "v3"`)
	r = newCLI(t).run("login-trace", "--help").wantCode(t, exitOK)
	if !strings.Contains(r.out, "--api") || !strings.Contains(r.out, "POST /v1/users/") {
		t.Errorf("login-trace --help should explain --api v1:\n%s", r.out)
	}
}

// A v1 login over TLS fails on the certificate like any other: exit 3.
func TestLoginTraceV1TLS(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSWrongName)
	c := traceCLI(t)
	c.in = "x-password"
	r := c.run("login-trace", "https://"+sb.Host(), "--api", "v1", "-u", "alice", "--password-stdin", "--ca-file", caFile(t, sb), "--certs-dir", t.TempDir()).wantCode(t, exitTransport)
	if !strings.Contains(r.out, "TLS_HOSTNAME_MISMATCH") || !strings.Contains(r.out, "names DNS:registry.example.test, IP:192.0.2.10, not 127.0.0.1") {
		t.Errorf("the certificate problem, with the names:\n%s", r.out)
	}
}

// login-trace over TLS: trust from --ca-file and from certs.d, and the
// untrusted case with where the CA goes.
func TestLoginTraceTLSTrust(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSValid)
	pw := sb.Users()["alice"]
	traceCLI(t).run("login-trace", "https://"+sb.Host(), "-u", "alice", "-p", pw, "--ca-file", caFile(t, sb), "--certs-dir", t.TempDir()).wantCode(t, exitOK)
	traceCLI(t).run("login-trace", "https://"+sb.Host(), "-u", "alice", "-p", pw, "--certs-dir", certsDir(t, sb)).wantCode(t, exitOK)
	r := traceCLI(t).run("login-trace", "https://"+sb.Host(), "-u", "alice", "-p", pw, "--certs-dir", t.TempDir()).wantCode(t, exitTransport)
	for _, w := range []string{"TLS_UNKNOWN_AUTHORITY", `no trusted CA is "CN=regauth sandbox root CA"`, "/etc/docker/certs.d/" + sb.Host() + "/ca.crt", "/etc/containers/certs.d/"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("want %q:\n%s", w, r.out)
		}
	}
	// A plain-http registry addressed as https: the insecure-registries advice.
	plain := startSandbox(t, sandbox.LikeHarbor)
	r = traceCLI(t).run("login-trace", "https://"+plain.Host(), "-u", "alice", "-p", pw).wantCode(t, exitTransport)
	if !strings.Contains(r.out, "HTTP_RESPONSE_TO_HTTPS") || !strings.Contains(r.out, "insecure-registries") {
		t.Errorf("https to a plain-http port:\n%s", r.out)
	}
}

// pull-trace meets the same certificate problems through the same ping:
// exit 3 and the specific message, not "not a registry".
func TestPullTraceTLSFailures(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSWrongName)
	r := traceCLI(t).run("pull-trace", sb.Host()+"/library/hello:latest", "--anonymous", "--ca-file", caFile(t, sb), "--certs-dir", t.TempDir()).wantCode(t, exitTransport)
	if !strings.Contains(r.out, "TLS_HOSTNAME_MISMATCH") || !strings.Contains(r.out, "names DNS:registry.example.test, IP:192.0.2.10, not 127.0.0.1") || strings.Contains(r.out, "NOT_A_REGISTRY") {
		t.Errorf("pull-trace against a wrongly named certificate:\n%s", r.out)
	}
	tlsSB := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSValid)
	r = traceCLI(t).run("pull-trace", tlsSB.Host()+"/library/hello:latest", "--anonymous", "--plain-http", "--certs-dir", t.TempDir()).wantCode(t, exitTransport)
	if !strings.Contains(r.out, "HTTP_REQUEST_TO_HTTPS") {
		t.Errorf("pull-trace --plain-http against a TLS port:\n%s", r.out)
	}
}

package flow

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

// trusting is a transport that trusts only the given PEM CAs (none: nothing).
func trusting(pems ...[]byte) http.RoundTripper {
	pool := x509.NewCertPool()
	for _, p := range pems {
		pool.AppendCertsFromPEM(p)
	}
	return &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: pool}}
}

func tlsSandbox(t *testing.T, fault sandbox.TLSFault) *sandbox.Sandbox {
	return startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor, TLS: &sandbox.TLSOptions{Fault: fault}})
}

func loginVia(sb *sandbox.Sandbox, registry string, rt http.RoundTripper) *Trace {
	o := sandboxOpts(sb, "alice", sb.Users()["alice"])
	o.Registry, o.Transport, o.Timeout = registry, rt, 5*time.Second
	return Login(context.Background(), o)
}

// Each certificate fault ends the login as a transport failure whose
// diagnosis says which certificate, which names and since when.
func TestLoginTLSFaultsAreSpecific(t *testing.T) {
	cases := []struct {
		fault    sandbox.TLSFault
		trustCA  bool
		code     diagnose.Code
		mentions []string
	}{
		{sandbox.TLSValid, false, diagnose.TLSUnknownAuthority, []string{`"CN=regauth sandbox intermediate CA", issued by "CN=regauth sandbox root CA"`, "certs.d/127.0.0.1:"}},
		{sandbox.TLSMissingIntermediate, true, diagnose.TLSUnknownAuthority, []string{"sent only its own certificate", "missing intermediate", `"CN=regauth sandbox intermediate CA"`}},
		{sandbox.TLSSelfSigned, true, diagnose.TLSUnknownAuthority, []string{"is self-signed"}},
		{sandbox.TLSWrongName, true, diagnose.TLSHostnameMismatch, []string{"names DNS:registry.example.test, IP:192.0.2.10, not 127.0.0.1"}},
		{sandbox.TLSExpired, true, diagnose.TLSExpired, []string{`the server's certificate "CN=127.0.0.1" expired 2 days ago, on `}},
	}
	for _, c := range cases {
		t.Run(string(c.fault)+"/", func(t *testing.T) {
			sb := tlsSandbox(t, c.fault)
			var rt http.RoundTripper = trusting()
			if c.trustCA {
				rt = trusting(sb.CAPEM())
			}
			tr := loginVia(sb, sb.URL(), rt)
			if tr.Verdict != VerdictTransport || !hasCode(tr, c.code) {
				t.Fatalf("verdict %s, want a transport failure with %s:\n%s", tr.Verdict, c.code, diagText(tr))
			}
			for _, m := range c.mentions {
				if !strings.Contains(diagText(tr)+hintText(tr), m) {
					t.Errorf("the diagnosis should say %q:\n%s%s", m, diagText(tr), hintText(tr))
				}
			}
			if len(sb.Requests()) != 0 {
				t.Errorf("nothing may reach the registry over a failed handshake: %+v", sb.Requests())
			}
		})
	}
}

func hintText(tr *Trace) string {
	var b strings.Builder
	for _, d := range tr.Diagnoses {
		b.WriteString(d.Hint + "\n")
	}
	return b.String()
}

func TestLoginTLSTrusted(t *testing.T) {
	sb := tlsSandbox(t, sandbox.TLSValid)
	if tr := loginVia(sb, sb.URL(), trusting(sb.CAPEM())); !tr.OK() {
		t.Fatalf("trusting the root, the login succeeds: %s\n%s", tr.Summary, diagText(tr))
	}
}

// A loopback host with no scheme: https fails on the certificate, the http
// fallback reaches a TLS port. The certificate is the problem, not "not a
// registry" and not a fallback.
func TestLoginLoopbackFallbackToTLSPort(t *testing.T) {
	sb := tlsSandbox(t, sandbox.TLSValid)
	tr := loginVia(sb, sb.Host(), trusting())
	if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.TLSUnknownAuthority) || hasCode(tr, diagnose.NotARegistry) || hasCode(tr, diagnose.HTTPFallback) {
		t.Fatalf("verdict %s:\n%s", tr.Verdict, diagText(tr))
	}
	if len(tr.Steps) != 2 || !strings.Contains(strings.Join(tr.Steps[1].Notes, " "), "speaks https only") {
		t.Errorf("the http step should say the port speaks https only: %+v", tr.Steps)
	}
}

// Plain http to a TLS port, and TLS to a plain-http port.
func TestLoginSchemeMismatch(t *testing.T) {
	tlsSB := tlsSandbox(t, sandbox.TLSValid)
	tr := loginVia(tlsSB, "http://"+tlsSB.Host(), trusting(tlsSB.CAPEM()))
	if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.HTTPRequestToHTTPS) {
		t.Fatalf("plain http to a TLS port: %s\n%s", tr.Verdict, diagText(tr))
	}
	if !strings.Contains(hintText(tr), "drop --plain-http") {
		t.Errorf("hint: %s", hintText(tr))
	}

	plain := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr = loginVia(plain, "https://"+plain.Host(), trusting())
	if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.HTTPResponseToHTTPS) {
		t.Fatalf("https to a plain port: %s\n%s", tr.Verdict, diagText(tr))
	}
	h := hintText(tr)
	for _, w := range []string{`"insecure-registries": ["` + plain.Host() + `"]`, "restart", "--plain-http"} {
		if !strings.Contains(h, w) {
			t.Errorf("the hint should say %q: %s", w, h)
		}
	}
}

// The old client fails the same way on a certificate.
func TestLoginV1TLS(t *testing.T) {
	sb := tlsSandbox(t, sandbox.TLSWrongName)
	o := sandboxOpts(sb, "alice", "x")
	o.Registry, o.Transport = sb.URL(), trusting(sb.CAPEM())
	tr := LoginV1(context.Background(), o)
	if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.TLSHostnameMismatch) {
		t.Fatalf("%s\n%s", tr.Verdict, diagText(tr))
	}
}

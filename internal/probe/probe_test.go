package probe

import (
	"context"
	"crypto/x509"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/sandbox"
)

func hasCode(r *Report, code diagnose.Code) bool {
	for _, d := range r.Diagnoses {
		if d.Code == code {
			return true
		}
	}
	return false
}

func run(t *testing.T, o Options) *Report {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	r, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The missing intermediate against a client that trusts the root: the
// chain is shown as sent (one certificate), the --ca-file row says not
// trusted, and the finding names the intermediate.
func TestProbeMissingIntermediate(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Like: sandbox.LikeHarbor, TLS: &sandbox.TLSOptions{Fault: sandbox.TLSMissingIntermediate}})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(ca, sb.CAPEM(), 0o600)
	trust, err := LoadTrust(ca, t.TempDir(), sb.Host())
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, Options{Registry: sb.Host(), Trust: trust})
	tl := r.Host(RoleRegistry).TLS
	if tl == nil || len(tl.Chain) != 1 || tl.Trusted || tl.Verified || !tl.NameOK {
		t.Fatalf("TLS result: %+v", tl)
	}
	if tl.Trust[1].Source != "--ca-file" || tl.Trust[1].Trusted || tl.Trust[2].Detail != "no such folder" {
		t.Errorf("trust rows: %+v", tl.Trust)
	}
	if r.Problem != ProblemTLS || r.Verdict != VerdictTransportFail || r.API != APIV2 {
		t.Errorf("problem %s verdict %s api %s", r.Problem, r.Verdict, r.API)
	}
	var msg string
	for _, d := range r.Diagnoses {
		if d.Code == diagnose.TLSUnknownAuthority {
			msg = d.Message
		}
	}
	if !strings.Contains(msg, "missing intermediate") || !strings.Contains(msg, "CN=regauth sandbox intermediate CA") {
		t.Errorf("the finding should name the missing intermediate: %q", msg)
	}
	// With the intermediate trusted too, as the hint suggests, it verifies.
	os.WriteFile(ca, append(sb.CAPEM(), sb.IntermediatePEM()...), 0o600)
	trust, _ = LoadTrust(ca, "", sb.Host())
	if r := run(t, Options{Registry: sb.Host(), Trust: trust}); r.Verdict != VerdictOK {
		t.Errorf("trusting the intermediate: %s %+v", r.Verdict, r.Diagnoses)
	}
}

// The token service named by the realm is probed on its own: a realm on a
// host nothing listens on is the token service's problem, exit 3.
func TestProbeRealmUnreachable(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.Header().Set("WWW-Authenticate", `Bearer realm="http://127.0.0.9:1/token",service="svc"`)
		w.WriteHeader(http.StatusUnauthorized)
	}))
	defer s.Close()
	r := run(t, Options{Registry: s.URL, Timeout: 2 * time.Second})
	h := r.Host(RoleTokenService)
	if h == nil || h.Host != "127.0.0.9:1" || h.TCP == nil || h.TCP.Err == "" {
		t.Fatalf("token service host: %+v", h)
	}
	if r.Problem != ProblemTokenService || r.Verdict != VerdictTransportFail || !hasCode(r, diagnose.RealmUnreachable) || !hasCode(r, diagnose.RealmOtherHost) {
		t.Errorf("problem %s verdict %s %+v", r.Problem, r.Verdict, r.Diagnoses)
	}
}

func TestChooseScheme(t *testing.T) {
	ep := func(s string, plain bool) flow.Endpoint {
		e, err := flow.ParseEndpoint(s, plain)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	cases := []struct {
		ep     flow.Endpoint
		speaks string
		want   string
	}{
		{ep("reg.example", false), "https", "https"},
		{ep("reg.example", false), "http", "http"}, // asked anyway; the mismatch is diagnosed
		{ep("127.0.0.1:5000", false), "http", "http"},
		{ep("127.0.0.1:5000", false), "both", "https"},
		{ep("reg.example", true), "both", "http"},
		{ep("reg.example", true), "https", "https"},
		{ep("reg.example", false), "neither", ""},
	}
	p := &prober{}
	for _, c := range cases {
		if got := p.chooseScheme(&HostReport{Speaks: c.speaks}, c.ep); got != c.want {
			t.Errorf("%v speaks %s: %q, want %q", c.ep.Schemes, c.speaks, got, c.want)
		}
	}
}

func TestSpeaks(t *testing.T) {
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i+1 < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	v2 := []struct {
		x    Exchange
		want bool
	}{
		{Exchange{Status: 401, APIVersion: "registry/2.0", Headers: h("Content-Type", "application/json")}, true},
		{Exchange{Status: 200, Headers: h("Content-Type", "application/json")}, true},
		{Exchange{Status: 200, Headers: h("Content-Type", "text/html")}, false},
		{Exchange{Status: 404, APIVersion: "registry/2.0"}, false},
		{Exchange{Status: 401, Headers: h()}, false},
	}
	for i, c := range v2 {
		if got := speaksV2(&c.x); got != c.want {
			t.Errorf("v2 case %d: %v", i, got)
		}
	}
	if !speaksV1(&Exchange{Status: 200, V1Version: "0.9.1", Headers: h()}) || !speaksV1(&Exchange{Status: 200, Body: []byte("true"), Headers: h()}) ||
		speaksV1(&Exchange{Status: 200, Body: []byte("<html>"), Headers: h("Content-Type", "text/html")}) || speaksV1(&Exchange{Status: 404, Headers: h()}) {
		t.Error("speaksV1")
	}
}

func TestValidMoment(t *testing.T) {
	now := time.Now()
	c := func(from, until time.Duration) *x509.Certificate {
		return &x509.Certificate{NotBefore: now.Add(from), NotAfter: now.Add(until)}
	}
	if got := validMoment([]*x509.Certificate{c(-time.Hour, time.Hour)}, now); !got.Equal(now) {
		t.Errorf("a valid chain is checked now: %v", got)
	}
	expired := c(-90*24*time.Hour, -48*time.Hour)
	if got := validMoment([]*x509.Certificate{expired, c(-365*24*time.Hour, 3650*24*time.Hour)}, now); !got.Equal(expired.NotAfter) {
		t.Errorf("an expired leaf is checked at its last valid moment: %v", got)
	}
}

func TestLoadTrust(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("nope"), 0o600)
	if _, err := LoadTrust(junk, "", "h:1"); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("junk CA file: %v", err)
	}
	if _, err := LoadTrust(filepath.Join(dir, "absent.pem"), "", "h:1"); err == nil || !strings.Contains(err.Error(), "--ca-file") {
		t.Errorf("absent CA file: %v", err)
	}
	ts, err := LoadTrust("", dir, "h:1")
	if err != nil || ts[2].Detail != "no such folder" || ts[2].Path != filepath.Join(dir, "h:1") || ts[1].Detail != "not given" {
		t.Errorf("empty sources: %+v %v", ts, err)
	}
	if got := withPort("Reg.Example", "https"); got != "reg.example:443" {
		t.Errorf("withPort: %s", got)
	}
	if got := withPort("reg.example:5000", "http"); got != "reg.example:5000" {
		t.Errorf("withPort: %s", got)
	}
}

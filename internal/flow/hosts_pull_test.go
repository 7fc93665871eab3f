package flow

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/hoststoml"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

func TestRouteRewritesRootAndAddsNS(t *testing.T) {
	e := &engine{opts: Options{Route: &HostRoute{Root: "/api/v2/proj", NS: "docker.io", Header: http.Header{"x-team": {"a"}}}}}
	req, _ := http.NewRequest(http.MethodHead, "https://harbor.example.com/v2/library/alpine/manifests/3", nil)
	e.routeRegistry(req)
	if got := req.URL.String(); got != "https://harbor.example.com/api/v2/proj/library/alpine/manifests/3?ns=docker.io" {
		t.Errorf("override_path root and ?ns=: %s", got)
	}
	//lint:ignore SA1008 containerd sets hosts.toml headers as written, not canonicalised
	if req.Header["x-team"][0] != "a" {
		t.Errorf("hosts.toml header as written: %v", req.Header)
	}
	tok, _ := http.NewRequest(http.MethodGet, "https://auth.example.com/token?scope=x", nil)
	e.routeToken(tok)
	//lint:ignore SA1008 as above
	if tok.URL.RawQuery != "scope=x" || tok.Header["x-team"][0] != "a" {
		t.Errorf("a token request gets the headers, not ?ns=: %s %v", tok.URL, tok.Header)
	}
}

// A mirror with other credentials fails, a pull-only mirror is skipped for
// the tag, the upstream resolves it, and the fetch by digest goes over the
// hosts in order again: the pull-only mirror answers.
func TestPullHostsBypassAndPullOnly(t *testing.T) {
	ctx := context.Background()
	start := func(pw string) *sandbox.Sandbox {
		sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution, Users: map[string]string{"alice": pw}})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sb.Close() })
		return sb
	}
	pw := "Synth3tic-pw"
	other, pullOnly, up := start("another-pw"), start(pw), start(pw)
	for _, sb := range []*sandbox.Sandbox{other, pullOnly, up} {
		if _, err := sb.PushImage(ctx, "library/hello", "1"); err != nil {
			t.Fatal(err)
		}
		sb.ResetRequests()
	}
	img, _ := imageref.Parse(up.Host() + "/library/hello:1")
	res := &hoststoml.Resolution{Registry: img.Domain, Hosts: []hoststoml.Host{
		{Scheme: "http", Host: other.Host(), Path: "/v2", Capabilities: []string{"pull", "resolve"}, Source: "t"},
		{Scheme: "http", Host: pullOnly.Host(), Path: "/v2", Capabilities: []string{"pull"}, Source: "t"},
		{Scheme: "http", Host: up.Host(), Path: "/v2", Capabilities: hoststoml.AllCapabilities, Server: true, Source: "t"},
	}}
	prof, _ := LookupProfile("containerd@1.6")
	c := Credentials{Username: "alice", Password: pw, Source: "test"}
	out := PullHosts(ctx, Options{Profile: prof, Timeout: 10 * time.Second, Credentials: c}, PullRequest{Image: img}, res, HostEnv{})
	var got []string
	for _, a := range out.Attempts {
		got = append(got, a.Phase+" "+a.Host.Host+" "+a.Outcome)
	}
	want := []string{
		"resolve " + other.Host() + " failed: next host",
		"resolve " + up.Host() + " resolved 1 to " + out.Attempts[1].Outcome[len("resolved 1 to "):],
		"fetch " + other.Host() + " failed: next host",
		"fetch " + pullOnly.Host() + " answered",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("attempts\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if out.Verdict != VerdictOK || out.Answered != "http://"+pullOnly.Host()+"/v2" {
		t.Errorf("%s %s: %s", out.Verdict, out.Answered, out.Summary)
	}
	var codes []string
	for _, d := range out.Diagnoses {
		codes = append(codes, string(d.Code))
	}
	if strings.Join(codes, " ") != string(diagnose.HostsNoResolve)+" "+string(diagnose.HostsMirrorBypassed) {
		t.Errorf("diagnoses %v", codes)
	}
	for _, q := range pullOnly.Requests() {
		if q.Method == http.MethodHead || !strings.Contains(q.Path, "/manifests/sha256:") && !strings.Contains(q.Path, "/token") {
			t.Errorf("the pull-only mirror is asked only by digest: %s %s", q.Method, q.Path)
		}
		if !strings.HasPrefix(q.Path, "/auth") && q.RawQuery == "" {
			t.Errorf("no ?ns= on %s", q.Path)
		}
	}
	if len(up.Requests()) == 0 {
		t.Errorf("the upstream resolved the tag")
	}
}

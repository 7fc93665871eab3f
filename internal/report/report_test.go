package report

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/sandbox"
)

func startSB(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func login(sb *sandbox.Sandbox, user, pass string, r *redact.Redactor) *flow.Trace {
	return flow.Login(context.Background(), flow.Options{Registry: sb.Host(), Timeout: 5 * time.Second, Redactor: r,
		Credentials: flow.Credentials{Username: user, Password: pass, Source: "test"}})
}

// shapes are the traces a report must draw: Bearer, Basic, the OAuth POST
// with its fallback, a redirect, a TLS failure, a transport failure, a
// push, each client of a compare, and server text full of what breaks
// Mermaid.
func shapes(t *testing.T, r *redact.Redactor) map[string]*flow.Trace {
	t.Helper()
	ctx := context.Background()
	out := map[string]*flow.Trace{}
	harbor := startSB(t, sandbox.Options{Like: sandbox.LikeHarbor})
	if _, err := harbor.PushImage(ctx, "library/hello", "latest"); err != nil {
		t.Fatal(err)
	}
	out["bearer-wrong-password"] = login(harbor, "alice", "Wrong-Pass-77", r)
	out["bearer-ok"] = login(harbor, "alice", harbor.Users()["alice"], r)
	basic := startSB(t, sandbox.Options{Like: sandbox.LikeBasic})
	out["basic"] = login(basic, "alice", basic.Users()["alice"], r)

	ref, _ := imageref.Parse(harbor.Host() + "/library/hello")
	prof, _ := flow.LookupProfile("containerd")
	out["oauth-fallback"], _ = flow.Pull(ctx, flow.Options{Registry: ref.Registry, PlainHTTP: true, Profile: prof, Redactor: r,
		Credentials: flow.Credentials{Username: "alice", Password: harbor.Users()["alice"], Source: "test"}}, flow.PullRequest{Image: ref})
	push, _ := imageref.Parse(harbor.Host() + "/library/new:1")
	out["push"], _ = flow.Push(ctx, flow.Options{Registry: push.Registry, PlainHTTP: true, Redactor: r,
		Credentials: flow.Credentials{Username: "bob", Password: harbor.Users()["bob"], Source: "test"}}, flow.PushRequest{Image: push})
	for _, run := range flow.CompareClients(ctx, flow.Options{Registry: ref.Registry, PlainHTTP: true, Redactor: r,
		Credentials: flow.Credentials{Username: "alice", Password: harbor.Users()["alice"], Source: "test"}}, flow.PullRequest{Image: ref}, flow.Profiles()) {
		out["compare-"+run.Profile.ID()] = run.Trace
	}

	tlsSB := startSB(t, sandbox.Options{Like: sandbox.LikeHarbor, TLS: &sandbox.TLSOptions{Fault: sandbox.TLSSelfSigned}})
	out["tls-failure"] = flow.Login(ctx, flow.Options{Registry: "https://" + tlsSB.Host(), Timeout: 5 * time.Second, Redactor: r})

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	out["transport-failure"] = flow.Login(ctx, flow.Options{Registry: "http://" + dead, Timeout: 2 * time.Second, Redactor: r})

	// A redirect to storage, and server text with ; # " and a bare end.
	redirect := &flow.Trace{Command: "pull-trace", Registry: "r.example", Endpoint: "https://r.example", Verdict: flow.VerdictRefused,
		Client: &flow.ClientInfo{ID: "docker"}, Summary: "end; #1 \"quoted\""}
	redirect.Steps = []*flow.Step{
		{Index: 1, Kind: flow.StepBlob, Title: "blob", Request: &flow.Request{Method: "GET", URL: "https://r.example/v2/a/blobs/sha256:1", Headers: http.Header{"Authorization": {"Bearer x"}}},
			Response: &flow.Response{Status: 307, StatusText: "Temporary Redirect", Headers: http.Header{"Location": {"https://s3.example/b"}}}},
		{Index: 2, Kind: flow.StepRedirect, Title: "redirect", Request: &flow.Request{Method: "GET", URL: "https://s3.example/b;c#end", Headers: http.Header{}},
			Response: &flow.Response{Status: 403, StatusText: "Forbidden \"end\" ; #x", Headers: http.Header{}}},
	}
	out["redirect-and-escapes"] = redirect
	return out
}

func TestMermaidParsesEveryShape(t *testing.T) {
	r := redact.New(false)
	diagrams := map[string]string{}
	for name, tr := range shapes(t, r) {
		diagrams[name] = buildSequence(tr, r).Mermaid()
	}
	mermaidParse(t, diagrams)
}

func TestMarkdownReport(t *testing.T) {
	r := redact.New(false)
	sb := startSB(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr := login(sb, "alice", "Wrong-Pass-77", r)
	var b bytes.Buffer
	rep := Report{Command: "regauth login-trace " + sb.Host(), Title: "login-trace " + sb.Host(), Verdict: string(tr.Verdict), Summary: tr.Summary,
		Diagnoses: tr.Diagnoses, Sections: []Section{{Trace: tr}}}
	if err := Markdown(&b, rep, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, want := range []string{"```mermaid\nsequenceDiagram\n    autonumber", "T--xC: 401 Unauthorized", "`BAD_CREDENTIALS`", "<details><summary>step 1"} {
		if !strings.Contains(md, want) {
			t.Errorf("the report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "Wrong-Pass-77") {
		t.Error("the report shows the password")
	}
	// A huge body is shortened, and the report says so.
	tr.Steps[1].Response.Body = bytes.Repeat([]byte("x"), 200000)
	b.Reset()
	rep.Sections = []Section{{Trace: tr}, {Trace: tr}, {Trace: tr}}
	if err := Markdown(&b, rep, r); err != nil {
		t.Fatal(err)
	}
	if b.Len() > MaxMarkdown || !strings.Contains(b.String(), "Bodies were shortened") {
		t.Errorf("report of %d characters, or no word about shortening", b.Len())
	}
}

func TestHTMLReportInBrowser(t *testing.T) {
	r := redact.New(false)
	sb := startSB(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr := login(sb, "alice", "Wrong-Pass-77", r)
	dir := t.TempDir()
	path := filepath.Join(dir, "report.html")
	var b bytes.Buffer
	rep := Report{Command: "regauth login-trace " + sb.Host(), Title: "login-trace", Verdict: string(tr.Verdict), Summary: tr.Summary,
		Diagnoses: tr.Diagnoses, Sections: []Section{{Trace: tr}}, JSON: map[string]any{"command": "login-trace", "note": "</script><b>x"}}
	if err := HTML(&b, rep, r); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if strings.Contains(page, "Wrong-Pass-77") {
		t.Error("the report shows the password")
	}
	// Nothing on the page names another host to load from.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//`).FindString(page); m != "" {
		t.Errorf("the page loads from elsewhere: %s", m)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, path, "--dump-dom")
	requests := 0
	for _, st := range tr.Steps {
		if st.Request != nil {
			requests++
		}
	}
	if n := strings.Count(dom, `class="arrow req`); n != requests {
		t.Errorf("the SVG has %d request arrows, the trace %d requests", n, requests)
	}
	if !strings.Contains(dom, `<svg class="seq"`) || strings.Count(dom, `<details class="step"`) != len(tr.Steps) || !strings.Contains(dom, `id="regauth-json"`) || !strings.Contains(dom, `id="diagnoses"`) {
		t.Errorf("the DOM lacks the diagram, the steps, the diagnoses or the JSON:\n%.2000s", dom)
	}
	shot := filepath.Join(dir, "report.png")
	headless(t, path, "--screenshot="+shot, "--window-size=1280,1400")
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 5000 {
		t.Errorf("no screenshot: %v", err)
	}
	if os.Getenv("REGAUTH_SCREENSHOT") != "" {
		b, _ := os.ReadFile(shot)
		_ = os.WriteFile(os.Getenv("REGAUTH_SCREENSHOT"), b, 0o644)
	}
}

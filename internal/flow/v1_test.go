package flow

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/sandbox"
)

// Harbor's proxy answers every /v1/ path with nginx's 404: the old client's
// POST fails with "Unexpected status code [404]", and no credential leaves.
func TestLoginV1AgainstHarbor(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	o := sandboxOpts(sb, "alice", sb.Users()["alice"])
	o.UserAgent = "docker/1.9.1 go/go1.4.3 kernel/3.10.0 os/linux arch/amd64"
	tr := LoginV1(context.Background(), o)
	if tr.Verdict != VerdictRefused || !strings.HasPrefix(tr.Summary, "Unexpected status code [404] : <html>") {
		t.Fatalf("verdict %s, summary %q\n%s", tr.Verdict, tr.Summary, diagText(tr))
	}
	if !hasCode(tr, diagnose.V1NotSupported) || !strings.Contains(diagText(tr), "Harbor's proxy answers every /v1/ path") {
		t.Errorf("the diagnosis should name the /v1/ 404 and who sends it:\n%s", diagText(tr))
	}
	got := wireOf(sb)
	if len(got) != 2 || got[0].method != "GET" || got[0].path != "/v1/_ping" || got[1].method != "POST" || got[1].path != "/v1/users/" {
		t.Fatalf("want GET /v1/_ping then POST /v1/users/, got %+v", got)
	}
	for i, r := range sb.Requests() {
		if r.UserAgent != o.UserAgent {
			t.Errorf("request %d went with User-Agent %q, want the chosen one", i+1, r.UserAgent)
		}
		if r.Authorization != "" {
			t.Errorf("request %d carried Authorization %q", i+1, r.Authorization)
		}
	}
	// The POST carries the credentials as Docker's AuthConfig JSON.
	var body map[string]any
	if err := json.Unmarshal(tr.Steps[1].Request.Body, &body); err != nil {
		t.Fatalf("POST body: %v: %s", err, tr.Steps[1].Request.Body)
	}
	if body["username"] != "alice" || body["password"] != sb.Users()["alice"] || body["email"] != "" {
		t.Errorf("POST body %v", body)
	}
	if ct := tr.Steps[1].Request.Headers.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
}

// A registry that speaks v1: the POST is refused with 401, the Basic GET
// decides.
func TestLoginV1Branches(t *testing.T) {
	cases := []struct {
		name       string
		postStatus int
		postBody   string
		getStatus  int
		verdict    Verdict
		summary    string
		gets       int
	}{
		{"protected users, good password", 401, "", 200, VerdictOK, "Login Succeeded", 1},
		{"protected users, bad password", 401, "", 401, VerdictRefused, "Wrong login/password, please try again", 1},
		{"account exists", 400, `"Username or email already exists"`, 200, VerdictOK, "Login Succeeded", 1},
		{"account inactive", 400, `"Username or email already exists"`, 403, VerdictRefused, "Login: Account is not Active.", 1},
		{"registration refused", 400, `"Invalid username"`, 0, VerdictRefused, `Registration: "Invalid username"`, 0},
		{"account created", 201, `"User created"`, 0, VerdictOK, "Account created.", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScripted(t, false)
			s.on("GET", "/v1/_ping", func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("X-Docker-Registry-Version", "0.9.1")
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte("true"))
			})
			s.on("POST", "/v1/users/", func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(c.postStatus)
				w.Write([]byte(c.postBody))
			})
			s.on("GET", "/v1/users/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(c.getStatus) })
			tr := LoginV1(context.Background(), plainOpts(s))
			if tr.Verdict != c.verdict || !strings.HasPrefix(tr.Summary, c.summary) {
				t.Fatalf("verdict %s %q, want %s %q\n%s", tr.Verdict, tr.Summary, c.verdict, c.summary, diagText(tr))
			}
			got := s.requests()
			if len(got) != 2+c.gets {
				t.Fatalf("requests: %+v", got)
			}
			if got[1].Auth != "" || !strings.Contains(got[1].Body, `"password":"pw-alice-123"`) {
				t.Errorf("the POST carries the password in its body, not in a header: %+v", got[1])
			}
			if c.gets == 1 && !strings.HasPrefix(got[2].Auth, "Basic ") {
				t.Errorf("the GET carries Basic credentials: %+v", got[2])
			}
			if !strings.Contains(strings.Join(tr.Steps[0].Notes, " "), "version 0.9.1") {
				t.Errorf("the ping should say it is a v1 registry: %v", tr.Steps[0].Notes)
			}
			if c.summary == "Wrong login/password, please try again" && !hasCode(tr, diagnose.BadCredentials) {
				t.Errorf("a refused password is BAD_CREDENTIALS:\n%s", diagText(tr))
			}
		})
	}
}

// A password with characters encoding/json escapes is still registered for
// masking in the form the body carries it.
func TestLoginV1PasswordEscapedInJSON(t *testing.T) {
	s := newScripted(t, false)
	s.on("POST", "/v1/users/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	o := plainOpts(s)
	o.Credentials.Password = `p<w>&"x`
	o.Redactor = redact.New(false)
	tr := LoginV1(context.Background(), o)
	body := string(tr.Steps[1].Request.Body)
	if !strings.Contains(body, `p\u003cw\u003e\u0026\"x`) {
		t.Fatalf("body %s", body)
	}
	if masked := o.Redactor.String(body); strings.Contains(masked, `p\u003cw`) || !strings.Contains(masked, "<password len=") {
		t.Errorf("the escaped password is not masked: %s", masked)
	}
}

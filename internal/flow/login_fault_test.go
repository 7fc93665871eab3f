package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

func hasCode(tr *Trace, code diagnose.Code) bool {
	for _, d := range tr.Diagnoses {
		if d.Code == code {
			return true
		}
	}
	return false
}

func diagText(tr *Trace) string {
	var b strings.Builder
	for _, d := range tr.Diagnoses {
		fmt.Fprintf(&b, "%s %s: %s\n", d.Severity, d.Code, d.Message)
	}
	return b.String()
}

func TestLoginTokenRequestIsDockers(t *testing.T) {
	s := newScripted(t, false)
	now := time.Now()
	s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token?foo=bar",service="my.registry"`, s.URL)))
	s.on("GET", "/token", jsonReply(fmt.Sprintf(`{"token":%q,"expires_in":300}`, testJWT(t, now, nil))))
	tr := Login(context.Background(), plainOpts(s))
	if !tr.OK() {
		t.Fatalf("verdict %s: %s\n%s", tr.Verdict, tr.Summary, diagText(tr))
	}
	got := s.requests()
	if len(got) != 3 {
		t.Fatalf("want the 3 requests Docker makes, got %d: %+v", len(got), got)
	}
	// The exact query Docker's engine sends, keys sorted, realm query merged.
	if want := "account=alice&client_id=docker&foo=bar&offline_token=true&service=my.registry"; got[1].RawQuery != want {
		t.Errorf("token query\n got %s\nwant %s", got[1].RawQuery, want)
	}
	if !strings.HasPrefix(got[1].Auth, "Basic ") || !strings.HasPrefix(got[2].Auth, "Bearer ") || got[0].Auth != "" {
		t.Errorf("auth schemes: ping %q, token %q, retry %q", got[0].Auth, got[1].Auth, got[2].Auth)
	}
	if tr.Token == nil || tr.Token.Decoded == nil || tr.Token.Decoded.Claims.Iss != "fake-issuer" {
		t.Errorf("token not decoded inline: %+v", tr.Token)
	}
}

func TestLoginHTMLTokenReply(t *testing.T) {
	s := newScripted(t, false)
	s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="svc"`, s.URL)))
	s.on("GET", "/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Welcome to the portal</body></html>"))
	})
	tr := Login(context.Background(), plainOpts(s))
	if tr.Verdict != VerdictRefused || !hasCode(tr, diagnose.TokenEndpointError) {
		t.Fatalf("want TOKEN_ENDPOINT_ERROR, got %s\n%s", tr.Verdict, diagText(tr))
	}
	msg := diagText(tr)
	for _, want := range []string{s.URL + "/token", "200", "text/html", "Welcome to the portal"} {
		if !strings.Contains(msg, want) {
			t.Errorf("diagnosis should name %q:\n%s", want, msg)
		}
	}
}

func TestLoginTokenReplyFields(t *testing.T) {
	now := time.Now()
	tok := testJWT(t, now, nil)
	cases := []struct {
		name, body string
		ok         bool
		code       diagnose.Code
	}{
		{"access_token only", fmt.Sprintf(`{"access_token":%q}`, tok), true, ""},
		{"harbor empty access_token", fmt.Sprintf(`{"token":%q,"access_token":""}`, tok), true, ""},
		{"no token at all", `{"expires_in":60}`, false, diagnose.TokenMissing},
		{"empty strings", `{"token":"","access_token":""}`, false, diagnose.TokenMissing},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScripted(t, false)
			s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="svc"`, s.URL)))
			s.on("GET", "/token", jsonReply(c.body))
			tr := Login(context.Background(), plainOpts(s))
			if tr.OK() != c.ok {
				t.Fatalf("ok=%v want %v: %s\n%s", tr.OK(), c.ok, tr.Summary, diagText(tr))
			}
			if c.code != "" && !hasCode(tr, c.code) {
				t.Errorf("want %s:\n%s", c.code, diagText(tr))
			}
			if c.ok {
				if got := s.requests()[2].Auth; got != "Bearer "+tok {
					t.Errorf("retry must carry the token, got %q", got)
				}
			}
		})
	}
}

func TestLoginStallPastTimeout(t *testing.T) {
	s := newScripted(t, false)
	s.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	})
	o := plainOpts(s)
	o.Timeout = 200 * time.Millisecond
	start := time.Now()
	tr := Login(context.Background(), o)
	if el := time.Since(start); el > 3*time.Second {
		t.Fatalf("took %s: the timeout did not bound the request", el)
	}
	if tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.Timeout) {
		t.Fatalf("want a TIMEOUT transport failure, got %s\n%s", tr.Verdict, diagText(tr))
	}
	if !strings.Contains(tr.Steps[0].Err, "--timeout") {
		t.Errorf("step error should name --timeout: %q", tr.Steps[0].Err)
	}
}

func TestLoginHugeBodyIsBounded(t *testing.T) {
	s := newScripted(t, false)
	const size = 50 << 20
	s.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotFound)
		chunk := []byte(strings.Repeat("x", 64<<10))
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	tr := Login(context.Background(), plainOpts(s))
	r := tr.Steps[0].Response
	if r == nil || !r.BodyTruncated || len(r.Body) != DefaultMaxBody {
		t.Fatalf("body must be cut at %d bytes and marked truncated; got %+v", DefaultMaxBody, r)
	}
	if !hasCode(tr, diagnose.NotARegistry) {
		t.Errorf("a 404 on /v2/ is not a registry:\n%s", diagText(tr))
	}
}

func TestLoginSkewedServerClock(t *testing.T) {
	s := newScripted(t, false)
	skew := 10 * time.Minute
	s.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Date", time.Now().Add(skew).UTC().Format(http.TimeFormat))
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.WriteHeader(http.StatusOK)
	})
	tr := Login(context.Background(), plainOpts(s))
	if !hasCode(tr, diagnose.ClockSkew) {
		t.Fatalf("want CLOCK_SKEW:\n%s", diagText(tr))
	}
	msg := diagText(tr)
	if !strings.Contains(msg, s.host()) || !strings.Contains(msg, "ahead") || !strings.Contains(msg, "beyond") {
		t.Errorf("skew diagnosis should name the host, the direction and the leeway:\n%s", msg)
	}
}

func TestLoginHTTPSRegistryHTTPRealm(t *testing.T) {
	realm := newScripted(t, false)
	realm.on("GET", "/token", jsonReply(fmt.Sprintf(`{"token":%q}`, testJWT(t, time.Now(), nil))))
	reg := newScripted(t, true)
	reg.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="svc"`, realm.URL)))
	o := Options{Registry: "https://" + reg.host(), Transport: reg.Client().Transport, Timeout: 5 * time.Second,
		Credentials: Credentials{Username: "alice", Password: "pw-alice-123", Source: "test"}}

	tr := Login(context.Background(), o)
	if tr.OK() || !hasCode(tr, diagnose.RealmPlainHTTP) {
		t.Fatalf("want REALM_PLAIN_HTTP refusal, got %s\n%s", tr.Verdict, diagText(tr))
	}
	if n := len(realm.requests()); n != 0 {
		t.Fatalf("credentials must not go to an http realm: it received %d requests", n)
	}

	o.AllowPlainHTTPRealm = true
	tr = Login(context.Background(), o)
	if !tr.OK() {
		t.Fatalf("with --allow-plain-http-realm the login proceeds: %s\n%s", tr.Summary, diagText(tr))
	}
	if got := realm.requests(); len(got) != 1 || !strings.HasPrefix(got[0].Auth, "Basic ") {
		t.Fatalf("realm should get one Basic request, got %+v", got)
	}
}

func TestLoginAwkwardChallenges(t *testing.T) {
	cases := []struct {
		name   string
		lines  func(u string) []string
		ok     bool
		codes  []diagnose.Code
		finalA string // scheme of the final request's Authorization
	}{
		{"unquoted URL realm is cut to its scheme by Docker", func(u string) []string { return []string{`Bearer realm=` + u + `/token,service="svc"`} },
			false, []diagnose.Code{diagnose.ChallengeMisread, diagnose.RealmInvalid}, ""},
		{"Bearer and Basic lines: Basic overwrites the token", func(u string) []string {
			return []string{fmt.Sprintf(`Bearer realm="%s/token",service="svc"`, u), `Basic realm="x"`}
		}, true, []diagnose.Code{diagnose.ChallengeMisread}, "Basic"},
		{"no challenge at all", func(string) []string { return nil }, false, []diagnose.Code{diagnose.NoChallenge}, ""},
		{"unknown scheme only", func(string) []string { return []string{`Negotiate abc`} }, false, []diagnose.Code{diagnose.NoChallenge}, ""},
		{"Basic with mixed case", func(string) []string { return []string{`BASIC Realm="reg"`} }, true, nil, "Basic"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newScripted(t, false)
			s.on("GET", "/v2/", challengeWith(c.lines(s.URL)...))
			s.on("GET", "/token", jsonReply(fmt.Sprintf(`{"token":%q}`, testJWT(t, time.Now(), nil))))
			tr := Login(context.Background(), plainOpts(s))
			if tr.OK() != c.ok {
				t.Fatalf("ok=%v want %v (%s)\n%s", tr.OK(), c.ok, tr.Summary, diagText(tr))
			}
			for _, code := range c.codes {
				if !hasCode(tr, code) {
					t.Errorf("want %s:\n%s", code, diagText(tr))
				}
			}
			if c.finalA != "" {
				reqs := s.requests()
				if last := reqs[len(reqs)-1]; !strings.HasPrefix(last.Auth, c.finalA+" ") {
					t.Errorf("final request Authorization %q, want %s", last.Auth, c.finalA)
				}
			}
		})
	}
}

func TestLoginOAuthFallbackAndIdentityToken(t *testing.T) {
	tok := testJWT(t, time.Now(), nil)
	s := newScripted(t, false)
	s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="my.registry"`, s.URL)))
	s.on("POST", "/token", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusMethodNotAllowed) })
	s.on("GET", "/token", jsonReply(fmt.Sprintf(`{"token":%q}`, tok)))
	o := plainOpts(s)
	o.OAuth = true
	tr := Login(context.Background(), o)
	if !tr.OK() || !hasCode(tr, diagnose.OAuthFallback) {
		t.Fatalf("want success after GET fallback: %s\n%s", tr.Summary, diagText(tr))
	}
	got := s.requests()
	if len(got) != 4 || got[1].Method != "POST" || got[2].Method != "GET" {
		t.Fatalf("want ping, POST, GET, retry; got %+v", got)
	}
	form, _ := url.ParseQuery(got[1].Body)
	if form.Get("grant_type") != "password" || form.Get("access_type") != "offline" || form.Get("client_id") != "docker" || form.Get("username") != "alice" {
		t.Errorf("OAuth form: %v", form)
	}

	// An identity token uses the refresh_token grant with Docker's exact body.
	s2 := newScripted(t, false)
	s2.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="my.registry"`, s2.URL)))
	s2.on("POST", "/token", jsonReply(fmt.Sprintf(`{"access_token":%q}`, tok)))
	o2 := plainOpts(s2)
	o2.Credentials = Credentials{IdentityToken: "R1-identity", Source: "test"}
	tr = Login(context.Background(), o2)
	if !tr.OK() {
		t.Fatalf("identity-token login: %s\n%s", tr.Summary, diagText(tr))
	}
	if want, got := "client_id=docker&grant_type=refresh_token&refresh_token=R1-identity&scope=&service=my.registry", s2.requests()[1].Body; got != want {
		t.Errorf("refresh body\n got %s\nwant %s", got, want)
	}
}

func TestLoginNotARegistryAndOpen(t *testing.T) {
	s := newScripted(t, false)
	tr := Login(context.Background(), plainOpts(s)) // every path 404s
	if tr.OK() || !hasCode(tr, diagnose.NotARegistry) || len(s.requests()) != 2 {
		t.Fatalf("404 /v2/: want NOT_A_REGISTRY after Docker's 2 requests, got %s, %d requests\n%s", tr.Verdict, len(s.requests()), diagText(tr))
	}
	if !strings.Contains(tr.Summary, "404 Not Found") {
		t.Errorf("summary should quote Docker's message: %q", tr.Summary)
	}

	open := newScripted(t, false)
	open.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
		w.Write([]byte("{}"))
	})
	tr = Login(context.Background(), plainOpts(open))
	// Docker's ping, then its login request (TestDockerLoginParityOpenRegistry).
	if !tr.OK() || !hasCode(tr, diagnose.OpenRegistry) || len(open.requests()) != 2 {
		t.Fatalf("open registry: %s, %d requests\n%s", tr.Verdict, len(open.requests()), diagText(tr))
	}
}

func TestLoginBadCredentialsHubStyle(t *testing.T) {
	s := newScripted(t, false)
	s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="svc"`, s.URL)))
	s.on("GET", "/token", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"details":"incorrect username or password"}`))
	})
	tr := Login(context.Background(), plainOpts(s))
	if tr.OK() || !hasCode(tr, diagnose.BadCredentials) {
		t.Fatalf("want BAD_CREDENTIALS:\n%s", diagText(tr))
	}
	if !strings.Contains(diagText(tr), "unauthorized: incorrect username or password") {
		t.Errorf("should show Docker's error text:\n%s", diagText(tr))
	}
}

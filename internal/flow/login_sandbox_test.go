package flow

// The handshake against the real distribution registry (in-process, real
// token verification) behind the sandbox's fronts. The request sequences
// asserted here are the ones recorded from the Docker CLI (see the issue
// and ../shared/reference/auth-protocol.md section 4.1).

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

func startSandbox(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

func sandboxOpts(sb *sandbox.Sandbox, user, pw string) Options {
	return Options{Registry: "http://" + sb.Host(), Timeout: 10 * time.Second,
		Credentials: Credentials{Username: user, Password: pw, Source: "test"}}
}

// wire is a request as the tests compare it: who got what.
type wire struct {
	host, method, path, auth string
	query                    url.Values
}

func wireOf(sb *sandbox.Sandbox) []wire {
	var out []wire
	for _, r := range sb.Requests() {
		q, _ := url.ParseQuery(r.RawQuery)
		out = append(out, wire{r.Host, r.Method, r.Path, r.AuthScheme, q})
	}
	return out
}

func TestSandboxLoginHarborMatchesDocker(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr := Login(context.Background(), sandboxOpts(sb, "alice", sb.Users()["alice"]))
	if !tr.OK() {
		t.Fatalf("login should succeed: %s\n%s", tr.Summary, diagText(tr))
	}
	// Docker CLI 28.2 through Harbor's proxy:
	//   GET /v2/ 401
	//   GET /service/token?account=alice&client_id=docker&offline_token=true&service=harbor-registry 200 (Basic)
	//   GET /v2/ 200 (Bearer)
	got := wireOf(sb)
	if len(got) != 3 {
		t.Fatalf("want Docker's 3 requests, got %d: %+v", len(got), got)
	}
	want := []struct{ method, path, auth string }{{"GET", "/v2/", ""}, {"GET", "/service/token", "Basic"}, {"GET", "/v2/", "Bearer"}}
	for i, w := range want {
		if got[i].method != w.method || got[i].path != w.path || got[i].auth != w.auth {
			t.Errorf("request %d: %s %s (%q), want %s %s (%q)", i+1, got[i].method, got[i].path, got[i].auth, w.method, w.path, w.auth)
		}
	}
	if q := sb.Requests()[1].RawQuery; q != "account=alice&client_id=docker&offline_token=true&service=harbor-registry" {
		t.Errorf("token query %q is not the one Docker sends", q)
	}
	if tr.Token == nil || tr.Token.Decoded == nil || !tr.Token.Decoded.LoginOnly() || tr.Token.Decoded.Claims.Sub != "alice" {
		t.Errorf("the login token should be decoded inline with no access: %+v", tr.Token)
	}
	if len(tr.Steps) != 3 || tr.Steps[1].Kind != StepToken || tr.Steps[2].Response.Status != 200 {
		t.Errorf("trace steps: %+v", tr.Steps)
	}
}

func TestSandboxLoginRefusals(t *testing.T) {
	for _, like := range []sandbox.Like{sandbox.LikeHarbor, sandbox.LikeDistribution, sandbox.LikeDockerHub} {
		t.Run(string(like), func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Like: like})
			cases := []struct {
				name, user, pw string
				code           diagnose.Code
			}{
				{"wrong password", "alice", "wrong-password", diagnose.BadCredentials},
				{"unknown user", "mallory", "whatever-pw", diagnose.BadCredentials},
			}
			for _, c := range cases {
				tr := Login(context.Background(), sandboxOpts(sb, c.user, c.pw))
				if tr.OK() || tr.Verdict != VerdictRefused || !hasCode(tr, c.code) {
					t.Errorf("%s: want refused with %s, got %s %q\n%s", c.name, c.code, tr.Verdict, tr.Summary, diagText(tr))
				}
				if n := len(tr.Steps); n != 2 {
					t.Errorf("%s: a refused token request ends the login after 2 steps, got %d", c.name, n)
				}
			}
		})
	}
}

func TestSandboxLoginAnonymous(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeDistribution})
	o := sandboxOpts(sb, "", "")
	o.Anonymous = true
	tr := Login(context.Background(), o)
	// An anonymous login token is valid for /v2/: the registry accepts it.
	if !tr.OK() {
		t.Fatalf("anonymous login: %s\n%s", tr.Summary, diagText(tr))
	}
	got := wireOf(sb)
	if len(got) != 3 || got[1].auth != "" || got[1].query.Get("account") != "" || got[1].query.Get("offline_token") != "true" {
		t.Errorf("anonymous token request must carry no credentials and no account: %+v", got)
	}
}

func TestSandboxLoginBasic(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeBasic})
	tr := Login(context.Background(), sandboxOpts(sb, "alice", sb.Users()["alice"]))
	if !tr.OK() || len(sb.Requests()) != 2 {
		t.Fatalf("Basic login: 2 requests and OK; got %d, %s\n%s", len(sb.Requests()), tr.Summary, diagText(tr))
	}
	if got := wireOf(sb); got[0].auth != "" || got[1].auth != "Basic" {
		t.Errorf("auth schemes: %+v", got)
	}
	tr = Login(context.Background(), sandboxOpts(sb, "alice", "nope-nope"))
	if tr.OK() || !hasCode(tr, diagnose.BadCredentials) || !strings.Contains(tr.Summary, "401 Unauthorized") {
		t.Errorf("wrong Basic password: %s\n%s", tr.Summary, diagText(tr))
	}
	o := sandboxOpts(sb, "", "")
	o.Anonymous = true
	tr = Login(context.Background(), o)
	if tr.OK() || !hasCode(tr, diagnose.NoCredentials) || tr.Summary != "no basic auth credentials" {
		t.Errorf("anonymous Basic: %s\n%s", tr.Summary, diagText(tr))
	}
}

func TestSandboxLoginOAuth(t *testing.T) {
	// Docker Hub-like: the token service takes the OAuth2 POST and returns a
	// refresh token, which a later login exchanges (identity token).
	hub := startSandbox(t, sandbox.Options{Like: sandbox.LikeDockerHub})
	o := sandboxOpts(hub, "alice", hub.Users()["alice"])
	o.OAuth = true
	tr := Login(context.Background(), o)
	if !tr.OK() || hasCode(tr, diagnose.OAuthFallback) {
		t.Fatalf("OAuth POST login: %s\n%s", tr.Summary, diagText(tr))
	}
	if !hasCode(tr, diagnose.RealmOtherHost) {
		t.Errorf("the Hub-like realm is on another host: want REALM_OTHER_HOST\n%s", diagText(tr))
	}
	reqs := hub.Requests()
	if len(reqs) != 3 || reqs[1].Method != "POST" || reqs[1].Host == reqs[0].Host {
		t.Fatalf("want ping, POST to the realm host, retry; got %+v", reqs)
	}
	form, _ := url.ParseQuery(reqs[1].Body)
	if form.Get("grant_type") != "password" || form.Get("client_id") != "docker" || form.Get("access_type") != "offline" {
		t.Errorf("OAuth form %v", form)
	}
	refresh := tr.Token.Reply
	if refresh == nil || !refresh.HasRefreshToken {
		t.Fatalf("the Hub-like service returns a refresh token to access_type=offline: %+v", tr.Token.Reply)
	}

	// The identity token, as docker login would store it, logs in by POST.
	hub.ResetRequests()
	o2 := sandboxOpts(hub, "", "")
	o2.Credentials = Credentials{IdentityToken: refresh.RefreshToken, Source: "test"}
	tr = Login(context.Background(), o2)
	if !tr.OK() {
		t.Fatalf("identity-token login: %s\n%s", tr.Summary, diagText(tr))
	}
	form, _ = url.ParseQuery(hub.Requests()[1].Body)
	if form.Get("grant_type") != "refresh_token" || form.Get("refresh_token") != refresh.RefreshToken {
		t.Errorf("refresh form %v", form)
	}

	// Harbor answers the POST with 405: GET fallback as containerd does.
	harbor := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	o3 := sandboxOpts(harbor, "alice", harbor.Users()["alice"])
	o3.OAuth = true
	tr = Login(context.Background(), o3)
	if !tr.OK() || !hasCode(tr, diagnose.OAuthFallback) {
		t.Fatalf("POST 405 then GET: %s\n%s", tr.Summary, diagText(tr))
	}
	var methods []string
	for _, r := range harbor.Requests() {
		methods = append(methods, r.Method+" "+r.Path)
	}
	if strings.Join(methods, ", ") != "GET /v2/, POST /service/token, GET /service/token, GET /v2/" {
		t.Errorf("sequence: %v", methods)
	}
}

func TestSandboxTokenRejected(t *testing.T) {
	cases := []struct {
		name  string
		o     sandbox.Options
		cause string
	}{
		{"libtrust kid on registry 3", sandbox.Options{Like: sandbox.LikeDistribution, KidStyle: "libtrust"}, "libtrust"},
		{"issuer mismatch", sandbox.Options{Like: sandbox.LikeDistribution, Issuer: "someone-else"}, `iss is "someone-else"`},
		{"service mismatch", sandbox.Options{Like: sandbox.LikeDistribution, Service: "other-service"}, `aud is "other-service"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb := startSandbox(t, c.o)
			tr := Login(context.Background(), sandboxOpts(sb, "alice", sb.Users()["alice"]))
			if tr.OK() || !hasCode(tr, diagnose.TokenRejected) {
				t.Fatalf("want TOKEN_REJECTED: %s\n%s", tr.Summary, diagText(tr))
			}
			if !strings.Contains(diagText(tr), c.cause) {
				t.Errorf("the diagnosis should name the cause %q:\n%s", c.cause, diagText(tr))
			}
		})
	}
}

func TestSandboxClockSkew(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeDistribution, ClockSkew: 10 * time.Minute})
	tr := Login(context.Background(), sandboxOpts(sb, "alice", sb.Users()["alice"]))
	if !hasCode(tr, diagnose.ClockSkew) {
		t.Fatalf("a token service 10 minutes ahead: want CLOCK_SKEW\n%s", diagText(tr))
	}
}

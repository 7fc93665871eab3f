package flow

// Redirects against scripted fakes: the real distribution registry never
// redirects its API or its token service, so these are fakes, and say so.
// The docker-CLI parity of the same cases is in internal/parity.

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
)

// localhostURL names a fake by "localhost" instead of 127.0.0.1: the same
// listener, another hostname, so Go's client sees a host change.
func localhostURL(s *scripted) string {
	return strings.Replace(s.URL, "127.0.0.1", "localhost", 1)
}

func profileNamed(t *testing.T, name string) *Profile {
	t.Helper()
	p, err := LookupProfile(name)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tokenReply(t *testing.T) http.HandlerFunc {
	return jsonReply(fmt.Sprintf(`{"token":%q,"expires_in":300}`, testJWT(t, time.Now(), nil)))
}

func hopCredentials(tr *Trace) []string {
	var out []string
	for _, st := range tr.Steps {
		if st.Redirect != nil {
			out = append(out, st.Redirect.Credentials)
		}
	}
	return out
}

// docker login when the realm answers 302 to another host: Go drops the
// Basic credentials at the host change, the token service answers as for
// anyone, and the login "succeeds" (what the real docker CLI does).
func TestLoginRealmRedirectToAnotherHostDropsBasic(t *testing.T) {
	auth := newScripted(t, false)
	auth.on("GET", "/token", tokenReply(t))
	reg := newScripted(t, false)
	reg.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry"`, reg.URL)))
	reg.on("GET", "/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, localhostURL(auth)+"/token?"+r.URL.RawQuery, http.StatusFound)
	})
	o := plainOpts(reg)
	o.Transport = &http.Transport{}
	tr := Login(context.Background(), o)
	if !tr.OK() {
		t.Fatalf("docker login follows the redirect and succeeds: %s\n%s", tr.Summary, diagText(tr))
	}
	seen := auth.requests()
	if len(seen) != 1 || seen[0].Auth != "" || !strings.Contains(seen[0].RawQuery, "account=alice") {
		t.Fatalf("the token host should get the query without Basic: %+v", seen)
	}
	if got := hopCredentials(tr); !slices.Equal(got, []string{"dropped"}) {
		t.Errorf("hops: %v", got)
	}
	if !hasCode(tr, diagnose.RedirectDropsCredentials) || !strings.Contains(diagText(tr), "password was never checked") {
		t.Errorf("want REDIRECT_DROPS_CREDENTIALS naming the unchecked password:\n%s", diagText(tr))
	}
	hop := tr.Steps[2]
	if hop.Kind != StepRedirect || hop.Redirect.Of != StepToken || hop.Request.Headers.Get("Referer") == "" {
		t.Errorf("hop step: %+v %v", hop.Redirect, hop.Request.Headers)
	}
}

// The same redirect on the same host keeps the Basic credentials.
func TestLoginRealmRedirectSameHostKeepsBasic(t *testing.T) {
	reg := newScripted(t, false)
	reg.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry"`, reg.URL)))
	reg.on("GET", "/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/service/token?"+r.URL.RawQuery, http.StatusFound)
	})
	reg.on("GET", "/service/token", tokenReply(t))
	tr := Login(context.Background(), plainOpts(reg))
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	var moved seenRequest
	for _, r := range reg.requests() {
		if r.Path == "/service/token" {
			moved = r
		}
	}
	if !strings.HasPrefix(moved.Auth, "Basic ") {
		t.Errorf("the same-host hop keeps Basic: %+v", moved)
	}
	if hasCode(tr, diagnose.RedirectDropsCredentials) || !slices.Equal(hopCredentials(tr), []string{"sent"}) {
		t.Errorf("nothing dropped:\n%s", diagText(tr))
	}
}

// /v2/ moved to another host: Docker stores the challenge under the ping's
// final URL and authorises only there, so the login's own GET goes to the
// old host without credentials and gets them on the hop.
func TestLoginV2MovedToAnotherHost(t *testing.T) {
	real := newScripted(t, false)
	real.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry"`, localhostURL(real))))
	real.on("GET", "/token", tokenReply(t))
	front := newScripted(t, false)
	front.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, localhostURL(real)+"/v2/", http.StatusMovedPermanently)
	})
	o := plainOpts(front)
	o.Transport = &http.Transport{}
	tr := Login(context.Background(), o)
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	for _, r := range front.requests() {
		if r.Auth != "" {
			t.Errorf("the old host never gets credentials: %+v", r)
		}
	}
	var auths []string
	for _, r := range real.requests() {
		if r.Path == "/v2/" {
			auths = append(auths, strings.SplitN(r.Auth+" ", " ", 2)[0])
		}
	}
	if !slices.Equal(auths, []string{"", "Bearer"}) {
		t.Errorf("the moved /v2/ should see the ping, then the token: %q", auths)
	}
	if len(front.requests()) != 2 {
		t.Errorf("the old host sees the ping and the login's GET: %+v", front.requests())
	}
}

// A loop: Go's client sends 10 requests and stops with its own error, which
// each client wraps in its own words.
func TestRedirectLoop(t *testing.T) {
	reg := newScripted(t, false)
	reg.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/v2/", http.StatusFound) })
	reg.on("HEAD", "/v2/app/manifests/1", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/v2/app/manifests/1", http.StatusFound)
	})
	tr := Login(context.Background(), plainOpts(reg))
	if tr.OK() || tr.Verdict != VerdictTransport || !hasCode(tr, diagnose.RedirectLoop) {
		t.Fatalf("want a transport verdict with REDIRECT_LOOP: %s\n%s", tr.Summary, diagText(tr))
	}
	if n := len(reg.requests()); n != maxRedirects {
		t.Errorf("Go sends %d requests, regauth sent %d", maxRedirects, n)
	}
	if !strings.Contains(tr.Summary, "stopped after 10 redirects") {
		t.Errorf("summary: %s", tr.Summary)
	}

	o, req := pullFakeOpts(t, reg, "app:1", false)
	o.Profile = profileNamed(t, "containerd@1.6.20")
	pt, _ := Pull(context.Background(), o, req)
	want := `failed to do request: Head "/v2/app/manifests/1": stopped after 10 redirects`
	if pt.Client == nil || !strings.Contains(pt.Client.Error, want) {
		t.Errorf("containerd's error should carry Go's: %q\nwant it to contain %q", pt.Client.Error, want)
	}
}

// containerd's OAuth POST redirected by a 302 arrives as a GET without its
// form: Go turns it into a GET and drops the body and its Content-Type.
func TestPostTurnedIntoGetBy302(t *testing.T) {
	reg := newScripted(t, false)
	reg.on("HEAD", "/v2/app/manifests/1", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry",scope="repository:app:pull"`, reg.URL)))
	reg.on("POST", "/token", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/moved-token", http.StatusFound)
	})
	var ct, method string
	reg.on("GET", "/moved-token", func(w http.ResponseWriter, r *http.Request) {
		ct, method = r.Header.Get("Content-Type"), r.Method
		w.WriteHeader(http.StatusUnauthorized)
	})
	o, req := pullFakeOpts(t, reg, "app:1", false)
	o.Profile = profileNamed(t, "containerd")
	tr, _ := Pull(context.Background(), o, req)
	var hop *Step
	for _, st := range tr.Steps {
		if st.Redirect != nil {
			hop = st
		}
	}
	if hop == nil || hop.Request.Method != http.MethodGet || len(hop.Request.Body) != 0 || hop.Request.Headers.Get("Content-Type") != "" {
		t.Fatalf("the hop should be a bodiless GET: %+v", hop)
	}
	if method != http.MethodGet || ct != "" {
		t.Errorf("the server saw %s with Content-Type %q", method, ct)
	}
	for _, r := range reg.requests() {
		if r.Path == "/moved-token" && r.Body != "" {
			t.Errorf("the form went along: %q", r.Body)
		}
	}
	if !strings.Contains(hop.Title, "POST becomes a GET") {
		t.Errorf("title: %s", hop.Title)
	}
}

// An https registry that redirects to plain http: Docker follows it (and
// says so); regctl refuses with its own error.
func TestRedirectToHTTP(t *testing.T) {
	plain := newScripted(t, false)
	plain.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("{}")) })
	plain.on("GET", "/v2/app/manifests/1", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotFound) })
	secure := newScripted(t, true)
	secure.on("GET", "/v2/", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/v2/", http.StatusMovedPermanently)
	})
	secure.on("GET", "/v2/app/manifests/1", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/v2/app/manifests/1", http.StatusMovedPermanently)
	})
	o := Options{Registry: secure.host(), Transport: secure.Client().Transport, Timeout: 5 * time.Second, Anonymous: true}
	tr := Login(context.Background(), o)
	if !hasCode(tr, diagnose.RedirectToHTTP) {
		t.Errorf("want REDIRECT_TO_HTTP:\n%s", diagText(tr))
	}
	if !tr.OK() {
		t.Errorf("Docker follows the redirect to an open registry: %s", tr.Summary)
	}

	ref, err := imageref.Parse(secure.host() + "/app:1")
	if err != nil {
		t.Fatal(err)
	}
	o.Registry, o.Profile = ref.Registry, profileNamed(t, "regctl")
	pt, _ := Pull(context.Background(), o, PullRequest{Image: ref})
	if pt.OK() || !strings.Contains(pt.Summary+pt.Client.Error, "redirect from an https to non-https server is not allowed") {
		t.Errorf("regctl refuses the hop: %s / %s\n%s", pt.Summary, pt.Client.Error, diagText(pt))
	}
	for _, r := range plain.requests() {
		if strings.Contains(r.Path, "manifests") {
			t.Errorf("regctl sent nothing to the http host, got %+v", r)
		}
	}
}

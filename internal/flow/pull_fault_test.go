package flow

// Scripted fakes (see scripted_test.go) for pull faults the sandbox's real
// registry cannot show: Docker Hub's 429, a blob redirect to object storage
// on a second host, a token service granting an empty access list, a
// registry without Docker-Content-Digest, altered content, a 403.

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
)

// pullFake is a scripted registry at /v2/ with a Bearer challenge and a
// token service granting access; manifests are added per test.
func pullFake(t *testing.T, access []map[string]any) *scripted {
	s := newScripted(t, false)
	s.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry"`, s.URL)))
	s.on("GET", "/token", jsonReply(fmt.Sprintf(`{"token":%q,"expires_in":300}`, testJWT(t, time.Now(), access))))
	return s
}

func pullFakeOpts(t *testing.T, s *scripted, image string, anonymous bool) (Options, PullRequest) {
	ref, err := imageref.Parse(s.host() + "/" + image)
	if err != nil {
		t.Fatal(err)
	}
	o := plainOpts(s)
	o.Registry = ref.Registry
	o.Anonymous = anonymous
	return o, PullRequest{Image: ref}
}

func grantPull(name string) []map[string]any {
	return []map[string]any{{"type": "repository", "name": name, "actions": []string{"pull"}}}
}

func TestPullRateLimited(t *testing.T) {
	s := pullFake(t, grantPull("library/alpine"))
	limited := func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("ratelimit-limit", "100;w=21600")
		h.Set("ratelimit-remaining", "0;w=21600")
		h.Set("docker-ratelimit-source", "203.0.113.9")
		h.Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit"}]}`))
	}
	s.on("HEAD", "/v2/library/alpine/manifests/latest", limited)
	s.on("GET", "/v2/library/alpine/manifests/latest", limited)
	o, req := pullFakeOpts(t, s, "library/alpine", true)
	tr, rep := Pull(context.Background(), o, req)
	if tr.Verdict != VerdictRefused || !hasCode(tr, diagnose.RateLimited) {
		t.Fatalf("want RATE_LIMITED: %s\n%s", tr.Summary, diagText(tr))
	}
	if tr.Summary != "toomanyrequests: You have reached your unauthenticated pull rate limit. https://www.docker.com/increase-rate-limit" {
		t.Errorf("summary %q", tr.Summary)
	}
	msg := diagText(tr)
	for _, want := range []string{"0 of 100 pulls left per 6h0m0s", "203.0.113.9", "anonymous limit"} {
		if !strings.Contains(msg, want) {
			t.Errorf("RATE_LIMITED should say %q:\n%s", want, msg)
		}
	}
	if d := tr.Diagnoses[0]; !strings.Contains(d.Hint, "w=21600") || !strings.Contains(d.Hint, "log in") {
		t.Errorf("hint %q should name the window and logging in", d.Hint)
	}
	if len(rep.RateLimits) != 2 || rep.RateLimits[0].Counts || rep.RateLimits[1].Counts {
		t.Errorf("a refused request counts as no pull: %+v", rep.RateLimits)
	}
}

// listenSecondHost serves h on 127.0.0.2, or on another port of 127.0.0.1
// where 127.0.0.2 cannot be bound: either way a host that never
// challenged, so Docker sends it no credentials.
func listenSecondHost(t *testing.T, h http.Handler) *httptest.Server {
	srv := httptest.NewUnstartedServer(h)
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		srv.Listener.Close()
		srv.Listener = l
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

func TestPullBlobRedirectDropsAuthorization(t *testing.T) {
	config := []byte(`{"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}`)
	cfgDigest := sha256Digest(config)
	storage := listenSecondHost(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("object storage received Authorization %q", a)
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte("<Error><Code>InvalidArgument</Code><Message>Only one auth mechanism allowed</Message></Error>"))
			return
		}
		if r.URL.Query().Get("X-Amz-Signature") != "Sig-Secret-0042" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Write(config)
	}))

	s := pullFake(t, grantPull("team/app"))
	image := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":%d},"layers":[]}`, cfgDigest, len(config)))
	imgDigest := sha256Digest(image)
	index := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064d","size":1,"platform":{"os":"linux","architecture":"amd64"}},
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%064d","size":1,"platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}`, 1, imgDigest, len(image), 2))
	idxDigest := sha256Digest(index)
	serve := func(mt string, body []byte, dg string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", mt)
			w.Header().Set("Docker-Content-Digest", dg)
			w.Write(body)
		}
	}
	s.on("HEAD", "/v2/team/app/manifests/1.0", serve("application/vnd.oci.image.index.v1+json", nil, idxDigest))
	s.on("GET", "/v2/team/app/manifests/"+idxDigest, serve("application/vnd.oci.image.index.v1+json", index, idxDigest))
	s.on("GET", "/v2/team/app/manifests/"+imgDigest, serve("application/vnd.oci.image.manifest.v1+json", image, imgDigest))
	s.on("GET", "/v2/team/app/blobs/"+cfgDigest, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, storage.URL+"/bucket/blobs/"+cfgDigest+"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101&X-Amz-Signature=Sig-Secret-0042", http.StatusTemporaryRedirect)
	})

	o, req := pullFakeOpts(t, s, "team/app:1.0", false)
	req.Blob, req.OS, req.Arch = true, "linux", "arm64"
	tr, rep := Pull(context.Background(), o, req)
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	m := rep.Manifest
	if m.Digest != idxDigest || !m.Verified || strings.Join(m.Platforms, " ") != "linux/amd64 linux/arm64/v8 attestation" {
		t.Errorf("index: %+v", m)
	}
	b := rep.Blob
	if b == nil || !b.Verified || b.Platform != "linux/arm64/v8" || len(b.Hops) != 2 {
		t.Fatalf("blob %+v", b)
	}
	if !b.Hops[0].AuthSent || b.Hops[1].AuthSent || b.Hops[1].Host == b.Hops[0].Host || b.Hops[0].Status != 307 {
		t.Errorf("Authorization goes to the registry only: %+v", b.Hops)
	}
	last := tr.Steps[len(tr.Steps)-1]
	if last.Kind != StepRedirect || last.Request.Headers.Get("Authorization") != "" || !strings.Contains(strings.Join(last.Notes, " "), "Authorization not sent") {
		t.Errorf("the redirect step should show no Authorization: %+v %q", last.Request.Headers, last.Notes)
	}
	if !hasCode(tr, diagnose.RedirectDropsCredentials) {
		t.Errorf("want REDIRECT_DROPS_CREDENTIALS:\n%s", diagText(tr))
	}
	// Docker's sequence: HEAD, the index by digest, the chosen platform's
	// manifest by digest, the blob; the storage request is not on the
	// registry.
	var paths []string
	for _, r := range s.requests() {
		paths = append(paths, r.Method+" "+r.Path)
	}
	want := []string{"GET /v2/", "GET /token", "HEAD /v2/team/app/manifests/1.0", "GET /v2/team/app/manifests/" + idxDigest, "GET /v2/team/app/manifests/" + imgDigest, "GET /v2/team/app/blobs/" + cfgDigest}
	if !slices.Equal(paths, want) {
		t.Errorf("registry saw\n %q\nwant\n %q", paths, want)
	}
}

func TestPullEmptyGrantInsufficientScope(t *testing.T) {
	s := pullFake(t, []map[string]any{{"type": "repository", "name": "team/app", "actions": []string{}}})
	insufficient := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry",scope="repository:team/app:pull",error="insufficient_scope"`, s.URL))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"team/app","Action":"pull"}]}]}`))
	}
	s.on("HEAD", "/v2/team/app/manifests/latest", insufficient)
	s.on("GET", "/v2/team/app/manifests/latest", insufficient)
	o, req := pullFakeOpts(t, s, "team/app", false)
	tr, rep := Pull(context.Background(), o, req)
	if tr.Verdict != VerdictRefused || !hasCode(tr, diagnose.InsufficientScope) {
		t.Fatalf("want INSUFFICIENT_SCOPE: %s\n%s", tr.Summary, diagText(tr))
	}
	if want := "pull access denied for " + s.host() + "/team/app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"; tr.Summary != want {
		t.Errorf("summary\n got %q\nwant %q", tr.Summary, want)
	}
	row := rep.Scopes[0]
	if !slices.Equal(row.Challenge, []string{"pull"}) || !slices.Equal(row.Requested, []string{"pull"}) || row.Granted == nil || len(row.Granted) != 0 || !slices.Equal(row.Missing, []string{"pull"}) {
		t.Errorf("scope row %+v", row)
	}
	msg := diagText(tr)
	for _, want := range []string{"grants nothing on repository:team/app", `error="insufficient_scope"`, "there is no repository team/app", "has no role"} {
		if !strings.Contains(msg, want) {
			t.Errorf("INSUFFICIENT_SCOPE should say %q:\n%s", want, msg)
		}
	}
	if e := rep.RegistryError; e == nil || strings.Join(e.Codes, ",") != "DENIED,UNAUTHORIZED" {
		t.Errorf("registry error %+v", e)
	}
}

func TestPullManifestAnswers(t *testing.T) {
	body := []byte(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"digest":"sha256:cf","size":2},"layers":[]}`)
	good := sha256Digest(body)
	cases := []struct {
		name    string
		head    http.HandlerFunc
		get     http.HandlerFunc
		code    diagnose.Code
		ok      bool
		summary string
	}{
		{"HEAD without digest: GET by tag", func(w http.ResponseWriter, r *http.Request) {},
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
				w.Write(body)
			}, "", true, "is " + good},
		{"altered content", func(w http.ResponseWriter, r *http.Request) {},
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Docker-Content-Digest", "sha256:"+strings.Repeat("0", 64))
				w.Write(body)
			}, diagnose.DigestMismatch, false, "manifest verification failed for digest sha256:0000"},
		{"403 denied", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(403) },
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(403)
				w.Write([]byte(`{"errors":[{"code":"DENIED","message":"project team is quarantined"}]}`))
			}, diagnose.AccessDenied, false, "pull access denied for HOST/team/app, repository does not exist or may require 'docker login': denied: project team is quarantined"},
		{"repository unknown", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) },
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(404)
				w.Write([]byte(`{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"team/app"}}]}`))
			}, diagnose.RepositoryNotFound, false, "repository HOST/team/app not found: name unknown: repository name not known to registry"},
		{"token rejected", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(401) },
			func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="x",service="fake.registry",error="invalid_token"`)
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(401)
				w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`))
			}, diagnose.TokenRejected, false, "errors: unauthorized: authentication required unauthorized"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := pullFake(t, grantPull("team/app"))
			s.on("HEAD", "/v2/team/app/manifests/latest", c.head)
			s.on("GET", "/v2/team/app/manifests/latest", c.get)
			o, req := pullFakeOpts(t, s, "team/app", false)
			tr, _ := Pull(context.Background(), o, req)
			if tr.OK() != c.ok || (c.code != "" && !hasCode(tr, c.code)) {
				t.Fatalf("want ok=%v %s: %s %q\n%s", c.ok, c.code, tr.Verdict, tr.Summary, diagText(tr))
			}
			if want := strings.ReplaceAll(c.summary, "HOST", s.host()); !strings.Contains(oneLine(tr.Summary, 500), want) {
				t.Errorf("summary\n got %q\nwant %q", tr.Summary, want)
			}
			if got := s.requests(); len(got) != 4 || got[2].Method != "HEAD" || got[3].Method != "GET" || got[3].Path != "/v2/team/app/manifests/latest" {
				t.Errorf("HEAD then GET of the same URL: %+v", got)
			}
		})
	}
}

func TestPullOpenPingThenChallenge(t *testing.T) {
	// /v2/ answers 200 (a proxy letting it through), the manifest 401: the
	// engine learned no challenge, so it never authenticates.
	s := newScripted(t, false)
	s.on("GET", "/v2/", jsonReply("{}"))
	unauth := challengeWith(`Bearer realm="http://x/token",service="s",scope="repository:team/app:pull"`)
	s.on("HEAD", "/v2/team/app/manifests/latest", unauth)
	s.on("GET", "/v2/team/app/manifests/latest", unauth)
	o, req := pullFakeOpts(t, s, "team/app", false)
	tr, rep := Pull(context.Background(), o, req)
	if tr.OK() || !hasCode(tr, diagnose.NoChallenge) || !strings.Contains(diagText(tr), "only from /v2/") {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	for _, r := range s.requests() {
		if r.Auth != "" {
			t.Errorf("no credentials without a challenge from /v2/: %+v", r)
		}
	}
	if row := rep.Scopes[0]; !slices.Equal(row.Challenge, []string{"pull"}) || row.Granted != nil {
		t.Errorf("the challenge's scope shows; the grant is unknown: %+v (%s)", row, rep.GrantNote)
	}
}

func TestPullHTMLIsNotAManifest(t *testing.T) {
	s := pullFake(t, grantPull("team/app"))
	page := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>Harbor</html>"))
	}
	s.on("HEAD", "/v2/team/app/manifests/latest", page)
	s.on("GET", "/v2/team/app/manifests/latest", page)
	o, req := pullFakeOpts(t, s, "team/app", false)
	tr, _ := Pull(context.Background(), o, req)
	if tr.OK() || !hasCode(tr, diagnose.ManifestError) || !strings.Contains(tr.Summary, "unsupported manifest media type") {
		t.Fatalf("an HTML page is not a manifest: %s %q\n%s", tr.Verdict, tr.Summary, diagText(tr))
	}
}

func TestPullBadDigestFromServer(t *testing.T) {
	s := pullFake(t, grantPull("team/app"))
	s.on("HEAD", "/v2/team/app/manifests/latest", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Docker-Content-Digest", "../../blobs/x")
	})
	o, req := pullFakeOpts(t, s, "team/app", false)
	tr, _ := Pull(context.Background(), o, req)
	if tr.OK() || tr.Summary != "invalid checksum digest format" || len(s.requests()) != 3 {
		t.Fatalf("a digest that is not one must not be followed: %q, %d requests\n%s", tr.Summary, len(s.requests()), diagText(tr))
	}
}

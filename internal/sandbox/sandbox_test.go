package sandbox

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/distribution/distribution/v3/registry/auth/token"
	"github.com/golang-jwt/jwt/v5"
)

// ---- helpers ----

type reply struct {
	status int
	header http.Header
	body   string
}

func send(t *testing.T, method, u string, hdr map[string]string, body io.Reader) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	c := newLoopbackClient()
	defer c.CloseIdleConnections()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, u, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return reply{resp.StatusCode, resp.Header, string(b)}
}

func basic(user, pass string) map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

func bearer(tok string) map[string]string { return map[string]string{"Authorization": "Bearer " + tok} }

func start(t *testing.T, o Options) *Sandbox {
	t.Helper()
	sb, err := Start(t.Context(), o)
	if err != nil {
		t.Fatalf("Start(%+v): %v", o, err)
	}
	t.Cleanup(func() {
		if err := sb.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return sb
}

// tokenURL is the realm with the query a classic engine would send.
func tokenURL(sb *Sandbox, extra url.Values, scopes ...string) string {
	q := url.Values{"service": {sb.Service()}}
	for _, s := range scopes {
		q.Add("scope", s)
	}
	for k, v := range extra {
		q[k] = v
	}
	return sb.TokenURL() + "?" + q.Encode()
}

// fetchToken gets a token by GET (Basic when user != ""), failing the test
// on anything but 200.
func fetchToken(t *testing.T, sb *Sandbox, user string, scopes ...string) string {
	t.Helper()
	var hdr map[string]string
	if user != "" {
		hdr = basic(user, sb.Users()[user])
	}
	r := send(t, http.MethodGet, tokenURL(sb, nil, scopes...), hdr, nil)
	if r.status != http.StatusOK {
		t.Fatalf("token for %q %v: %d %s", user, scopes, r.status, r.body)
	}
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil {
		t.Fatalf("token response %q: %v", r.body, err)
	}
	if tr.Token == "" {
		t.Fatalf("empty token in %s", r.body)
	}
	return tr.Token
}

type parsedToken struct {
	header map[string]any
	claims jwt.MapClaims
	access []scope
}

// parseToken verifies tok against the sandbox's certificate (not its claims:
// some tests mint deliberately bad ones).
func parseToken(t *testing.T, sb *Sandbox, tok string) parsedToken {
	t.Helper()
	blk, _ := pem.Decode(sb.CertPEM())
	if blk == nil {
		t.Fatal("CertPEM has no PEM block")
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	claims := jwt.MapClaims{}
	pt, err := jwt.ParseWithClaims(tok, claims, func(*jwt.Token) (any, error) { return cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
	if err != nil {
		t.Fatalf("token does not verify with CertPEM: %v", err)
	}
	raw, _ := json.Marshal(claims["access"])
	var access []scope
	if err := json.Unmarshal(raw, &access); err != nil {
		t.Fatalf("access claim %s: %v", raw, err)
	}
	return parsedToken{header: pt.Header, claims: claims, access: access}
}

func wantAccess(t *testing.T, got []scope, want ...scope) {
	t.Helper()
	if want == nil {
		want = []scope{}
	}
	if got == nil {
		got = []scope{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("access = %+v, want %+v", got, want)
	}
}

func repoScope(name string, actions ...string) scope {
	if actions == nil {
		actions = []string{}
	}
	return scope{Type: "repository", Name: name, Actions: actions}
}

const manifestAccept = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.oci.image.manifest.v1+json"

// ---- the token fronts ----

func TestTokenFronts(t *testing.T) {
	for _, like := range []Like{LikeDistribution, LikeHarbor, LikeDockerHub} {
		t.Run(string(like), func(t *testing.T) {
			t.Parallel()
			testTokenFront(t, like)
		})
	}
}

func testTokenFront(t *testing.T, like Like) {
	sb := start(t, Options{Like: like})
	ctx := t.Context()
	if sb.Like() != like {
		t.Errorf("Like() = %q", sb.Like())
	}
	if want := "http://" + sb.Host(); sb.URL() != want {
		t.Errorf("URL() = %q, want %q", sb.URL(), want)
	}
	if !strings.HasPrefix(sb.Host(), "127.0.0.1:") {
		t.Errorf("Host() = %q, want 127.0.0.1:PORT", sb.Host())
	}
	wantService := map[Like]string{LikeDistribution: "regauth-sandbox", LikeHarbor: "harbor-registry", LikeDockerHub: "registry.docker.io"}[like]
	wantIssuer := map[Like]string{LikeDistribution: "regauth-sandbox-issuer", LikeHarbor: "harbor-token-issuer", LikeDockerHub: "auth.docker.io"}[like]
	if sb.Service() != wantService {
		t.Errorf("Service() = %q, want %q", sb.Service(), wantService)
	}
	switch like {
	case LikeDistribution:
		if sb.TokenURL() != sb.URL()+"/auth/token" {
			t.Errorf("TokenURL() = %q", sb.TokenURL())
		}
	case LikeHarbor:
		if sb.TokenURL() != sb.URL()+"/service/token" {
			t.Errorf("TokenURL() = %q", sb.TokenURL())
		}
	case LikeDockerHub:
		u, err := url.Parse(sb.TokenURL())
		if err != nil || u.Path != "/token" {
			t.Errorf("TokenURL() = %q", sb.TokenURL())
		} else if len(sb.Notes()) == 0 && u.Hostname() != "127.0.0.2" {
			t.Errorf("token host = %q, want 127.0.0.2", u.Hostname())
		}
	}

	// The ping.
	r := send(t, http.MethodGet, sb.URL()+"/v2/", nil, nil)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("GET /v2/ = %d, want 401", r.status)
	}
	wantChallenge := `Bearer realm="` + sb.TokenURL() + `",service="` + sb.Service() + `"`
	if got := r.header.Get("WWW-Authenticate"); got != wantChallenge {
		t.Errorf("challenge = %q, want %q", got, wantChallenge)
	}

	// A pull token for alice.
	tok := fetchToken(t, sb, "alice", "repository:library/hello:pull")
	pt := parseToken(t, sb, tok)
	if pt.claims["iss"] != wantIssuer || pt.claims["aud"] != wantService || pt.claims["sub"] != "alice" {
		t.Errorf("iss/aud/sub = %v/%v/%v", pt.claims["iss"], pt.claims["aud"], pt.claims["sub"])
	}
	if pt.header["kid"] != token.GetJWKThumbprint(parseCert(t, sb).PublicKey) {
		t.Errorf("kid = %v, want the JWK thumbprint", pt.header["kid"])
	}
	wantAccess(t, pt.access, repoScope("library/hello", "pull"))
	exp, _ := pt.claims.GetExpirationTime()
	if d := time.Until(exp.Time); d < 4*time.Minute || d > 6*time.Minute {
		t.Errorf("exp in %v, want ~5m", d)
	}

	// The registry accepts it (it verified our signature and kid).
	if r := send(t, http.MethodGet, sb.URL()+"/v2/", bearer(tok), nil); r.status != http.StatusOK {
		t.Errorf("GET /v2/ with alice's token = %d %s %q", r.status, r.body, r.header.Get("WWW-Authenticate"))
	}

	// Login: no scope, empty access.
	wantAccess(t, parseToken(t, sb, fetchToken(t, sb, "alice")).access)

	// Wrong password: the front's refusal.
	r = send(t, http.MethodGet, tokenURL(sb, url.Values{"account": {"alice"}}), basic("alice", "wrong"), nil)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("wrong password = %d, want 401", r.status)
	}
	switch like {
	case LikeHarbor:
		if r.body != "" {
			t.Errorf("harbor refusal body = %q, want empty", r.body)
		}
	case LikeDockerHub:
		if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || strings.TrimSpace(r.body) != `{"details":"incorrect username or password"}` {
			t.Errorf("hub refusal = %q %q", r.header.Get("Content-Type"), r.body)
		}
	case LikeDistribution:
		if !strings.Contains(r.body, `"code":"UNAUTHORIZED"`) {
			t.Errorf("distribution refusal body = %q", r.body)
		}
	}
	// An unknown user too.
	if r := send(t, http.MethodGet, tokenURL(sb, nil), basic("mallory", "x"), nil); r.status != http.StatusUnauthorized {
		t.Errorf("unknown user = %d, want 401", r.status)
	}

	// Push, then HEAD the manifest with pull tokens.
	dgst, err := sb.PushImage(ctx, "library/hello", "latest")
	if err != nil {
		t.Fatalf("PushImage: %v", err)
	}
	if !strings.HasPrefix(dgst, "sha256:") || len(dgst) != 71 {
		t.Fatalf("digest = %q", dgst)
	}
	for _, user := range []string{"alice", "bob"} {
		tok := fetchToken(t, sb, user, "repository:library/hello:pull")
		r := send(t, http.MethodHead, sb.URL()+"/v2/library/hello/manifests/latest", map[string]string{"Authorization": "Bearer " + tok, "Accept": manifestAccept}, nil)
		if r.status != http.StatusOK || r.header.Get("Docker-Content-Digest") != dgst {
			t.Errorf("%s: HEAD manifest = %d digest %q, want 200 %s", user, r.status, r.header.Get("Docker-Content-Digest"), dgst)
		}
	}

	// bob may not push: his pull,push request yields pull only.
	bobTok := fetchToken(t, sb, "bob", "repository:library/hello:pull,push")
	wantAccess(t, parseToken(t, sb, bobTok).access, repoScope("library/hello", "pull"))
	r = send(t, http.MethodPost, sb.URL()+"/v2/library/hello/blobs/uploads/", bearer(bobTok), nil)
	if r.status != http.StatusUnauthorized || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="insufficient_scope"`) {
		t.Errorf("bob's push = %d %q, want 401 insufficient_scope", r.status, r.header.Get("WWW-Authenticate"))
	}

	// private/*: anonymous gets an empty grant and the registry says
	// insufficient_scope; alice may pull.
	if _, err := sb.PushImage(ctx, "private/secret", "latest"); err != nil {
		t.Fatalf("PushImage private: %v", err)
	}
	anonTok := fetchToken(t, sb, "", "repository:private/secret:pull")
	pa := parseToken(t, sb, anonTok)
	if pa.claims["sub"] != "" {
		t.Errorf("anonymous sub = %v", pa.claims["sub"])
	}
	wantAccess(t, pa.access, repoScope("private/secret"))
	r = send(t, http.MethodGet, sb.URL()+"/v2/private/secret/manifests/latest", map[string]string{"Authorization": "Bearer " + anonTok, "Accept": manifestAccept}, nil)
	wwwAuth := r.header.Get("WWW-Authenticate")
	if r.status != http.StatusUnauthorized || !strings.Contains(wwwAuth, `error="insufficient_scope"`) || !strings.Contains(wwwAuth, `scope="repository:private/secret:pull"`) {
		t.Errorf("anonymous private pull = %d %q", r.status, wwwAuth)
	}
	if !strings.Contains(r.body, `"code":"UNAUTHORIZED"`) {
		t.Errorf("anonymous private pull body = %q", r.body)
	}
	aliceTok := fetchToken(t, sb, "alice", "repository:private/secret:pull")
	if r := send(t, http.MethodHead, sb.URL()+"/v2/private/secret/manifests/latest", map[string]string{"Authorization": "Bearer " + aliceTok, "Accept": manifestAccept}, nil); r.status != http.StatusOK {
		t.Errorf("alice private pull = %d", r.status)
	}

	// public/*: anyone may pull.
	if _, err := sb.PushImage(ctx, "public/hello", "v1"); err != nil {
		t.Fatalf("PushImage public: %v", err)
	}
	anonPub := fetchToken(t, sb, "", "repository:public/hello:pull,push")
	wantAccess(t, parseToken(t, sb, anonPub).access, repoScope("public/hello", "pull"))
	if r := send(t, http.MethodHead, sb.URL()+"/v2/public/hello/manifests/v1", map[string]string{"Authorization": "Bearer " + anonPub, "Accept": manifestAccept}, nil); r.status != http.StatusOK {
		t.Errorf("anonymous public pull = %d", r.status)
	}

	// Several scopes, repeated and space-separated.
	multi := fetchToken(t, sb, "alice", "repository:library/hello:pull repository:alice/x:pull,push", "repository:private/secret:delete")
	wantAccess(t, parseToken(t, sb, multi).access,
		repoScope("library/hello", "pull"), repoScope("alice/x", "pull", "push"), repoScope("private/secret", "delete"))
	// bob has no rule on private/*: the resource comes back with nothing.
	none := fetchToken(t, sb, "bob", "repository:private/secret:pull,delete")
	wantAccess(t, parseToken(t, sb, none).access, repoScope("private/secret"))

	// The catalog: alice only.
	catTok := fetchToken(t, sb, "alice", "registry:catalog:*")
	if r := send(t, http.MethodGet, sb.URL()+"/v2/_catalog", bearer(catTok), nil); r.status != http.StatusOK || !strings.Contains(r.body, "library/hello") {
		t.Errorf("alice catalog = %d %s", r.status, r.body)
	}
	bobCat := fetchToken(t, sb, "bob", "registry:catalog:*")
	wantAccess(t, parseToken(t, sb, bobCat).access, scope{Type: "registry", Name: "catalog", Actions: []string{}})
	if r := send(t, http.MethodGet, sb.URL()+"/v2/_catalog", bearer(bobCat), nil); r.status != http.StatusUnauthorized {
		t.Errorf("bob catalog = %d, want 401", r.status)
	}

	// The recorder: auth schemes per host.
	sb.ResetRequests()
	if n := len(sb.Requests()); n != 0 {
		t.Fatalf("after ResetRequests: %d requests", n)
	}
	send(t, http.MethodGet, sb.URL()+"/v2/", nil, nil)
	pullTok := fetchToken(t, sb, "alice", "repository:library/hello:pull")
	send(t, http.MethodGet, sb.URL()+"/v2/", map[string]string{"Authorization": "Bearer " + pullTok, "User-Agent": "sandbox-test/1"}, nil)
	reqs := sb.Requests()
	if len(reqs) != 3 {
		t.Fatalf("recorded %d requests, want 3: %+v", len(reqs), reqs)
	}
	tokHost := mustHost(sb.TokenURL())
	want := []struct {
		host, path, scheme string
		status             int
	}{
		{sb.Host(), "/v2/", "", 401},
		{tokHost, mustPath(sb.TokenURL()), "Basic", 200},
		{sb.Host(), "/v2/", "Bearer", 200},
	}
	for i, w := range want {
		g := reqs[i]
		if g.Host != w.host || g.Path != w.path || g.AuthScheme != w.scheme || g.Status != w.status || g.Method != http.MethodGet {
			t.Errorf("request %d = %+v, want host %s path %s scheme %q status %d", i, g, w.host, w.path, w.scheme, w.status)
		}
	}
	if !strings.Contains(reqs[1].RawQuery, "scope=repository%3Alibrary%2Fhello%3Apull") {
		t.Errorf("token request query = %q", reqs[1].RawQuery)
	}
	if reqs[2].UserAgent != "sandbox-test/1" || reqs[2].Authorization != "Bearer "+pullTok {
		t.Errorf("request 2 UA/Authorization = %q / %.20q", reqs[2].UserAgent, reqs[2].Authorization)
	}
}

func mustPath(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	return p.Path
}

func parseCert(t *testing.T, sb *Sandbox) *x509.Certificate {
	t.Helper()
	blk, _ := pem.Decode(sb.CertPEM())
	if blk == nil {
		t.Fatal("no certificate")
	}
	c, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ---- front specifics ----

func TestHarborSpecifics(t *testing.T) {
	t.Parallel()
	sb := start(t, Options{})
	if sb.Like() != LikeHarbor {
		t.Fatalf("default front = %q, want harbor", sb.Like())
	}
	for _, p := range []string{"/v1/_ping", "/v1/users/", "/v1/search?q=x"} {
		r := send(t, http.MethodGet, sb.URL()+p, nil, nil)
		if r.status != http.StatusNotFound || strings.Contains(r.body, "errors") {
			t.Errorf("GET %s = %d %q, want nginx 404", p, r.status, r.body)
		}
	}
	r := send(t, http.MethodGet, sb.URL()+"/harbor/projects", nil, nil)
	if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !strings.Contains(r.body, "<html") {
		t.Errorf("UI = %d %q", r.status, r.header.Get("Content-Type"))
	}
	// POST -> 405 (Harbor core routes only GET).
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"alice-sandbox-pw"}, "service": {sb.Service()}, "client_id": {"containerd-client"}}
	r = send(t, http.MethodPost, sb.TokenURL(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader(form.Encode()))
	if r.status != http.StatusMethodNotAllowed {
		t.Errorf("POST token = %d, want 405", r.status)
	}
	// Unknown service.
	r = send(t, http.MethodGet, sb.TokenURL()+"?service=bogus", basic("alice", "alice-sandbox-pw"), nil)
	if r.status != http.StatusBadRequest || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || r.body != "Unable to handle service: bogus" {
		t.Errorf("service=bogus = %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
	// The reply shape: empty access_token, no refresh token even offline.
	r = send(t, http.MethodGet, tokenURL(sb, url.Values{"offline_token": {"true"}, "client_id": {"docker"}, "account": {"alice"}}), basic("alice", "alice-sandbox-pw"), nil)
	var m map[string]any
	if err := json.Unmarshal([]byte(r.body), &m); err != nil || r.status != 200 {
		t.Fatalf("token = %d %q", r.status, r.body)
	}
	if at, ok := m["access_token"]; !ok || at != "" {
		t.Errorf("access_token = %v (present %v), want \"\"", at, ok)
	}
	if _, ok := m["refresh_token"]; ok {
		t.Errorf("harbor sent a refresh_token")
	}
	if m["expires_in"] != float64(300) {
		t.Errorf("expires_in = %v", m["expires_in"])
	}
	if _, err := time.Parse(time.RFC3339, m["issued_at"].(string)); err != nil {
		t.Errorf("issued_at %v: %v", m["issued_at"], err)
	}
}

func TestDockerHubSpecifics(t *testing.T) {
	t.Parallel()
	sb := start(t, Options{Like: LikeDockerHub})
	ctx := t.Context()

	// GET with offline_token=true returns a refresh token.
	r := send(t, http.MethodGet, tokenURL(sb, url.Values{"offline_token": {"true"}, "client_id": {"docker"}, "account": {"alice"}}), basic("alice", "alice-sandbox-pw"), nil)
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil || r.status != 200 {
		t.Fatalf("GET offline = %d %s", r.status, r.body)
	}
	if tr.RefreshToken == "" || tr.AccessToken == "" || tr.AccessToken != tr.Token || tr.ExpiresIn != 300 {
		t.Errorf("GET offline reply = %+v", tr)
	}

	postForm := func(f url.Values) reply {
		return send(t, http.MethodPost, sb.TokenURL(), map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, strings.NewReader(f.Encode()))
	}
	// POST password grant with access_type=offline.
	r = postForm(url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"alice-sandbox-pw"}, "service": {sb.Service()}, "client_id": {"containerd-client"}, "access_type": {"offline"}, "scope": {"repository:library/hello:pull"}})
	var pr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &pr); err != nil || r.status != 200 || pr.RefreshToken == "" {
		t.Fatalf("POST password = %d %s", r.status, r.body)
	}
	wantAccess(t, parseToken(t, sb, pr.AccessToken).access, repoScope("library/hello", "pull"))
	// POST password grant without offline: no refresh token.
	r = postForm(url.Values{"grant_type": {"password"}, "username": {"bob"}, "password": {"bob-sandbox-pw"}, "service": {sb.Service()}, "client_id": {"containerd-client"}})
	if r.status != 200 || strings.Contains(r.body, "refresh_token") {
		t.Errorf("POST password (online) = %d %s", r.status, r.body)
	}
	// POST refresh_token grant, the engine's identity-token login.
	r = postForm(url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tr.RefreshToken}, "service": {sb.Service()}, "client_id": {"docker"}, "scope": {""}})
	var rr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &rr); err != nil || r.status != 200 || rr.AccessToken == "" {
		t.Fatalf("POST refresh = %d %s", r.status, r.body)
	}
	if pt := parseToken(t, sb, rr.AccessToken); pt.claims["sub"] != "alice" {
		t.Errorf("refresh token sub = %v", pt.claims["sub"])
	}
	if r := send(t, http.MethodGet, sb.URL()+"/v2/", bearer(rr.AccessToken), nil); r.status != 200 {
		t.Errorf("/v2/ with refreshed token = %d", r.status)
	}
	// Bad refresh token and bad password by POST.
	for name, f := range map[string]url.Values{
		"refresh":  {"grant_type": {"refresh_token"}, "refresh_token": {"nope"}, "service": {sb.Service()}, "client_id": {"docker"}},
		"password": {"grant_type": {"password"}, "username": {"alice"}, "password": {"nope"}, "service": {sb.Service()}, "client_id": {"docker"}},
	} {
		r := postForm(f)
		if r.status != http.StatusUnauthorized || !strings.Contains(r.body, `"details"`) {
			t.Errorf("bad %s = %d %s", name, r.status, r.body)
		}
	}

	// The recorder keeps the form body of token POSTs.
	var sawPost bool
	for _, q := range sb.Requests() {
		if q.Method == http.MethodPost && strings.Contains(q.Body, "grant_type=refresh_token") && q.Host == strings.TrimPrefix(sb.TokenURL()[:strings.LastIndex(sb.TokenURL(), "/")], "http://") {
			sawPost = true
		}
	}
	if !sawPost {
		t.Errorf("no recorded POST body: %+v", sb.Requests())
	}

	// Rate-limit headers: HEAD does not count, GET does.
	if _, err := sb.PushImage(ctx, "library/hello", "latest"); err != nil {
		t.Fatal(err)
	}
	tok := fetchToken(t, sb, "alice", "repository:library/hello:pull")
	hdr := map[string]string{"Authorization": "Bearer " + tok, "Accept": manifestAccept}
	mu := sb.URL() + "/v2/library/hello/manifests/latest"
	check := func(method, wantRemaining string) {
		t.Helper()
		r := send(t, method, mu, hdr, nil)
		if r.status != 200 {
			t.Fatalf("%s manifest = %d %s", method, r.status, r.body)
		}
		if r.header.Get("Ratelimit-Limit") != "100;w=21600" || r.header.Get("Ratelimit-Remaining") != wantRemaining+";w=21600" || r.header.Get("Docker-Ratelimit-Source") != "127.0.0.1" {
			t.Errorf("%s headers: limit %q remaining %q source %q, want remaining %s", method,
				r.header.Get("Ratelimit-Limit"), r.header.Get("Ratelimit-Remaining"), r.header.Get("Docker-Ratelimit-Source"), wantRemaining)
		}
	}
	check(http.MethodHead, "100")
	check(http.MethodGet, "99")
	check(http.MethodHead, "99")
	check(http.MethodGet, "98")
	// Not on blobs or on refused requests.
	if r := send(t, http.MethodHead, mu, map[string]string{"Accept": manifestAccept}, nil); r.status != 401 || r.header.Get("Ratelimit-Limit") != "" {
		t.Errorf("anonymous HEAD = %d with ratelimit-limit %q", r.status, r.header.Get("Ratelimit-Limit"))
	}
}

func TestBasicFront(t *testing.T) {
	t.Parallel()
	sb := start(t, Options{Like: LikeBasic})
	if sb.TokenURL() != "" || sb.Service() != "" || sb.CertPEM() != nil {
		t.Errorf("basic: TokenURL %q Service %q CertPEM %d bytes", sb.TokenURL(), sb.Service(), len(sb.CertPEM()))
	}
	r := send(t, http.MethodGet, sb.URL()+"/v2/", nil, nil)
	if r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="regauth-sandbox"` {
		t.Errorf("ping = %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r := send(t, http.MethodGet, sb.URL()+"/v2/", basic("alice", "alice-sandbox-pw"), nil); r.status != 200 {
		t.Errorf("alice = %d", r.status)
	}
	r = send(t, http.MethodGet, sb.URL()+"/v2/", basic("alice", "wrong"), nil)
	if r.status != 401 || r.header.Get("WWW-Authenticate") != `Basic realm="regauth-sandbox"` {
		t.Errorf("wrong password = %d %q", r.status, r.header.Get("WWW-Authenticate"))
	}
	if r := send(t, http.MethodGet, sb.URL()+"/v2/", bearer("x.y.z"), nil); r.status != 401 {
		t.Errorf("bearer on basic = %d", r.status)
	}
	dgst, err := sb.PushImage(t.Context(), "library/hello", "latest")
	if err != nil {
		t.Fatal(err)
	}
	r = send(t, http.MethodHead, sb.URL()+"/v2/library/hello/manifests/latest", map[string]string{"Authorization": basic("bob", "bob-sandbox-pw")["Authorization"], "Accept": manifestAccept}, nil)
	if r.status != 200 || r.header.Get("Docker-Content-Digest") != dgst {
		t.Errorf("HEAD manifest = %d %q want %s", r.status, r.header.Get("Docker-Content-Digest"), dgst)
	}
	var schemes []string
	for _, q := range sb.Requests() {
		if q.Host != sb.Host() {
			t.Errorf("request to another host: %+v", q)
		}
		schemes = append(schemes, q.AuthScheme)
	}
	if len(schemes) < 4 || schemes[0] != "" || schemes[1] != "Basic" || schemes[3] != "Bearer" {
		t.Errorf("schemes = %v", schemes)
	}
}

// ---- tokens the registry must reject (or accept) ----

func TestTokenVerification(t *testing.T) {
	cases := []struct {
		name   string
		o      Options
		accept bool
		check  func(t *testing.T, pt parsedToken)
	}{
		{name: "thumbprint", o: Options{}, accept: true},
		{name: "x5c", o: Options{KidStyle: KidX5C}, accept: true, check: func(t *testing.T, pt parsedToken) {
			if _, ok := pt.header["kid"]; ok {
				t.Errorf("x5c token has a kid")
			}
			if x5c, ok := pt.header["x5c"].([]any); !ok || len(x5c) != 1 {
				t.Errorf("x5c = %v", pt.header["x5c"])
			}
		}},
		{name: "libtrust", o: Options{KidStyle: KidLibtrust}, check: func(t *testing.T, pt parsedToken) {
			kid, _ := pt.header["kid"].(string)
			if len(kid) != 59 || strings.Count(kid, ":") != 11 {
				t.Errorf("libtrust kid = %q", kid)
			}
		}},
		{name: "issuer", o: Options{Issuer: "someone-else"}, check: func(t *testing.T, pt parsedToken) {
			if pt.claims["iss"] != "someone-else" {
				t.Errorf("iss = %v", pt.claims["iss"])
			}
		}},
		{name: "service", o: Options{Service: "other-registry"}, check: func(t *testing.T, pt parsedToken) {
			if pt.claims["aud"] != "other-registry" {
				t.Errorf("aud = %v", pt.claims["aud"])
			}
		}},
		{name: "skew-ahead", o: Options{ClockSkew: 10 * time.Minute}},
		{name: "skew-within-leeway", o: Options{ClockSkew: 30 * time.Second}, accept: true},
		{name: "expired", o: Options{ClockSkew: -20 * time.Minute}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.o.Like = LikeDistribution
			sb := start(t, c.o)
			r := send(t, http.MethodGet, tokenURL(sb, nil, "repository:library/hello:pull"), basic("alice", "alice-sandbox-pw"), nil)
			if r.status != 200 {
				t.Fatalf("token = %d %s", r.status, r.body)
			}
			if c.o.ClockSkew != 0 {
				d, err := http.ParseTime(r.header.Get("Date"))
				if err != nil {
					t.Fatalf("Date %q: %v", r.header.Get("Date"), err)
				}
				if off := time.Until(d) - c.o.ClockSkew; off < -5*time.Second || off > 5*time.Second {
					t.Errorf("Date %v is not skewed by %v", d, c.o.ClockSkew)
				}
			}
			var tr tokenResponse
			if err := json.Unmarshal([]byte(r.body), &tr); err != nil {
				t.Fatal(err)
			}
			pt := parseToken(t, sb, tr.Token)
			if c.check != nil {
				c.check(t, pt)
			}
			r = send(t, http.MethodGet, sb.URL()+"/v2/", bearer(tr.Token), nil)
			if c.accept {
				if r.status != 200 {
					t.Errorf("registry refused: %d %q", r.status, r.header.Get("WWW-Authenticate"))
				}
				return
			}
			if r.status != 401 || !strings.Contains(r.header.Get("WWW-Authenticate"), `error="invalid_token"`) {
				t.Errorf("registry answered %d %q, want 401 invalid_token", r.status, r.header.Get("WWW-Authenticate"))
			}
			// PushImage still works: it mints its own good token.
			if _, err := sb.PushImage(t.Context(), "alice/x", "1"); err != nil {
				t.Errorf("PushImage: %v", err)
			}
		})
	}
}

// ---- lifecycle ----

func TestCloseFreesPorts(t *testing.T) {
	t.Parallel()
	sb, err := Start(t.Context(), Options{Like: LikeDockerHub})
	if err != nil {
		t.Fatal(err)
	}
	dir := sb.dir
	addrs := []string{sb.Host(), mustHost(sb.TokenURL())}
	send(t, http.MethodGet, sb.URL()+"/v2/", nil, nil) // leave a keep-alive connection
	if err := sb.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := sb.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	for _, a := range addrs {
		ln, err := net.Listen("tcp", a)
		if err != nil {
			t.Errorf("port %s still taken: %v", a, err)
			continue
		}
		ln.Close()
	}
	c := newLoopbackClient()
	if resp, err := c.Get("http://" + addrs[0] + "/v2/"); err == nil {
		resp.Body.Close()
		t.Errorf("registry still answers after Close")
	}
	if fi, err := statDir(dir); err == nil {
		t.Errorf("temp dir %s still exists (%v)", dir, fi.Name())
	}
}

func mustHost(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		panic(err)
	}
	return p.Host
}

func TestStartRejectsBadOptions(t *testing.T) {
	if _, err := Start(context.Background(), Options{Like: "no-such-front"}); err == nil || !strings.Contains(err.Error(), "no-such-front") || !strings.Contains(err.Error(), "artifactory") {
		t.Errorf("Like no-such-front: err = %v", err)
	}
	if _, err := Start(context.Background(), Options{KidStyle: "jwk"}); err == nil {
		t.Errorf("KidStyle jwk: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Start(ctx, Options{}); err == nil {
		t.Errorf("cancelled context: no error")
	}
}

func TestCustomUsersAndRules(t *testing.T) {
	t.Parallel()
	sb := start(t, Options{Like: LikeDistribution, Users: map[string]string{"carol": "c"}, Access: []Rule{
		{User: "carol", Repo: "team/app", Actions: []string{"*"}},
		{User: "", Repo: "*", Actions: []string{"pull"}},
	}, TokenExpiry: time.Minute})
	r := send(t, http.MethodGet, tokenURL(sb, nil, "repository:team/app:pull,push,delete", "repository:team/other:pull"), basic("carol", "c"), nil)
	var tr tokenResponse
	if err := json.Unmarshal([]byte(r.body), &tr); err != nil || r.status != 200 || tr.ExpiresIn != 60 {
		t.Fatalf("token = %d %s", r.status, r.body)
	}
	wantAccess(t, parseToken(t, sb, tr.Token).access, repoScope("team/app", "pull", "push", "delete"), repoScope("team/other"))
	// "" rules are for anonymous only.
	wantAccess(t, parseToken(t, sb, fetchToken(t, sb, "", "repository:team/other:pull")).access, repoScope("team/other", "pull"))
	if _, ok := sb.Users()["alice"]; ok {
		t.Errorf("default users leaked into custom users")
	}
}

// ---- pure functions ----

func TestParseScopes(t *testing.T) {
	got := parseScopes([]string{
		"repository:library/alpine:pull repository:localhost:5000/a/b:pull,push",
		"repository:library/alpine:push", "repository(plugin):vieux/sshfs:pull",
		"registry:catalog:*", "garbage", "repository::pull", "",
	})
	want := []scope{
		{Type: "repository", Name: "library/alpine", Actions: []string{"pull", "push"}},
		{Type: "repository", Name: "localhost:5000/a/b", Actions: []string{"pull", "push"}},
		{Type: "repository", Class: "plugin", Name: "vieux/sshfs", Actions: []string{"pull"}},
		{Type: "registry", Name: "catalog", Actions: []string{"*"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseScopes = %+v\nwant %+v", got, want)
	}
}

func TestLibtrustKeyIDVector(t *testing.T) {
	// The EC P-256 key from distribution's jwt.md.
	dec := func(s string) []byte {
		b, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	point := append(append([]byte{4}, dec("m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q")...), dec("dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc")...)
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		t.Fatal(err)
	}
	got, err := libtrustKeyID(pub)
	if err != nil {
		t.Fatal(err)
	}
	if want := "PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6"; got != want {
		t.Errorf("libtrustKeyID = %s, want %s", got, want)
	}
	if tp := token.GetJWKThumbprint(pub); tp != "8qjioA3ZA7ti2JIE7c-U8smBFuZolQZvhSHDPU3hhB8" {
		t.Errorf("thumbprint = %s", tp)
	}
}

func statDir(p string) (os.FileInfo, error) { return os.Stat(p) }

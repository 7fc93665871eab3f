package sandbox

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func startFront(t *testing.T, like Like) *Sandbox {
	t.Helper()
	sb, err := Start(context.Background(), Options{Like: like})
	if err != nil {
		t.Fatalf("start %s: %v", like, err)
	}
	t.Cleanup(func() { sb.Close() })
	if _, err := sb.PushImage(context.Background(), "library/hello", "latest"); err != nil {
		t.Fatalf("push: %v", err)
	}
	sb.ResetRequests()
	return sb
}

func call(t *testing.T, method, u, authz string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if authz != "" {
		req.Header.Set("Authorization", authz)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	c := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	return resp, string(b)
}

func basicAuthz(user, pass string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))
}

// The ping of each vendor front: the challenge, the vendor's headers and
// its 401 body, as the hosted registry shows them.
func TestVendorFrontPing(t *testing.T) {
	tests := []struct {
		like       Like
		challenge  []string // substrings of WWW-Authenticate
		header     string   // a header the vendor sends
		bodyHas    string
		realmHost2 bool // the realm is on another host
	}{
		{LikeGHCR, []string{`Bearer realm="http://127.0.0.1:`, `/token"`, `service="ghcr.io"`}, "X-Github-Request-Id", `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`, false},
		{LikeGitLab, []string{`/jwt/auth"`, `service="container_registry"`}, "Server", "UNAUTHORIZED", true},
		{LikeECR, []string{`Basic realm="http://127.0.0.1:`, `service="ecr.amazonaws.com"`}, "Docker-Distribution-Api-Version", "Not Authorized", false},
		{LikeACR, []string{`/oauth2/token"`, `error="invalid_token"`}, "X-Ms-Correlation-Request-Id", "aka.ms/acr/authorization", false},
		{LikeQuay, []string{`/v2/auth"`}, "Server", "true", false},
		{LikeArtifactory, []string{artifactoryRealm, `service="artifactory"`}, "X-Jfrog-Version", "", false},
	}
	for _, tt := range tests {
		t.Run(string(tt.like), func(t *testing.T) {
			sb := startFront(t, tt.like)
			resp, body := call(t, "GET", sb.URL()+"/v2/", "", nil)
			if resp.StatusCode != 401 {
				t.Fatalf("ping %d", resp.StatusCode)
			}
			ch := resp.Header.Get("WWW-Authenticate")
			for _, want := range tt.challenge {
				if !strings.Contains(ch, want) {
					t.Errorf("challenge %q lacks %q", ch, want)
				}
			}
			if resp.Header.Get(tt.header) == "" {
				t.Errorf("no %s header: %v", tt.header, resp.Header)
			}
			if !strings.Contains(body, tt.bodyHas) {
				t.Errorf("body %q lacks %q", body, tt.bodyHas)
			}
			if sb.TokenURL() != "" && tt.like != LikeECR {
				u, _ := url.Parse(sb.TokenURL())
				if other := u.Host != sb.Host(); other != tt.realmHost2 {
					t.Errorf("realm %s on another host: %v, want %v", sb.TokenURL(), other, tt.realmHost2)
				}
			}
		})
	}
}

// GHCR hands out opaque tokens that still open the registry, and answers
// a private and an absent package alike.
func TestGHCRFrontTokens(t *testing.T) {
	sb := startFront(t, LikeGHCR)
	_, body := call(t, "GET", sb.TokenURL()+"?service=ghcr.io&scope=repository:library/hello:pull", basicAuthz("alice", sb.Users()["alice"]), nil)
	var rep map[string]any
	if err := json.Unmarshal([]byte(body), &rep); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	tok, _ := rep["token"].(string)
	raw, err := base64.StdEncoding.DecodeString(tok)
	if err != nil || !strings.HasPrefix(string(raw), "v1:library/hello:") || strings.Count(tok, ".") == 2 {
		t.Fatalf("token %q is not GHCR's opaque form (%s)", tok, raw)
	}
	if len(rep) != 1 {
		t.Errorf("reply has more than token: %s", body)
	}
	if resp, _ := call(t, "GET", sb.URL()+"/v2/library/hello/manifests/latest", "Bearer "+tok, nil); resp.StatusCode != 200 {
		t.Errorf("the opaque token does not open the manifest: %d", resp.StatusCode)
	}
	var bodies []string
	for _, repo := range []string{"private/secret", "nobody/absent"} {
		resp, body := call(t, "GET", sb.TokenURL()+"?service=ghcr.io&scope=repository:"+repo+":pull", "", nil)
		if resp.StatusCode != 403 {
			t.Errorf("%s: %d, want 403", repo, resp.StatusCode)
		}
		bodies = append(bodies, body)
	}
	if bodies[0] != bodies[1] || !strings.Contains(bodies[0], `"DENIED"`) {
		t.Errorf("private and absent differ: %q vs %q", bodies[0], bodies[1])
	}
}

// ECR: Basic on every request (user AWS, an ECR-shaped token as password),
// IAM-style 403s, and no token step.
func TestECRFront(t *testing.T) {
	sb := startFront(t, LikeECR)
	pw := sb.Users()[ecrUser]
	env, err := base64.StdEncoding.DecodeString(pw)
	var e struct {
		Expiration int64 `json:"expiration"`
	}
	if err != nil || json.Unmarshal(env, &e) != nil || time.Until(time.Unix(e.Expiration, 0)) < 11*time.Hour {
		t.Fatalf("AWS's password is not an ECR envelope expiring in 12 h: %v %s", err, env)
	}
	if resp, _ := call(t, "GET", sb.URL()+"/v2/library/hello/manifests/latest", basicAuthz(ecrUser, pw), nil); resp.StatusCode != 200 {
		t.Errorf("Basic AWS: %d", resp.StatusCode)
	}
	resp, body := call(t, "GET", sb.URL()+"/v2/", basicAuthz(ecrUser, "wrong"), nil)
	if resp.StatusCode != 401 || strings.TrimSpace(body) != "Not Authorized" {
		t.Errorf("wrong password: %d %q", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", sb.URL()+"/v2/private/secret/manifests/latest", basicAuthz("bob", sb.Users()["bob"]), nil)
	if resp.StatusCode != 403 || !strings.Contains(body, "is not authorized to perform: ecr:BatchGetImage") || resp.Header.Get("WWW-Authenticate") != "" {
		t.Errorf("bob on private/secret: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", sb.URL()+"/v2/alice/absent/manifests/latest", basicAuthz("alice", sb.Users()["alice"]), nil)
	if resp.StatusCode != 404 || !strings.Contains(body, "does not exist in the registry with id") {
		t.Errorf("absent repository: %d %s", resp.StatusCode, body)
	}
	for _, r := range sb.Requests() {
		if r.AuthScheme == "Bearer" {
			t.Errorf("a Bearer request reached the front: %+v", r)
		}
	}
}

// ACR refuses the password-grant POST with 400 and takes GET with Basic.
func TestACRFrontPOST(t *testing.T) {
	sb := startFront(t, LikeACR)
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {sb.Users()["alice"]}, "service": {sb.Service()}}
	if resp, _ := call(t, "POST", sb.TokenURL(), "", strings.NewReader(form.Encode())); resp.StatusCode != 400 {
		t.Errorf("password POST: %d, want 400", resp.StatusCode)
	}
	if resp, _ := call(t, "GET", sb.TokenURL()+"?service="+sb.Service(), basicAuthz("alice", sb.Users()["alice"]), nil); resp.StatusCode != 200 {
		t.Errorf("GET: %d", resp.StatusCode)
	}
}

// Quay refuses a non-repository scope and Basic on a repository path.
func TestQuayFront(t *testing.T) {
	sb := startFront(t, LikeQuay)
	resp, body := call(t, "GET", sb.TokenURL()+"?service="+url.QueryEscape(sb.Service())+"&scope=registry:catalog:*", basicAuthz("alice", sb.Users()["alice"]), nil)
	if resp.StatusCode != 400 || !strings.Contains(body, "Unable to decode repository and actions") {
		t.Errorf("catalog scope: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", sb.URL()+"/v2/library/hello/manifests/latest", basicAuthz("alice", sb.Users()["alice"]), nil)
	if resp.StatusCode != 401 || !strings.Contains(body, "Invalid bearer token format") {
		t.Errorf("Basic on a repository: %d %s", resp.StatusCode, body)
	}
}

// Artifactory: its own error shape, 401 to the POST, and a remote
// repository whose upstream refuses the remote's credentials.
func TestArtifactoryFront(t *testing.T) {
	sb := startFront(t, LikeArtifactory)
	form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {sb.Users()["alice"]}}
	if resp, _ := call(t, "POST", sb.TokenURL(), "", strings.NewReader(form.Encode())); resp.StatusCode != 401 {
		t.Errorf("POST: %d, want 401", resp.StatusCode)
	}
	_, body := call(t, "GET", sb.TokenURL()+"?service=artifactory&scope=repository:remote/hello:pull", "", nil)
	tok := tokenOf([]byte(body))
	resp, body := call(t, "GET", sb.URL()+"/v2/remote/hello/manifests/latest", "Bearer "+tok, nil)
	if resp.StatusCode != 401 || !strings.Contains(body, `"status":401`) || strings.Contains(body, `"code"`) || !strings.Contains(body, "configured for Remote Docker repository") {
		t.Errorf("remote: %d %s", resp.StatusCode, body)
	}
	resp, body = call(t, "GET", sb.URL()+"/v2/library/hello/manifests/latest", "", nil)
	if resp.StatusCode != 401 || !strings.Contains(body, `"status":401`) || strings.Contains(body, `"code"`) {
		t.Errorf("anonymous manifest: %d %s", resp.StatusCode, body)
	}
}

package flavour

import (
	"net/http"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/decode/challenge"
)

// ping builds a 401 answer the way the research notes record it.
func ping(wwwAuth string, hdr map[string]string, body string) Response {
	h := http.Header{}
	for k, v := range hdr {
		h.Set(k, v)
	}
	var chs []challenge.Challenge
	if wwwAuth != "" {
		h.Set("WWW-Authenticate", wwwAuth)
		chs = challenge.ParseEngine([]string{wwwAuth})
	}
	return Response{Status: 401, Headers: h, Challenges: chs, Body: []byte(body)}
}

const api = "Docker-Distribution-Api-Version"

// Recorded shapes (docs: /work/shared/reference/registry-flavours.md) for
// every flavour, and the sandbox fronts' shapes on loopback hosts, where
// no host name helps.
func TestRecognise(t *testing.T) {
	tests := []struct {
		name    string
		ev      Evidence
		want    string
		whyHas  string
		minConf Confidence
	}{
		{"docker hub", Evidence{Host: "registry-1.docker.io", Responses: []Response{
			ping(`Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`, map[string]string{api: "registry/2.0"}, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}`),
		}}, "dockerhub", "realm auth.docker.io", High},
		{"docker hub on loopback (sandbox front)", Evidence{Host: "127.0.0.1:5000", Responses: []Response{
			ping(`Bearer realm="http://127.0.0.2:5001/token",service="registry.docker.io"`, map[string]string{api: "registry/2.0"}, ""),
		}, Tokens: []Token{{Raw: "eyJ.a.b", Issuer: "auth.docker.io"}}}, "dockerhub", "service registry.docker.io", High},
		{"ghcr", Evidence{Host: "ghcr.io", Responses: []Response{
			ping(`Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:o/r:pull"`, map[string]string{api: "registry/2.0", "X-GitHub-Request-Id": "C0DE:1234"}, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`),
		}, Tokens: []Token{{Raw: "djE6bzpyOjE3MDAwMDAwMDA="}}}, "ghcr", "service ghcr.io", High},
		{"gitlab self-managed", Evidence{Host: "registry.example.com", Responses: []Response{
			ping(`Bearer realm="https://example.com/jwt/auth",service="container_registry"`, map[string]string{"Server": "nginx"}, ""),
		}}, "gitlab", "realm /jwt/auth", High},
		{"ecr", Evidence{Host: "123456789012.dkr.ecr.eu-west-1.amazonaws.com", Responses: []Response{
			ping(`Basic realm="https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/",service="ecr.amazonaws.com"`, map[string]string{"Content-Type": "text/plain"}, "Not Authorized\n"),
		}}, "ecr", "service ecr.amazonaws.com", High},
		{"ecr public", Evidence{Host: "public.ecr.aws", Responses: []Response{
			ping(`Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"`, nil, ""),
		}}, "ecr-public", "service public.ecr.aws", High},
		{"gcr", Evidence{Host: "asia.gcr.io", Responses: []Response{
			ping(`Bearer realm="https://asia.gcr.io/v2/token",service="asia.gcr.io"`, map[string]string{api: "registry/2.0", "Server": "Docker Registry"}, `{"errors":[{"code":"UNAUTHORIZED","message":"Unauthorized access."}]}`),
		}}, "gcr", "host *gcr.io", High},
		{"gcr without a telling host", Evidence{Host: "10.0.0.1:443", Responses: []Response{
			ping(`Bearer realm="https://10.0.0.1/v2/token",service="10.0.0.1"`, map[string]string{api: "registry/2.0", "Server": "Docker Registry"}, `{"errors":[{"code":"UNAUTHORIZED","message":"You don't have the needed permissions. To authenticate your request, follow the steps in: https://cloud.google.com/container-registry/docs/advanced-authentication"}]}`),
		}}, "gcr", "Server: Docker Registry", Medium},
		{"artifact registry bare ping", Evidence{Host: "us-docker.pkg.dev", Responses: []Response{
			ping(`Bearer realm="https://us-docker.pkg.dev/v2/token"`, nil, ""),
		}}, "gcr", "host *-docker.pkg.dev", High},
		{"acr", Evidence{Host: "myreg.azurecr.io", Responses: []Response{
			ping(`Bearer realm="https://myreg.azurecr.io/oauth2/token",service="myreg.azurecr.io",error="invalid_token"`, map[string]string{"Server": "openresty", "X-Ms-Correlation-Request-Id": "c0ffee"}, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required, visit https://aka.ms/acr/authorization for more information."}]}`),
		}}, "acr", "x-ms-correlation-request-id header", High},
		{"quay", Evidence{Host: "quay.io", Responses: []Response{
			ping(`Bearer realm="https://quay.io/v2/auth",service="quay.io"`, map[string]string{"Server": "nginx/1.12.1", "Content-Type": "text/html; charset=utf-8"}, "true"),
		}}, "quay", "realm /v2/auth", High},
		{"harbor", Evidence{Host: "harbor.example", Responses: []Response{
			ping(`Bearer realm="https://harbor.example/service/token",service="harbor-registry"`, map[string]string{"Set-Cookie": "sid=abc; Path=/; HttpOnly", "Server": "nginx"}, ""),
		}}, "harbor", "service harbor-registry", High},
		{"harbor 1.x", Evidence{Host: "harbor.example", Responses: []Response{
			ping(`Bearer realm="https://harbor.example/service/token",service="token-service"`, nil, ""),
		}}, "harbor", "Harbor 1.x", High},
		{"artifactory", Evidence{Host: "art.example", Responses: []Response{
			ping(`Bearer realm="https://art.example/artifactory/api/docker/docker-local/v2/token",service="artifactory",scope="repository:x:pull"`, map[string]string{"Server": "Artifactory/7.9.1 70901900", "X-Artifactory-Id": "abc"}, ""),
		}}, "artifactory", "Server: Artifactory", High},
		{"nexus bearer", Evidence{Host: "nexus.example:8081", Responses: []Response{
			ping(`Bearer realm="http://nexus.example:8081/repository/docker-hosted/v2/token",service="http://nexus.example:8081/repository/docker-hosted/v2/token"`, map[string]string{"Server": "Nexus/3.87.1-01 (PRO)"}, ""),
		}, Tokens: []Token{{Raw: "DockerToken.0f7f3a1e-aaaa-bbbb-cccc-0123456789ab"}}}, "nexus", "Server: Nexus", High},
		{"nexus forceBasicAuth, no Server header", Evidence{Host: "nexus.example:8082", Responses: []Response{
			ping(`BASIC realm="Sonatype Nexus Repository Manager"`, nil, ""),
		}}, "nexus", "Basic realm Sonatype Nexus Repository Manager", Medium},
		{"zot", Evidence{Host: "zot.example", Responses: []Response{
			ping(`Basic realm="Authorization Required"`, map[string]string{api: "registry/2.0"}, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication failed"}]}`),
		}}, "zot", "zot's default", Low},
		{"distribution htpasswd", Evidence{Host: "registry.internal:5000", Responses: []Response{
			ping(`Basic realm="Registry Realm"`, map[string]string{api: "registry/2.0"}, `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}`),
		}}, "distribution", "no vendor headers", Low},
		{"distribution open", Evidence{Host: "registry.internal:5000", Responses: []Response{
			{Status: 200, Headers: http.Header{api: {"registry/2.0"}}, Body: []byte("{}")},
		}}, "distribution", "Docker-Distribution-Api-Version registry/2.0", Low},
		{"not a registry", Evidence{Host: "web.example", Responses: []Response{
			{Status: 404, Headers: http.Header{"Content-Type": {"text/html"}}, Body: []byte("<html>nope</html>")},
		}}, Unknown, "no known registry", ""},
		{"nothing seen", Evidence{Host: "down.example"}, Unknown, "", ""},
	}
	rank := map[Confidence]int{"": 0, Low: 1, Medium: 2, High: 3}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Recognise(tt.ev)
			if m.ID != tt.want {
				t.Fatalf("got %s (%s: %s), want %s", m.ID, m.Name, m.Why, tt.want)
			}
			if !strings.Contains(m.Why, tt.whyHas) {
				t.Errorf("why %q lacks %q", m.Why, tt.whyHas)
			}
			if rank[m.Confidence] < rank[tt.minConf] {
				t.Errorf("confidence %s, want at least %s (why: %s)", m.Confidence, tt.minConf, m.Why)
			}
			if m.Name == "" {
				t.Errorf("no name")
			}
		})
	}
}

// A weak signal alone (Server: openresty is any OpenResty proxy) names no
// flavour.
func TestWeakSignalAloneIsNotEnough(t *testing.T) {
	m := Recognise(Evidence{Host: "proxy.example", Responses: []Response{{Status: 401, Headers: http.Header{"Server": {"openresty"}}}}})
	if m.Known() {
		t.Fatalf("named %s from a Server: openresty header alone (%s)", m.ID, m.Why)
	}
}

// A host that only ends like a vendor's is not that vendor.
func TestHostLookalikes(t *testing.T) {
	for _, host := range []string{"notgcr.io", "mydocker.io:5000"} {
		if m := Recognise(Evidence{Host: host, Responses: []Response{{Status: 200}}}); m.Known() {
			t.Errorf("%s named %s (%s)", host, m.ID, m.Why)
		}
	}
}

// The token's text is read for its shape only: Why never quotes it.
func TestWhyNeverQuotesTheToken(t *testing.T) {
	secret := "djE6" + strings.Repeat("c2VjcmV0", 6)
	m := Recognise(Evidence{Host: "127.0.0.1:1", Responses: []Response{
		ping(`Bearer realm="http://127.0.0.1:1/token",service="ghcr.io"`, nil, ""),
	}, Tokens: []Token{{Raw: secret}}})
	if m.ID != "ghcr" || strings.Contains(m.Why, "djE6") || strings.Contains(m.Why, secret[4:12]) {
		t.Fatalf("%+v", m)
	}
}

func TestFlavoursListsTheIssueSet(t *testing.T) {
	have := map[string]bool{}
	for _, f := range Flavours() {
		have[f.ID] = true
	}
	for _, id := range []string{"dockerhub", "ghcr", "gitlab", "ecr", "ecr-public", "gcr", "acr", "quay", "harbor", "artifactory", "nexus", "distribution", "zot"} {
		if !have[id] {
			t.Errorf("no fingerprint for %s", id)
		}
	}
}

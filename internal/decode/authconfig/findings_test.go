package authconfig

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestDockerPolicy(t *testing.T) {
	pw := `{"auth": "` + b64("u:p") + `"}`
	tests := []struct {
		name, config, key string
		want              []diagnose.Code
		msg               string // a part of the first finding's message
	}{
		{"plain password", `{"auths": {"r.example": ` + pw + `}}`, "r.example",
			[]diagnose.Code{plain}, `auths["r.example"] in /c stores a password in plain text and no credential helper applies to it`},
		{"credsStore shadows", `{"auths": {"r.example": ` + pw + `}, "credsStore": "desktop"}`, "r.example",
			[]diagnose.Code{shadowed}, "credential helper docker-credential-desktop (credsStore) applies to it, so it is not used by the Docker CLI"},
		{"credHelpers shadows", `{"auths": {"r.example": ` + pw + `}, "credHelpers": {"r.example": "pass"}}`, "r.example",
			[]diagnose.Code{shadowed}, "docker-credential-pass (credHelpers)"},
		{"helper for the host of a URL key", `{"auths": {"https://r.example/v1/": ` + pw + `}, "credHelpers": {"r.example": "pass"}}`, "https://r.example/v1/",
			[]diagnose.Code{shadowed}, "docker-credential-pass (credHelpers)"},
		{"empty credHelpers value selects the file", `{"auths": {"r.example": ` + pw + `}, "credsStore": "desktop", "credHelpers": {"r.example": ""}}`, "r.example",
			[]diagnose.Code{plain}, "stores a password in plain text"},
		{"placeholder with a store", `{"auths": {"r.example": {}}, "credsStore": "desktop"}`, "r.example", nil, ""},
		{"placeholder without a store", `{"auths": {"r.example": {}}}`, "r.example",
			[]diagnose.Code{empty}, `auths["r.example"] in /c holds no credentials and no credential helper applies to it, so no credentials are sent to r.example`},
		{"several secrets, one warning", `{"auths": {"r.example": {"auth": "` + b64("u:p") + `", "identitytoken": "i", "registrytoken": "t"}}}`, "r.example",
			[]diagnose.Code{plain, idtoken}, "stores a password, an identity token and a registry token in plain text"},
		{"identity token", `{"auths": {"r.example": {"identitytoken": "i"}}}`, "r.example",
			[]diagnose.Code{plain, idtoken}, "an identity token"},
		{"hub alias", `{"auths": {"docker.io": ` + pw + `}}`, "docker.io",
			[]diagnose.Code{plain, hubKey}, ""},
		{"hub alias with scheme", `{"auths": {"https://index.docker.io/v1": {}}, "credsStore": "x"}`, "https://index.docker.io/v1",
			[]diagnose.Code{hubKey}, `auths["https://index.docker.io/v1"] in /c names Docker Hub, but the Docker CLI looks up Hub credentials only under "https://index.docker.io/v1/", so this entry is not used for docker.io images`},
		{"hub key itself", `{"auths": {"https://index.docker.io/v1/": {}}, "credsStore": "x"}`, HubKey, nil, ""},
		{"bad auth is not also empty", `{"auths": {"r.example": {"auth": "%%%%"}}}`, "r.example", []diagnose.Code{invalid}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("/c", []byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			e := mustEntry(t, f, tt.key)
			if !sameCodes(e.Findings, tt.want...) {
				t.Fatalf("findings %v, want %v: %+v", codes(e.Findings), tt.want, e.Findings)
			}
			if tt.msg != "" && !strings.Contains(e.Findings[0].Message, tt.msg) {
				t.Errorf("message %q does not contain %q", e.Findings[0].Message, tt.msg)
			}
		})
	}
}

func TestIdentityTokenMessage(t *testing.T) {
	f, err := Parse("", []byte(`{"auths": {"r": {"identitytoken": "i"}}, "credsStore": "s"}`))
	if err != nil {
		t.Fatal(err)
	}
	e := mustEntry(t, f, "r")
	if !sameCodes(e.Findings, shadowed, idtoken) {
		t.Fatalf("findings %v", codes(e.Findings))
	}
	want := `auths["r"] holds an identity token: an OAuth refresh token the client exchanges at the token service with a POST (grant_type=refresh_token), not a password`
	if e.Findings[1].Message != want || e.Findings[1].Severity != diagnose.Info {
		t.Errorf("got %+v", e.Findings[1])
	}
}

func TestHubHelperFindings(t *testing.T) {
	f, err := Parse("/c", []byte(`{"credHelpers": {"registry-1.docker.io": "a", "https://index.docker.io/v1/": "b", "gcr.io": "c", "docker.io": "d"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !sameCodes(f.Findings, hubKey, hubKey) {
		t.Fatalf("findings %+v", f.Findings)
	}
	if want := `credHelpers["docker.io"] in /c names Docker Hub, but the Docker CLI looks up Hub credentials only under "https://index.docker.io/v1/", so this helper is not used for docker.io images`; f.Findings[0].Message != want {
		t.Errorf("got  %q\nwant %q", f.Findings[0].Message, want)
	}
	if !strings.HasSuffix(f.Findings[1].Message, "(only for images named registry-1.docker.io/...)") {
		t.Errorf("got %q", f.Findings[1].Message)
	}
}

func TestContainersPolicy(t *testing.T) {
	f, err := ParseContainers("/a", []byte(`{"auths": {
		"docker.io": {"auth": "`+b64("u:p")+`"},
		"quay.io/org": {"auth": "`+b64("u:p")+`"},
		"ghcr.io": {}
	}, "credHelpers": {"quay.io": "secretservice"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if e := mustEntry(t, f, "docker.io"); !sameCodes(e.Findings, plain) || !strings.HasPrefix(e.Findings[0].Hint, "Configure a credential helper (credHelpers in auth.json") {
		t.Errorf("docker.io: %+v", e.Findings)
	}
	if e := mustEntry(t, f, "quay.io/org"); !sameCodes(e.Findings, shadowed) || !strings.Contains(e.Findings[0].Message, "not used by podman and skopeo") {
		t.Errorf("quay.io/org: %+v", e.Findings)
	}
	if e := mustEntry(t, f, "ghcr.io"); !sameCodes(e.Findings, empty) {
		t.Errorf("ghcr.io: %+v", e.Findings)
	}
}

func TestEnvPolicy(t *testing.T) {
	f, err := ParseEnvAuthConfig(`{"auths": {"docker.io": {"auth": "` + b64("u:p") + `"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if e := mustEntry(t, f, "docker.io"); !sameCodes(e.Findings, hubKey) {
		t.Errorf("a secret in the environment is not a plaintext finding; the Hub key is: %+v", e.Findings)
	}
}

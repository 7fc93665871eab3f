package credprovider

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

// The example from the Kubernetes documentation's "Configure a kubelet
// image credential provider" page, in its shape.
const docExample = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr.ecr.*.amazonaws.com.cn"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    args:
      - get-credentials
    env:
      - name: AWS_PROFILE
        value: example_profile
`

func TestParseDocExample(t *testing.T) {
	c, err := Parse("cred.yaml", []byte(docExample))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Findings) != 0 || len(c.Providers) != 1 {
		t.Fatalf("%+v", c)
	}
	p := c.Providers[0]
	if p.Name != "ecr-credential-provider" || len(p.MatchImages) != 2 || p.CacheDuration.Hours() != 12 ||
		p.APIVersion != APIVersions[0] || p.Args[0] != "get-credentials" || p.Env[0].Value != "example_profile" || p.EnvNames[0] != "AWS_PROFILE" {
		t.Errorf("%+v", p)
	}
	m := Match(p, "123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app")
	if !m.Matched || !strings.Contains(m.Why(), `"*.dkr.ecr.*.amazonaws.com"`) {
		t.Errorf("ECR image: %+v %s", m, m.Why())
	}
	m = Match(p, "registry.k8s.io/pause")
	if m.Matched || m.Why() != "none of its 2 matchImages match" || !strings.Contains(m.Globs[0].Why, "host labels") {
		t.Errorf("other image: %+v", m)
	}
}

func TestParseFaults(t *testing.T) {
	provider := func(extra string) string {
		return "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- " + extra
	}
	cases := []struct {
		name, in string
		code     diagnose.Code
		says     string
	}{
		{"config apiVersion", strings.Replace(docExample, "kubelet.config.k8s.io/v1", "kubelet.config.k8s.io/v2", 1), diagnose.CredProviderConfigVersion, `apiVersion "kubelet.config.k8s.io/v2"`},
		{"wrong kind", strings.Replace(docExample, "kind: CredentialProviderConfig", "kind: KubeletConfiguration", 1), diagnose.CredProviderConfigVersion, `kind "KubeletConfiguration"`},
		{"old version", strings.Replace(docExample, "kubelet.config.k8s.io/v1", "kubelet.config.k8s.io/v1beta1", 1), diagnose.CredProviderConfigOld, "v1beta1 is read"},
		{"misspelt field", strings.Replace(docExample, "matchImages:", "matchimages:", 1), diagnose.CredProviderUnknownField, `"matchimages" the kubelet does not know (the field is "matchImages"`},
		{"no matchImages", provider("name: a\n  defaultCacheDuration: 1h\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n"), diagnose.CredProviderNoMatchImages, "providers[0] (a) has no matchImages"},
		{"path in name", strings.Replace(docExample, "name: ecr-credential-provider", "name: bin/ecr", 1), diagnose.CredProviderBadName, "cannot contain '/'"},
		{"duplicate name", provider("name: a\n  matchImages: [x.io]\n  defaultCacheDuration: 1h\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n- name: a\n  matchImages: [y.io]\n  defaultCacheDuration: 1h\n  apiVersion: credentialprovider.kubelet.k8s.io/v1\n"), diagnose.CredProviderBadName, "Duplicate value"},
		{"provider apiVersion", strings.Replace(docExample, "apiVersion: credentialprovider.kubelet.k8s.io/v1", "apiVersion: kubelet.config.k8s.io/v1", 1), diagnose.CredProviderAPIVersion, `apiVersion "kubelet.config.k8s.io/v1" is not supported`},
		{"bad duration", strings.Replace(docExample, `"12h"`, `"12 hours"`, 1), diagnose.CredProviderBadDuration, `"12 hours" is not a duration`},
		{"numeric duration", strings.Replace(docExample, `"12h"`, `300`, 1), diagnose.CredProviderBadDuration, "300 is not a duration string"},
		{"negative duration", strings.Replace(docExample, `"12h"`, `"-1m"`, 1), diagnose.CredProviderBadDuration, "greater than or equal to 0"},
		{"no duration", strings.Replace(docExample, `    defaultCacheDuration: "12h"`+"\n", "", 1), diagnose.CredProviderBadDuration, "has no defaultCacheDuration"},
		{"bad glob", strings.Replace(docExample, `"*.dkr.ecr.*.amazonaws.com"`, `"reg%zz"`, 1), diagnose.CredProviderBadMatchImage, "match image is invalid"},
		{"no providers", "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: []\n", diagnose.CredProviderNoProviders, "providers is empty"},
		{"token attributes", strings.Replace(docExample, "    args:", "    tokenAttributes:\n      serviceAccountTokenAudience: api://x\n      requireServiceAccount: true\n      cacheType: Token\n    args:", 1), diagnose.CredProviderTokenAttributes, `audience "api://x"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := Parse("cred.yaml", []byte(c.in))
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range cfg.Findings {
				if f.Code == c.code && strings.Contains(f.Message, c.says) && strings.HasPrefix(f.Message, "cred.yaml: ") {
					found = true
				}
			}
			if !found {
				t.Errorf("want %s saying %q, got %+v", c.code, c.says, cfg.Findings)
			}
			stops := len(cfg.StartupErrors()) > 0
			if want := diagnose.Lookup(c.code).Severity == diagnose.Error; stops != want {
				t.Errorf("kubelet stops: %v, want %v", stops, want)
			}
		})
	}
}

func TestParseRefusesUnreadable(t *testing.T) {
	for in, says := range map[string]string{
		"providers: [\n":          "not YAML or JSON",
		"- a\n- b\n":              "not a Kubernetes object",
		"kind: x\nproviders: 3\n": "providers is not a list",
		"apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: a\n  matchImages: x.io\n": "providers[0].matchImages is not a list of strings",
	} {
		if _, err := Parse("f", []byte(in)); err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: %v, want %q", in, err, says)
		}
	}
}

func TestParseResponse(t *testing.T) {
	const v1 = "credentialprovider.kubelet.k8s.io/v1"
	ok := `{"kind":"CredentialProviderResponse","apiVersion":"` + v1 + `","cacheKeyType":"Registry","cacheDuration":"5m","auth":{"b.example.com":{"username":"u","password":"Synth3tic-pw"},"a.example.com":{"username":"v"}}}`
	r, f := ParseResponse([]byte(ok), v1)
	if f != nil || len(r.Auth) != 2 || r.Auth[0].Key != "a.example.com" || r.Auth[1].Password != "Synth3tic-pw" || r.Duration == nil || r.Duration.Minutes() != 5 {
		t.Fatalf("%+v %+v", r, f)
	}
	if got := r.Cache(Provider{}, "b.example.com/app"); !strings.Contains(got, "cached 5m0s (the response's cacheDuration), for every image on b.example.com") {
		t.Errorf("cache: %s", got)
	}
	cases := []struct {
		name, out string
		code      diagnose.Code
		kubelet   string
	}{
		{"not JSON", "token: Synth3tic-pw\n", diagnose.CredProviderResponseInvalid, "error reading GVK from response: invalid character"},
		{"empty", "", diagnose.CredProviderResponseInvalid, "error reading GVK from response: unexpected end of JSON input"},
		{"other version", strings.Replace(ok, v1, "credentialprovider.kubelet.k8s.io/v1beta1", 1), diagnose.CredProviderResponseVersion, "did not match expected apiVersion:" + v1 + ", actual apiVersion:credentialprovider.kubelet.k8s.io/v1beta1"},
		{"other kind", strings.Replace(ok, "CredentialProviderResponse", "CredentialProviderRequest", 1), diagnose.CredProviderResponseVersion, "error decoding credential provider plugin response from stdout"},
		{"unknown field", strings.Replace(ok, `"cacheDuration"`, `"cache_duration"`, 1), diagnose.CredProviderResponseInvalid, "error decoding"},
		{"bad duration", strings.Replace(ok, `"5m"`, `"soon"`, 1), diagnose.CredProviderResponseInvalid, "error decoding"},
		{"no cacheKeyType", strings.Replace(ok, `"cacheKeyType":"Registry",`, "", 1), diagnose.CredProviderCacheKeyType, `did not return a valid cacheKeyType: ""`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, f := ParseResponse([]byte(c.out), v1)
			if f == nil || f.Code != c.code || !strings.Contains(f.Kubelet, c.kubelet) {
				t.Fatalf("got %+v, want %s with %q", f, c.code, c.kubelet)
			}
			if strings.Contains(f.Kubelet+f.Detail, "Synth3tic-pw") {
				t.Errorf("the fault quotes the output's secret: %+v", f)
			}
		})
	}
}

func TestRequestIsTheKubeletsJSON(t *testing.T) {
	got := string(Request(APIVersions[0], "registry.example.com/team/app"))
	want := `{"kind":"CredentialProviderRequest","apiVersion":"credentialprovider.kubelet.k8s.io/v1","image":"registry.example.com/team/app"}` + "\n"
	if got != want {
		t.Errorf("got %s", got)
	}
}

func TestMergeNamesDuplicateAcrossFiles(t *testing.T) {
	a, _ := Parse("10-a.yaml", []byte(docExample))
	b, _ := Parse("20-b.yaml", []byte(docExample))
	m := Merge("dir", []*Config{a, b})
	if len(m.Providers) != 2 || m.Providers[1].Where != "20-b.yaml" || len(m.StartupErrors()) != 1 || !strings.Contains(m.Findings[0].Message, "10-a.yaml and 20-b.yaml") {
		t.Errorf("%+v", m)
	}
}

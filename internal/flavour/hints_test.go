package flavour

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestApplyHints(t *testing.T) {
	acrPing := ping(`Bearer realm="https://r.azurecr.io/oauth2/token",service="r.azurecr.io",error="invalid_token"`, map[string]string{"X-Ms-Correlation-Request-Id": "x"}, "")
	remoteBody := ping("", map[string]string{"Server": "Artifactory/7.77.3"}, `{"errors":[{"status":401,"message":"Invalid username/password configured for Remote Docker repository: dockerhub-remote"}]}`)
	tests := []struct {
		name     string
		ev       Evidence
		in       []diagnose.Diagnosis
		code     diagnose.Code
		hintHas  string // "" means the code must be absent
		untouchd diagnose.Code
	}{
		{"harbor empty grant", Evidence{Responses: []Response{ping(`Bearer realm="https://h/service/token",service="harbor-registry"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.InsufficientScope, "the token grants nothing", ""), diagnose.New(diagnose.RealmOtherHost, "x", "")},
			diagnose.InsufficientScope, "action: pull", diagnose.RealmOtherHost},
		{"gcr POST 404 is expected", Evidence{Host: "gcr.io", Responses: []Response{ping(`Bearer realm="https://gcr.io/v2/token",service="gcr.io"`, map[string]string{"Server": "Docker Registry"}, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.OAuthFallback, "the token service answered the OAuth2 POST with 404", "")},
			diagnose.OAuthFallback, "404", ""},
		{"artifactory POST 401 is expected", Evidence{Responses: []Response{remoteBody}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.OAuthFallback, "401", "")},
			diagnose.OAuthFallback, "Artifactory is known to answer the OAuth2 POST with 401", ""},
		{"acr POST 400 is expected", Evidence{Responses: []Response{acrPing}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.OAuthFallback, "400", "")},
			diagnose.OAuthFallback, "400", ""},
		{"acr invalid_token without a token", Evidence{Responses: []Response{acrPing}}, nil,
			diagnose.FlavourExpected, "Nothing to fix", ""},
		{"acr invalid_token after a token is no quirk", Evidence{Responses: []Response{func() Response { r := acrPing; r.SentAuth = true; return r }()}}, nil,
			diagnose.FlavourExpected, "", ""},
		{"artifactory upstream credentials", Evidence{Responses: []Response{remoteBody}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.TokenRejected, "401 to the Bearer retry", "")},
			diagnose.UpstreamCredentials, "administrator", ""},
		{"artifactory upstream: the rejected-token hint says so", Evidence{Responses: []Response{remoteBody}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.TokenRejected, "401 to the Bearer retry", "")},
			diagnose.TokenRejected, "not yours", ""},
		{"ghcr missing and private alike", Evidence{Host: "ghcr.io", Responses: []Response{ping(`Bearer realm="https://ghcr.io/token",service="ghcr.io"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.AccessDenied, "403 denied", "")},
			diagnose.AccessDenied, "missing package and a private one alike", ""},
		{"docker hub missing and private alike", Evidence{Responses: []Response{ping(`Bearer realm="https://auth.docker.io/token",service="registry.docker.io"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.InsufficientScope, "x", "")},
			diagnose.InsufficientScope, "library/NAME", ""},
		{"quay cuts the grant", Evidence{Responses: []Response{ping(`Bearer realm="https://q/v2/auth",service="q"`, nil, "true")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.InsufficientScope, "x", "")},
			diagnose.InsufficientScope, "cuts the grant down silently", ""},
		{"gitlab token lifetime mid-push", Evidence{Responses: []Response{ping(`Bearer realm="https://g/jwt/auth",service="container_registry"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.TokenExpiresDuringUpload, "x", "")},
			diagnose.TokenExpiresDuringUpload, "5 min", ""},
		{"gitlab cuts the grant", Evidence{Responses: []Response{ping(`Bearer realm="https://g/jwt/auth",service="container_registry"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.PushDenied, "x", "")},
			diagnose.PushDenied, "silently", ""},
		{"nexus realm and anonymous", Evidence{Responses: []Response{ping(`BASIC realm="Sonatype Nexus Repository Manager"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.NoCredentials, "x", "")},
			diagnose.NoCredentials, "Allow anonymous docker pull", ""},
		{"ecr public login", Evidence{Responses: []Response{ping(`Bearer realm="https://public.ecr.aws/token/",service="public.ecr.aws",scope="aws"`, nil, "")}},
			[]diagnose.Diagnosis{diagnose.New(diagnose.BadCredentials, "x", "")},
			diagnose.BadCredentials, "--region us-east-1", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Recognise(tt.ev)
			before := append([]diagnose.Diagnosis(nil), tt.in...)
			out := Apply(m, tt.ev, tt.in)
			for i := range before {
				if tt.in[i] != before[i] {
					t.Fatalf("Apply changed its input")
				}
			}
			var got *diagnose.Diagnosis
			for i := range out {
				if out[i].Code == tt.code {
					got = &out[i]
				}
			}
			if tt.hintHas == "" {
				if got != nil {
					t.Fatalf("%s (%s) should not be there: %+v", tt.code, m.ID, got)
				}
				return
			}
			if got == nil {
				t.Fatalf("%s missing for %s: %+v", tt.code, m.ID, out)
			}
			if !strings.Contains(got.Hint, tt.hintHas) {
				t.Errorf("%s hint for %s lacks %q: %s", tt.code, m.ID, tt.hintHas, got.Hint)
			}
			for _, d := range out {
				if d.Code == tt.untouchd && d.Hint != diagnose.New(d.Code, "", "").Hint {
					t.Errorf("%s got a hint it should not: %s", d.Code, d.Hint)
				}
			}
			if tt.code == diagnose.UpstreamCredentials && out[0].Code != tt.code {
				t.Errorf("the finding is not first: %+v", out)
			}
			// Twice is once.
			again := Apply(m, tt.ev, out)
			if len(again) != len(out) || again[0].Hint != out[0].Hint || again[len(again)-1].Hint != out[len(out)-1].Hint {
				t.Errorf("applying twice changed the diagnoses")
			}
		})
	}
}

// An unknown registry gets the diagnoses as they are.
func TestApplyUnknown(t *testing.T) {
	in := []diagnose.Diagnosis{diagnose.New(diagnose.InsufficientScope, "x", "")}
	out := Apply(Match{ID: Unknown}, Evidence{}, in)
	if len(out) != 1 || out[0].Hint != in[0].Hint {
		t.Fatalf("%+v", out)
	}
}

// Every hint names a flavour of the table and codes of the catalogue.
func TestHintTableIsConsistent(t *testing.T) {
	ids := map[string]bool{}
	for _, f := range Flavours() {
		ids[f.ID] = true
	}
	hs, fs := hints()
	for _, h := range hs {
		if !ids[h.flavour] || h.text == "" || len(h.codes) == 0 {
			t.Errorf("bad hint %+v", h)
		}
		for _, c := range h.codes {
			if diagnose.Lookup(c).Hint == "" {
				t.Errorf("hint for unknown code %s", c)
			}
		}
	}
	for _, f := range fs {
		if !ids[f.flavour] || diagnose.Lookup(f.code).Hint == "" || f.when.in == 0 {
			t.Errorf("bad finding %+v", f)
		}
	}
}

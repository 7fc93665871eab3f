package authconfig

import (
	"slices"
	"testing"
)

func TestResolveDocker(t *testing.T) {
	pw := `{"auth": "` + b64("u:p") + `"}`
	tests := []struct {
		name, config, key   string
		source, helper, got string // got: the key of the entry used
		shadows             []string
	}{
		{"exact auths", `{"auths": {"r.example": ` + pw + `}}`, "r.example", "auths", "", "r.example", nil},
		{"nothing", `{"auths": {"r.example": ` + pw + `}}`, "other.example", "", "", "", nil},
		{"hub via docker.io", `{"auths": {"https://index.docker.io/v1/": ` + pw + `, "docker.io": ` + pw + `}}`, "docker.io", "auths", "", HubKey, nil},
		{"hub via index.docker.io", `{"auths": {"https://index.docker.io/v1/": ` + pw + `}}`, "index.docker.io", "auths", "", HubKey, nil},
		{"hub alias key not used for hub", `{"auths": {"docker.io": ` + pw + `, "index.docker.io": ` + pw + `}}`, HubKey, "", "", "", nil},
		{"registry-1 is its own host", `{"auths": {"registry-1.docker.io": ` + pw + `}}`, "registry-1.docker.io", "auths", "", "registry-1.docker.io", nil},
		{"URL key found by host", `{"auths": {"https://reg:5000/v1/": ` + pw + `}}`, "reg:5000", "auths", "", "https://reg:5000/v1/", nil},
		{"host match is case-sensitive as in the CLI", `{"auths": {"https://REG:5000/": ` + pw + `}}`, "reg:5000", "", "", "", nil},
		{"several keys match", `{"auths": {"http://reg/": ` + pw + `, "https://reg/v1/": ` + pw + `}}`, "reg", "auths", "", "http://reg/",
			[]string{`auths["https://reg/v1/"] (also matches; the Docker CLI picks one of them at random)`}},
		{"credsStore wins over auths", `{"auths": {"r": ` + pw + `}, "credsStore": "desktop"}`, "r", "credsStore", "desktop", "",
			[]string{`auths["r"]`}},
		{"placeholder is not a shadow", `{"auths": {"r": {}}, "credsStore": "desktop"}`, "r", "credsStore", "desktop", "", nil},
		{"credHelpers wins over credsStore", `{"auths": {"r": ` + pw + `}, "credsStore": "desktop", "credHelpers": {"r": "pass"}}`, "r", "credHelpers", "pass", "",
			[]string{"credsStore: desktop", `auths["r"]`}},
		{"empty credHelpers selects the file", `{"auths": {"r": ` + pw + `}, "credsStore": "desktop", "credHelpers": {"r": ""}}`, "r", "auths", "", "r",
			[]string{"credsStore: desktop"}},
		{"credHelpers for hub by HubKey", `{"credHelpers": {"https://index.docker.io/v1/": "desktop"}}`, "docker.io", "credHelpers", "desktop", "", nil},
		{"credHelpers docker.io not used for hub", `{"credHelpers": {"docker.io": "desktop"}}`, "docker.io", "", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("", []byte(tt.config))
			if err != nil {
				t.Fatal(err)
			}
			r := f.Resolve(tt.key)
			got := ""
			if r.Entry != nil {
				got = r.Entry.Key
			}
			if r.Source != tt.source || r.Helper != tt.helper || got != tt.got || !slices.Equal(r.Shadows, tt.shadows) {
				t.Errorf("Resolve(%q) = {%q %q %q %q}, want {%q %q %q %q}", tt.key, r.Source, r.Helper, got, r.Shadows, tt.source, tt.helper, tt.got, tt.shadows)
			}
		})
	}
}

func TestResolveEnvIsExact(t *testing.T) {
	f, err := ParseEnvAuthConfig(`{"auths": {"https://reg:5000/": {"auth": "` + b64("u:p") + `"}, "https://index.docker.io/v1/": {"auth": "` + b64("h:p") + `"}}}`)
	if err != nil {
		t.Fatal(err)
	}
	if r := f.Resolve("reg:5000"); r.Source != "" {
		t.Errorf("DOCKER_AUTH_CONFIG matches exact keys only, got %+v", r)
	}
	if r := f.Resolve("docker.io"); r.Entry == nil || r.Entry.Username != "h" {
		t.Errorf("hub: %+v", r)
	}
}

func TestResolveContainers(t *testing.T) {
	pw := `{"auth": "` + b64("u:p") + `"}`
	f, err := ParseContainers("", []byte(`{"auths": {
		"quay.io": `+pw+`, "quay.io/org": `+pw+`, "quay.io/org/repo": `+pw+`,
		"registry-1.docker.io": `+pw+`, "https://ghcr.io/v1/": `+pw+`, "helped.example": `+pw+`
	}, "credHelpers": {"helped.example": "pass", "docker.io": "hub"}}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key, source, helper, got string
		shadows                  []string
	}{
		{"quay.io/org/repo/image", "auths", "", "quay.io/org/repo", nil},
		{"quay.io/org/other", "auths", "", "quay.io/org", nil},
		{"quay.io/else", "auths", "", "quay.io", nil},
		{"index.docker.io", "auths", "", "registry-1.docker.io", nil},
		{"ghcr.io", "auths", "", "https://ghcr.io/v1/", nil},
		{"helped.example/x", "credHelpers", "pass", "", []string{`auths["helped.example"]`}},
		{"docker.io/library/alpine", "credHelpers", "hub", "", []string{`auths["registry-1.docker.io"]`}},
		{"none.example", "", "", "", nil},
	}
	for _, tt := range tests {
		r := f.Resolve(tt.key)
		got := ""
		if r.Entry != nil {
			got = r.Entry.Key
		}
		if r.Source != tt.source || r.Helper != tt.helper || got != tt.got || !slices.Equal(r.Shadows, tt.shadows) {
			t.Errorf("Resolve(%q) = {%q %q %q %q}, want {%q %q %q %q}", tt.key, r.Source, r.Helper, got, r.Shadows, tt.source, tt.helper, tt.got, tt.shadows)
		}
	}
}

func TestResolveNil(t *testing.T) {
	var f *File
	if r := f.Resolve("x"); r.Source != "" {
		t.Errorf("got %+v", r)
	}
}

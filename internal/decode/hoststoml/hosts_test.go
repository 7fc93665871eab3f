package hoststoml

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

// setup lays out a hosts dir: each key a directory under the root, each
// value the testdata fixture copied as its hosts.toml ("" for none).
func setup(t *testing.T, dirs map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for dir, fixture := range dirs {
		d := filepath.Join(root, dir)
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if fixture == "" {
			continue
		}
		b, err := os.ReadFile(filepath.Join("testdata", fixture))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "hosts.toml"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func hostLine(h Host) string {
	s := h.URL() + " " + strings.Join(h.Capabilities, ",")
	if h.Server {
		s += " server"
	}
	if h.HTTPFallback {
		s += " https-first"
	}
	if h.SkipVerify != nil && *h.SkipVerify {
		s += " skip-verify"
	}
	return s
}

func codes(ds []diagnose.Diagnosis) string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Code))
	}
	return strings.Join(out, " ")
}

func TestLookupOrder(t *testing.T) {
	tests := []struct {
		name     string
		dirs     map[string]string
		registry string
		opts     Options
		want     []string
		codes    string
	}{
		{"docs example: hosts in file order, the registry last with every capability",
			map[string]string{"reg.example.com": "docs-mirrors.toml"}, "reg.example.com", Options{},
			[]string{
				"https://mirror.registry/v2 pull",
				"https://mirror-bak.registry/us/v2 pull skip-verify",
				"http://mirror.registry/v2 pull",
				"https://test-1.registry/v2 pull,resolve,push",
				"https://test-2.registry/v2 pull,resolve,push,referrers",
				"https://test-3.registry/v2 pull,resolve,push,referrers",
				"https://non-compliant-mirror.registry/v2/upstream pull",
				"https://reg.example.com/v2 pull,resolve,push,referrers server",
			}, "HOSTS_PATH_APPENDED HOSTS_FILE_MISSING"},
		{"local mirror for Docker: server last, as written",
			map[string]string{"docker.io": "docs-local-mirror.toml"}, "docker.io", Options{},
			[]string{
				"https://public-mirror.example.com/v2 pull",
				"https://docker-mirror.internal/v2 pull,resolve",
				"https://registry-1.docker.io/v2 pull,resolve,push,referrers server",
			}, "HOSTS_FILE_MISSING"},
		{"server docker.io stays docker.io; the listed host goes first",
			map[string]string{"docker.io": "docs-simple.toml"}, "docker.io", Options{},
			[]string{"https://registry-1.docker.io/v2 pull,resolve", "https://docker.io/v2 pull,resolve,push,referrers server"}, ""},
		{"_default for a registry without a directory; the registry itself appended",
			map[string]string{"_default": "docs-default-mirror.toml"}, "ghcr.io", Options{},
			[]string{"https://registry.example.com/v2 pull,resolve", "https://ghcr.io/v2 pull,resolve,push,referrers server"}, "HOSTS_DEFAULT_DIR"},
		{"Docker Hub without a directory: registry-1.docker.io",
			nil, "docker.io", Options{},
			[]string{"https://registry-1.docker.io/v2 pull,resolve,push,referrers server"}, ""},
		{"skip_verify on an http host: https first, then http",
			map[string]string{"docker.io": "docs-bypass-tls.toml"}, "docker.io", Options{},
			[]string{"https://192.168.31.250:5000/v2 pull,resolve,push https-first skip-verify", "https://registry-1.docker.io/v2 pull,resolve,push,referrers server"}, ""},
		{"host_port_ before host:port, and the shadowed one named",
			map[string]string{"127.0.0.1_5000_": "docs-default-mirror.toml", "127.0.0.1:5000": "docs-simple.toml"}, "127.0.0.1:5000", Options{},
			[]string{"https://registry.example.com/v2 pull,resolve", "https://127.0.0.1:5000/v2 pull,resolve,push,referrers server https-first skip-verify"}, "HOSTS_DIR_SHADOWED"},
		{"loopback without a directory, ctr --plain-http",
			nil, "127.0.0.1:5000", Options{DefaultScheme: "http"},
			[]string{"http://127.0.0.1:5000/v2 pull,resolve,push,referrers server"}, "HOSTS_DIR_NOT_FOUND"},
		{"a directory without the port is not used",
			map[string]string{"reg.example.com": "docs-default-mirror.toml"}, "reg.example.com:5000", Options{},
			[]string{"https://reg.example.com:5000/v2 pull,resolve,push,referrers server"}, "HOSTS_DIR_MISNAMED HOSTS_DIR_NOT_FOUND"},
		{"bad TOML: the file is ignored, the registry alone",
			map[string]string{"reg.example.com": "bad-toml.toml"}, "reg.example.com", Options{},
			[]string{"https://reg.example.com/v2 pull,resolve,push,referrers server"}, "HOSTS_TOML_INVALID"},
		{"an unknown capability: the file is ignored",
			map[string]string{"reg.example.com": "bad-capability.toml"}, "reg.example.com", Options{},
			[]string{"https://reg.example.com/v2 pull,resolve,push,referrers server"}, "HOSTS_BAD_VALUE"},
		{"unknown keys are dropped: the typo'd capabilities mean all of them",
			map[string]string{"reg.example.com": "unknown-keys.toml"}, "reg.example.com", Options{},
			[]string{"https://mirror.example.com/v2 pull,resolve,push,referrers", "https://reg.example.com/v2 pull,resolve,push,referrers server"}, "HOSTS_UNKNOWN_KEY HOSTS_UNKNOWN_KEY HOSTS_UNKNOWN_KEY"},
		{"override_path keeps the path; without it /v2 is appended",
			map[string]string{"docker.io": "harbor-proxy.toml"}, "docker.io", Options{},
			[]string{"https://harbor.example.com/v2/dockerhub-proxy/v2 pull,resolve", "https://harbor2.example.com/v2/dockerhub-proxy pull,resolve", "https://bare.example.com pull,resolve,push,referrers", "https://registry-1.docker.io/v2 pull,resolve,push,referrers server"},
			"HOSTS_PATH_APPENDED HOSTS_OVERRIDE_PATH"},
		{"a directory without hosts.toml: the registry itself",
			map[string]string{"reg.example.com": ""}, "reg.example.com", Options{},
			[]string{"https://reg.example.com/v2 pull,resolve,push,referrers server"}, "HOSTS_NO_TOML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := setup(t, tt.dirs)
			res := Lookup(OS{}, []string{root}, tt.registry, tt.opts)
			var got []string
			for _, h := range res.Hosts {
				got = append(got, hostLine(h))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("hosts\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tt.want, "\n      "))
			}
			if c := codes(res.Findings); c != tt.codes {
				t.Errorf("findings %q, want %q: %+v", c, tt.codes, res.Findings)
			}
		})
	}
}

func TestParseDetails(t *testing.T) {
	b, _ := os.ReadFile("testdata/docs-mirrors.toml")
	f := Parse("/etc/containerd/certs.d/reg/hosts.toml", b)
	h := f.Hosts[0]
	//lint:ignore SA1008 hosts.toml headers are kept as written, as containerd sets them
	if h.Line != 2 || h.Header["x-custom-2"][0] != "value1" || len(h.Header["x-custom-2"]) != 2 || h.CA[0] != "/etc/certs/mirror.pem" {
		t.Errorf("first host: %+v", h)
	}
	if p := f.Hosts[3].Client; len(p) != 2 || p[0] != [2]string{"/etc/certs/client.cert", "/etc/certs/client.key"} || p[1][1] != "" {
		t.Errorf("client pairs: %v", p)
	}
	b, _ = os.ReadFile("testdata/docs-local-mirror.toml")
	f = Parse("/etc/containerd/certs.d/docker.io/hosts.toml", b)
	if f.Hosts[1].CA[0] != "/etc/containerd/certs.d/docker.io/docker-mirror.crt" {
		t.Errorf("a relative ca is relative to the host dir: %v", f.Hosts[1].CA)
	}
	b, _ = os.ReadFile("testdata/bad-toml.toml")
	f = Parse("x/hosts.toml", b)
	if len(f.Findings) != 1 || !strings.Contains(f.Findings[0].Message, "line 4") {
		t.Errorf("bad TOML names its line: %+v", f.Findings)
	}
	b, _ = os.ReadFile("testdata/unknown-keys.toml")
	f = Parse("x/hosts.toml", b)
	for _, d := range f.Findings {
		if strings.Contains(d.Message, "not-used") {
			t.Errorf("a password in hosts.toml is printed: %s", d.Message)
		}
	}
	if !strings.Contains(f.Findings[0].Message, "line 3") || !strings.Contains(f.Findings[0].Message, "did you mean capabilities") {
		t.Errorf("typo: %+v", f.Findings[0])
	}
}

func TestCAFileRelativeAndPresent(t *testing.T) {
	root := setup(t, map[string]string{"docker.io": "docs-local-mirror.toml"})
	if err := os.WriteFile(filepath.Join(root, "docker.io", "docker-mirror.crt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	res := Lookup(OS{}, []string{root}, "docker.io", Options{})
	if res.Fatal != "" || len(res.Findings) != 0 {
		t.Errorf("the CA exists next to hosts.toml: %+v %s", res.Findings, res.Fatal)
	}
}

func TestRootsInOrder(t *testing.T) {
	a := setup(t, map[string]string{"_default": "docs-default-mirror.toml"})
	b := setup(t, map[string]string{"ghcr.io": "docs-simple.toml"})
	res := Lookup(OS{}, []string{a, b}, "ghcr.io", Options{})
	if res.Dir != filepath.Join(a, "_default") {
		t.Errorf("the first root's _default wins over the second root's directory (hostDirFromRoots): %s", res.Dir)
	}
}

func TestParseCRI(t *testing.T) {
	read := func(n string) *CRIConfig {
		b, err := os.ReadFile("testdata/" + n)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ParseCRI(n, b)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := read("cri-legacy.toml")
	var got []string
	for _, h := range c.LegacyHosts("docker.io") {
		got = append(got, hostLine(h))
	}
	// registryEndpoints compares the endpoint's host with docker.io, not
	// registry-1.docker.io: the upstream is appended a second time.
	want := "https://mirror.example.com/v2 pull,resolve\nhttps://registry-1.docker.io/v2 pull,resolve\nhttps://registry-1.docker.io/v2 pull,resolve server"
	if strings.Join(got, "\n") != want {
		t.Errorf("docker.io's mirrors, then the registry:\n%s", strings.Join(got, "\n"))
	}
	got = nil
	for _, h := range c.LegacyHosts("quay.io") {
		got = append(got, hostLine(h))
	}
	want = "http://127.0.0.1:5000/v2 pull,resolve skip-verify\nhttps://quay.io/v2 pull,resolve server"
	if strings.Join(got, "\n") != want {
		t.Errorf("the * mirror, then the registry:\n%s", strings.Join(got, "\n"))
	}
	if h := c.LegacyHosts("docker.io")[0]; len(h.CA) != 1 || h.CA[0] != "/etc/containerd/mirror-ca.pem" {
		t.Errorf("configs.tls by the endpoint's host: %+v", h)
	}
	if u, p, ok := c.Credentials("registry-1.docker.io"); !ok || u != "hubuser" || p != "synthetic-hub-pass" {
		t.Errorf("auth decoded: %q %q %v", u, p, ok)
	}
	if _, _, ok := c.Credentials("docker.io"); ok {
		t.Errorf("configs are keyed by the request's host: docker.io has none")
	}
	if codes(c.Findings) != "CRI_DEPRECATED CRI_CONFIGS_AUTH" {
		t.Errorf("findings: %s", codes(c.Findings))
	}
	for _, d := range c.Findings {
		if strings.Contains(d.Message, "synthetic") {
			t.Errorf("a secret in a finding: %s", d.Message)
		}
	}
	c = read("cri-conflict.toml")
	if c.Fatal == "" || codes(c.Findings) != "CRI_MIRRORS_WITH_CONFIG_PATH" {
		t.Errorf("mirrors with config_path: %q %s", c.Fatal, codes(c.Findings))
	}
	c = read("cri-v3.toml")
	if c.Section != "io.containerd.cri.v1.images" || strings.Join(c.Roots(), " ") != "/etc/containerd/certs.d /etc/docker/certs.d" {
		t.Errorf("containerd 2's section and roots: %s %v", c.Section, c.Roots())
	}
	if u, s, ok := c.Credentials("ghcr.io"); !ok || u != "" || s != "synthetic-identity-token" {
		t.Errorf("identitytoken: %q %q", u, s)
	}
	if _, err := ParseCRI("x.toml", []byte("[plugins\n")); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad TOML: %v", err)
	}
}

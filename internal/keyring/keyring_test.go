package keyring

import (
	"strings"
	"testing"
)

func TestNormalise(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://index.docker.io/v1/", "index.docker.io"},
		{"index.docker.io", "index.docker.io"},
		{"docker.io", "docker.io"},
		{"registry.example.com:5000", "registry.example.com:5000"},
		{"http://registry.example.com/", "registry.example.com"},
		{"https://registry.example.com/v2/", "registry.example.com"},
		{"quay.io/v2/coreos", "quay.io/coreos"},
		{"quay.io/coreos", "quay.io/coreos"},
		{"*.example.com", "*.example.com"},
		{"Registry.Example.com", "Registry.Example.com"}, // case is kept
	}
	for _, c := range cases {
		got, err := Normalise(c.in)
		if err != nil || got != c.want {
			t.Errorf("Normalise(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := Normalise("registry.example.com:port"); err == nil {
		t.Errorf("a bad port is not a URL")
	}
}

func TestMatch(t *testing.T) {
	cases := []struct {
		key, image string
		want       bool
		why        string
	}{
		{"registry.example.com", "registry.example.com/team/app", true, "same host"},
		{"registry.example.com:5000", "registry.example.com:5000/app", true, "same host"},
		{"registry.example.com", "registry.example.com:5000/app", false, "the key's port is none, the image's 5000"},
		{"registry.example.com:5000", "registry.example.com/app", false, "the key's port is 5000, the image's none"},
		{"*.example.com", "a.example.com/app", true, "*.example.com matches a.example.com label by label"},
		{"*.example.com", "a.b.example.com/app", false, "3 host labels"},
		{"*.example.com", "example.com/app", false, "3 host labels"},
		{"*.*.registry.io", "a.b.registry.io/app", true, "label by label"},
		{"k8s.*", "k8s.io/app", true, "label by label"},
		{"app*.k8s.io", "apps.k8s.io/x", true, "label by label"},
		{"*.io", "registry.k8s.io/x", false, "2 host labels"},
		{"quay.io/coreos", "quay.io/coreos/etcd", true, "path /coreos is a prefix of /coreos/etcd"},
		{"quay.io/coreos", "quay.io/coreos-extra/etcd", true, "a plain string prefix, not a whole path segment"},
		{"quay.io/coreos", "quay.io/other/etcd", false, "path /coreos is not a prefix of the image's /other/etcd"},
		{"other.example.com", "registry.example.com/app", false, `host label "other" does not match "registry"`},
		{"index.docker.io", "docker.io/library/nginx", false, "3 host labels"},
		{"docker.io", "docker.io/library/nginx", true, "same host"},
		{"[bad.example.com", "x.example.com/app", false, "the key is not a URL"},
	}
	for _, c := range cases {
		got, why := Match(c.key, c.image)
		if got != c.want || !strings.Contains(why, c.why) {
			t.Errorf("Match(%q, %q) = %v %q; want %v, saying %q", c.key, c.image, got, why, c.want, c.why)
		}
	}
}

func TestIsDockerHubImage(t *testing.T) {
	for in, want := range map[string]bool{
		"docker.io/library/nginx":  true,
		"index.docker.io/x/y":      true,
		"library/nginx":            true,
		"nginx":                    true,
		"registry.example.com/app": false,
		"localhost:5000/app":       false,
		"registry-1.docker.io/x/y": false,
	} {
		if got := IsDockerHubImage(in); got != want {
			t.Errorf("IsDockerHubImage(%q) = %v", in, got)
		}
	}
}

// turns is each credential's user in the order the kubelet tries them.
func turns(r Result) string {
	var out []string
	for _, c := range r.Order {
		out = append(out, c.Username)
	}
	return strings.Join(out, ",")
}

func ring(name string, kv ...string) *Keyring {
	k := New(name)
	for i := 0; i+1 < len(kv); i += 2 {
		k.Add(Cred{Key: kv[i], Username: kv[i+1], Source: name})
	}
	return k
}

func TestLookupOrder(t *testing.T) {
	cases := []struct {
		name  string
		image string
		rings []*Keyring
		want  string
	}{
		{"more specific path first", "quay.io/coreos/etcd",
			[]*Keyring{ring("pod", "quay.io", "a", "quay.io/coreos", "b")}, "b,a"},
		{"exact host before glob", "a.example.com/app",
			[]*Keyring{ring("pod", "*.example.com", "glob", "a.example.com", "exact")}, "exact,glob"},
		{"secrets in order under one key", "registry.example.com/app",
			[]*Keyring{ring("pod", "registry.example.com", "first", "https://registry.example.com/v1/", "second")}, "first,second"},
		{"pod keyring before node keyring", "registry.example.com/app",
			[]*Keyring{ring("pod", "registry.example.com", "pod"), ring("node", "registry.example.com", "node")}, "pod,node"},
		{"Hub entry when nothing else matched", "docker.io/library/nginx",
			[]*Keyring{ring("pod", "https://index.docker.io/v1/", "hub", "registry.example.com", "other")}, "hub"},
		{"Hub entry not used when docker.io matched", "docker.io/library/nginx",
			[]*Keyring{ring("pod", "https://index.docker.io/v1/", "hub", "docker.io", "direct")}, "direct"},
		{"Hub fallback per keyring", "docker.io/library/nginx",
			[]*Keyring{ring("pod", "docker.io", "direct"), ring("node", "https://index.docker.io/v1/", "nodehub")}, "direct,nodehub"},
		{"Hub entry never for other registries", "registry.example.com/app",
			[]*Keyring{ring("pod", "https://index.docker.io/v1/", "hub")}, ""},
		{"registry-1 never for Hub images", "docker.io/library/nginx",
			[]*Keyring{ring("pod", "registry-1.docker.io", "r1")}, ""},
		{"port must match", "registry.example.com:5000/app",
			[]*Keyring{ring("pod", "registry.example.com", "noport")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := Lookup(c.image, c.rings...)
			if got := turns(r); got != c.want {
				t.Errorf("order %q, want %q; rows %+v", got, c.want, r.Rows)
			}
			n := 0
			for _, row := range r.Rows {
				if row.Matched {
					n++
					if row.Order != n {
						t.Errorf("row %s has turn %d, want %d", row.Key, row.Order, n)
					}
				} else if row.Order != 0 || row.Why == "" {
					t.Errorf("unmatched row %+v", row)
				}
			}
		})
	}
}

func TestLookupSaysWhy(t *testing.T) {
	r := Lookup("docker.io/library/nginx", ring("pod", "https://index.docker.io/v1/", "hub", "docker.io", "direct", "reg:bad", "broken"))
	why := map[string]string{}
	for _, row := range r.Rows {
		why[row.Key] = row.Why
	}
	if !strings.Contains(why["https://index.docker.io/v1/"], "not used, because another key of this keyring matched") {
		t.Errorf("hub row: %q", why["https://index.docker.io/v1/"])
	}
	if !strings.Contains(why["reg:bad"], "ignored by the kubelet: not a URL") {
		t.Errorf("bad key row: %q", why["reg:bad"])
	}
	r = Lookup("docker.io/library/nginx", ring("pod", "https://index.docker.io/v1/", "hub"))
	if !r.Rows[0].Matched || !strings.Contains(r.Rows[0].Why, "nothing else in this keyring matched") {
		t.Errorf("fallback row: %+v", r.Rows[0])
	}
}

package imageref

import (
	"strings"
	"testing"
)

// The normalisations are the Docker CLI's (distribution/reference), as the
// protocol reference's section 1 lists them.
func TestParseNormalises(t *testing.T) {
	const dgst = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	cases := []struct {
		in                                       string
		registry, repo, ref, canonical, familiar string
		hub                                      bool
	}{
		{"alpine", "registry-1.docker.io", "library/alpine", "latest", "docker.io/library/alpine:latest", "alpine:latest", true},
		{"docker.io/alpine:3.20", "registry-1.docker.io", "library/alpine", "3.20", "docker.io/library/alpine:3.20", "alpine:3.20", true},
		{"index.docker.io/bitnami/redis", "registry-1.docker.io", "bitnami/redis", "latest", "docker.io/bitnami/redis:latest", "bitnami/redis:latest", true},
		{"localhost/app", "localhost", "app", "latest", "localhost/app:latest", "localhost/app:latest", false},
		{"127.0.0.1:5000/library/hello:v1", "127.0.0.1:5000", "library/hello", "v1", "127.0.0.1:5000/library/hello:v1", "127.0.0.1:5000/library/hello:v1", false},
		{"harbor.example.com/proj/sub/img@" + dgst, "harbor.example.com", "proj/sub/img", dgst, "harbor.example.com/proj/sub/img@" + dgst, "harbor.example.com/proj/sub/img@" + dgst, false},
		{"alpine:3@" + dgst, "registry-1.docker.io", "library/alpine", dgst, "docker.io/library/alpine@" + dgst, "alpine@" + dgst, true},
	}
	for _, c := range cases {
		r, err := Parse(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if r.Registry != c.registry || r.Repository != c.repo || r.Reference() != c.ref || r.Canonical != c.canonical || r.Familiar != c.familiar || r.DockerHub != c.hub {
			t.Errorf("%s:\n got %s %s %s %s %s hub=%v\nwant %s %s %s %s %s hub=%v", c.in,
				r.Registry, r.Repository, r.Reference(), r.Canonical, r.Familiar, r.DockerHub,
				c.registry, c.repo, c.ref, c.canonical, c.familiar, c.hub)
		}
	}
}

func TestParseNotes(t *testing.T) {
	r, _ := Parse("alpine")
	got := strings.Join(r.Notes, "; ")
	for _, want := range []string{"Docker Hub", "library/alpine", "latest"} {
		if !strings.Contains(got, want) {
			t.Errorf("notes for alpine should mention %q: %s", want, got)
		}
	}
	if r.FamiliarName != "alpine" {
		t.Errorf("familiar name %q", r.FamiliarName)
	}
	r, _ = Parse("alpine:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	if !strings.Contains(strings.Join(r.Notes, ";"), "ignores the tag 1") || r.Tag != "" {
		t.Errorf("tag+digest: %+v", r)
	}
	if r, _ := Parse("127.0.0.1:5000/x/y:z"); len(r.Notes) != 0 {
		t.Errorf("nothing was added: %v", r.Notes)
	}
}

func TestParseErrorsSayWhatIsWrong(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "no image given"},
		{"Alpine", "must be lowercase"},
		{"alpine:", "invalid reference format"},
		{"alpine@sha256:abc", "digest"},
		{"https://registry.example.com/a/b", "no scheme"},
		{"a b", "invalid reference format"},
		{strings.Repeat("a", 64), "64-byte hexadecimal"},
		{"reg.example.com/" + strings.Repeat("a/", 130) + "x", "255"},
	}
	for _, c := range cases {
		_, err := Parse(c.in)
		if err == nil {
			t.Errorf("%q: no error", c.in)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%q: %v (want one line mentioning %q)", c.in, err, c.want)
		}
	}
}

package imageref

import (
	// Linked so go-digest knows sha384 and sha512, as it does in the
	// Docker daemon and in regauth (crypto/tls links them).
	_ "crypto/sha512"
	"strings"
	"testing"

	"github.com/distribution/reference"
)

// distribution/reference is the parser the Docker CLI and daemon use. It
// stays out of the regauth binary (its regular expressions cost 3 ms of
// every start) but it is the oracle here: ours must accept and reject the
// same inputs and split them the same way.
func oracle(s string) (parsed, string, error) {
	named, err := reference.ParseNormalizedNamed(s)
	if err != nil {
		return parsed{}, "", err
	}
	p := parsed{domain: reference.Domain(named), path: reference.Path(named)}
	if t, ok := named.(reference.Tagged); ok {
		p.tag = t.Tag()
	}
	if d, ok := named.(reference.Digested); ok {
		p.digest = d.Digest().String()
	}
	return p, reference.FamiliarName(named), nil
}

func matchOracle(t *testing.T, s string) {
	t.Helper()
	want, wantFamiliar, werr := oracle(s)
	got, gerr := parseNormalized(s)
	switch {
	case (werr == nil) != (gerr == nil):
		t.Errorf("%q: distribution/reference says %v, ours %v", s, werr, gerr)
	case werr == nil && got != want:
		t.Errorf("%q: distribution/reference %+v, ours %+v", s, want, got)
	case werr == nil && familiarName(got.domain, got.path) != wantFamiliar:
		t.Errorf("%q: familiar name %q, want %q", s, familiarName(got.domain, got.path), wantFamiliar)
	}
}

var oracleSeeds = []string{
	"alpine", "alpine:3.20", "library/alpine", "docker.io/alpine", "docker.io/library/alpine:latest",
	"index.docker.io/alpine", "index.docker.io/bitnami/redis:7", "registry-1.docker.io/alpine",
	"localhost/app", "localhost:5000/app:v1", "LOCALHOST/app", "Registry.Example.com/a/b", "UPPER/case",
	"127.0.0.1:5000/library/hello:v1", "[::1]:5000/a/b", "[::1]/a", "[fe80::1%eth0]/a", "[]/a", "[::1]:/a",
	"host:port/a", "host:/a", "-host.com/a", "host-.com/a", "ho_st.com/a", "a.b.c.d.e/f",
	"a/b/c/d/e/f:g", "a__b", "a___b", "a--b", "a-b", "a.b", "a..b", "a_b", "-a", "a-", "_a", "a_",
	"a:b:c", "a:", ":a", "a@", "@a", "a/", "/a", "a//b", "", " ", "a b", "a\tb",
	"a:" + strings.Repeat("t", 128), "a:" + strings.Repeat("t", 129), "a:-tag", "a:.tag", "a:_tag", "a:Tag.1-x",
	"a@sha256:" + strings.Repeat("a", 64), "a@sha256:" + strings.Repeat("A", 64), "a@sha256:" + strings.Repeat("a", 63),
	"a@sha256:" + strings.Repeat("a", 65), "a@sha512:" + strings.Repeat("b", 128), "a@sha384:" + strings.Repeat("c", 96),
	"a@md5:" + strings.Repeat("d", 32), "a@sha256+b64u:" + strings.Repeat("e", 40), "a@1sha:" + strings.Repeat("f", 40),
	"a:tag@sha256:" + strings.Repeat("a", 64), "a@sha256:abc", "a@sha256", strings.Repeat("a", 64), strings.Repeat("a", 63),
	strings.Repeat("A", 64), "reg.example.com/" + strings.Repeat("a/", 125) + "x", "reg.example.com/" + strings.Repeat("a/", 126) + "x",
	strings.Repeat("a", 256), "docker.io/" + strings.Repeat("b", 240), "ümlaut/a", "a/ümlaut", "a:ü",
}

func TestParseMatchesDistributionReference(t *testing.T) {
	for _, s := range oracleSeeds {
		matchOracle(t, s)
	}
}

func FuzzParseMatchesDistributionReference(f *testing.F) {
	for _, s := range oracleSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { matchOracle(t, s) })
}

package registriesconf

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

var osReader = Reader{ReadFile: os.ReadFile, ReadDir: os.ReadDir}

func loadFixture(t *testing.T, name string, dirs ...string) *Config {
	t.Helper()
	c, err := Load(Paths{Main: filepath.Join("testdata", name), Explicit: true, Dirs: dirs}, osReader)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type src struct {
	ref      string
	mirror   bool
	insecure bool
}

func sourcesOf(t *testing.T, c *Config, ref string) []src {
	t.Helper()
	s, err := c.PullSources(ref)
	if err != nil {
		t.Fatal(err)
	}
	var out []src
	for _, x := range s.Sources {
		out = append(out, src{x.Reference, x.Mirror, x.Insecure})
	}
	return out
}

// The man page's own example: both mirrors in order, then the rewritten
// primary.
func TestManPageMirrorOrder(t *testing.T) {
	c := loadFixture(t, "manpage-mirrors.conf")
	got := sourcesOf(t, c, "example.com/foo/image:latest")
	want := []src{
		{"example-mirror-0.local/mirror-for-foo/image:latest", true, false},
		{"example-mirror-1.local/mirrors/foo/image:latest", true, true},
		{"internal-registry-for-example.com/bar/image:latest", false, false},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	// Outside the prefix: pulled as is.
	if got := sourcesOf(t, c, "example.com/other/image:1"); !reflect.DeepEqual(got, []src{{"example.com/other/image:1", false, false}}) {
		t.Errorf("example.com/other: %+v", got)
	}
	// "example.com/foobar" does not match the prefix "example.com/foo".
	if c.FindRegistry("example.com/foobar/x") != nil {
		t.Errorf("example.com/foobar matched example.com/foo")
	}
}

func TestPullFromMirror(t *testing.T) {
	c := loadFixture(t, "manpage-pull-from-mirror.conf")
	tag := sourcesOf(t, c, "registry.example.com/foo/app:1")
	dig := sourcesOf(t, c, "registry.example.com/foo/app@sha256:"+strings.Repeat("a", 64))
	if len(tag) != 2 || !strings.HasPrefix(tag[0].ref, "mirror-2.example.com/") {
		t.Errorf("by tag: %+v, want mirror-2 (tag-only) then the primary", tag)
	}
	if len(dig) != 2 || !strings.HasPrefix(dig[0].ref, "mirror-1.example.com/") {
		t.Errorf("by digest: %+v, want mirror-1 (digest-only) then the primary", dig)
	}
	s, _ := c.PullSources("registry.example.com/foo/app:1")
	if len(s.Skipped) != 1 || !strings.Contains(s.Skipped[0], "digest-only") {
		t.Errorf("skipped: %q", s.Skipped)
	}
}

func TestPrefixMatching(t *testing.T) {
	tests := []struct {
		ref, prefix string
		want        int
	}{
		{"example.com/foo/image", "example.com/foo", 15},
		{"example.com/foo", "example.com/foo", 15},
		{"example.com/foobar", "example.com/foo", -1},
		{"example.com:5000/foo", "example.com", 11}, // containers/image keeps this
		{"example.com@sha256:x", "example.com", 11},
		{"a.b.example.com/x", "*.example.com", 15},
		{"example.com/x", "*.example.com", -1},
		{"other.com/a.example.com/x", "*.example.com", -1},
		{"foo.example.community/x", "*.example.com", -1},
		{"foo.example.com", "*.example.com", 15},
	}
	for _, tt := range tests {
		if got := refMatchingPrefix(tt.ref, tt.prefix); got != tt.want {
			t.Errorf("refMatchingPrefix(%q, %q) = %d, want %d", tt.ref, tt.prefix, got, tt.want)
		}
	}
}

func TestLongestPrefixWinsAndWildcardBlocked(t *testing.T) {
	c := Merge("registries.conf", &File{Path: "registries.conf", Registries: []Registry{
		{Prefix: "quay.io", Location: "quay.io"},
		{Prefix: "quay.io/team", Location: "team-mirror.example.com/team"},
		{Prefix: "*.internal.example.com", Blocked: true},
	}})
	if r := c.FindRegistry("quay.io/team/app"); r == nil || r.Prefix != "quay.io/team" {
		t.Errorf("quay.io/team/app matched %+v", r)
	}
	s := sourcesOf(t, c, "quay.io/team/app:1")
	if len(s) != 1 || s[0].ref != "team-mirror.example.com/team/app:1" {
		t.Errorf("rewritten: %+v", s)
	}
	b, _ := c.PullSources("reg.internal.example.com/app:1")
	if len(b.Sources) != 1 || b.Sources[0].Reference != "reg.internal.example.com/app:1" || !strings.Contains(b.Sources[0].Blocked, "registry *.internal.example.com is blocked in registries.conf") {
		t.Errorf("blocked wildcard: %+v", b)
	}
}

func TestFedoraSearchEnforcing(t *testing.T) {
	c := loadFixture(t, "fedora.conf")
	res, err := c.Resolve("app:2")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"registry.fedoraproject.org/app:2", "registry.access.redhat.com/app:2", "docker.io/app:2"}
	if !reflect.DeepEqual(res.Refs, want) || res.How != "unqualified-search" {
		t.Errorf("candidates %q (%s)", res.Refs, res.How)
	}
	if len(res.Findings) != 1 || res.Findings[0].Code != diagnose.RegConfShortNameTTY {
		t.Errorf("findings %+v", res.Findings)
	}
	if !strings.Contains(res.Description, `Resolving "app" using unqualified-search registries (testdata/fedora.conf)`) {
		t.Errorf("description %q", res.Description)
	}
	// A qualified name is not resolved.
	if res, _ := c.Resolve("quay.io/app"); !reflect.DeepEqual(res.Refs, []string{"quay.io/app"}) {
		t.Errorf("qualified: %q", res.Refs)
	}
}

func TestNoSearchRegistries(t *testing.T) {
	c := loadFixture(t, "manpage-pull-from-mirror.conf")
	_, err := c.Resolve("app")
	var e *Error
	if !errors.As(err, &e) || e.Code != diagnose.RegConfNoSearch || !strings.Contains(e.Msg, `short-name "app" did not resolve to an alias and no unqualified-search registries are defined in "testdata/manpage-pull-from-mirror.conf"`) {
		t.Errorf("got %v", err)
	}
}

func TestDropInsMergeInOrder(t *testing.T) {
	c := loadFixture(t, "fedora.conf", filepath.Join("testdata", "registries.conf.d"))
	if len(c.Files) != 4 || !strings.HasSuffix(c.Files[1], "00-shortnames.conf") || !strings.HasSuffix(c.Files[3], "20-search.conf") {
		t.Errorf("files %q (README is no .conf and is skipped)", c.Files)
	}
	// 20-search.conf replaces the search list; short-name-mode stays.
	if !reflect.DeepEqual(c.Search, []string{"quay.io", "docker.io"}) || c.ShortNameMode != "enforcing" {
		t.Errorf("search %q mode %q", c.Search, c.ShortNameMode)
	}
	// The alias from 00-shortnames.conf wins over the search registries.
	res, err := c.Resolve("alpine")
	if err != nil || !reflect.DeepEqual(res.Refs, []string{"docker.io/library/alpine"}) || res.How != "alias" {
		t.Errorf("alpine: %+v %v", res, err)
	}
	// 20-search.conf resets the "registry" alias: search again.
	if res, _ := c.Resolve("registry:2"); res.How != "unqualified-search" {
		t.Errorf("registry: %+v", res)
	}
	// 10-mirror.conf adds a Hub cache in front of docker.io.
	got := sourcesOf(t, c, "docker.io/library/alpine:latest")
	want := []src{{"hub-cache.example.com:5000/library/alpine:latest", true, true}, {"docker.io/library/alpine:latest", false, false}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v", got)
	}
}

func TestV1Converted(t *testing.T) {
	c := loadFixture(t, "v1.conf")
	if !reflect.DeepEqual(c.Search, []string{"docker.io", "registry.fedoraproject.org"}) || len(c.Findings) != 1 || c.Findings[0].Code != diagnose.RegConfV1 {
		t.Errorf("search %q findings %+v", c.Search, c.Findings)
	}
	if r := c.FindRegistry("registry.internal:5000/app"); r == nil || !r.Insecure {
		t.Errorf("insecure: %+v", r)
	}
	s, _ := c.PullSources("bad.example.com/app:1")
	if s.Sources[0].Blocked == "" {
		t.Errorf("bad.example.com is not blocked: %+v", s)
	}
}

func TestFaults(t *testing.T) {
	tests := []struct {
		file   string
		dropIn bool
		code   diagnose.Code
		says   string
	}{
		{"broken-toml.conf", false, diagnose.RegConfTOMLInvalid, "line 2, column 1"},
		{"broken-scheme.conf", false, diagnose.RegConfInvalid, "invalid location 'https://quay.io': URI schemes are not supported"},
		{"broken-mixed.conf", false, diagnose.RegConfV1, "mixing sysregistry v1/v2 is not supported"},
		{"broken-wildcard.conf", false, diagnose.RegConfInvalid, "Wildcarded prefix should be in the format: *.example.com"},
		{"v1.conf", true, diagnose.RegConfV1, "registry must be in v2 format but is in v1"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = Parse(tt.file, data, tt.dropIn)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !strings.Contains(e.Msg, tt.says) {
				t.Fatalf("got %v, want %s saying %q", err, tt.code, tt.says)
			}
		})
	}
	more := map[string]string{
		"[[registry]]\ninsecure = true\n": "both location and prefix are unset",
		"[[registry]]\nlocation = \"a.io\"\ninsecure = true\n[[registry]]\nprefix = \"a.io/x\"\nlocation = \"a.io\"\n":    "conflicting 'insecure' setting",
		"[[registry]]\nlocation = \"a.io\"\n[[registry.mirror]]\nlocation = \"m.io\"\npull-from-mirror = \"sometimes\"\n": `unsupported pull-from-mirror value "sometimes"`,
		"unqualified-search-registries = [\"not a host\"]\n":                                                              "Invalid unqualified-search-registries entry",
		"[aliases]\n\"app\" = \"app:1\"\n": "must not contain tag",
		"short-name-mode = \"strict\"\n":   `invalid short-name mode: "strict"`,
	}
	for in, says := range more {
		_, err := Parse("registries.conf", []byte(in), false)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("%q: got %v, want %q", in, err, says)
		}
	}
}

func TestMissingDefaultIsEmpty(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(Paths{Main: filepath.Join(dir, "registries.conf"), Dirs: []string{filepath.Join(dir, "registries.conf.d")}}, osReader)
	if err != nil || c.Missing == "" || len(c.Files) != 0 {
		t.Fatalf("%+v %v", c, err)
	}
	if _, err := c.Resolve("app"); err == nil || !strings.Contains(err.Error(), "no containers-registries.conf(5) was found") {
		t.Errorf("got %v", err)
	}
	if _, err := Load(Paths{Main: filepath.Join(dir, "registries.conf"), Explicit: true}, osReader); err == nil {
		t.Errorf("a missing named file is no error")
	}
}

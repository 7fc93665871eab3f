package authconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

const (
	plain    = diagnose.PlaintextPassword
	invalid  = diagnose.InvalidAuthEncoding
	legacy   = diagnose.LegacyDockercfg
	unknown  = diagnose.UnknownConfigKey
	empty    = diagnose.EmptyAuthEntry
	idtoken  = diagnose.IdentityTokenStored
	hubKey   = diagnose.HubKeyNotUsed
	shadowed = diagnose.ShadowedCredentials
)

type wantEntry struct {
	key, host  string
	hub        bool
	user, kind string
	secret     string
	codes      []diagnose.Code
}

// checkFile compares a parsed file with what a test expects of it.
func checkFile(t *testing.T, f *File, format string, fileCodes []diagnose.Code, entries []wantEntry) {
	t.Helper()
	if f.Format != format {
		t.Errorf("format %q, want %q", f.Format, format)
	}
	if !sameCodes(f.Findings, fileCodes...) {
		t.Errorf("file findings %v, want %v: %+v", codes(f.Findings), fileCodes, f.Findings)
	}
	if len(f.Entries) != len(entries) {
		t.Fatalf("entries %v, want %d", keysOf(f), len(entries))
	}
	for i, w := range entries {
		e := f.Entries[i]
		kind, secret := e.Secret()
		if e.Key != w.key || e.Host != w.host || e.IsDockerHub != w.hub || e.Username != w.user || kind != w.kind || secret != w.secret {
			t.Errorf("entry %d = {%q %q hub=%v %q %s=%q}, want {%q %q hub=%v %q %s=%q}",
				i, e.Key, e.Host, e.IsDockerHub, e.Username, kind, secret, w.key, w.host, w.hub, w.user, w.kind, w.secret)
		}
		if !sameCodes(e.Findings, w.codes...) {
			t.Errorf("entry %q findings %v, want %v: %+v", e.Key, codes(e.Findings), w.codes, e.Findings)
		}
	}
}

func TestParseFixtures(t *testing.T) {
	tests := []struct {
		file      string
		format    string
		store     string
		helpers   int
		fileCodes []diagnose.Code
		entries   []wantEntry
	}{
		{"docker-plain.json", FormatConfig, "", 0, nil, []wantEntry{
			{HubKey, "docker.io", true, "bob", "password", "fake-hub-pat-0000", []diagnose.Code{plain}},
			{"registry.example.com:5000", "registry.example.com:5000", false, "robot$ci", "password", "fake:pass:with:colons", []diagnose.Code{plain}},
		}},
		{"docker-desktop.json", FormatConfig, "desktop", 0, nil, []wantEntry{
			{"ghcr.io", "ghcr.io", false, "", "", "", nil},
			{HubKey, "docker.io", true, "", "", "", nil},
		}},
		{"docker-credhelpers.json", FormatConfig, "", 2, nil, []wantEntry{
			{"123456789012.dkr.ecr.us-east-1.amazonaws.com", "123456789012.dkr.ecr.us-east-1.amazonaws.com", false, "", "", "", nil},
			{"gcr.io", "gcr.io", false, "oauth2accesstoken", "password", "fake-gcr", []diagnose.Code{shadowed}},
			{"lost.example.com", "lost.example.com", false, "", "", "", []diagnose.Code{empty}},
			{"registry.example.com", "registry.example.com", false, "dave", "identitytoken", "fake-refresh-token-0000", []diagnose.Code{plain, idtoken}},
		}},
		{"crane-config.json", FormatConfig, "", 0, nil, []wantEntry{
			{HubKey, "docker.io", true, "bob", "password", "fake-hub-pat-0000", []diagnose.Code{plain}},
			{"registry-1.docker.io", "registry-1.docker.io", false, "bob", "password", "fake-hub-pat-0000", []diagnose.Code{plain, hubKey}},
			{"us-docker.pkg.dev", "us-docker.pkg.dev", false, "oauth2accesstoken", "password", "fake-gcr", []diagnose.Code{plain}},
		}},
		{"bad-auth.json", FormatConfig, "", 0, nil, []wantEntry{
			{"bad64.example.com", "bad64.example.com", false, "", "", "", []diagnose.Code{invalid}},
			{"nocolon.example.com", "nocolon.example.com", false, "", "", "", []diagnose.Code{invalid}},
			{"nouser.example.com", "nouser.example.com", false, "", "", "", []diagnose.Code{invalid}},
			{"ok.example.com", "ok.example.com", false, "alice", "password", "not-a-real-password", []diagnose.Code{plain}},
		}},
		{"typos.json", FormatConfig, "", 0, []diagnose.Code{unknown, unknown, unknown, unknown}, []wantEntry{
			{"registry.example.com", "registry.example.com", false, "alice", "password", "not-a-real-password", []diagnose.Code{plain}},
		}},
		{"dockercfg-legacy.json", FormatLegacyJSON, "", 0, []diagnose.Code{legacy}, []wantEntry{
			{HubKey, "docker.io", true, "frank", "password", "fake-legacy-secret", []diagnose.Code{plain}},
			{"registry.example.com", "registry.example.com", false, "alice", "password", "not-a-real-password", []diagnose.Code{plain}},
		}},
		{"dockercfg-legacy.txt", FormatLegacyText, "", 0, []diagnose.Code{legacy}, []wantEntry{
			{HubKey, "docker.io", true, "frank", "password", "fake-legacy-secret", []diagnose.Code{plain}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := "/home/u/.docker/" + tt.file
			f, err := Parse(path, fixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.Path != path || f.CredsStore != tt.store || len(f.CredHelpers) != tt.helpers {
				t.Errorf("path %q store %q helpers %v", f.Path, f.CredsStore, f.CredHelpers)
			}
			checkFile(t, f, tt.format, tt.fileCodes, tt.entries)
		})
	}
}

// The messages must name the key, the file and what the CLI does.
func TestParseMessages(t *testing.T) {
	f, err := Parse("/c.json", fixture(t, "bad-auth.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := `auths["bad64.example.com"].auth in /c.json: not valid base64 at byte 28; the Docker CLI fails to load the file ("WARNING: Error parsing config file") and may skip its other auths entries too`
	if got := mustEntry(t, f, "bad64.example.com").Findings[0].Message; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	f, err = Parse("/c.json", fixture(t, "typos.json"))
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	for _, d := range f.Findings {
		msgs = append(msgs, d.Message)
	}
	wantMsgs := []string{
		`top-level key "Auths" in /c.json should be spelled "auths": the Docker CLI reads it anyway (Go's JSON decoding ignores case), but tools that match names exactly do not`,
		`top-level key "credStore" in /c.json is not a key the Docker CLI reads, so it is ignored; it was probably meant to be "credsStore"`,
		`top-level key "credHelper" in /c.json is not a key the Docker CLI reads, so it is ignored; it was probably meant to be "credHelpers"`,
		`top-level key "auth" in /c.json is not a key the Docker CLI reads, so it is ignored; it was probably meant to be "auths"`,
	}
	if strings.Join(msgs, "\n") != strings.Join(wantMsgs, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(msgs, "\n"), strings.Join(wantMsgs, "\n"))
	}
}

func TestParseMalformed(t *testing.T) {
	deep := `{"plugins":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`
	tests := []struct {
		name, in, err string // err: exact, or a prefix when it ends in "*"
	}{
		{"not json", "not json", "not JSON: invalid character 'o' in literal null (expecting 'u') at byte 1 (line 1)"},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00", `not JSON: invalid character '\u0089' looking for beginning of value at byte 0 (line 1)`},
		{"array", "[]", "the top level is an array, not an object"},
		{"string", `"x"`, "the top level is a string, not an object"},
		{"null", "null", "the top level is null, not an object"},
		{"number", "12", "the top level is a number, not an object"},
		{"bom", "\xEF\xBB\xBF{}", "not JSON: the file starts with a UTF-8 byte-order mark*"},
		{"truncated", `{"auths": {`, "not JSON: unexpected end of input at byte 11 (line 1)"},
		{"second line", "{\n\"auths\": {x}}", "not JSON: invalid character 'x' looking for beginning of object key string at byte 12 (line 2)"},
		{"auths array", `{"auths": []}`, "auths is an array, not an object"},
		{"entry string", `{"auths": {"r": "x"}}`, `auths["r"] is a string, not an object`},
		{"auth number", `{"auths": {"r": {"auth": 5}}}`, `auths["r"].auth is a number, want a string`},
		{"credsStore number", `{"credsStore": 5}`, "credsStore is a number, want a string"},
		{"credHelpers value", `{"credHelpers": {"r": true}}`, `credHelpers["r"] is a boolean, want a string`},
		{"credHelpers string", `{"credHelpers": "x"}`, "credHelpers is a string, not an object"},
		{"too deep", deep, "not JSON: invalid character '[' exceeded max depth at byte 10010 (line 1)"},
		{"too large", strings.Repeat(" ", MaxConfigSize+1), "larger than the 10 MiB limit for a config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse("/p", []byte(tt.in))
			if err == nil {
				t.Fatalf("no error; got %+v", f)
			}
			got := err.Error()
			if prefix, ok := strings.CutSuffix(tt.err, "*"); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("error %q, want prefix %q", got, prefix)
				}
			} else if got != tt.err {
				t.Errorf("error %q, want %q", got, tt.err)
			}
			if strings.ContainsAny(got, "\n\r") {
				t.Errorf("error is not one line: %q", got)
			}
		})
	}
}

func TestParseTolerated(t *testing.T) {
	for name, in := range map[string]string{
		"empty":          "",
		"blank":          " \n\t",
		"empty object":   "{}",
		"nulls":          `{"auths": null, "credsStore": null, "credHelpers": null}`,
		"trailing data":  `{"auths": {}} {"ignored": true}`,
		"other keys":     `{"psFormat": "x", "proxies": {"default": {"httpProxy": "http://p:3128"}}, "kubernetes": {"allNamespaces": "enabled"}}`,
		"unknown values": `{"plugins": [1, {"x": null}], "features": 5}`,
	} {
		t.Run(name, func(t *testing.T) {
			f, err := Parse("/p", []byte(in))
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != FormatConfig || len(f.Entries) != 0 || len(f.Findings) != 0 {
				t.Errorf("got %+v", f)
			}
		})
	}
}

// Literal username/password are used only when auth is empty; a good auth
// wins over them, as in the CLI.
func TestParseLiteralUsernamePassword(t *testing.T) {
	f, err := Parse("", []byte(`{"auths": {
		"a.example": {"username": "u", "password": "p", "email": "e@example.com"},
		"b.example": {"auth": "`+b64("x:y")+`", "username": "u", "password": "p"},
		"c.example": {"Auth": "`+b64("x:y")+`", "registrytoken": "rt"},
		"d.example": {"auth": "", "username": "u"}
	}}`))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatConfig, nil, []wantEntry{
		{"a.example", "a.example", false, "u", "password", "p", []diagnose.Code{plain}},
		{"b.example", "b.example", false, "x", "password", "y", []diagnose.Code{plain}},
		{"c.example", "c.example", false, "x", "registrytoken", "rt", []diagnose.Code{unknown, plain}},
		{"d.example", "d.example", false, "u", "", "", nil},
	})
}

func TestParseEntryOutsideAuths(t *testing.T) {
	f, err := Parse("/p", []byte(`{"auths": {}, "registry.example.com": {"auth": "`+b64("a:b")+`"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !sameCodes(f.Findings, unknown) || !strings.Contains(f.Findings[0].Message, `reads logins only inside "auths"`) {
		t.Errorf("got %+v", f.Findings)
	}
}

func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	for _, s := range []string{"", "{}", "[]", "null", "auth = \nemail = x", "auth=%%%", `{"auths":{"":{}}}`,
		`{"auths":{"https://index.docker.io/v1/":{"auth":"` + b64(":") + `"}},"credHelpers":{"docker.io":""}}`,
		`{"Auths":{"a":{"AUTH":"x","identityToken":"t"}},"credsstore":"s","credHelpers":{"a":""}}`,
		"{\"auths\":{\"\xff\":{\"auth\":\"\xff\"}}}", "\xEF\xBB\xBF{}", `{"a":{"auth":"x"}}`, `{"auths":{"r":{"auth":5}}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		check := func(file *File, err error) {
			if err != nil {
				if file != nil {
					t.Fatal("a File with an error")
				}
				if strings.ContainsAny(err.Error(), "\n\r") {
					t.Fatalf("error is not one line: %q", err)
				}
				return
			}
			for i := 1; i < len(file.Entries); i++ {
				if file.Entries[i-1].Key >= file.Entries[i].Key {
					t.Fatal("entries not sorted and unique")
				}
			}
			keys := append(keysOf(file), "docker.io", HubKey, "reg.example", "")
			for k := range file.CredHelpers {
				keys = append(keys, k)
			}
			for _, k := range keys {
				r := file.Resolve(k)
				if (r.Source == "auths") != (r.Entry != nil) {
					t.Fatalf("Resolve(%q) = %+v", k, r)
				}
			}
		}
		check(Parse("/fuzz", data))
		check(ParseContainers("/fuzz", data))
		check(ParseEnvAuthConfig(string(data)))
	})
}

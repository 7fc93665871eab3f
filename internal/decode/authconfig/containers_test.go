package authconfig

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestParseContainersFixtures(t *testing.T) {
	f, err := ParseContainers("/run/user/1000/containers/auth.json", fixture(t, "podman-auth.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatContainers, nil, []wantEntry{
		{"docker.io", "docker.io", true, "bob", "password", "fake-hub-pat-0000", []diagnose.Code{plain}},
		{"quay.io/example-org", "quay.io", false, "carol", "password", "fake-quay-secret", []diagnose.Code{plain}},
		{"registry.example.com:5000", "registry.example.com:5000", false, "", "", "", []diagnose.Code{invalid}},
	})
	want := `auths["registry.example.com:5000"].auth in /run/user/1000/containers/auth.json: no ':' between username and password; podman and skopeo skip the entry as holding no credentials`
	if got := f.Entries[2].Findings[0].Message; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}

	f, err = ParseContainers("/a", fixture(t, "skopeo-credhelpers.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatContainers, nil, []wantEntry{
		{"quay.io", "quay.io", false, "carol", "password", "fake-quay-secret", []diagnose.Code{shadowed}},
	})
	if f.CredHelpers["quay.io"] != "secretservice" {
		t.Errorf("helpers %v", f.CredHelpers)
	}
}

func TestParseContainersEntries(t *testing.T) {
	f, err := ParseContainers("", []byte(`{"auths": {
		"registry-1.docker.io": {"auth": "`+b64("u:p")+`"},
		"https://index.docker.io/v1/": {"auth": "`+b64("u:p")+`"},
		"bad.example": {"auth": "%%%%"},
		"nouser.example": {"auth": "`+b64(":p")+`"},
		"token.example": {"auth": "`+b64(":")+`", "identitytoken": "it"},
		"literal.example": {"username": "u", "password": "p", "email": "e"},
		"folded.example": {"AUTH": "`+b64("u:p")+`", "note": "x"}
	}, "credsStore": "desktop", "HttpHeaders": {"X": "y"}}`))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatContainers, []diagnose.Code{unknown}, []wantEntry{
		{"bad.example", "bad.example", false, "", "", "", []diagnose.Code{invalid}},
		{"folded.example", "folded.example", false, "u", "password", "p", []diagnose.Code{unknown, unknown, plain}},
		{"https://index.docker.io/v1/", "docker.io", true, "u", "password", "p", []diagnose.Code{plain}},
		{"literal.example", "literal.example", false, "", "", "", []diagnose.Code{unknown, unknown, empty}},
		{"nouser.example", "nouser.example", false, "", "", "", []diagnose.Code{invalid}},
		{"registry-1.docker.io", "docker.io", true, "u", "password", "p", []diagnose.Code{plain}},
		{"token.example", "token.example", false, "", "identitytoken", "it", []diagnose.Code{plain, idtoken}},
	})
	if msg := f.Findings[0].Message; !strings.Contains(msg, `"credsStore" is not read by podman or skopeo`) {
		t.Errorf("credsStore finding: %q", msg)
	}
	if msg := mustEntry(t, f, "bad.example").Findings[0].Message; !strings.Contains(msg, "not valid base64 at byte 0; podman and skopeo fail every lookup that reaches this entry") {
		t.Errorf("bad base64 finding: %q", msg)
	}
	if msg := mustEntry(t, f, "literal.example").Findings[0].Message; !strings.Contains(msg, `is ignored: podman and skopeo read only "auth" and "identitytoken" from an entry`) {
		t.Errorf("literal finding: %q", msg)
	}
}

func TestParseContainersMalformed(t *testing.T) {
	tests := map[string]string{
		"":                    "not JSON: the file is empty, which podman and skopeo refuse",
		"  \n":                "not JSON: the file is empty, which podman and skopeo refuse",
		`{"auths": {}} x`:     "not JSON: invalid character 'x' after top-level value at byte 14 (line 1)",
		`[]`:                  "the top level is an array, not an object",
		`{"auths": {"r": 1}}`: `auths["r"] is a number, not an object`,
		`{"auths": {"r": {"identitytoken": []}}}`: `auths["r"].identitytoken is an array, want a string`,
		"\xEF\xBB\xBF{}": "not JSON: the file starts with a UTF-8 byte-order mark, which Go's JSON decoder (and so every Docker client) rejects; save it without one",
	}
	for in, want := range tests {
		if _, err := ParseContainers("/a", []byte(in)); err == nil || err.Error() != want {
			t.Errorf("ParseContainers(%q) error = %v, want %q", in, err, want)
		}
	}
	// Fields containers/image does not decode may hold anything.
	if _, err := ParseContainers("/a", []byte(`{"auths": {"r": {"username": 5}}, "credsStore": 1}`)); err != nil {
		t.Errorf("ignored fields of any type: %v", err)
	}
}

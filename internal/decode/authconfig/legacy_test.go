package authconfig

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestLegacyTextAuth(t *testing.T) {
	tests := []struct {
		in, auth string
		ok       bool
	}{
		{"auth = abc\nemail = x@example.com\n", "abc", true},
		{"auth=abc", "abc", true},
		{"  auth =  abc  \r\nemail = x", "abc", true},
		{"auth = \n", "", true},
		{"author = x", "", false},
		{"email = x\nauth = y", "", false},
		{`{"auth": "x"}`, "", false},
	}
	for _, tt := range tests {
		auth, ok := legacyTextAuth([]byte(tt.in))
		if auth != tt.auth || ok != tt.ok {
			t.Errorf("legacyTextAuth(%q) = %q, %v; want %q, %v", tt.in, auth, ok, tt.auth, tt.ok)
		}
	}
}

func TestLegacyTextBadAuth(t *testing.T) {
	f, err := Parse("/home/u/.dockercfg", []byte("auth = ZXZl\nemail = eve@example.com\n"))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatLegacyText, []diagnose.Code{legacy}, []wantEntry{
		{HubKey, "docker.io", true, "", "", "", []diagnose.Code{invalid}},
	})
	want := "the auth line in /home/u/.dockercfg: no ':' between username and password; old Docker clients refused the whole file"
	if got := f.Entries[0].Findings[0].Message; got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	// An empty auth line is no credentials: the file says nothing useful.
	f, err = Parse("", []byte("auth = \nemail = x\n"))
	if err != nil {
		t.Fatal(err)
	}
	checkFile(t, f, FormatLegacyText, []diagnose.Code{legacy}, []wantEntry{
		{HubKey, "docker.io", true, "", "", "", []diagnose.Code{empty}},
	})
}

func TestIsLegacyJSON(t *testing.T) {
	tests := map[string]bool{
		`{"https://index.docker.io/v1/": {"auth": "x", "email": "e"}}`: true,
		`{"reg.example": {}}`:            true,
		`{"reg.example": {"Auth": "x"}}`: true,
		`{}`:                             false,
		`{"auths": {}}`:                  false,
		`{"reg.example": {"auth": "x"}, "auths": {}}`: false,
		`{"reg.example": {"auth": "x", "other": 1}}`:  false,
		`{"reg.example": "x"}`:                        false,
		`{"plugins": {}}`:                             false,
		`{"psformat": {}}`:                            false,
	}
	for in, want := range tests {
		raw, err := firstValue([]byte(in))
		if err != nil {
			t.Fatal(err)
		}
		ms, err := members(raw, "top")
		if err != nil {
			t.Fatal(err)
		}
		if got := isLegacyJSON(ms); got != want {
			t.Errorf("isLegacyJSON(%s) = %v, want %v", in, got, want)
		}
	}
}

func TestLegacyMessages(t *testing.T) {
	f, err := Parse("/home/u/.dockercfg", fixture(t, "dockercfg-legacy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.Findings[0].Message, "/home/u/.dockercfg is a legacy ~/.dockercfg") {
		t.Errorf("got %q", f.Findings[0].Message)
	}
	f, err = Parse("", fixture(t, "dockercfg-legacy.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(f.Findings[0].Message, "the file is the pre-JSON ~/.dockercfg text form") {
		t.Errorf("got %q", f.Findings[0].Message)
	}
}

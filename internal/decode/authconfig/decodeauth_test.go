package authconfig

import (
	"encoding/base64"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func TestDecodeAuth(t *testing.T) {
	tests := []struct {
		name, auth, user, pass, err string
	}{
		{"empty is no credentials", "", "", "", ""},
		{"plain", b64("alice:not-a-real-password"), "alice", "not-a-real-password", ""},
		{"split at the first colon", b64("robot$ci:a:b:c"), "robot$ci", "a:b:c", ""},
		{"empty password", b64("dave:"), "dave", "", ""},
		{"NULs trimmed", b64("heidi:fake\x00\x00"), "heidi", "fake", ""},
		{"newline skipped as the CLI's decoder does", b64("alice:pw") + "\n", "alice", "pw", ""},
		{"no colon", b64("eve"), "", "", "no ':' between username and password"},
		{"empty username", b64(":nouser"), "", "", "empty username before ':'"},
		{"bad byte", "YWxpY2U%cHc=", "", "", "not valid base64 at byte 7"},
		{"padding missing", "YWxpY2U6cHc", "", "", "not valid base64 at byte 8 (padding '=' missing)"},
		{"url-safe alphabet", "YWxp-2U6cHc=", "", "", "not valid base64 at byte 4 (URL-safe base64 is not accepted; use the standard alphabet with + and /)"},
		{"spaces", "YWxp Y2U6cHc=", "", "", "not valid base64 at byte 4 (contains spaces)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			user, pass, err := decodeAuth(tt.auth)
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || user != tt.user || pass != tt.pass {
				t.Errorf("got %q, %q, %v; want %q, %q", user, pass, err, tt.user, tt.pass)
			}
		})
	}
}

func FuzzDecodeAuth(f *testing.F) {
	for _, s := range []string{"", b64("a:b"), b64(":b"), b64("ab"), "====", "YWxp-2U6", "YW\nxp", "\x00\xff", strings.Repeat("A", 1000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, auth string) {
		user, pass, err := decodeAuth(auth)
		if err != nil {
			if user != "" || pass != "" {
				t.Fatal("an error must come with no credentials")
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("error is not one line: %q", err)
			}
			return
		}
		if auth != "" && user == "" {
			t.Fatal("decoded an empty username")
		}
		if strings.HasSuffix(pass, "\x00") {
			t.Fatal("trailing NUL kept")
		}
	})
}

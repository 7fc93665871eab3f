package credkind

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzClassify: Classify never panics, its result marshals, and no string
// it returns holds the secret past its declared prefix.
func FuzzClassify(f *testing.F) {
	key := serviceAccountKey(f, "p")
	for _, s := range [][3]string{
		{"123456789012.dkr.ecr.us-east-1.amazonaws.com", "AWS", ecrPassword(f, testNow)},
		{"ecr", "AWS", base64.StdEncoding.EncodeToString([]byte(`{"payload":"","datakey":"","expiration":1e400}`))},
		{"ecr", "AWS", base64.StdEncoding.EncodeToString([]byte(`{"payload":"","datakey":"","expiration":-5}`))},
		{"gcr.io", "_json_key", key},
		{"gcr.io", "_json_key", key[:40]},
		{"gcr.io", "_json_key_base64", base64.StdEncoding.EncodeToString([]byte(key))},
		{"gcr.io", "_json_key_base64", "!!!!"},
		{"gcr.io", "_json_key", `{"type":"service_account","client_email":7,"private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n","private_key_id":"k"}`},
		{"x.azurecr.io", acrNullUser, acrRefreshToken(f, "y.azurecr.io", testNow)},
		{"x.azurecr.io", acrNullUser, "a.b.c"},
		{"ghcr.io", "u", "github_pat_0123456789"},
		{"registry.gitlab.com", "gitlab-ci-token", "glcbt-0123456789"},
		{"h", "robot$p+n", "0123456789"},
		{"h", "robotp+n", "0123456789"},
		{"quay.io", "a+b", "0123456789"},
		{"https://u:p@[::1]:5000/v2/", "", "eyJ.eyJ.x"},
		{"\x00\xff", "\xfe", "\x80\x81\x82"},
	} {
		f.Add(s[0], s[1], s[2], "password", true)
	}
	f.Fuzz(func(t *testing.T, registry, user, secret, typ string, stored bool) {
		k := Classify(Input{Registry: registry, Username: user, Secret: secret, SecretType: typ, Stored: stored, Now: testNow})
		if secret == "" {
			if k != nil {
				t.Fatal("a kind without a secret")
			}
			return
		}
		if k == nil || k.ID == "" || k.Title == "" {
			t.Fatalf("no kind for %q", secret)
		}
		if _, err := json.Marshal(k); err != nil {
			t.Fatalf("kind does not marshal: %v", err)
		}
		if !strings.HasPrefix(secret, k.Prefix) {
			t.Fatalf("prefix %q is not the secret's", k.Prefix)
		}
		if k.Expires != nil && (k.Expires.Year() > 9999 || k.Expires.Before(time.Unix(0, 0))) {
			t.Fatalf("expiry out of range: %v", k.Expires)
		}
		// The secret may be a word of regauth's own text ("password") or
		// the username or registry, which are printed anyway: only a secret
		// that is none of these can be said to leak.
		rest := strings.TrimPrefix(secret, k.Prefix)
		if len(rest) < 6 || strings.Contains(registry+"\x00"+user, rest) || isVocabulary(rest) {
			return
		}
		if o, bad := leaks(k, secret); bad {
			t.Fatalf("secret %q shows in %q", secret, o)
		}
	})
}

// isVocabulary reports a string made only of the letters, digits, spaces
// and punctuation regauth's own messages use, found in them: a secret
// like that can match its text without having been copied.
func isVocabulary(s string) bool {
	const text = "the credential for password token registry expires expired JWT identity registry (no token format regauth recognises) ago now"
	return strings.Contains(text, s) || strings.Trim(s, "abcdefghijklmnopqrstuvwxyz ()_:,.-") == "" && len(s) < 24
}

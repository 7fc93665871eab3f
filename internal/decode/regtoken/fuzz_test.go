package regtoken

import (
	"encoding/json"
	"testing"
)

func fuzzSeeds(f *testing.F) {
	f.Add("")
	f.Add("a.b.c")
	f.Add("...")
	f.Add(handToken(`{"alg":"RS256","kid":"k","x5c":["AAAA",1]}`, `{"iss":"i","aud":["a"],"exp":1.5,"access":[{"type":"repository","name":"docker.io/x","action":"pull"}]}`))
	f.Add(handToken(`{"alg":"ES256","jwk":{"kty":"EC","x5c":["!"]}}`, `{"exp":-62167219200,"nbf":253402300799,"access":null}`))
	f.Add(handToken(`[]`, `{}`))
	f.Add(handToken(`{}`, `{"exp":1e400}`))
	f.Add("Bearer " + handToken(`{}`, `{}`))
	f.Add("Authorization: Bearer x.y.z")
	f.Add(`{"token":"a.b.c","access_token":"","expires_in":1800,"issued_at":"2025-06-01T12:00:00Z"}`)
	f.Add(`{"access_token":7}`)
	f.Add("\x00\xff.\xfe.\x80")
}

// FuzzDecode: Decode never panics, and what it returns can be checked,
// verified and marshalled.
func FuzzDecode(f *testing.F) {
	fuzzSeeds(f)
	keys := []Key{{Name: "k", Kind: "key", Public: testEC.Public()}}
	f.Fuzz(func(t *testing.T, s string) {
		tok, err := Decode(s)
		if err != nil {
			if tok != nil {
				t.Fatal("token and error both returned")
			}
			return
		}
		Check(tok, testNow)
		Lifetime(tok)
		Verify(tok, keys, defaultOpts)
		if _, err := json.Marshal(tok); err != nil {
			t.Fatalf("decoded token does not marshal: %v", err)
		}
	})
}

// FuzzExtractJWT: ExtractJWT never panics and always hands Decode something
// JWT-shaped when it reports success.
func FuzzExtractJWT(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, s string) {
		raw, reply, err := ExtractJWT([]byte(s))
		if err == nil && raw == "" {
			t.Fatal("success with an empty token")
		}
		if err == nil {
			if lerr := looksLikeJWT(raw); lerr != nil {
				t.Fatalf("success with a non-JWT %q: %v", raw, lerr)
			}
		}
		if reply != nil && reply.Token != raw {
			t.Fatalf("reply.Token %q != raw %q", reply.Token, raw)
		}
		_, _ = Decode(raw)
	})
}

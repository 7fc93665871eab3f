package regtoken

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDecodeMalformed(t *testing.T) {
	good := handToken(`{"alg":"RS256"}`, `{"iss":"x"}`)
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "the input is empty"},
		{"one segment", "abc", "want 3 dot-separated segments, got 1"},
		{"two segments", "abc.def", "want 3 dot-separated segments, got 2"},
		{"four segments", good + ".x", "want 3 dot-separated segments, got 4"},
		{"JWE", "a.b.c.d.e", "encrypted JWE"},
		{"truncated", good[:len(good)/2], "want 3 dot-separated segments"},
		{"truncated inside segment", good[:strings.Index(good, ".")-1] + good[strings.Index(good, "."):], "JWT header"},
		{"empty header", "." + seg(`{}`) + ".c2ln", "JWT header: segment 1 is empty"},
		{"empty claims", seg(`{}`) + "..c2ln", "JWT claims: segment 2 is empty"},
		{"bad base64 header", "eyJhbGci$iJSUzI1NiJ9." + seg(`{}`) + ".c2ln", "JWT header: segment 1 is not valid base64url at byte 8"},
		{"standard base64", seg(`{}`) + ".ab+c." + "c2ln", `JWT claims: segment 2 is not valid base64url at byte 2 ('+' is standard base64`},
		{"padded", seg(`{"a":1}`) + "=." + seg(`{}`) + ".c2ln", "padded with '='"},
		{"bad base64 signature", seg(`{}`) + "." + seg(`{}`) + ".a!b", "JWT signature: segment 3 is not valid base64url at byte 1"},
		{"header not JSON", seg("alg") + "." + seg(`{}`) + ".c2ln", "JWT header is not JSON"},
		{"header array", seg(`["alg"]`) + "." + seg(`{}`) + ".c2ln", "JWT header is not a JSON object (got an array)"},
		{"claims not object", seg(`{}`) + "." + seg(`"x"`) + ".c2ln", "JWT claims are not a JSON object (got a string)"},
		{"claims null", seg(`{}`) + "." + seg(`null`) + ".c2ln", "JWT claims are not a JSON object (got null)"},
		{"claims trailing data", seg(`{}`) + "." + seg(`{} {}`) + ".c2ln", "JWT claims are not JSON: unexpected data"},
		{"binary garbage", "\x00\x01\x02.\xff\xfe.\x80", "JWT header: segment 1 is not valid base64url at byte 0"},
		{"binary payload", seg(`{}`) + "." + base64.RawURLEncoding.EncodeToString([]byte{0xff, 0, 1}) + ".c2ln", "JWT claims are not JSON"},
		{"alg number", handToken(`{"alg":256}`, `{}`), "JWT header: alg is a number, want a string"},
		{"jwk string", handToken(`{"alg":"ES256","jwk":"k"}`, `{}`), "jwk is a string, want an object"},
		{"x5c string", handToken(`{"alg":"ES256","x5c":"MII"}`, `{}`), "x5c is a string"},
		{"iss number", handToken(`{}`, `{"iss":1}`), "JWT claims: iss is a number, want a string"},
		{"aud number", handToken(`{}`, `{"aud":1}`), "aud is a number"},
		{"aud array of numbers", handToken(`{}`, `{"aud":["a",2]}`), "aud[1] is a number"},
		{"exp string", handToken(`{}`, `{"exp":"1700000000"}`), "exp is a string, want a number of seconds"},
		{"exp milliseconds", handToken(`{}`, `{"exp":1700000000000}`), "milliseconds instead of seconds"},
		{"exp huge", handToken(`{}`, `{"exp":1e300}`), "outside the years 0-9999"},
		{"access object", handToken(`{}`, `{"access":{"type":"repository"}}`), "access is an object, want an array"},
		{"access entry string", handToken(`{}`, `{"access":["repository:a:pull"]}`), "access[0] is a string, want an object"},
		{"actions string", handToken(`{}`, `{"access":[{"type":"repository","name":"a","actions":"pull"}]}`), "access[0].actions is a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := Decode(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if tok != nil {
				t.Errorf("token = %+v, want nil", tok)
			}
		})
	}
}

func TestDecodeFields(t *testing.T) {
	raw := handToken(
		`{"alg":"RS256","typ":"JWT","kid":"K1","jwk":{"kty":"EC"},"cty":"x"}`,
		`{"iss":"harbor-token-issuer","sub":"admin","aud":"harbor-registry","exp":1748782800,"nbf":1748781000.5,"iat":1748781000,"jti":"j1",`+
			`"access":[{"type":"repository","class":"image","name":"library/alpine","actions":["pull","push"],"extra":1}],"scope":"x","big":12345678901234567890}`)
	tok := mustDecode(t, "  "+raw+"\n")
	if tok.Raw != raw {
		t.Errorf("Raw not trimmed: %q", tok.Raw)
	}
	h := tok.Header
	if h.Alg != "RS256" || h.Typ != "JWT" || h.Kid != "K1" || h.JWK["kty"] != "EC" || h.Other["cty"] != "x" {
		t.Errorf("header = %+v", h)
	}
	c := tok.Claims
	if c.Iss != "harbor-token-issuer" || c.Sub != "admin" || c.Jti != "j1" || c.AudIsArray || len(c.Aud) != 1 || c.Aud[0] != "harbor-registry" {
		t.Errorf("claims = %+v", c)
	}
	if !c.Exp.Equal(time.Unix(1748782800, 0)) || !c.Iat.Equal(time.Unix(1748781000, 0)) || !c.Nbf.Equal(time.Unix(1748781000, 5e8)) {
		t.Errorf("times: exp %v nbf %v iat %v", c.Exp, c.Nbf, c.Iat)
	}
	if len(tok.Access) != 1 {
		t.Fatalf("access = %+v", tok.Access)
	}
	a := tok.Access[0]
	if a.Type != "repository" || a.Class != "image" || a.Name != "library/alpine" || strings.Join(a.Actions, ",") != "pull,push" || a.UsedAction || a.Other["extra"] == nil {
		t.Errorf("access[0] = %+v", a)
	}
	if tok.Other["scope"] != "x" || len(tok.Other) != 2 {
		t.Errorf("other = %+v", tok.Other)
	}
	// Big integers must survive as written, not as float64.
	if n, ok := tok.Other["big"].(json.Number); !ok || string(n) != "12345678901234567890" {
		t.Errorf("big = %#v", tok.Other["big"])
	}
	if tok.LoginOnly() {
		t.Error("LoginOnly with an access entry")
	}
}

func TestDecodeHugeInput(t *testing.T) {
	big := strings.Repeat("A", 2<<20)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := Decode(big); err == nil {
			t.Error("2 MB of A decoded without error")
		}
		// A 2 MB but well-formed token decodes, with the claim intact.
		raw := handToken(`{"alg":"RS256"}`, `{"pad":"`+strings.Repeat("x", 2<<20)+`"}`)
		tok, err := Decode(raw)
		if err != nil || len(tok.Other["pad"].(string)) != 2<<20 {
			t.Errorf("large token: %v", err)
		}
		if _, _, err := ExtractJWT([]byte(big + "." + big)); err == nil {
			t.Error("ExtractJWT accepted 2 segments")
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("decoding 2 MB took more than 10 s")
	}
}

func TestDecodeJSONRoundTrip(t *testing.T) {
	tok := mustDecode(t, handToken(`{"alg":"RS256","kid":"k"}`, `{"iss":"i","aud":["a"],"exp":1748782800,"access":[{"type":"repository","name":"n","action":"pull"}]}`))
	b, err := json.Marshal(tok)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"exp":"2025-06-01T13:00:00Z"`, `"aud_is_array":true`, `"used_action":true`, `"actions":[]`, `"kid":"k"`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s: %s", want, s)
		}
	}
}

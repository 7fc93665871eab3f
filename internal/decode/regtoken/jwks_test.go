package regtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
)

type equaler interface{ Equal(crypto.PublicKey) bool }

func TestParseKeysJWKS(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	b64 := base64.RawURLEncoding.EncodeToString
	ecPt, _ := testEC.PublicKey.Bytes()
	ec384, _ := testEC2.PublicKey.Bytes()
	set := map[string]any{"keys": []any{
		map[string]any{"kty": "RSA", "kid": "rsa1", "n": b64(testRSA.N.Bytes()), "e": b64(big.NewInt(int64(testRSA.E)).Bytes())},
		map[string]any{"kty": "EC", "kid": "ec1", "crv": "P-256", "x": b64(ecPt[1:33]), "y": b64(ecPt[33:])},
		map[string]any{"kty": "EC", "crv": "P-384", "x": b64(ec384[1:49]), "y": b64(ec384[49:])},
		map[string]any{"kty": "OKP", "kid": "ed", "crv": "Ed25519", "x": b64(edPub)},
		map[string]any{"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"}, // skipped
	}}
	data, _ := json.Marshal(set)
	keys, err := ParseKeys(data, "jwks")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 4 {
		t.Fatalf("keys = %+v", keys)
	}
	want := []string{"jwks kid=rsa1", "jwks kid=ec1", "jwks[2] EC P-384", "jwks kid=ed"}
	for i, k := range keys {
		if k.Name != want[i] || k.Kind != "jwks" {
			t.Errorf("keys[%d].Name = %q, want %q", i, k.Name, want[i])
		}
	}
	if keys[0].JWKSKid != "rsa1" || keys[2].JWKSKid != "" {
		t.Errorf("kids: %q %q", keys[0].JWKSKid, keys[2].JWKSKid)
	}
	if !keys[0].Public.(equaler).Equal(testRSA.Public()) ||
		!keys[1].Public.(equaler).Equal(testEC.Public()) ||
		!keys[2].Public.(equaler).Equal(testEC2.Public()) ||
		!keys[3].Public.(equaler).Equal(edPub) {
		t.Error("JWKS keys do not equal the originals")
	}
}

// Some encoders drop leading zero bytes of EC coordinates; the key must still
// parse.
func TestParseKeysJWKSShortCoordinate(t *testing.T) {
	k := ecKeyWhere(t, testEC.Curve, true)
	pt, _ := k.PublicKey.Bytes()
	b64 := base64.RawURLEncoding.EncodeToString
	x, y := strings.TrimLeft(string(pt[1:33]), "\x00"), strings.TrimLeft(string(pt[33:]), "\x00")
	data := `{"keys":[{"kty":"EC","crv":"P-256","x":"` + b64([]byte(x)) + `","y":"` + b64([]byte(y)) + `"}]}`
	keys, err := ParseKeys([]byte(data), "jwks")
	if err != nil {
		t.Fatal(err)
	}
	if !keys[0].Public.(*ecdsa.PublicKey).Equal(k.Public()) {
		t.Error("short coordinate decoded to another key")
	}
}

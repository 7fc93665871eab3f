package regtoken

import (
	"crypto/ecdsa"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
	"time"
)

func TestParseKeysCert(t *testing.T) {
	p := newPKI(t, testNow.Add(time.Hour))
	data := append([]byte("# bundle\n"), certPEM(p.leaf)...)
	data = append(data, pubPEM(t, testRSA.Public())...) // skipped, like the registry does
	data = append(data, certPEM(p.ca)...)
	keys, err := ParseKeys(data, "cert")
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 2 || keys[0].Name != "cert[0] CN=token-signer" || keys[1].Name != "cert[1] CN=test-ca" {
		t.Fatalf("keys = %+v", keys)
	}
	if keys[0].Cert == nil || keys[0].Kind != "cert" || !keys[0].Public.(*ecdsa.PublicKey).Equal(p.leafKey.Public()) {
		t.Errorf("keys[0] = %+v", keys[0])
	}
}

func TestParseKeysKey(t *testing.T) {
	p := newPKI(t, testNow.Add(time.Hour))
	rsa1 := pem.EncodeToMemory(&pem.Block{Type: "RSA PUBLIC KEY", Bytes: x509.MarshalPKCS1PublicKey(&testRSA2.PublicKey)})
	data := append(append(pubPEM(t, testEC.Public()), rsa1...), certPEM(p.leaf)...)
	keys, err := ParseKeys(data, "key")
	if err != nil {
		t.Fatal(err)
	}
	names := []string{"key[0] EC P-256", "key[1] RSA 2048", "key[2] CN=token-signer"}
	if len(keys) != 3 {
		t.Fatalf("keys = %+v", keys)
	}
	for i, k := range keys {
		if k.Name != names[i] || k.Kind != "key" {
			t.Errorf("keys[%d] = %q (%s), want %q", i, k.Name, k.Kind, names[i])
		}
	}
	if keys[2].Cert == nil || keys[0].Cert != nil {
		t.Error("only the certificate entry should carry Cert")
	}
}

func TestParseKeysErrors(t *testing.T) {
	priv, _ := x509.MarshalPKCS8PrivateKey(testEC)
	tests := []struct{ name, kind, data, wantErr string }{
		{"unknown kind", "pgp", "x", `unknown key kind "pgp"`},
		{"empty cert", "cert", "", "the file is empty"},
		{"not PEM", "cert", "hello", "no PEM CERTIFICATE block found"},
		{"bad PEM cert", "cert", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "PEM block 0 is not a valid certificate"},
		{"only a key in cert bundle", "cert", string(pubPEM(t, testEC.Public())), "no CERTIFICATE block found (found PUBLIC KEY)"},
		{"bad public key", "key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "PEM block 0 (PUBLIC KEY) cannot be read"},
		{"private key", "key", string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: priv})), "pass the public key instead"},
		{"truncated PEM", "key", "-----BEGIN PUBLIC KEY-----\nMFkw", "no PEM PUBLIC KEY"},
		{"jwks not JSON", "jwks", "keys", "the JWKS is not JSON"},
		{"jwks array", "jwks", "[]", "the JWKS is an array"},
		{"empty jwks", "jwks", `{"keys":[]}`, "the JWKS has no keys"},
		{"jwks no keys member", "jwks", `{}`, `no "keys" member`},
		{"single jwk", "jwks", `{"kty":"EC"}`, "single JWK, not a set"},
		{"jwks only oct", "jwks", `{"keys":[{"kty":"oct","k":"c2VjcmV0"},"x"]}`, `keys[0]: kty "oct" is not a key type registries verify with (RSA, EC, OKP); keys[1] is a string`},
		{"jwks bad ec point", "jwks", `{"keys":[{"kty":"EC","crv":"P-256","x":"AQ","y":"AQ"}]}`, "EC P-256 point"},
		{"jwks bad curve", "jwks", `{"keys":[{"kty":"EC","crv":"secp256k1","x":"AQ","y":"AQ"}]}`, `EC curve "secp256k1"`},
		{"jwks rsa no n", "jwks", `{"keys":[{"kty":"RSA","e":"AQAB"}]}`, `missing "n"`},
		{"jwks bad base64", "jwks", `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"!!"}]}`, `"x" is not base64url`},
		{"jwks short ed25519", "jwks", `{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AQ"}]}`, "Ed25519 x is 1 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys, err := ParseKeys([]byte(tt.data), tt.kind)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
			if keys != nil {
				t.Errorf("keys = %+v, want nil", keys)
			}
		})
	}
}

package credkind

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Synthetic secrets, built the way their issuers build them, from random
// bytes made here: never a real credential.

var testNow = time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)

func randB64(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// ecrPassword is what `aws ecr get-login-password` prints: base64 of the
// JSON envelope with an encrypted payload and data key.
func ecrPassword(t testing.TB, exp time.Time) string {
	env := map[string]any{
		"payload":    randB64(t, 600),
		"datakey":    randB64(t, 180),
		"version":    "2",
		"type":       "DATA_KEY",
		"expiration": exp.Unix(),
	}
	b, err := json.Marshal(env)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

// serviceAccountKey is a key file as `gcloud iam service-accounts keys
// create` writes it, with a key generated here.
func serviceAccountKey(t testing.TB, project string) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]string{
		"type":                        "service_account",
		"project_id":                  project,
		"private_key_id":              "0123456789abcdef0123456789abcdef01234567",
		"private_key":                 string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})),
		"client_email":                "puller@" + project + ".iam.gserviceaccount.com",
		"client_id":                   "100000000000000000001",
		"auth_uri":                    "https://accounts.google.com/o/oauth2/auth",
		"token_uri":                   "https://oauth2.googleapis.com/token",
		"auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// signedJWT signs claims with a key made for the test.
func signedJWT(t testing.TB, claims jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(randB64(t, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// acrRefreshToken has the claims ACR puts in the token az acr login gets.
func acrRefreshToken(t testing.TB, registry string, exp time.Time) string {
	return signedJWT(t, jwt.MapClaims{
		"jti": "5f8c1a2e-0000-4000-8000-000000000001", "sub": "user@example.com",
		"nbf": exp.Add(-3 * time.Hour).Unix(), "iat": exp.Add(-3 * time.Hour).Unix(), "exp": exp.Unix(),
		"iss": "Azure Container Registry", "aud": registry, "version": "1.0",
		"grant_type": "refresh_token", "tenant": "72f988bf-0000-4000-8000-00000000000a",
		"permissions": map[string]any{"actions": []string{"read"}, "notActions": []string{}},
	})
}

// token is a prefix and random characters, as GitHub, GitLab and Docker
// Hub tokens are made.
func token(t testing.TB, prefix string) string {
	return prefix + strings.NewReplacer("+", "x", "/", "y", "=", "").Replace(randB64(t, 27))
}

// outputs is every string a Kind can put in front of a user.
func outputs(k *Kind) []string {
	if k == nil {
		return nil
	}
	out := []string{k.ID, k.Title, k.Prefix}
	for _, f := range k.Facts {
		out = append(out, f.Name, f.Value)
	}
	for _, d := range k.Findings {
		out = append(out, d.Message, d.Hint)
	}
	if b, err := json.Marshal(k); err == nil {
		out = append(out, string(b))
	}
	return out
}

// leaks reports whether any output holds the secret past its prefix.
func leaks(k *Kind, secret string) (string, bool) {
	rest := secret
	if k != nil {
		rest = strings.TrimPrefix(secret, k.Prefix)
	}
	for _, o := range outputs(k) {
		if strings.Contains(o, rest) {
			return o, true
		}
	}
	return "", false
}

package regtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Keys are generated once: RSA generation is slow and the tests only need a
// few distinct keys.
var (
	testRSA  = mustRSA()
	testRSA2 = mustRSA()
	testEC   = mustEC(elliptic.P256())
	testEC2  = mustEC(elliptic.P384())
)

func mustRSA() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
}

func mustEC(c elliptic.Curve) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(c, rand.Reader)
	if err != nil {
		panic(err)
	}
	return k
}

var testNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// baseClaims are a valid pull token's claims at testNow.
func baseClaims() jwt.MapClaims {
	return jwt.MapClaims{
		"iss":    "token-issuer",
		"sub":    "alice",
		"aud":    "my.registry",
		"iat":    testNow.Add(-time.Minute).Unix(),
		"nbf":    testNow.Add(-time.Minute).Unix(),
		"exp":    testNow.Add(29 * time.Minute).Unix(),
		"jti":    "abc",
		"access": []any{map[string]any{"type": "repository", "name": "library/alpine", "actions": []string{"pull"}}},
	}
}

// sign makes a token with golang-jwt; header entries are added as given.
func sign(t testing.TB, key crypto.Signer, claims jwt.MapClaims, header map[string]any) string {
	t.Helper()
	var m jwt.SigningMethod
	switch k := key.(type) {
	case *rsa.PrivateKey:
		m = jwt.SigningMethodRS256
	case *ecdsa.PrivateKey:
		m = map[int]jwt.SigningMethod{256: jwt.SigningMethodES256, 384: jwt.SigningMethodES384, 521: jwt.SigningMethodES512}[k.Curve.Params().BitSize]
	default:
		m = jwt.SigningMethodEdDSA
	}
	tok := jwt.NewWithClaims(m, claims)
	for k, v := range header {
		tok.Header[k] = v
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustDecode(t testing.TB, raw string) *Token {
	t.Helper()
	tok, err := Decode(raw)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return tok
}

func libtrust(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	id, err := LibtrustKeyID(pub)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func thumb(t testing.TB, pub crypto.PublicKey) string {
	t.Helper()
	id, err := JWKThumbprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// testPKI is a CA and a leaf it signed, for x5c and rootcertbundle tests.
type testPKI struct {
	caKey, leafKey *ecdsa.PrivateKey
	ca, leaf       *x509.Certificate
}

func newPKI(t testing.TB, leafNotAfter time.Time) *testPKI {
	t.Helper()
	p := &testPKI{caKey: mustEC(elliptic.P256()), leafKey: mustEC(elliptic.P256())}
	caT := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test-ca"},
		NotBefore: testNow.Add(-24 * time.Hour), NotAfter: testNow.Add(365 * 24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	p.ca = mustCert(t, caT, caT, p.caKey.Public(), p.caKey)
	leafT := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "token-signer"},
		NotBefore: testNow.Add(-24 * time.Hour), NotAfter: leafNotAfter,
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	p.leaf = mustCert(t, leafT, p.ca, p.leafKey.Public(), p.caKey)
	return p
}

func mustCert(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func x5c(certs ...*x509.Certificate) []string {
	out := make([]string, len(certs))
	for i, c := range certs {
		out[i] = base64.StdEncoding.EncodeToString(c.Raw)
	}
	return out
}

func certPEM(certs ...*x509.Certificate) []byte {
	var b strings.Builder
	for _, c := range certs {
		b.Write(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
	}
	return []byte(b.String())
}

func pubPEM(t testing.TB, pub crypto.PublicKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// seg encodes a JSON segment for hand-made tokens.
func seg(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

// handToken builds an unsigned token from raw header and claims JSON.
func handToken(header, claims string) string {
	return seg(header) + "." + seg(claims) + "." + seg("sig")
}

package regtoken

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"regexp"
	"testing"

	dtoken "github.com/distribution/distribution/v3/registry/auth/token"
)

// specKey is the EC P-256 key from distribution's jwt.md.
func specKey(t *testing.T) *ecdsa.PublicKey {
	t.Helper()
	x, _ := base64.RawURLEncoding.DecodeString("m7zUpx3b-zmVE5cymSs64POG9QcyEpJaYCD82-549_Q")
	y, _ := base64.RawURLEncoding.DecodeString("dU3biz8sZ_8GPB-odm8Wxz3lNDr1xcAQQPQaOcr1fmc")
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

func TestKeyIDTestVector(t *testing.T) {
	pub := specKey(t)
	if got, want := libtrust(t, pub), "PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6"; got != want {
		t.Errorf("LibtrustKeyID = %s, want %s", got, want)
	}
	if got, want := thumb(t, pub), "8qjioA3ZA7ti2JIE7c-U8smBFuZolQZvhSHDPU3hhB8"; got != want {
		t.Errorf("JWKThumbprint = %s, want %s", got, want)
	}
	// A value (not pointer) key gives the same IDs.
	if got := libtrust(t, *pub); got != "PYYO:TEWU:V7JH:26JV:AQTZ:LJC3:SXVJ:XGHA:34F2:2LAQ:ZRMK:Z7Q6" {
		t.Errorf("value key: %s", got)
	}
}

func TestLibtrustKeyIDShape(t *testing.T) {
	shape := regexp.MustCompile(`^([A-Z2-7]{4}:){11}[A-Z2-7]{4}$`)
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	for _, pub := range []any{testRSA.Public(), testEC.Public(), testEC2.Public(), edPub} {
		if id := libtrust(t, pub); !shape.MatchString(id) {
			t.Errorf("%s: %q is not 12 groups of 4 base32 characters", keyType(pub), id)
		}
	}
	if _, err := LibtrustKeyID("not a key"); err == nil {
		t.Error("LibtrustKeyID accepted a string")
	}
}

// TestThumbprintMatchesDistribution cross-checks with the registry's own
// code. distribution uses minimal EC coordinates, so the EC keys here have
// no leading zero byte (where the two agree by definition).
func TestThumbprintMatchesDistribution(t *testing.T) {
	edPub, _, _ := ed25519.GenerateKey(rand.Reader)
	keys := []any{testRSA.Public(), testRSA2.Public(), specKey(t), edPub}
	for _, c := range []elliptic.Curve{elliptic.P256(), elliptic.P384(), elliptic.P521()} {
		keys = append(keys, ecKeyWhere(t, c, false).Public())
	}
	for _, pub := range keys {
		if got, want := thumb(t, pub), dtoken.GetJWKThumbprint(pub); got != want {
			t.Errorf("%s: JWKThumbprint = %s, distribution = %s", keyType(pub), got, want)
		}
	}
}

// TestThumbprintLeadingZero: RFC 7638 keeps EC coordinates fixed-size;
// distribution does not, and registryThumbprint must reproduce distribution.
func TestThumbprintLeadingZero(t *testing.T) {
	pub := ecKeyWhere(t, elliptic.P256(), true).Public()
	rfc, reg := thumb(t, pub), mustRegistryThumbprint(t, pub)
	if rfc == reg {
		t.Fatalf("RFC and registry thumbprints agree for a key with a leading zero: %s", rfc)
	}
	if want := dtoken.GetJWKThumbprint(pub); reg != want {
		t.Errorf("registryThumbprint = %s, distribution = %s", reg, want)
	}
}

func mustRegistryThumbprint(t *testing.T, pub any) string {
	t.Helper()
	s, err := registryThumbprint(pub)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ecKeyWhere generates EC keys until one has (zero) or lacks (!zero) a
// coordinate starting with a zero byte: about 1 in 128 keys on P-256 and
// P-384, 3 in 4 on P-521 (whose 66-byte coordinates have a 1-bit top byte).
func ecKeyWhere(t *testing.T, c elliptic.Curve, zero bool) *ecdsa.PrivateKey {
	t.Helper()
	for range 10000 {
		k := mustEC(c)
		pt, _ := k.PublicKey.Bytes()
		size := (len(pt) - 1) / 2
		if hasZero := pt[1] == 0 || pt[1+size] == 0; hasZero == zero {
			return k
		}
	}
	t.Fatal("no suitable key in 10000 tries")
	return nil
}

func TestThumbprintErrors(t *testing.T) {
	if _, err := JWKThumbprint("nope"); err == nil {
		t.Error("accepted a string")
	}
	if _, err := JWKThumbprint(&ecdsa.PublicKey{}); err == nil {
		t.Error("accepted an EC key without a curve")
	}
	edPub := ed25519.PublicKey(bytes.Repeat([]byte{1}, 32))
	if a, b := thumb(t, edPub), thumb(t, &edPub); a != b {
		t.Error("pointer to ed25519 key gives another thumbprint")
	}
}

package regtoken

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// LibtrustKeyID is the key ID registry 2.x (docker/libtrust) gives a key:
// SHA-256 of the DER SubjectPublicKeyInfo, first 30 bytes, base32 upper
// case, 12 groups of 4 joined by ':'.
func LibtrustKeyID(pub crypto.PublicKey) (string, error) {
	pub = normalizeKey(pub)
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", fmt.Errorf("libtrust key ID: %w", err)
	}
	sum := sha256.Sum256(der)
	enc := base32.StdEncoding.EncodeToString(sum[:30]) // 240 bits: 48 chars, no padding
	groups := make([]string, 0, 12)
	for i := 0; i < len(enc); i += 4 {
		groups = append(groups, enc[i:i+4])
	}
	return strings.Join(groups, ":"), nil
}

// JWKThumbprint is the RFC 7638 SHA-256 thumbprint (base64url, no padding)
// that registry 3.x uses as the ID of rootcertbundle keys. EC coordinates
// are fixed-size as RFC 7518 requires.
func JWKThumbprint(pub crypto.PublicKey) (string, error) {
	return thumbprint(normalizeKey(pub), false)
}

// registryThumbprint is what distribution v3 computes: the same JSON, but
// EC coordinates as minimal big-endian bytes (big.Int.Bytes). The two differ
// when a coordinate starts with a zero byte: about 1 in 128 P-256 keys, but
// 3 in 4 P-521 keys.
func registryThumbprint(pub crypto.PublicKey) (string, error) {
	return thumbprint(normalizeKey(pub), true)
}

func thumbprint(pub crypto.PublicKey, minimalEC bool) (string, error) {
	b64 := base64.RawURLEncoding.EncodeToString
	var js string
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N == nil {
			return "", errors.New("thumbprint: RSA key has no modulus")
		}
		e := big.NewInt(int64(k.E)).Bytes()
		js = fmt.Sprintf(`{"e":"%s","kty":"RSA","n":"%s"}`, b64(e), b64(k.N.Bytes()))
	case *ecdsa.PublicKey:
		if k.Curve == nil {
			return "", errors.New("thumbprint: EC key has no curve")
		}
		pt, err := k.Bytes() // 0x04 || X || Y, each curve-size bytes
		if err != nil {
			return "", fmt.Errorf("thumbprint: %w", err)
		}
		size := (len(pt) - 1) / 2
		x, y := pt[1:1+size], pt[1+size:]
		if minimalEC {
			x, y = bytes.TrimLeft(x, "\x00"), bytes.TrimLeft(y, "\x00")
		}
		js = fmt.Sprintf(`{"crv":"%s","kty":"EC","x":"%s","y":"%s"}`, k.Curve.Params().Name, b64(x), b64(y))
	case ed25519.PublicKey:
		js = fmt.Sprintf(`{"crv":"Ed25519","kty":"OKP","x":"%s"}`, b64(k))
	default:
		return "", fmt.Errorf("thumbprint: unsupported key type %T", pub)
	}
	sum := sha256.Sum256([]byte(js))
	return b64(sum[:]), nil
}

// normalizeKey accepts value forms of keys that callers sometimes pass.
func normalizeKey(pub crypto.PublicKey) crypto.PublicKey {
	switch k := pub.(type) {
	case rsa.PublicKey:
		return &k
	case ecdsa.PublicKey:
		return &k
	case *ed25519.PublicKey:
		if k != nil {
			return *k
		}
	}
	return pub
}

// keyType names a key for messages, e.g. "EC P-256" or "RSA 2048".
func keyType(pub crypto.PublicKey) string {
	switch k := normalizeKey(pub).(type) {
	case *rsa.PublicKey:
		if k.N != nil {
			return fmt.Sprintf("RSA %d", k.N.BitLen())
		}
		return "RSA"
	case *ecdsa.PublicKey:
		if k.Curve != nil {
			return "EC " + k.Curve.Params().Name
		}
		return "EC"
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", pub)
}

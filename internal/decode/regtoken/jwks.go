package regtoken

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

// parseJWKS reads a JSON Web Key Set, the registry's "jwks" file. Keys of
// other types are skipped; only when none is usable is it an error, naming
// each reason.
func parseJWKS(data []byte) ([]Key, error) {
	v, err := parseJSON(data)
	if err != nil {
		return nil, fmt.Errorf("the JWKS is not JSON: %v", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("the JWKS is %s, want an object {\"keys\":[...]}", kindOf(v))
	}
	raw, ok := m["keys"]
	if !ok {
		if _, single := m["kty"]; single {
			return nil, errors.New("this is a single JWK, not a set; the registry wants {\"keys\":[...]}")
		}
		return nil, errors.New("the JWKS has no \"keys\" member")
	}
	arr, ok := raw.([]any)
	if !ok {
		return nil, fmt.Errorf("the JWKS \"keys\" is %s, want an array", kindOf(raw))
	}
	if len(arr) == 0 {
		return nil, errors.New("the JWKS has no keys")
	}
	var keys []Key
	var problems []string
	for i, e := range arr {
		jwk, ok := e.(map[string]any)
		if !ok {
			problems = append(problems, fmt.Sprintf("keys[%d] is %s", i, kindOf(e)))
			continue
		}
		pub, err := jwkPublicKey(jwk)
		if err != nil {
			problems = append(problems, fmt.Sprintf("keys[%d]: %v", i, err))
			continue
		}
		kid, _ := jwk["kid"].(string)
		name := fmt.Sprintf("jwks[%d] %s", i, keyType(pub))
		if kid != "" {
			name = "jwks kid=" + kid
		}
		keys = append(keys, Key{Name: name, Kind: "jwks", Public: pub, JWKSKid: kid})
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("no usable key in the JWKS: %s", strings.Join(problems, "; "))
	}
	return keys, nil
}

// jwkPublicKey builds the public key of one JWK: RSA, EC P-256/384/521 or
// Ed25519, the types registries verify with.
func jwkPublicKey(jwk map[string]any) (crypto.PublicKey, error) {
	kty, _ := jwk["kty"].(string)
	switch kty {
	case "RSA":
		n, err := jwkBytes(jwk, "n")
		if err != nil {
			return nil, err
		}
		e, err := jwkBytes(jwk, "e")
		if err != nil {
			return nil, err
		}
		eb := new(big.Int).SetBytes(e)
		if len(n) == 0 || !eb.IsInt64() || eb.Int64() < 2 || eb.Int64() > 1<<31-1 {
			return nil, errors.New("RSA n or e is out of range")
		}
		return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(eb.Int64())}, nil
	case "EC":
		crv, _ := jwk["crv"].(string)
		var curve elliptic.Curve
		switch crv {
		case "P-256":
			curve = elliptic.P256()
		case "P-384":
			curve = elliptic.P384()
		case "P-521":
			curve = elliptic.P521()
		default:
			return nil, fmt.Errorf("EC curve %q is not P-256, P-384 or P-521", crv)
		}
		x, err := jwkBytes(jwk, "x")
		if err != nil {
			return nil, err
		}
		y, err := jwkBytes(jwk, "y")
		if err != nil {
			return nil, err
		}
		size := (curve.Params().BitSize + 7) / 8
		if len(x) > size || len(y) > size {
			return nil, fmt.Errorf("EC x or y is longer than %d bytes", size)
		}
		// Left-pad: some encoders drop leading zero bytes.
		pt := make([]byte, 1+2*size)
		pt[0] = 4
		copy(pt[1+size-len(x):1+size], x)
		copy(pt[1+2*size-len(y):], y)
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, pt)
		if err != nil {
			return nil, fmt.Errorf("EC %s point: %v", crv, err)
		}
		return pub, nil
	case "OKP":
		if crv, _ := jwk["crv"].(string); crv != "Ed25519" {
			return nil, fmt.Errorf("OKP curve %q is not Ed25519", crv)
		}
		x, err := jwkBytes(jwk, "x")
		if err != nil {
			return nil, err
		}
		if len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("Ed25519 x is %d bytes, want %d", len(x), ed25519.PublicKeySize)
		}
		return ed25519.PublicKey(x), nil
	case "":
		return nil, errors.New("no kty")
	}
	return nil, fmt.Errorf("kty %q is not a key type registries verify with (RSA, EC, OKP)", kty)
}

func jwkBytes(jwk map[string]any, name string) ([]byte, error) {
	s, ok := jwk[name].(string)
	if !ok || s == "" {
		return nil, fmt.Errorf("missing %q", name)
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		return nil, fmt.Errorf("%q is not base64url: %v", name, err)
	}
	return b, nil
}

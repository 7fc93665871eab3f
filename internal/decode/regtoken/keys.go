package regtoken

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// Key is one public key a registry might trust.
type Key struct {
	Name    string // e.g. "cert[0] CN=token-signer", "key[0] EC P-256", "jwks kid=abc"
	Kind    string // "cert", "key" or "jwks": decides which key IDs a registry indexes it by
	Public  crypto.PublicKey
	JWKSKid string            // the kid of a JWKS entry
	Cert    *x509.Certificate // nil for a bare key or JWKS entry
}

// ParseKeys reads keys of one kind: "cert" (a PEM bundle of CERTIFICATE
// blocks, like the registry's rootcertbundle), "key" (PEM PUBLIC KEY, RSA
// PUBLIC KEY or CERTIFICATE blocks) or "jwks" (a JSON Web Key Set). No usable
// key is an error that says why.
func ParseKeys(data []byte, kind string) ([]Key, error) {
	switch kind {
	case "cert":
		return parseCertBundle(data)
	case "key":
		return parsePEMKeys(data)
	case "jwks":
		return parseJWKS(data)
	}
	return nil, fmt.Errorf("unknown key kind %q: want cert, key or jwks", kind)
}

// parseCertBundle mirrors distribution's rootcertbundle loader: other block
// types are skipped, a bad certificate is an error (the registry would not
// start).
func parseCertBundle(data []byte) ([]Key, error) {
	var keys []Key
	var skipped []string
	rest := data
	for i := 0; ; i++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			skipped = append(skipped, b.Type)
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("PEM block %d is not a valid certificate: %v", i, err)
		}
		keys = append(keys, certKey(fmt.Sprintf("cert[%d]", len(keys)), "cert", c))
	}
	if len(keys) == 0 {
		return nil, noPEM("CERTIFICATE", data, skipped)
	}
	return keys, nil
}

func parsePEMKeys(data []byte) ([]Key, error) {
	var keys []Key
	var skipped []string
	rest := data
	for i := 0; ; i++ {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		name := fmt.Sprintf("key[%d]", len(keys))
		switch b.Type {
		case "CERTIFICATE":
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PEM block %d is not a valid certificate: %v", i, err)
			}
			keys = append(keys, certKey(name, "key", c))
		case "PUBLIC KEY":
			pub, err := x509.ParsePKIXPublicKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PEM block %d (PUBLIC KEY) cannot be read: %v", i, err)
			}
			keys = append(keys, Key{Name: name + " " + keyType(pub), Kind: "key", Public: pub})
		case "RSA PUBLIC KEY":
			pub, err := x509.ParsePKCS1PublicKey(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("PEM block %d (RSA PUBLIC KEY) cannot be read: %v", i, err)
			}
			keys = append(keys, Key{Name: name + " " + keyType(pub), Kind: "key", Public: pub})
		default:
			if strings.Contains(b.Type, "PRIVATE KEY") {
				// Do not handle secrets: ask for the public half instead.
				return nil, fmt.Errorf("PEM block %d is a %s; pass the public key instead (openssl pkey -in key.pem -pubout)", i, b.Type)
			}
			skipped = append(skipped, b.Type)
		}
	}
	if len(keys) == 0 {
		return nil, noPEM("PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE", data, skipped)
	}
	return keys, nil
}

func certKey(name, kind string, c *x509.Certificate) Key {
	label := c.Subject.CommonName
	if label != "" {
		label = "CN=" + label
	} else {
		label = c.Subject.String()
	}
	return Key{Name: strings.TrimSpace(name + " " + label), Kind: kind, Public: c.PublicKey, Cert: c}
}

func noPEM(want string, data []byte, skipped []string) error {
	switch {
	case len(skipped) > 0:
		return fmt.Errorf("no %s block found (found %s)", want, strings.Join(skipped, ", "))
	case len(strings.TrimSpace(string(data))) == 0:
		return errors.New("the file is empty")
	default:
		return fmt.Errorf("no PEM %s block found (PEM starts with -----BEGIN; DER must be converted first)", want)
	}
}

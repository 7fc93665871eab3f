package sandbox

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base32"
	"encoding/pem"
	"fmt"
	"math/big"
	"strings"
	"time"
)

// Kid styles for Options.KidStyle.
const (
	KidThumbprint = "thumbprint" // RFC 7638 JWK thumbprint: what distribution v3 indexes rootcertbundle keys by
	KidLibtrust   = "libtrust"   // registry 2.x / Harbor style key ID, unknown to a v3 registry
	KidX5C        = "x5c"        // no kid; the signing certificate travels in the x5c header
)

// signer is the token service's key pair and its self-signed certificate,
// which the registry trusts as its rootcertbundle.
type signer struct {
	key     *rsa.PrivateKey
	cert    *x509.Certificate
	certPEM []byte
}

func newSigner(now time.Time) (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, fmt.Errorf("generating the token signing key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, fmt.Errorf("generating a certificate serial: %w", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "regauth-sandbox token signer", Organization: []string{"regauth sandbox"}},
		NotBefore:             now.Add(-24 * time.Hour),
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("creating the token signing certificate: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parsing the token signing certificate: %w", err)
	}
	return &signer{
		key:     key,
		cert:    cert,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
	}, nil
}

// libtrustKeyID is the key ID docker/libtrust derives from a public key:
// SHA-256 of the DER SubjectPublicKeyInfo, first 240 bits, base32 without
// padding, in 12 groups of 4 joined by ':'. Registries before v3 and Harbor
// use it as the JWT kid.
func libtrustKeyID(pub crypto.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(der)
	s := strings.TrimRight(base32.StdEncoding.EncodeToString(sum[:30]), "=")
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(s[i : i+4])
	}
	return b.String(), nil
}

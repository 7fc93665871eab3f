package sandbox

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"time"
)

// PKI is a throwaway certificate authority made at start: a root, an
// intermediate the root signs, and server certificates the intermediate
// signs. Keys are P-256 because they are quick to make.
type PKI struct {
	Root, Intermediate       *x509.Certificate
	RootPEM, IntermediatePEM []byte

	rootKey, intKey *ecdsa.PrivateKey
	now             time.Time
}

// NewPKI makes a root and an intermediate valid from a year before now (so
// that a server certificate can be back-dated and expired) for ten years.
func NewPKI(now time.Time) (*PKI, error) {
	p := &PKI{now: now}
	var err error
	if p.rootKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	if p.intKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, err
	}
	from, until := now.AddDate(-1, 0, 0), now.AddDate(10, 0, 0)
	rootTmpl := caTemplate("regauth sandbox root CA", from, until, 1)
	if p.Root, err = sign(rootTmpl, rootTmpl, &p.rootKey.PublicKey, p.rootKey); err != nil {
		return nil, fmt.Errorf("root CA: %w", err)
	}
	intTmpl := caTemplate("regauth sandbox intermediate CA", from, until, 0)
	intTmpl.MaxPathLenZero = true
	if p.Intermediate, err = sign(intTmpl, p.Root, &p.intKey.PublicKey, p.rootKey); err != nil {
		return nil, fmt.Errorf("intermediate CA: %w", err)
	}
	p.RootPEM = certPEM(p.Root)
	p.IntermediatePEM = certPEM(p.Intermediate)
	return p, nil
}

// LeafOptions describe a server certificate.
type LeafOptions struct {
	// Names are DNS names or IP addresses for the subjectAltName; the first
	// is also the CN.
	Names []string
	// NotBefore and NotAfter default to an hour ago and 90 days from now.
	NotBefore, NotAfter time.Time
	// SelfSigned makes the certificate sign itself instead of the
	// intermediate signing it.
	SelfSigned bool
	// LeafOnly serves the certificate without its intermediate: a missing
	// intermediate.
	LeafOnly bool
}

// ServerCert makes a server certificate and the tls.Certificate a server
// sends: leaf then intermediate, or the leaf alone with LeafOnly.
func (p *PKI) ServerCert(o LeafOptions) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	if o.NotBefore.IsZero() {
		o.NotBefore = p.now.Add(-time.Hour)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = p.now.Add(90 * 24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial(),
		Subject:      pkix.Name{CommonName: firstOr(o.Names, "regauth sandbox"), Organization: []string{"regauth sandbox"}},
		NotBefore:    o.NotBefore,
		NotAfter:     o.NotAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, n := range o.Names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	parent, signer := p.Intermediate, p.intKey
	if o.SelfSigned {
		parent, signer = tmpl, key
	}
	leaf, err := sign(tmpl, parent, &key.PublicKey, signer)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("server certificate: %w", err)
	}
	chain := [][]byte{leaf.Raw}
	if !o.SelfSigned && !o.LeafOnly {
		chain = append(chain, p.Intermediate.Raw)
	}
	return tls.Certificate{Certificate: chain, PrivateKey: key, Leaf: leaf}, nil
}

func caTemplate(cn string, from, until time.Time, pathLen int) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"regauth sandbox"}},
		NotBefore:             from,
		NotAfter:              until,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLen:            pathLen,
	}
}

func sign(tmpl, parent *x509.Certificate, pub *ecdsa.PublicKey, key *ecdsa.PrivateKey) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, key)
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}

func serial() *big.Int {
	n, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	return n.Add(n, big.NewInt(1))
}

func certPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

func firstOr(xs []string, def string) string {
	if len(xs) > 0 {
		return xs[0]
	}
	return def
}

package regtoken

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// CertInfo describes one x5c certificate. A certificate that cannot be read
// carries Error instead of failing Decode.
type CertInfo struct {
	Subject   string            `json:"subject,omitempty"`
	Issuer    string            `json:"issuer,omitempty"`
	NotBefore time.Time         `json:"not_before,omitzero"`
	NotAfter  time.Time         `json:"not_after,omitzero"`
	Expired   bool              `json:"expired"` // set by Check from its now
	SHA256    string            `json:"sha256,omitempty"`
	Error     string            `json:"error,omitempty"`
	Cert      *x509.Certificate `json:"-"`
}

// parseX5C reads x5c entries. They are standard base64 (RFC 7515 4.1.6), not
// base64url; go-jose in the registry rejects base64url, so say so.
func parseX5C(arr []any) ([]string, []CertInfo) {
	raw := make([]string, 0, len(arr))
	infos := make([]CertInfo, 0, len(arr))
	for i, e := range arr {
		s, ok := e.(string)
		if !ok {
			raw = append(raw, "")
			infos = append(infos, CertInfo{Error: fmt.Sprintf("x5c[%d] is %s, want a base64 string", i, kindOf(e))})
			continue
		}
		raw = append(raw, s)
		infos = append(infos, parseX5CEntry(i, s))
	}
	return raw, infos
}

func parseX5CEntry(i int, s string) CertInfo {
	der, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		if _, uerr := base64.RawURLEncoding.DecodeString(s); uerr == nil {
			return CertInfo{Error: fmt.Sprintf("x5c[%d] is base64url, but x5c must be standard base64; the registry rejects it", i)}
		}
		return CertInfo{Error: fmt.Sprintf("x5c[%d] is not valid standard base64: %v", i, err)}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return CertInfo{Error: fmt.Sprintf("x5c[%d] is not a DER certificate: %v", i, err)}
	}
	return certInfo(cert)
}

func certInfo(c *x509.Certificate) CertInfo {
	sum := sha256.Sum256(c.Raw)
	return CertInfo{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		NotBefore: c.NotBefore,
		NotAfter:  c.NotAfter,
		SHA256:    hex.EncodeToString(sum[:]),
		Cert:      c,
	}
}

// Package tlsinfo describes certificates and TLS failures the way a user
// debugging a registry needs them: which certificate, which names, since
// when, and where each client looks for the CA. The engine (flow) and the
// probe share it, so a failure reads the same in every command.
package tlsinfo

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"strings"
	"time"
)

// Cert is one certificate as shown to the user.
type Cert struct {
	Subject    string    `json:"subject"`
	Issuer     string    `json:"issuer"`
	Names      []string  `json:"names,omitempty"` // subjectAltName entries: "DNS:x", "IP:y"
	NotBefore  time.Time `json:"not_before"`
	NotAfter   time.Time `json:"not_after"`
	SHA256     string    `json:"sha256"`
	IsCA       bool      `json:"is_ca"`
	SelfSigned bool      `json:"self_signed"`
	// IssuerURLs are the AIA "CA Issuers" addresses: browsers fetch a missing
	// intermediate from there, Docker and Go do not.
	IssuerURLs []string `json:"issuer_urls,omitempty"`
}

// Describe reads what a user needs from c.
func Describe(c *x509.Certificate) Cert {
	sum := sha256.Sum256(c.Raw)
	return Cert{
		Subject:    Name(c.Subject),
		Issuer:     Name(c.Issuer),
		Names:      SANs(c),
		NotBefore:  c.NotBefore.UTC(),
		NotAfter:   c.NotAfter.UTC(),
		SHA256:     hex.EncodeToString(sum[:]),
		IsCA:       c.IsCA,
		SelfSigned: SelfSigned(c),
		IssuerURLs: c.IssuingCertificateURL,
	}
}

// DescribeAll describes a chain in the order given.
func DescribeAll(cs []*x509.Certificate) []Cert {
	out := make([]Cert, 0, len(cs))
	for _, c := range cs {
		out = append(out, Describe(c))
	}
	return out
}

// Name prints a distinguished name as openssl's one-line form does, most
// specific part first ("CN=reg.example.com,O=Example"); an empty name says so.
func Name(n pkix.Name) string {
	if s := n.String(); s != "" {
		return s
	}
	return "(empty name)"
}

// Short is the CN when there is one ("CN=reg.example.com"), else the whole
// name: enough to tell certificates apart in a sentence.
func Short(n pkix.Name) string {
	if n.CommonName != "" {
		return "CN=" + n.CommonName
	}
	return Name(n)
}

// SANs lists the names a certificate is valid for, as "DNS:" and "IP:" entries.
func SANs(c *x509.Certificate) []string {
	var out []string
	for _, d := range c.DNSNames {
		out = append(out, "DNS:"+d)
	}
	for _, ip := range c.IPAddresses {
		out = append(out, "IP:"+ip.String())
	}
	return out
}

// SelfSigned reports whether c names itself as issuer and its signature
// verifies with its own key: a root, or a lone self-signed leaf.
func SelfSigned(c *x509.Certificate) bool {
	if !bytes.Equal(c.RawIssuer, c.RawSubject) {
		return false
	}
	// CheckSignatureFrom would insist on a CA; a self-signed leaf is not one.
	return c.CheckSignature(c.SignatureAlgorithm, c.RawTBSCertificate, c.Signature) == nil
}

// Validity says whether c is valid at now, and if not, since or until when.
func Validity(c *x509.Certificate, now time.Time) (ok bool, why string) {
	switch {
	case now.After(c.NotAfter):
		return false, "expired " + Ago(now.Sub(c.NotAfter)) + " ago, on " + c.NotAfter.UTC().Format(time.RFC3339)
	case now.Before(c.NotBefore):
		return false, "not valid before " + c.NotBefore.UTC().Format(time.RFC3339) + " (in " + Ago(c.NotBefore.Sub(now)) + "; is a clock wrong?)"
	}
	return true, ""
}

// Ago prints a long duration the way people say it: "3 days", "5 hours",
// "12 minutes". Whole units, rounded down, so "in 89 days" stays stable.
func Ago(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n == 1 {
			return "1 " + unit
		}
		return itoa(n) + " " + unit + "s"
	}
	switch {
	case d >= 48*time.Hour:
		return plural(int64(d/(24*time.Hour)), "day")
	case d >= 2*time.Hour:
		return plural(int64(d/time.Hour), "hour")
	case d >= 2*time.Minute:
		return plural(int64(d/time.Minute), "minute")
	}
	return plural(int64(d/time.Second), "second")
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// NamesMatch reports whether the certificate names host, and lists the
// names it does carry for the message when it does not.
func NamesMatch(c *x509.Certificate, host string) (bool, string) {
	if err := c.VerifyHostname(host); err == nil {
		return true, ""
	}
	names := SANs(c)
	if len(names) == 0 {
		return false, "the certificate carries no subjectAltName at all (CN=" + c.Subject.CommonName + " is ignored by Go clients such as Docker)"
	}
	return false, "the certificate names " + strings.Join(names, ", ") + ", not " + host
}

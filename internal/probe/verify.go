package probe

import (
	"crypto/x509"
	"errors"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/tlsinfo"
)

// verify checks the chain the server sent against each trust source, then
// the name and the dates, each on its own, so that a certificate that is
// both untrusted and expired says both.
func (p *prober) verify(res *TLSResult, chain []*x509.Certificate, name, hostport string) {
	if len(chain) == 0 {
		res.Err = "the server sent no certificate"
		return
	}
	if p.o.Insecure {
		res.Skipped = true
		return
	}
	now := p.o.Now()
	leaf := chain[0]
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c)
	}
	at := validMoment(chain, now)
	opts := func(roots *x509.CertPool) x509.VerifyOptions {
		return x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	}
	for _, src := range p.o.Trust {
		tc := TrustCheck{Source: src.Name, Path: src.Path, Detail: src.Detail}
		if src.Pool != nil {
			if _, err := leaf.Verify(opts(src.Pool)); err == nil {
				tc.Trusted, tc.Detail = true, "trusted"
				res.Trusted = true
			} else {
				tc.Detail = "not trusted: " + verifyWords(err)
			}
		}
		res.Trust = append(res.Trust, tc)
	}
	if !res.Trusted {
		_, err := leaf.Verify(opts(p.pool))
		stop := leaf
		var ua x509.UnknownAuthorityError
		if errors.As(err, &ua) && ua.Cert != nil {
			stop = ua.Cert
		}
		if err == nil {
			// Only the union of the sources trusts it; say so plainly.
			res.Trusted = true
		} else {
			f := tlsinfo.UnknownAuthority(stop, chain, hostport)
			f.Message += tlsinfo.LoopbackNote(hostport)
			res.findings = append(res.findings, f)
		}
	}
	res.NameOK, res.NameDetail = tlsinfo.NamesMatch(leaf, name)
	if !res.NameOK {
		f := tlsinfo.HostnameMismatch(leaf, name)
		f.Message += tlsinfo.LoopbackNote(hostport)
		res.findings = append(res.findings, f)
	}
	inDate := true
	for _, c := range chain {
		if ok, _ := tlsinfo.Validity(c, now); !ok {
			inDate = false
			res.findings = append(res.findings, tlsinfo.Expired(c, chain, now))
		}
	}
	res.Verified = res.Trusted && res.NameOK && inDate
}

// verifyWords shortens a verification error for a trust row.
func verifyWords(err error) string {
	var ua x509.UnknownAuthorityError
	if errors.As(err, &ua) {
		return "signed by an unknown authority"
	}
	return strings.TrimPrefix(err.Error(), "x509: ")
}

// validMoment is now, or, when a certificate sent is out of date, the
// nearest moment at which every certificate sent is valid: trust is asked
// then, so that an expired certificate does not hide whether it would be
// trusted (the dates are reported on their own).
func validMoment(chain []*x509.Certificate, now time.Time) time.Time {
	lo, hi := chain[0].NotBefore, chain[0].NotAfter
	for _, c := range chain[1:] {
		if c.NotBefore.After(lo) {
			lo = c.NotBefore
		}
		if c.NotAfter.Before(hi) {
			hi = c.NotAfter
		}
	}
	switch {
	case lo.After(hi):
		return now // no such moment; let the dates speak
	case now.After(hi):
		return hi
	case now.Before(lo):
		return lo
	}
	return now
}

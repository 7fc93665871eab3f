package regtoken

import (
	"crypto"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/regauth/regauth/internal/diagnose"
)

// VerifyOptions are the registry's auth.token settings to check against.
type VerifyOptions struct {
	Issuer, Service string    // "" skips the check
	Now             time.Time // zero means time.Now()
}

// KidMatch shows the IDs a registry would file one key under, and whether the
// token's kid is one of them.
type KidMatch struct {
	Key        string `json:"key"`
	LibtrustID string `json:"libtrust_id"` // registry 2.x
	Thumbprint string `json:"thumbprint"`  // RFC 7638 (registry 3.x)
	// RegistryThumbprint is distribution v3's own computation, shown only
	// when it differs from Thumbprint (an EC coordinate with a leading zero).
	RegistryThumbprint string `json:"registry_thumbprint,omitempty"`
	JWKSKid            string `json:"jwks_kid,omitempty"`
	Matches            string `json:"matches,omitempty"` // "" none, else which ID matched
}

// Verification is the outcome of Verify.
type Verification struct {
	Verified   bool                 `json:"verified"` // a trusted key verified the signature and all claims pass
	MatchedKey string               `json:"matched_key,omitempty"`
	KidMatches []KidMatch           `json:"kid_matches"`
	Diagnoses  []diagnose.Diagnosis `json:"diagnoses,omitempty"`
}

const (
	matchLibtrust   = "libtrust (registry 2.x)"
	matchThumbprint = "thumbprint (registry 3.x)"
	matchJWKS       = "jwks kid"
)

// allowedAlgs are the asymmetric algorithms registries verify. HS* is left
// out: a registry holds only public keys, so an HMAC token can never verify.
var allowedAlgs = []string{"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}

// Verify checks t the way distribution's token access controller does:
// pick the signing key (x5c chain to the given certificates, else the kid),
// check the signature with golang-jwt, then iss, aud and the time window
// with 60 s leeway. Every key is tried so the report can say which one
// signed even when the kid is wrong.
func Verify(t *Token, keys []Key, opts VerifyOptions) Verification {
	v := Verification{KidMatches: []KidMatch{}}
	if t == nil {
		return v
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	kid := effectiveKid(t)
	for _, k := range keys {
		v.KidMatches = append(v.KidMatches, kidMatch(k, kid))
	}
	trusted := false
	switch {
	case len(keys) == 0:
		v.add(diagnose.TokenUnverified, "no keys were given, so the signature was not verified", "")
	case !slices.Contains(allowedAlgs, t.Header.Alg):
		v.add(diagnose.TokenBadSignature, algProblem(t.Header.Alg), "")
	default:
		if chain := signingChain(t); len(chain) > 0 {
			trusted = v.verifyChain(t, chain, keys, now)
		} else {
			trusted = v.verifyByKid(t, kid, keys)
		}
	}
	claimsOK := v.checkClaims(t, opts, now)
	v.Verified = trusted && claimsOK
	return v
}

func (v *Verification) add(code diagnose.Code, msg, hint string) {
	v.Diagnoses = append(v.Diagnoses, diagnose.New(code, msg, hint))
}

func algProblem(alg string) string {
	switch {
	case alg == "":
		return "the header has no alg; the registry rejects the token as malformed"
	case strings.EqualFold(alg, "none"):
		return "alg \"none\" means the token is unsigned; registries reject it"
	case strings.HasPrefix(alg, "HS"):
		return fmt.Sprintf("alg %q is a shared-secret HMAC; registries verify with public keys only, so it can never verify", alg)
	}
	return fmt.Sprintf("alg %q is not one registries accept (RS*, PS*, ES*, EdDSA)", alg)
}

// effectiveKid is the ID the registry looks up: an embedded jwk's own kid
// (distribution v3 uses jwk.KeyID), else the header kid.
func effectiveKid(t *Token) string {
	if s, ok := t.Header.JWK["kid"].(string); ok && s != "" {
		return s
	}
	return t.Header.Kid
}

// signingChain is the x5c chain the registry would use: the header's x5c,
// else an x5c inside an embedded jwk.
func signingChain(t *Token) []CertInfo {
	if len(t.Header.X5C) > 0 {
		return t.Certs
	}
	if arr, ok := t.Header.JWK["x5c"].([]any); ok && len(arr) > 0 {
		_, infos := parseX5C(arr)
		return infos
	}
	return nil
}

// kidMatch files a key under the IDs the registry would use for it: JWKS
// entries only by their kid (v3), certificates and bare keys by libtrust ID
// (2.x) and thumbprint (3.x).
func kidMatch(k Key, kid string) KidMatch {
	m := KidMatch{Key: k.Name, JWKSKid: k.JWKSKid}
	m.LibtrustID, _ = LibtrustKeyID(k.Public)
	m.Thumbprint, _ = JWKThumbprint(k.Public)
	if rt, _ := registryThumbprint(k.Public); rt != m.Thumbprint {
		m.RegistryThumbprint = rt
	}
	registryTP := m.Thumbprint
	if m.RegistryThumbprint != "" {
		registryTP = m.RegistryThumbprint
	}
	switch {
	case kid == "":
	case k.Kind == "jwks":
		if kid == k.JWKSKid {
			m.Matches = matchJWKS
		}
	case kid == m.LibtrustID:
		m.Matches = matchLibtrust
	case kid == registryTP:
		m.Matches = matchThumbprint
	}
	return m
}

// signatureOK checks the signature with one key. The claims are checked
// separately, the way the registry does, so golang-jwt's are off.
func signatureOK(raw string, pub crypto.PublicKey) error {
	p := jwt.NewParser(jwt.WithValidMethods(allowedAlgs), jwt.WithoutClaimsValidation())
	_, err := p.Parse(raw, func(*jwt.Token) (any, error) { return normalizeKey(pub), nil })
	return err
}

// verifyByKid: no x5c, so the registry looks the kid up among its trusted
// keys and verifies with that key alone.
func (v *Verification) verifyByKid(t *Token, kid string, keys []Key) bool {
	var signers []int
	var reasons []string
	for i, k := range keys {
		if err := signatureOK(t.Raw, k.Public); err != nil {
			reasons = append(reasons, fmt.Sprintf("%s: %s", k.Name, sigReason(t.Header.Alg, k.Public, err)))
			continue
		}
		signers = append(signers, i)
	}
	if len(signers) == 0 {
		v.add(diagnose.TokenBadSignature, fmt.Sprintf("the %s signature verifies with none of the %d key(s) tried (%s)",
			t.Header.Alg, len(keys), strings.Join(reasons, "; ")), "")
		return false
	}
	v.MatchedKey = keys[signers[0]].Name
	for _, i := range signers {
		if v.KidMatches[i].Matches != "" {
			v.MatchedKey = keys[i].Name
			return true
		}
	}
	signer := keys[signers[0]].Name
	if kid == "" {
		what := "the header has no kid, jwk or x5c"
		if t.Header.JWK != nil {
			what = "the embedded jwk has no kid and no x5c"
		}
		v.add(diagnose.TokenKeyIDUnknown, fmt.Sprintf("the signature verifies with %s, but %s, so the registry cannot pick a key", signer, what), "")
		return false
	}
	for i, m := range v.KidMatches {
		if m.Matches != "" {
			v.add(diagnose.TokenKeyIDUnknown, fmt.Sprintf("kid %q names %s (%s), but the signature verifies only with %s; the registry verifies with the key the kid names and fails",
				kid, keys[i].Name, m.Matches, signer), "")
			return false
		}
	}
	for i, m := range v.KidMatches {
		if keys[i].Kind != "jwks" && m.RegistryThumbprint != "" && kid == m.Thumbprint {
			v.add(diagnose.TokenKeyIDUnknown, fmt.Sprintf("kid %q is the RFC 7638 thumbprint of %s, but distribution v3 computes %q for this key (it drops leading zero bytes of EC coordinates) and registry 2.x wants libtrust ID %q",
				kid, keys[i].Name, m.RegistryThumbprint, m.LibtrustID), "")
			return false
		}
	}
	v.add(diagnose.TokenKeyIDUnknown, fmt.Sprintf("the signature verifies with %s, but kid %q (%s) matches none of the keys' IDs: %s",
		signer, kid, kidShape(kid), keyIDList(v.KidMatches)), "")
	return false
}

// sigReason explains a failed verification more plainly than golang-jwt.
func sigReason(alg string, pub crypto.PublicKey, err error) string {
	kt := keyType(pub)
	want := "Ed25519"
	switch {
	case strings.HasPrefix(alg, "RS"), strings.HasPrefix(alg, "PS"):
		want = "RSA"
	case strings.HasPrefix(alg, "ES"):
		want = "EC"
	}
	if errors.Is(err, jwt.ErrInvalidKeyType) || !strings.HasPrefix(kt, want) {
		return fmt.Sprintf("%s key cannot check %s", kt, alg)
	}
	if errors.Is(err, jwt.ErrTokenSignatureInvalid) {
		return "signature does not match"
	}
	return err.Error()
}

// kidShape tells which registry generation a kid was made for.
func kidShape(kid string) string {
	switch {
	case len(kid) == 59 && strings.Count(kid, ":") == 11:
		return "libtrust format, for registry 2.x"
	case len(kid) == 43 && !strings.ContainsAny(kid, ":+/="):
		return "thumbprint format, for registry 3.x"
	}
	return "neither libtrust nor thumbprint format"
}

func keyIDList(ms []KidMatch) string {
	parts := make([]string, 0, len(ms))
	for _, m := range ms {
		s := fmt.Sprintf("%s: libtrust %s, thumbprint %s", m.Key, m.LibtrustID, m.Thumbprint)
		if m.RegistryThumbprint != "" {
			s += " (registry 3.x: " + m.RegistryThumbprint + ")"
		}
		if m.JWKSKid != "" {
			s += ", jwks kid " + m.JWKSKid
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

// x5cHint replaces the catalogue hint, which talks about signatures, when the
// problem is the chain.
const x5cHint = "With x5c the registry trusts the chain only if it ends at a certificate in its rootcertbundle; add the token service's CA (or its certificate) to the bundle."

// verifyChain: with x5c the registry verifies the chain against its
// rootcertbundle (any key usage, no name checks) and uses the leaf's key; the
// kid does not matter.
func (v *Verification) verifyChain(t *Token, chain []CertInfo, keys []Key, now time.Time) bool {
	for i, c := range chain {
		if c.Cert == nil {
			v.add(diagnose.TokenBadSignature, fmt.Sprintf("x5c[%d] cannot be used: %s; the registry rejects the token", i, c.Error), x5cHint)
			return false
		}
	}
	leaf := chain[0].Cert
	leafName := "x5c leaf " + chain[0].Subject
	sigOK := true
	if err := signatureOK(t.Raw, leaf.PublicKey); err != nil {
		sigOK = false
		v.add(diagnose.TokenBadSignature, fmt.Sprintf("the %s signature does not verify with the key of the x5c leaf (%s): %s",
			t.Header.Alg, chain[0].Subject, sigReason(t.Header.Alg, leaf.PublicKey, err)), "")
	}
	roots := x509.NewCertPool()
	nroots := 0
	for _, k := range keys {
		if k.Cert != nil {
			roots.AddCert(k.Cert)
			nroots++
		}
	}
	if nroots == 0 {
		v.add(diagnose.TokenBadSignature, "the token carries an x5c chain, which the registry checks only against the certificates of its rootcertbundle, and no certificate was given", x5cHint)
		return false
	}
	inter := x509.NewCertPool()
	for _, c := range chain[1:] {
		inter.AddCert(c.Cert)
	}
	chains, err := leaf.Verify(x509.VerifyOptions{
		Roots:         roots,
		Intermediates: inter,
		CurrentTime:   now,
		KeyUsages:     []x509.ExtKeyUsage{x509.ExtKeyUsageAny},
	})
	if err != nil {
		v.add(diagnose.TokenBadSignature, fmt.Sprintf("the x5c chain (leaf %s) does not verify against the %d certificate(s) given: %v", chain[0].Subject, nroots, err), x5cHint)
		return false
	}
	if !sigOK {
		return false
	}
	v.MatchedKey = leafName
	root := chains[0][len(chains[0])-1]
	for _, k := range keys {
		if k.Cert != nil && k.Cert.Equal(root) {
			v.MatchedKey = fmt.Sprintf("%s (chain to %s)", leafName, k.Name)
			break
		}
	}
	return true
}

// checkClaims applies the registry's claim checks: exact iss, aud containing
// the service, and now within [nbf-60s, exp+60s].
func (v *Verification) checkClaims(t *Token, opts VerifyOptions, now time.Time) bool {
	ok := true
	c := t.Claims
	if opts.Issuer != "" && c.Iss != opts.Issuer {
		ok = false
		msg := fmt.Sprintf("iss is %q, the registry's issuer is %q", c.Iss, opts.Issuer)
		if normID(c.Iss) == normID(opts.Issuer) {
			msg += " (they differ only in case, spaces or a trailing slash, but the match is exact)"
		}
		v.add(diagnose.TokenIssuer, msg, "")
	}
	if opts.Service != "" && !slices.Contains(c.Aud, opts.Service) {
		ok = false
		v.add(diagnose.TokenAudience, fmt.Sprintf("aud is %q, which does not contain the registry's service %q", c.Aud, opts.Service), "")
	}
	switch {
	case c.Exp == nil:
		ok = false
		v.Diagnoses = append(v.Diagnoses, noExp())
	case now.After(c.Exp.Add(Leeway)):
		ok = false
		v.add(diagnose.TokenExpired, fmt.Sprintf("expired %s at %s, beyond the registry's 60 s leeway", Relative(now, *c.Exp), rfc3339(*c.Exp)), "")
	}
	if c.Nbf != nil && now.Before(c.Nbf.Add(-Leeway)) {
		ok = false
		v.add(diagnose.ClockSkew, fmt.Sprintf("not valid for another %s (nbf %s): the token service's clock is ahead of this machine's, beyond the registry's 60 s leeway",
			c.Nbf.Sub(now).Round(time.Second), rfc3339(*c.Nbf)), "")
	}
	return ok
}

func normID(s string) string {
	return strings.TrimRight(strings.ToLower(strings.TrimSpace(s)), "/")
}

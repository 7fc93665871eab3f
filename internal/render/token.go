package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// TokenDoc is a decoded token in JSON: header, claims and access list, and
// the token itself only as a mask.
type TokenDoc struct {
	Token       string               `json:"token"`
	Reply       *regtoken.Reply      `json:"reply,omitempty"`
	Header      *regtoken.Header     `json:"header,omitempty"`
	Claims      *regtoken.Claims     `json:"claims,omitempty"`
	Access      []regtoken.Access    `json:"access"`
	Other       map[string]any       `json:"other_claims,omitempty"`
	Certs       []regtoken.CertInfo  `json:"certificates,omitempty"`
	DecodeError string               `json:"decode_error,omitempty"`
	Checks      []diagnose.Diagnosis `json:"checks,omitempty"`
	Signature   string               `json:"signature"`
}

// NewTokenDoc builds the JSON view of a token the trace obtained.
func NewTokenDoc(v *flow.TokenView, r *redact.Redactor) *TokenDoc {
	d := &TokenDoc{Token: r.Value("token", v.Raw), Reply: v.Reply, Access: []regtoken.Access{}, DecodeError: v.Error, Signature: "not verified"}
	if t := v.Decoded; t != nil {
		d.Header, d.Claims, d.Other, d.Certs = &t.Header, &t.Claims, t.Other, t.Certs
		if t.Access != nil {
			d.Access = t.Access
		}
	}
	d.Checks = maskDiagnoses(v.Checks, r)
	return d
}

// writeTokenSummary is the compact token view inside a trace step.
func writeTokenSummary(p *printer, v *flow.TokenView, r *redact.Redactor, st Style, now time.Time) {
	if v.Reply != nil {
		p.line("    token: %s from %q, expires_in %s", r.Value("token", v.Raw), v.Reply.FromField, expiresText(v.Reply))
	}
	if v.Error != "" {
		p.line("    token is not a JWT: %s", r.String(v.Error))
		return
	}
	t := v.Decoded
	if t == nil {
		return
	}
	c := t.Claims
	p.line("    claims: iss=%q sub=%q aud=%q %s", c.Iss, c.Sub, strings.Join(c.Aud, ","), expiry(c.Exp, now))
	p.line("    header: alg=%s kid=%s%s", t.Header.Alg, orNone(t.Header.Kid), x5cNote(t))
	if t.LoginOnly() {
		p.line("    access: %s", st.Dim("none granted (a login token)"))
		return
	}
	for _, a := range t.Access {
		p.line("    access: %s %s: %s", a.Type, a.Name, actionsText(a.Actions))
	}
}

func expiresText(rp *regtoken.Reply) string {
	if rp.ExpiresIn == rp.EffectiveExpiresIn {
		return fmt.Sprintf("%ds", rp.ExpiresIn)
	}
	if rp.ExpiresIn == 0 {
		return fmt.Sprintf("missing (clients use %ds)", rp.EffectiveExpiresIn)
	}
	return fmt.Sprintf("%ds (clients use %ds)", rp.ExpiresIn, rp.EffectiveExpiresIn)
}

func expiry(exp *time.Time, now time.Time) string {
	if exp == nil {
		return "(no exp)"
	}
	if now.IsZero() {
		now = time.Now()
	}
	return "(" + regtoken.Relative(now, *exp) + ")"
}

func x5cNote(t *regtoken.Token) string {
	if len(t.Certs) == 0 {
		return ""
	}
	return fmt.Sprintf(" x5c=%d cert(s), leaf %q", len(t.Certs), t.Certs[0].Subject)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func actionsText(a []string) string {
	if len(a) == 0 {
		return "no actions"
	}
	return strings.Join(a, ",")
}

// TokenText writes a full token view: header, claims with times, access
// table, other claims, certificates and checks.
func TokenText(w io.Writer, t *regtoken.Token, reply *regtoken.Reply, now time.Time, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	p.line("%s %s", st.Bold("Token"), r.Value("token", t.Raw))
	p.line("")
	if reply != nil {
		p.line("%s", st.Bold("Token reply"))
		p.line("  token field:  %s", reply.FromField)
		p.line("  expires_in:   %s", expiresText(reply))
		if reply.IssuedAt != "" {
			p.line("  issued_at:    %s", reply.IssuedAt)
		}
		if reply.HasRefreshToken {
			p.line("  refresh_token: %s", r.Value("refresh_token", reply.RefreshToken))
		}
		p.line("")
	}
	h := t.Header
	p.line("%s", st.Bold("Header"))
	p.line("  alg: %s", orNone(h.Alg))
	p.line("  typ: %s", orNone(h.Typ))
	p.line("  kid: %s", orNone(h.Kid))
	if len(h.JWK) > 0 {
		p.line("  jwk: embedded %v key", h.JWK["kty"])
	}
	for _, o := range sortedAny(h.Other) {
		p.line("  %s: %v", o.k, o.v)
	}
	for i, c := range t.Certs {
		state := "valid until " + c.NotAfter.UTC().Format(time.RFC3339)
		if c.Expired {
			state = st.Red("EXPIRED " + c.NotAfter.UTC().Format(time.RFC3339))
		}
		p.line("  x5c[%d]: subject %q, issuer %q, %s", i, c.Subject, c.Issuer, state)
	}
	p.line("")
	c := t.Claims
	p.line("%s", st.Bold("Claims"))
	p.line("  iss: %s", orNone(c.Iss))
	sub := c.Sub
	if sub == "" {
		sub = "(empty: anonymous)"
	}
	p.line("  sub: %s", sub)
	aud := strings.Join(c.Aud, ", ")
	if c.AudIsArray {
		aud = "[" + aud + "] (array: registry 2.8 rejects an array aud)"
	}
	p.line("  aud: %s", orNone(aud))
	for _, tc := range []struct {
		name string
		t    *time.Time
	}{{"exp", c.Exp}, {"nbf", c.Nbf}, {"iat", c.Iat}} {
		if tc.t == nil {
			p.line("  %s: (none)", tc.name)
			continue
		}
		p.line("  %s: %s (%s)", tc.name, tc.t.UTC().Format(time.RFC3339), regtoken.Relative(now, *tc.t))
	}
	if life, ok := regtoken.Lifetime(t); ok {
		p.line("  lifetime: %s", life)
	}
	p.line("  jti: %s", orNone(c.Jti))
	for _, kv := range sortedAny(t.Other) {
		p.line("  %s: %v", kv.k, kv.v)
	}
	p.line("")
	p.line("%s", st.Bold("Access"))
	if t.LoginOnly() {
		p.line("  no access granted: a login token")
	} else {
		rows := make([][]string, 0, len(t.Access))
		for _, a := range t.Access {
			typ := a.Type
			if a.Class != "" {
				typ += "(" + a.Class + ")"
			}
			rows = append(rows, []string{typ, a.Name, actionsText(a.Actions)})
		}
		if p.err == nil {
			p.err = Table(w, []string{"TYPE", "NAME", "ACTIONS"}, rows)
		}
	}
	return p.err
}

type kv struct {
	k string
	v any
}

func sortedAny(m map[string]any) []kv {
	out := make([]kv, 0, len(m))
	for k, v := range m {
		out = append(out, kv{k, v})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].k < out[j].k })
	return out
}

// VerificationText shows how the signature check went and which key IDs the
// registry would match against the token's kid.
func VerificationText(w io.Writer, t *regtoken.Token, v *regtoken.Verification, st Style) error {
	p := &printer{w: w}
	p.line("")
	p.line("%s", st.Bold("Signature"))
	if v == nil {
		p.line("  %s (pass --cert, --key or --jwks)", st.Yellow("signature not verified"))
		return p.err
	}
	if v.Verified {
		p.line("  %s with %s", st.Green("verified"), v.MatchedKey)
	} else {
		p.line("  %s", st.Red("NOT verified"))
	}
	p.line("  token kid: %s", orNone(t.Header.Kid))
	rows := make([][]string, 0, len(v.KidMatches))
	for _, m := range v.KidMatches {
		match := m.Matches
		if match == "" {
			match = "no match"
		}
		rows = append(rows, []string{m.Key, m.LibtrustID, m.Thumbprint, orNone(m.JWKSKid), match})
	}
	if p.err == nil && len(rows) > 0 {
		p.err = Table(w, []string{"KEY", "LIBTRUST ID (2.x)", "THUMBPRINT (3.x)", "JWKS KID", "KID MATCHES"}, rows)
	}
	return p.err
}

package flow

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// transportFailure ends the trace on a step that got no answer, naming the
// kind of failure: that is what tells TLS from DNS from a dead port.
func (e *engine) transportFailure(st *Step, who, host string) {
	t := e.trace
	if re, ok := isRedirectFailure(st); ok {
		// Its diagnosis was made where the chain stopped.
		t.Verdict = verdictFor(re)
		t.Summary = fmt.Sprintf("the %s at %s %s: %s", who, host, re.what, re.reason)
		return
	}
	t.Verdict = VerdictTransport
	code, what := classifyTransport(st.err)
	if code == diagnose.RegistryUnreachable && who != "registry" {
		code = diagnose.RealmUnreachable
	}
	t.Summary = fmt.Sprintf("the %s at %s could not be reached: %s", who, host, what)
	if code == diagnose.MalformedResponse {
		t.Summary = fmt.Sprintf("the %s at %s answered, but not with valid HTTP: %s", who, host, oneLine(st.Err, 200))
	}
	msg, hint := fmt.Sprintf("%s %s: %s", who, host, oneLine(st.Err, 300)), ""
	// A certificate or plain-http failure names the certificate, the names
	// against the name used, since when, and where the CA goes.
	if f, ok := tlsinfo.Explain(st.err, host, e.opts.Now()); ok {
		t.Summary = fmt.Sprintf("the %s at %s could not be reached: %s", who, host, f.Short)
		msg, hint = fmt.Sprintf("%s %s: %s", who, host, f.Message), f.Hint
	}
	t.diag(code, msg, hint)
}

// classifyTransport names a transport error.
func classifyTransport(err error) (diagnose.Code, string) {
	var (
		unknownCA x509.UnknownAuthorityError
		hostErr   x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
		dnsErr    *net.DNSError
		opErr     *net.OpError
	)
	switch {
	case err == nil:
		return diagnose.RegistryUnreachable, "no answer"
	case errors.Is(err, context.DeadlineExceeded):
		return diagnose.Timeout, "timed out"
	case errors.As(err, &unknownCA):
		return diagnose.TLSUnknownAuthority, "certificate signed by an unknown authority"
	case errors.As(err, &hostErr):
		return diagnose.TLSHostnameMismatch, "certificate does not name this host"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return diagnose.TLSExpired, "certificate expired or not yet valid"
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return diagnose.HTTPResponseToHTTPS, "the port answers plain http to a TLS hello"
	case isMalformed(err):
		return diagnose.MalformedResponse, "the answer is not valid HTTP"
	case errors.As(err, &dnsErr):
		return diagnose.RegistryUnreachable, "the name does not resolve"
	case strings.Contains(err.Error(), "tls:"):
		return diagnose.TLSHandshake, "TLS handshake failed"
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return diagnose.RegistryUnreachable, "connection failed"
	}
	return diagnose.RegistryUnreachable, "request failed"
}

// isMalformed reports an answer Go's HTTP client refuses to read: a broken
// status line, a header with a control character, a bad length.
func isMalformed(err error) bool {
	msg := err.Error()
	for _, s := range []string{"malformed HTTP", "malformed MIME header", "invalid header field", "bad Content-Length", "invalid Trailer", "unsupported transfer encoding"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// checkIsRegistry flags a /v2/ answer that no registry would give: an HTML
// page, or neither the API version header nor a JSON body.
func (e *engine) checkIsRegistry(st *Step) {
	r := st.Response
	if r.Headers.Get("Docker-Distribution-API-Version") != "" {
		return
	}
	ct := r.ContentType()
	if ct == "application/json" && r.Status != http.StatusNotFound {
		return
	}
	why := "no Docker-Distribution-API-Version header"
	if strings.Contains(ct, "html") {
		why = "an HTML page (" + ct + ")"
	}
	d := diagnose.New(diagnose.NotARegistry, fmt.Sprintf("%s answered %d with %s: this is probably a web UI or proxy, not the registry API", st.Request.URL, r.Status, why), "")
	if r.Status == http.StatusOK {
		// docker login still "succeeds" here, so this is a warning.
		d.Severity = diagnose.Warning
	}
	e.trace.add(d)
}

// clockTolerance is how far a server's Date may drift before it is worth
// saying; Date has one-second resolution and requests take time.
const clockTolerance = 5 * time.Second

// registryLeeway is the distribution registry's allowance on nbf and exp.
const registryLeeway = 60 * time.Second

// checkClock compares a server's Date header with the local clock at the
// moment the answer arrived.
func (e *engine) checkClock(st *Step) {
	if st.Response == nil {
		return
	}
	date, err := http.ParseTime(st.Response.Headers.Get("Date"))
	if err != nil {
		return
	}
	local := st.Started.Add(st.Timing.FirstByte)
	skew := date.Sub(local)
	if skew > -clockTolerance && skew < clockTolerance {
		return
	}
	dir := "ahead of"
	if skew < 0 {
		dir, skew = "behind", -skew
	}
	cover := "within the registry's 60 s leeway"
	if skew > registryLeeway {
		cover = "beyond the registry's 60 s leeway: tokens will look expired or not yet valid"
	}
	e.trace.diag(diagnose.ClockSkew, fmt.Sprintf("%s's clock is %s %s this machine's (%s)", hostOf(st.Request.URL), skew.Round(time.Second), dir, cover), "")
}

// tokenRejected explains a 401 on the Bearer retry: the registry does not
// accept the token its own token service issued. Causes are listed by what
// the token shows, most likely first.
func (e *engine) tokenRejected(st *Step, bearer *challenge.Challenge) {
	t := e.trace
	var causes []string
	errParam := ""
	for _, c := range st.Response.Challenges {
		if c.Scheme == "bearer" {
			errParam = c.Params["error"]
		}
	}
	if errParam == "insufficient_scope" {
		t.diag(diagnose.InsufficientScope, fmt.Sprintf("the registry accepted the token but wants more access for %s (error=\"insufficient_scope\")", st.Request.URL), "")
		return
	}
	if tv := t.Token; tv != nil && tv.Decoded != nil {
		tok := tv.Decoded
		if bearer != nil {
			if svc := bearer.Params["service"]; svc != "" && !contains(tok.Claims.Aud, svc) {
				causes = append(causes, fmt.Sprintf("aud is %q but the registry's challenge names service %q: they must match", strings.Join(tok.Claims.Aud, ","), svc))
			}
		}
		now := e.opts.Now()
		if tok.Claims.Exp != nil && now.After(tok.Claims.Exp.Add(registryLeeway)) {
			causes = append(causes, fmt.Sprintf("the token expired at %s", tok.Claims.Exp.UTC().Format(time.RFC3339)))
		}
		if tok.Claims.Nbf != nil && tok.Claims.Nbf.After(now.Add(registryLeeway)) {
			causes = append(causes, fmt.Sprintf("the token is not valid before %s: the token service's clock is ahead", tok.Claims.Nbf.UTC().Format(time.RFC3339)))
		}
		switch kid := tok.Header.Kid; {
		case len(tok.Header.X5C) > 0:
			causes = append(causes, "the signing certificate in x5c does not chain to the registry's rootcertbundle")
		case kid == "":
			causes = append(causes, "the token has no kid, x5c or jwk: the registry cannot find its signing key")
		case strings.Count(kid, ":") == 11:
			causes = append(causes, fmt.Sprintf("kid %s is a libtrust key ID: registry 2.x matches it against rootcertbundle, registry 3.x does not (it wants the RFC 7638 thumbprint, a JWKS kid, or x5c)", kid))
		default:
			causes = append(causes, fmt.Sprintf("kid %s must be the RFC 7638 thumbprint of a certificate in the registry's rootcertbundle (registry 3.x) or a key in its jwks", kid))
		}
		causes = append(causes, fmt.Sprintf("iss is %q: it must equal the registry's auth.token.issuer exactly", tok.Claims.Iss))
	} else {
		causes = append(causes, "the signing key is not in the registry's rootcertbundle", "iss or aud differ from the registry's issuer and service", "clocks disagree by more than 60 s")
	}
	desc := ""
	if errParam != "" {
		desc = fmt.Sprintf(" (error=%q)", errParam)
	}
	t.diag(diagnose.TokenRejected, fmt.Sprintf("the registry answered the Bearer retry with 401%s. Likely causes, most likely first: %s", desc, strings.Join(numbered(causes), "; ")), "")
}

func numbered(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fmt.Sprintf("(%d) %s", i+1, x)
	}
	return out
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

// oneLine shortens server text for a diagnosis message.
func oneLine(s string, max int) string {
	s = redact.OneLine(s)
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

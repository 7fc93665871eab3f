package probe

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// judge turns what was seen into diagnoses, the API summary, the verdict
// and the one sentence that says where the problem is.
func (p *prober) judge(ep flow.Endpoint) {
	r := p.report
	reg := r.Host(RoleRegistry)
	problem := p.judgeHost(reg, ep)
	r.API = p.judgeAPI()
	apiProblem := p.apiDiagnoses(ep)
	realmProblem := p.judgeRealm()

	switch r.API {
	case APIV2:
		r.Summary = "speaks the v2 API only"
	case APIBoth:
		r.Summary = "speaks both the v2 and the v1 API"
	case APIV1:
		r.Summary = "speaks the v1 API only"
	case APINone:
		r.Summary = "not a registry"
	default:
		r.Summary = "could not be asked which API it speaks"
	}

	switch {
	case problem != ProblemNone:
		r.Problem = problem
	case apiProblem:
		r.Problem = ProblemAPI
	case realmProblem:
		r.Problem = ProblemTokenService
	default:
		r.Problem = ProblemNone
	}
	switch {
	case r.Problem == ProblemDNS || r.Problem == ProblemConnection || r.Problem == ProblemTLS || r.Problem == ProblemScheme || r.Problem == ProblemTokenService:
		r.Verdict = VerdictTransportFail
	case r.API == APIV2 || r.API == APIBoth:
		r.Verdict = VerdictOK
	default:
		r.Verdict = VerdictNotARegistry
	}
	r.Next = p.next(ep)
	diagnose.Sort(r.Diagnoses)
}

func (p *prober) diag(code diagnose.Code, msg, hint string) {
	p.add(diagnose.New(code, redact.OneLine(msg), hint))
}

func (p *prober) add(d diagnose.Diagnosis) {
	for _, have := range p.report.Diagnoses {
		if have.Code == d.Code && have.Message == d.Message {
			return
		}
	}
	p.report.Diagnoses = append(p.report.Diagnoses, d)
}

// judgeHost diagnoses the transport of the registry's host:port.
func (p *prober) judgeHost(h *HostReport, ep flow.Endpoint) Problem {
	who := "registry " + h.Host
	switch {
	case h.DNS.Err != "":
		p.diag(diagnose.RegistryUnreachable, fmt.Sprintf("%s: %s does not resolve (%s)", who, h.DNS.Name, h.DNS.Err), "")
		return ProblemDNS
	case h.TCP.Err != "":
		code := diagnose.RegistryUnreachable
		if strings.Contains(h.TCP.Err, "--timeout") {
			code = diagnose.Timeout
		}
		p.diag(code, fmt.Sprintf("%s: nothing accepts connections on %s (%s)", who, h.TCP.Address, h.TCP.Err), "")
		return ProblemConnection
	}
	return p.judgeScheme(h, ep, who)
}

// judgeScheme compares what the port speaks with what the client would
// use, and the certificate when https is used.
func (p *prober) judgeScheme(h *HostReport, ep flow.Endpoint, who string) Problem {
	want := ep.Schemes[0]
	fallsBack := len(ep.Schemes) > 1 && ep.Schemes[1] == "http"
	switch {
	case h.Speaks == "neither":
		p.diag(diagnose.TLSHandshake, fmt.Sprintf("%s: the TLS handshake failed (%s) and plain http got no answer (%s)", who, h.TLS.Err, h.HTTP.Err), "")
		return ProblemTLS
	case want == "http" && (h.Speaks == "http" || h.Speaks == "both"):
		return ProblemNone
	case want == "http":
		p.diag(diagnose.HTTPRequestToHTTPS, fmt.Sprintf("%s answered plain http with %d %q: the port speaks https only", h.HTTP.URL, h.HTTP.Status, h.HTTP.Body), tlsinfo.HTTPSOnlyHint(h.Host))
		return ProblemScheme
	case h.Speaks == "http" && fallsBack:
		p.diag(diagnose.HTTPFallback, fmt.Sprintf("%s speaks plain http, not https (%s); Docker falls back to http because loopback counts as an insecure registry", h.Host, h.TLS.Err), "")
		return ProblemNone
	case h.Speaks == "http":
		f := tlsinfo.PlainHTTPAnswer(h.Host)
		p.diag(f.Code, f.Message, f.Hint)
		return ProblemScheme
	}
	// https is used: the certificate decides.
	return p.judgeCert(h)
}

// judgeCert reports every certificate finding of h.
func (p *prober) judgeCert(h *HostReport) Problem {
	t := h.TLS
	if t == nil || t.Skipped || t.Verified {
		return ProblemNone
	}
	prefix := h.Role + " " + h.Host + ": "
	for _, f := range t.findings {
		p.diag(f.Code, prefix+f.Message, f.Hint)
	}
	return ProblemTLS
}

// judgeAPI reads the three answers.
func (p *prober) judgeAPI() API {
	v2 := p.report.Request("/v2/")
	if v2 == nil {
		return APIUnknown
	}
	isV2, isV1 := speaksV2(v2), speaksV1(p.report.Request("/v1/_ping"))
	switch {
	case isV2 && isV1:
		return APIBoth
	case isV2:
		return APIV2
	case isV1:
		return APIV1
	case v2.Status == 0:
		return APIUnknown
	}
	return APINone
}

// speaksV2: /v2/ answers 200 or 401 as a registry does (the API version
// header, a challenge or JSON), not as a web page.
func speaksV2(x *Exchange) bool {
	if x == nil || x.Status == 0 || strings.Contains(x.ContentType(), "html") {
		return false
	}
	header := strings.Contains(x.APIVersion, "registry/2.0")
	switch x.Status {
	case http.StatusOK:
		return header || x.ContentType() == "application/json"
	case http.StatusUnauthorized:
		return header || len(x.Challenges) > 0
	}
	return false
}

// speaksV1: /v1/_ping answers 200 with the v1 header or a JSON body.
func speaksV1(x *Exchange) bool {
	if x == nil || x.Status != http.StatusOK || strings.Contains(x.ContentType(), "html") {
		return false
	}
	if x.V1Version != "" {
		return true
	}
	b := strings.TrimSpace(string(x.Body))
	return x.ContentType() == "application/json" || b == "true" || strings.HasPrefix(b, "{")
}

// apiDiagnoses explains the answers; it reports whether the API is the
// problem.
func (p *prober) apiDiagnoses(ep flow.Endpoint) bool {
	r := p.report
	v2, ping, users := r.Request("/v2/"), r.Request("/v1/_ping"), r.Request("/v1/users/")
	if v2 == nil {
		return false
	}
	if v2.Err != "" {
		p.diag(diagnose.RegistryUnreachable, fmt.Sprintf("GET %s got no answer: %s", v2.URL, v2.Err), "")
		return true
	}
	for _, m := range v2.Misreadings {
		p.diag(diagnose.ChallengeMisread, m.Explanation, "")
	}
	switch r.API {
	case APIV1:
		p.diag(diagnose.NotARegistry, fmt.Sprintf("%s answered %d but %s answered as a v1 registry%s: the registry speaks only the v1 API, which Docker stopped using (1.6 and later speak v2; 17.06 and later v2 only)", v2.URL, v2.Status, ping.URL, v1VersionWords(ping)), "Upgrade the registry to one that serves the v2 API (the CNCF distribution registry, Harbor, a cloud registry); current clients cannot use a v1-only registry.")
		return true
	case APINone:
		p.diag(diagnose.NotARegistry, fmt.Sprintf("%s answered %d %s (%s): not a registry's API root", v2.URL, v2.Status, v2.StatusText, describeBody(v2)), "")
		return true
	}
	if v2.Status == http.StatusOK {
		p.diag(diagnose.OpenRegistry, fmt.Sprintf("%s answered 200 without credentials: docker login reports success whatever the password", v2.URL), "")
	}
	if v2.Status == http.StatusUnauthorized && !hasScheme(v2, "bearer") && !hasScheme(v2, "basic") {
		p.diag(diagnose.NoChallenge, fmt.Sprintf("%s answered 401 without a Bearer or Basic challenge Docker can use", v2.URL), "")
	}
	if r.API == APIV2 && ping != nil && ping.Status != 0 {
		d := diagnose.New(diagnose.V1NotSupported, fmt.Sprintf("%s answered %d and %s %d (%s): no v1 API; only clients that still log in through /v1/ (Docker before 1.6, or 1.11 to 17.05 with legacy registries enabled) fail here, current clients are unaffected", ping.URL, ping.Status, users.URL, users.Status, describeBody(ping)),
			fmt.Sprintf("Nothing to do for current clients. To see exactly how an old client fails: regauth login-trace %s --api v1 -u USER --password-stdin", ep.Host))
		d.Severity = diagnose.Info
		p.add(d)
	}
	return false
}

func v1VersionWords(x *Exchange) string {
	if x.V1Version != "" {
		return " (X-Docker-Registry-Version " + redact.OneLine(x.V1Version) + ")"
	}
	return ""
}

func hasScheme(x *Exchange, scheme string) bool {
	for _, c := range x.Challenges {
		if c.Scheme == scheme {
			return true
		}
	}
	return false
}

// describeBody names an answer's kind, and who probably wrote it.
func describeBody(x *Exchange) string {
	b := string(x.Body)
	switch {
	case strings.Contains(b, "<center>nginx</center>"):
		return "nginx's own error page; Harbor's proxy answers every /v1/ path this way"
	case strings.TrimSpace(b) == "404 page not found":
		return "Go's plain 404; the distribution registry has no v1 API"
	case x.ContentType() != "":
		return x.ContentType()
	case len(b) == 0:
		return "empty body"
	}
	return "no Content-Type"
}

// judgeRealm checks the challenge's realm and the token service's host; it
// reports whether the token service is the problem.
func (p *prober) judgeRealm() bool {
	r := p.report
	v2 := r.Request("/v2/")
	if v2 == nil || v2.Status != http.StatusUnauthorized || !hasScheme(v2, "bearer") {
		return false
	}
	raw := ""
	for _, c := range v2.Challenges {
		if c.Scheme == "bearer" {
			raw = c.Params["realm"]
			break
		}
	}
	if raw == "" {
		p.diag(diagnose.RealmMissing, fmt.Sprintf("the Bearer challenge of %s has no realm as Docker reads it (Docker: \"no realm specified for token auth challenge\")", v2.URL), "")
		return true
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		p.diag(diagnose.RealmInvalid, fmt.Sprintf("realm %q is not an absolute http(s) URL; clients do not resolve it against the registry", raw), "")
		return true
	}
	regURL, _ := url.Parse(r.Endpoint)
	if regURL != nil && !strings.EqualFold(u.Hostname(), regURL.Hostname()) {
		p.diag(diagnose.RealmOtherHost, fmt.Sprintf("the token service is %s, not the registry host %s: credentials go there", u.Host, regURL.Host), "")
	}
	if regURL != nil && u.Scheme == "http" && regURL.Scheme == "https" {
		d := diagnose.New(diagnose.RealmPlainHTTP, fmt.Sprintf("the registry is https but its realm %s is plain http: docker login would send the password in clear", raw), "")
		d.Severity = diagnose.Warning
		p.add(d)
	}
	h := r.Host(RoleTokenService)
	if h == nil || h.SameAs != "" {
		return false
	}
	who := "token service " + h.Host
	switch {
	case h.DNS.Err != "":
		p.diag(diagnose.RealmUnreachable, fmt.Sprintf("%s: %s does not resolve (%s)", who, h.DNS.Name, h.DNS.Err), "")
		return true
	case h.TCP.Err != "":
		p.diag(diagnose.RealmUnreachable, fmt.Sprintf("%s: nothing accepts connections on %s (%s)", who, h.TCP.Address, h.TCP.Err), "")
		return true
	}
	switch {
	case h.Want == "https" && (h.Speaks == "http"):
		f := tlsinfo.PlainHTTPAnswer(h.Host)
		p.diag(f.Code, who+": "+f.Message, f.Hint)
		return true
	case h.Want == "http" && h.Speaks == "https":
		p.diag(diagnose.HTTPRequestToHTTPS, fmt.Sprintf("%s: the realm is http but the port speaks https only", who), "Fix the realm in the registry's configuration (auth.token.realm, Harbor's external_url) to https.")
		return true
	case h.Speaks == "neither":
		p.diag(diagnose.TLSHandshake, fmt.Sprintf("%s: the TLS handshake failed (%s) and plain http got no answer", who, h.TLS.Err), "")
		return true
	case h.Want == "https":
		return p.judgeCert(h) != ProblemNone
	}
	return false
}

// next is the one sentence a user reads first.
func (p *prober) next(ep flow.Endpoint) string {
	r := p.report
	reg := r.Host(RoleRegistry)
	first := func(code diagnose.Code) string {
		for _, d := range r.Diagnoses {
			if d.Code == code {
				return d.Message
			}
		}
		return ""
	}
	switch r.Problem {
	case ProblemDNS:
		return fmt.Sprintf("The problem is DNS: %s does not resolve from here. Check the name, /etc/hosts and the DNS server.", reg.DNS.Name)
	case ProblemConnection:
		return fmt.Sprintf("The problem is the network: nothing accepts connections on %s. Check the port, the firewall and that the registry runs.", reg.TCP.Address)
	case ProblemTLS:
		if reg.Speaks == "neither" {
			return "The problem is TLS: the handshake fails and the port does not speak plain http either; see TLS_HANDSHAKE_FAILED below."
		}
		return "The problem is TLS: " + tlsProblemWords(reg.TLS) + "; the fix is below."
	case ProblemScheme:
		if reg.Speaks == "http" {
			return fmt.Sprintf("The problem is http vs https: %s speaks plain http, and clients try https unless told the registry is insecure; see HTTP_RESPONSE_TO_HTTPS below.", reg.Host)
		}
		return fmt.Sprintf("The problem is http vs https: %s speaks https only; drop --plain-http.", reg.Host)
	case ProblemAPI:
		if r.API == APIV1 {
			return "The problem is the API version: the registry speaks only v1, which current clients no longer use."
		}
		if m := first(diagnose.RegistryUnreachable); m != "" {
			return "The problem is the network: " + m + "."
		}
		return "The problem is the address: " + reg.Host + " does not answer /v2/ as a registry; point at the registry's API root, not a web UI or a proxy path."
	case ProblemTokenService:
		h := r.Host(RoleTokenService)
		if h != nil && h.SameAs == "" {
			return fmt.Sprintf("The problem is the token service at %s, named in the challenge's realm; see below.", h.Host)
		}
		return "The problem is the challenge's realm: clients cannot find the token service; see below."
	}
	v2 := r.Request("/v2/")
	if v2 != nil && v2.Status == http.StatusOK {
		return "DNS, the connection, http vs https and the API are fine, and /v2/ answers without credentials: any login succeeds here."
	}
	return fmt.Sprintf("DNS, the connection, http vs https and the API are fine: if a login fails, the problem is authentication. Next: regauth login-trace %s -u USER --password-stdin", ep.Host)
}

func tlsProblemWords(t *TLSResult) string {
	if t == nil || len(t.findings) == 0 {
		return "the certificate does not verify"
	}
	words := make([]string, 0, len(t.findings))
	for _, f := range t.findings {
		words = append(words, f.Short)
	}
	return strings.Join(words, "; ")
}

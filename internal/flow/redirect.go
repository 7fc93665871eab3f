package flow

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"

	"github.com/regauth/regauth/internal/diagnose"
)

// maxRedirects is Go's http.Client limit: the 10th redirect answer is not
// followed, so at most 10 requests go out.
const maxRedirects = 10

// Hop marks a step that followed a redirect.
type Hop struct {
	// Of is the kind of request the chain began as (token, manifest...).
	Of StepKind `json:"of"`
	// From is the step whose request began the chain; N counts the hops.
	From int `json:"from"`
	N    int `json:"n"`
	// Credentials says whether Authorization went along: "sent", "dropped"
	// or "none" (the first request had none either).
	Credentials string `json:"credentials"`
}

// redirectError is a redirect the client did not follow, worded as Go's
// Client.Do words it: a *url.Error whose Op is the first request's method
// and whose URL is the Location.
type redirectError struct {
	method, url, reason string
	code                diagnose.Code
	// what ends the summary: "redirects in a loop".
	what string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("%s %q: %s", methodWord(e.method), e.url, e.reason)
}

// requestClass says whose rule puts credentials on a hop.
func registryKind(kind StepKind) bool {
	switch kind {
	case StepToken, StepPing, StepCleanup, StepV1:
		return false
	}
	return true
}

// send performs req as the replayed client's HTTP client does: redirects
// are followed by Go's rules and the profile's, each hop its own step, and
// the chain's last step is returned.
func (e *engine) send(ctx context.Context, kind StepKind, title string, req *http.Request) *Step {
	rule := e.prof.Redirect
	if rule.Attempts <= 1 {
		return e.sendChain(ctx, kind, title, req)
	}
	orig := req.Clone(ctx)
	st := e.sendChain(ctx, kind, title, req)
	for n := 1; n < rule.Attempts; n++ {
		if _, failed := isRedirectFailure(st); !failed {
			break
		}
		again := orig.Clone(ctx)
		if orig.GetBody != nil {
			again.Body, _ = orig.GetBody()
		}
		wait := rule.Backoff(n)
		st.Notes = append(st.Notes, fmt.Sprintf("%s retries a failed request: attempt %d of %d after %s (not waited here)", e.clientName(), n+1, rule.Attempts, wait))
		st = e.sendChain(ctx, kind, fmt.Sprintf("%s (attempt %d of %d)", title, n+1, rule.Attempts), again)
	}
	return st
}

// sendChain is one attempt of a request and its redirects.
func (e *engine) sendChain(ctx context.Context, kind StepKind, title string, req *http.Request) *Step {
	registry := registryKind(kind)
	want := req.Header.Get("Authorization")
	pinged := registry && e.prof.Redirect.ReAuth == ReAuthPingedV2
	if pinged && want != "" && !e.pingedAuthorises(req.URL, req.URL) {
		// The engine's authoriser adds credentials only where the ping
		// found the challenge.
		req.Header.Del("Authorization")
	}
	handlerElsewhere := registry && want != "" && e.prof.Redirect.HandlerPer401Host && e.handlerHost != "" && !strings.EqualFold(req.URL.Host, e.handlerHost)
	if handlerElsewhere {
		req.Header.Del("Authorization")
	}
	st := e.sendOnce(ctx, kind, title, req)
	if handlerElsewhere {
		st.Notes = append(st.Notes, fmt.Sprintf("Authorization not sent: %s holds its credentials for %s, the host whose 401 gave them, not for %s", e.clientName(), e.handlerHost, req.URL.Host))
		return e.follow(ctx, kind, req, want, "", st)
	}
	if pinged && want != "" && req.Header.Get("Authorization") == "" {
		st.Notes = append(st.Notes, fmt.Sprintf("Authorization not sent: %s is not where the ping found the challenge (%s), and Docker authorises only that origin", origin(req.URL), e.pingOrigin))
	}
	if registry && e.prof.Redirect.ReAuth == ReAuthPingedV2 {
		// Go's copier never sees the header the authoriser adds per hop.
		return e.follow(ctx, kind, req, want, "", st)
	}
	return e.follow(ctx, kind, req, want, want, st)
}

// follow walks the redirects from st as Go's Client.do does (net/http
// client.go, go1.26: redirectBehavior, makeHeadersCopier,
// shouldCopyHeaderOnRedirect, refererForURL), with the client's own
// CheckRedirect rule on top. want is the Authorization the client means
// the registry to get; copied is what Go's copier saw on the first request.
func (e *engine) follow(ctx context.Context, kind StepKind, ireq *http.Request, want, copied string, st *Step) *Step {
	registry := registryKind(kind)
	first := st
	via := []*url.URL{ireq.URL}
	method := ireq.Method
	includeBody, stripped, leftOrigin := true, false, false
	var chain []string
	for n := 1; ; n++ {
		r := st.Response
		if r == nil || !isRedirect(r.Status) {
			break
		}
		prev := via[len(via)-1]
		loc := r.Headers.Get("Location")
		if loc == "" {
			st.Notes = append(st.Notes, fmt.Sprintf("%d without a Location: Go's client returns it as the answer", r.Status))
			break
		}
		next, err := prev.Parse(loc)
		if err != nil {
			return e.redirectFailed(st, kind, first, &redirectError{method: ireq.Method, url: prev.String(),
				reason: fmt.Sprintf("failed to parse Location header %q: %v", loc, err), code: diagnose.MalformedResponse, what: "answered a redirect with a Location that is not a URL"})
		}
		hopMethod, hopBody := redirectBehavior(r.Status, method)
		if !hopBody {
			includeBody = false
		}
		if len(chain) == 0 {
			chain = append(chain, prev.Host)
		}
		chain = append(chain, next.Host)
		e.opts.Redactor.AddURLSecrets(next.String())

		if len(via) >= maxRedirects {
			re := &redirectError{method: ireq.Method, url: loc, reason: fmt.Sprintf("stopped after %d redirects", maxRedirects), code: diagnose.RedirectLoop, what: "redirects without end"}
			e.trace.diag(diagnose.RedirectLoop, fmt.Sprintf("%s %s was redirected %d times (%s) and %s stops there: %s", ireq.Method, first.Request.URL, maxRedirects, strings.Join(compactChain(chain), " -> "), e.clientName(), re.Error()), "")
			return e.redirectFailed(st, kind, first, re)
		}
		if refusal := e.refuseHop(kind == StepToken, prev, next); refusal != nil {
			refusal.method = ireq.Method
			return e.redirectFailed(st, kind, first, refusal)
		}

		req, _ := http.NewRequest(hopMethod, next.String(), nil)
		if includeBody && ireq.GetBody != nil {
			if body, err := ireq.GetBody(); err == nil {
				req.Body, req.GetBody, req.ContentLength = body, ireq.GetBody, ireq.ContentLength
			}
		}
		if !stripped && ireq.URL.Host != next.Host && !sameDomainOrSub(ireq.URL, next) {
			stripped = true
		}
		if e.prof.Redirect.DropAtOriginChange && !strings.EqualFold(origin(next), origin(ireq.URL)) {
			// Sticky too: once the chain leaves, it has left.
			leftOrigin = true
		}
		copyHeaders(req.Header, ireq.Header, copied, stripped, !includeBody)
		if ref := refererFor(prev, next); ref != "" {
			req.Header.Set("Referer", ref)
		}
		why := e.reAuthorise(req, ireq.URL, registry, want, stripped)
		if leftOrigin && req.Header.Get("Authorization") != "" {
			req.Header.Del("Authorization")
			why = fmt.Sprintf("Authorization not sent: the chain left %s, and %s drops it at any change of scheme, host or port", origin(ireq.URL), e.clientName())
		}
		if userinfoAuth(req.Header, next) {
			if pw, ok := next.User.Password(); ok {
				e.opts.Redactor.AddBasic(next.User.Username(), pw)
			}
			why = "Authorization sent: the Location carries user:password, and Go's client turns it into Basic credentials"
		}
		if strings.EqualFold(prev.Scheme, "https") && strings.EqualFold(next.Scheme, "http") {
			msg := fmt.Sprintf("%s redirected an https request to plain http (%s)", prev.Host, next.Redacted())
			if req.Header.Get("Authorization") != "" {
				msg += ": the credentials went along unencrypted"
			}
			e.trace.diag(diagnose.RedirectToHTTP, msg, "")
		}

		title := fmt.Sprintf("Follow the %d to %s (redirect %d)", r.Status, next.Host, n)
		if hopMethod != method {
			title += fmt.Sprintf(": %s becomes a %s without a body", method, hopMethod)
		}
		st.Notes = append(st.Notes, fmt.Sprintf("%d %s to %s: %s follows it", r.Status, http.StatusText(r.Status), next.Redacted(), e.clientName()))
		hop := e.sendOnce(ctx, StepRedirect, title, req)
		cred := "none"
		switch {
		case req.Header.Get("Authorization") != "":
			cred = "sent"
		case want != "":
			cred = "dropped"
		}
		if why != "" {
			hop.Notes = append(hop.Notes, why)
		}
		hop.Redirect = &Hop{Of: kind, From: first.Index, N: n, Credentials: cred}
		via = append(via, next)
		method = hopMethod
		st = hop
	}
	if st.Redirect != nil && st.Redirect.Credentials == "dropped" {
		e.reportDropped(kind, first, st)
	}
	return st
}

// redirectBehavior is Go's: 301/302/303 turn anything but GET and HEAD
// into a GET and drop the body; 307/308 keep both.
func redirectBehavior(status int, method string) (string, bool) {
	switch status {
	case http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return method, true
	}
	if method != http.MethodGet && method != http.MethodHead {
		return http.MethodGet, false
	}
	return method, false
}

// copyHeaders is Go's makeHeadersCopier: the first request's headers on
// every hop, the sensitive ones only until a hop leaves its host, the body
// ones only while the body goes along. copied is the Authorization Go saw.
func copyHeaders(dst, first http.Header, copied string, stripSensitive, stripBody bool) {
	for k, vv := range first {
		switch http.CanonicalHeaderKey(k) {
		case "Authorization":
			continue
		case "Www-Authenticate", "Cookie", "Cookie2", "Proxy-Authorization", "Proxy-Authenticate":
			if stripSensitive {
				continue
			}
		case "Content-Encoding", "Content-Language", "Content-Location", "Content-Type":
			if stripBody {
				continue
			}
		}
		dst[k] = append([]string(nil), vv...)
	}
	if copied != "" && !stripSensitive {
		dst.Set("Authorization", copied)
	}
}

// sameDomainOrSub is Go's shouldCopyHeaderOnRedirect: the hop's hostname
// (port ignored) is the first request's or a subdomain of it.
func sameDomainOrSub(initial, dest *url.URL) bool {
	// Go compares the IDNA ASCII form, which leaves an ASCII name as it is:
	// case counts ("REG.example" is another host to it).
	sub, parent := idnaASCII(dest.Hostname()), idnaASCII(initial.Hostname())
	if sub == parent {
		return true
	}
	if strings.ContainsAny(sub, ":%") || !strings.HasSuffix(sub, parent) {
		return false
	}
	return sub[len(sub)-len(parent)-1] == '.'
}

// idnaASCII is net/http's: a name in ASCII as it is, another in its
// punycode form (golang.org/x/net/idna's Lookup profile, as net/http uses).
func idnaASCII(v string) string {
	for i := 0; i < len(v); i++ {
		if v[i] >= utf8.RuneSelf {
			if a, err := idna.Lookup.ToASCII(v); err == nil {
				return a
			}
			return v
		}
	}
	return v
}

// userinfoAuth is Go's Client.send: a URL with userinfo and no
// Authorization gets Basic credentials from it. It says whether it did.
func userinfoAuth(h http.Header, u *url.URL) bool {
	if u.User == nil || h.Get("Authorization") != "" {
		return false
	}
	pw, _ := u.User.Password()
	r := &http.Request{Header: h}
	r.SetBasicAuth(u.User.Username(), pw)
	return true
}

// refererFor is Go's refererForURL: the last URL without userinfo, never
// from https to http.
func refererFor(last, next *url.URL) string {
	if last.Scheme == "https" && next.Scheme == "http" {
		return ""
	}
	ref := last.String()
	if last.User != nil {
		// As Go does it: the userinfo cut out of the text.
		ref = strings.Replace(ref, last.User.String()+"@", "", 1)
	}
	return ref
}

// reAuthorise applies the client's own rule for credentials on a hop, after
// Go's copy, and says why the hop has or lacks them.
func (e *engine) reAuthorise(req *http.Request, firstURL *url.URL, registry bool, want string, stripped bool) string {
	if want == "" {
		return ""
	}
	host := req.URL.Host
	if registry {
		switch e.prof.Redirect.ReAuth {
		case ReAuthPingedV2:
			if e.pingedAuthorises(req.URL, firstURL) {
				req.Header.Set("Authorization", want)
				return "Authorization sent: the hop is under /v2/ on " + origin(req.URL) + ", where the ping found the challenge, and Docker's authoriser adds it on every such hop"
			}
			req.Header.Del("Authorization")
			return fmt.Sprintf("Authorization not sent: Docker's authoriser adds it only to /v2/ paths on the origin its ping challenged (%s); %s is not that", e.pingOrigin, req.URL.Redacted())
		case ReAuthRegistryHost:
			if strings.EqualFold(host, orDefault(e.handlerHost, e.registryHost())) {
				req.Header.Set("Authorization", want)
				return "Authorization sent: " + e.clientName() + " holds credentials for " + host + " and authorises the hop itself"
			}
		}
	}
	if req.Header.Get("Authorization") != "" {
		return fmt.Sprintf("Authorization sent: %s is the first request's host or a subdomain of it, so Go's client copies it", req.URL.Hostname())
	}
	if stripped {
		return fmt.Sprintf("Authorization not sent: %s is neither the first request's host nor a subdomain of it; Go's client drops it there, for the rest of the chain", req.URL.Hostname())
	}
	return ""
}

// pingedAuthorises is the Docker engine's endpointAuthorizer test: a /v2/
// path on the origin where the ping stored challenges. With no ping
// (v1, a trace without one) the first request's origin stands in.
func (e *engine) pingedAuthorises(u, firstURL *url.URL) bool {
	want := e.pingOrigin
	if want == "" {
		if firstURL == nil {
			return false
		}
		want = origin(firstURL)
	}
	return strings.Contains(u.Path, "/v2/") && strings.EqualFold(origin(u), want)
}

// registryHost is host:port of the registry the trace talks to.
func (e *engine) registryHost() string {
	if b := e.trace.Endpoint; b != "" {
		return hostOf(b)
	}
	if ep, err := ParseEndpoint(e.opts.Registry, e.opts.PlainHTTP); err == nil {
		return ep.Host
	}
	return ""
}

// refuseHop is the client's CheckRedirect refusing a hop, if it does.
func (e *engine) refuseHop(token bool, prev, next *url.URL) *redirectError {
	rule := e.prof.Redirect
	registry := !token
	if registry && rule.RefuseDowngrade && prev.Scheme == "https" && next.Scheme != "https" {
		return &redirectError{url: next.String(), reason: fmt.Sprintf("redirect from an https to non-https server is not allowed (%s)", next.String()), code: diagnose.RedirectToHTTP, what: "redirects to plain http, which " + e.clientName() + " refuses"}
	}
	if registry && rule.PrivateHopGuard != nil && !strings.EqualFold(prev.Hostname(), next.Hostname()) && privateIP(next.Hostname()) {
		return &redirectError{url: next.String(), reason: rule.PrivateHopGuard(prev.Hostname(), next.Hostname()), code: diagnose.RealmBlocked, what: "redirects to a private address, which " + e.clientName() + " refuses"}
	}
	if token && rule.TokenHopGuard != nil && e.prof.Token.RealmGuard != nil {
		if addr, resolved, blocked := e.blockedHost(next, e.registryHost()); blocked {
			why := rule.TokenHopGuard(next.String(), e.prof.Token.RealmGuard(next.Hostname(), addr, resolved))
			return &redirectError{url: next.String(), reason: why, code: diagnose.RealmBlocked, what: "redirects the token request to a private address, which " + e.clientName() + " refuses"}
		}
	}
	return nil
}

// redirectFailed ends a chain on a redirect the client did not follow: a
// step that records the hop the client built and refused, with Go's error.
func (e *engine) redirectFailed(st *Step, kind StepKind, first *Step, re *redirectError) *Step {
	fail := &Step{Index: len(e.trace.Steps) + 1, Kind: StepRedirect, Title: "Redirect not followed: " + re.reason, Started: e.opts.Now(),
		Err: re.Error(), err: re, Redirect: &Hop{Of: kind, From: first.Index, N: st.Index - first.Index + 1, Credentials: "none"}}
	fail.Notes = append(fail.Notes, fmt.Sprintf("%s does not send this request: %s", e.clientName(), re.Error()))
	e.trace.Steps = append(e.trace.Steps, fail)
	if re.code != diagnose.RedirectLoop {
		e.trace.diag(re.code, fmt.Sprintf("step %d: %s", st.Index, re.Error()), "")
	}
	return fail
}

// reportDropped names what a chain that lost its credentials led to.
func (e *engine) reportDropped(kind StepKind, first, last *Step) {
	host := hostOf(last.Request.URL)
	r := last.Response
	sev := diagnose.Warning
	var msg string
	switch {
	case r == nil:
		return
	case kind == StepToken && r.Status == http.StatusOK:
		msg = fmt.Sprintf("the token request (step %d) was redirected to %s without its Basic credentials (Go drops Authorization at a host change), and the token service answered as for an anonymous user: the token carries no identity, so the password was never checked", first.Index, host)
		if e.trace.Command == "login-trace" {
			msg += "; a login that succeeds this way proves nothing about the password"
		}
	case kind == StepBlob && r.Status == http.StatusOK:
		sev = diagnose.Info
		msg = fmt.Sprintf("the blob redirect went to %s without Authorization (step %d), as every client does; the signed URL carries its own authorisation", host, last.Index)
	case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
		sev = diagnose.Error
		msg = fmt.Sprintf("step %d's redirect went to %s without credentials and %s answered %d", first.Index, host, host, r.Status)
	default:
		msg = fmt.Sprintf("step %d's redirect went to %s without credentials (answer: %d)", first.Index, host, r.Status)
	}
	d := diagnose.New(diagnose.RedirectDropsCredentials, msg, "")
	d.Severity = sev
	e.trace.add(d)
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

// chainKind is the kind of request a step's redirect chain began as.
func chainKind(st *Step) StepKind {
	if st.Redirect != nil {
		return st.Redirect.Of
	}
	return st.Kind
}

// isRedirectFailure says a step is a redirect the client refused.
func isRedirectFailure(st *Step) (*redirectError, bool) {
	re, ok := st.err.(*redirectError)
	return re, ok
}

// ignoresOtherOrigin401: a client that resolves credentials only for the
// first request's origin takes a 401 from a redirect target as the answer.
func (e *engine) ignoresOtherOrigin401(st *Step) bool {
	if !e.prof.Redirect.IgnoreOtherOrigin401 || st.Redirect == nil {
		return false
	}
	first := e.trace.Steps[st.Redirect.From-1]
	a, errA := url.Parse(first.Request.URL)
	b, errB := url.Parse(st.Request.URL)
	if errA != nil || errB != nil || strings.EqualFold(origin(a), origin(b)) {
		return false
	}
	st.Notes = append(st.Notes, fmt.Sprintf("401 from %s, not the first request's origin %s: %s resolves credentials only for that origin, so this 401 is the answer", origin(b), origin(a), e.clientName()))
	return true
}

// noteHandlerHost records the host whose 401 gives a per-host client its
// handler: the chain's last hop.
func (e *engine) noteHandlerHost(st *Step) {
	if !e.prof.Redirect.HandlerPer401Host || st.Request == nil || e.handlerHost != "" {
		return
	}
	e.handlerHost = hostOf(st.Request.URL)
}

// verdictFor: a loop or an unreadable Location is the server's fault in
// transport; a hop the client refuses is a refusal.
func verdictFor(re *redirectError) Verdict {
	if re.code == diagnose.RedirectLoop || re.code == diagnose.MalformedResponse {
		return VerdictTransport
	}
	return VerdictRefused
}

func origin(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host)
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

func privateIP(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsUnspecified())
}

// compactChain folds repeats: a -> a -> a reads "a (x3)".
func compactChain(hosts []string) []string {
	var out []string
	for i := 0; i < len(hosts); {
		j := i
		for j < len(hosts) && hosts[j] == hosts[i] {
			j++
		}
		if j-i > 1 {
			out = append(out, fmt.Sprintf("%s (x%d)", hosts[i], j-i))
		} else {
			out = append(out, hosts[i])
		}
		i = j
	}
	return out
}

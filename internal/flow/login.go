package flow

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

// Login replays `docker login` against opts.Registry: GET /v2/ without
// credentials; on a Bearer challenge, the token request (no scope) and GET
// /v2/ with the token; on a Basic challenge, GET /v2/ with Basic.
func Login(ctx context.Context, opts Options) *Trace {
	e := newEngine(opts, "login-trace")
	t := e.trace
	defer e.finish()
	if lr := e.prof.Login; lr != nil && lr.Via != nil {
		t.Client.Why = strings.TrimPrefix(t.Client.Why+"; ", "; ") + e.prof.Name + " logs in as " + lr.Via.Name + " does (the daemon's login code is the same for both image stores)"
		e.prof = lr.Via
	}

	ep, ok := e.endpoint()
	if !ok {
		return t
	}
	base, ping := e.ping(ctx, ep)
	if ping == nil {
		return t
	}
	if !e.pingAccepted(ping, base, ep) {
		return t
	}
	e.authorise(ctx, ep, base, ping, nil)
	return t
}

// newEngine starts a trace of command: opts' defaults applied and the
// credentials registered with the redactor before anything is sent.
func newEngine(opts Options, command string) *engine {
	opts.defaults()
	t := &Trace{Command: command, Registry: opts.Registry, Started: opts.Now(), Proxy: opts.Proxy}
	prof := opts.Profile
	t.Client = &ClientInfo{ID: prof.ID(), Title: prof.Title, Basis: prof.Basis, Verified: prof.Verified, Why: opts.ClientNote}
	e := &engine{opts: opts, prof: prof, trace: t}
	e.learnCredentials()
	return e
}

// endpoint reads opts.Registry; one that cannot be read ends the trace.
func (e *engine) endpoint() (Endpoint, bool) {
	if e.helperFailed() {
		return Endpoint{}, false
	}
	ep, err := ParseEndpoint(e.opts.Registry, e.opts.PlainHTTP)
	if err != nil {
		e.stop(VerdictTransport, err.Error())
		return Endpoint{}, false
	}
	return ep, true
}

// learnCredentials registers the secrets the trace will send, so every
// renderer masks them, and records where they came from.
func (e *engine) learnCredentials() {
	c := e.opts.Credentials
	if e.opts.Anonymous {
		src := "none (--anonymous)"
		if c.HasSecret() {
			src = "none (--anonymous; ignoring credentials from " + c.Source + ")"
		}
		c = Credentials{Source: src}
	}
	if c.Source == "" {
		c.Source = "none"
	}
	e.opts.Credentials = c
	e.trace.Credentials = c
	e.trace.addKindFindings(c)
	if !e.opts.Anonymous && !c.HasSecret() && strings.HasPrefix(c.Source, "none (") {
		// Found nothing, was not told to go anonymous: say so up front.
		d := diagnose.New(diagnose.NoCredentials, fmt.Sprintf("no credentials were found: %s; the trace runs anonymously (docker login would prompt for a username; pass -u and --password-stdin, or --anonymous to mean it)", strings.TrimSuffix(strings.TrimPrefix(c.Source, "none ("), ")")), "")
		d.Severity = diagnose.Warning
		e.trace.add(d)
	}
	r := e.opts.Redactor
	r.AddBasic(c.Username, c.Password)
	r.Add("identitytoken", c.IdentityToken)
	r.Add("registrytoken", c.RegistryToken)
}

// ping is step 1: GET /v2/ without credentials, over https and then, for a
// loopback host whose https attempt failed, over http as Docker does.
func (e *engine) ping(ctx context.Context, ep Endpoint) (string, *Step) {
	base, st := e.pingPath(ctx, ep, pingSpec{
		path: "/v2/", kind: StepPing, client: e.clientName(), headers: e.prof.Headers,
		title: "Ping the registry without credentials", retry: "Ping again over plain http",
	})
	if st != nil {
		first := st
		if st.Redirect != nil {
			first = e.trace.Steps[st.Redirect.From-1]
		}
		if i := first.Index - 2; i >= 0 && e.trace.Steps[i].Kind == StepPing && e.trace.Steps[i].Response == nil {
			// The step before is the https attempt that got no answer.
			e.trace.diag(diagnose.HTTPFallback, fmt.Sprintf("https://%s failed (%s); the registry answered over http", ep.Host, e.trace.Steps[i].Err), "")
		}
		e.checkClock(st)
	}
	if st == nil && e.prof.Ping.V1ProbeOnFailure {
		// The error stays the ping's unless the probe finds v1.
		if f, ok := e.failure(); ok && e.fail == nil {
			e.fail = &f
		}
		summary := e.trace.Summary
		if !e.probeV1(ctx, ep) {
			e.trace.Summary = summary
		}
	}
	return base, st
}

// probeV1 is containers/image's check, after a failed ping, for a v1
// registry: GET /v1/_ping on each scheme; 200 or 401 means v1.
func (e *engine) probeV1(ctx context.Context, ep Endpoint) bool {
	for _, scheme := range ep.Schemes {
		req, _ := http.NewRequest(http.MethodGet, ep.URL(scheme)+"/v1/_ping", nil)
		st := e.send(ctx, StepV1, "Probe /v1/_ping: after a failed ping "+e.clientName()+" checks whether the registry speaks only v1", req)
		if st.Response != nil && (st.Response.Status == http.StatusOK || st.Response.Status == http.StatusUnauthorized) {
			st.Notes = append(st.Notes, e.clientName()+" takes this for a v1 registry and says \"can't talk to a V1 container registry\"")
			e.trace.Summary = "can't talk to a V1 container registry"
			e.fail = nil
			return true
		}
	}
	return false
}

// pingSpec says which unauthenticated first request a client makes.
type pingSpec struct {
	path, title, retry string
	kind               StepKind
	client             string // who falls back to http: "Docker", "the old client"
	headers            http.Header
}

// pingPath sends the first request over each of the endpoint's schemes in
// turn until one answers; none answering ends the trace as unreachable.
func (e *engine) pingPath(ctx context.Context, ep Endpoint, ps pingSpec) (string, *Step) {
	var last *Step
	for i, scheme := range ep.Schemes {
		base := ep.URL(scheme)
		req, _ := http.NewRequest(http.MethodGet, base+ps.path, nil)
		for k, vs := range ps.headers {
			req.Header[k] = append([]string(nil), vs...)
		}
		title := ps.title
		if i > 0 {
			title = ps.retry
		}
		st := e.send(ctx, ps.kind, title, req)
		if _, ok := isRedirectFailure(st); ok {
			e.transportFailure(st, "registry", ep.Host)
			return "", nil
		}
		if st.Response != nil {
			if u, err := url.Parse(st.Request.URL); err == nil {
				e.pingOrigin = origin(u)
			}
			if e.httpsOnly(st, last, ep) {
				return "", nil
			}
			if i > 0 {
				st.Notes = append(st.Notes, "https failed, so this is the http fallback "+ps.client+" uses for loopback and insecure registries")
			}
			e.trace.Endpoint = base
			return base, st
		}
		last = st
		if i+1 < len(ep.Schemes) {
			st.Notes = append(st.Notes, "no answer over https; "+ps.client+" tries http next for a loopback or insecure registry")
		}
	}
	e.transportFailure(last, "registry", ep.Host)
	return "", nil
}

// authorise continues from the ping's answer as the Docker engine's
// authorising transport does. scopes are the token scopes (none for login).
// It returns the final step when the handshake got a 200 on /v2/.
func (e *engine) authorise(ctx context.Context, ep Endpoint, base string, ping *Step, scopes []string) (auth string, ok bool) {
	t := e.trace
	r := ping.Response
	switch {
	case r.Status == http.StatusOK:
		e.checkIsRegistry(ping)
		t.diag(diagnose.OpenRegistry, fmt.Sprintf("%s/v2/ answered 200 without credentials: docker login reports success whatever the password", base), "")
		t.Verdict, t.Summary = VerdictOK, "the registry is open: login succeeds without checking credentials"
		if lr := e.prof.Login; scopes == nil && lr != nil && lr.RepeatPingWhenOpen {
			again := e.get(ctx, StepAuthPing, "GET /v2/ again: the login's own request, which "+e.clientName()+" sends after the ping even with nothing to authenticate", base+"/v2/", "")
			if again.Response == nil || again.Response.Status != http.StatusOK {
				e.finalStatus(base, again, nil)
				return "", false
			}
		}
		return "", true
	case r.Status != http.StatusUnauthorized:
		// The engine stores no challenge and retries /v2/ through its
		// authorising transport anyway; the retry fails the same way.
		e.checkIsRegistry(ping)
		retry := e.get(ctx, StepAuthPing, "Retry /v2/ as Docker does (no challenge, so no credentials)", base+"/v2/", "")
		e.finalStatus(base, retry, nil)
		return "", false
	}

	e.reportMisreadings(ping)
	if e.ignoresOtherOrigin401(ping) {
		e.finalStatus(base, ping, nil)
		return "", false
	}
	e.noteHandlerHost(ping)
	bearer, basic := pickChallenges(r.Challenges)
	if bearer == nil && basic == nil {
		t.diag(diagnose.NoChallenge, fmt.Sprintf("%s/v2/ answered 401 with %s; Docker can use neither", base, describeChallenges(r)), "")
		retry := e.get(ctx, StepAuthPing, "Retry /v2/ as Docker does (no usable challenge, so no credentials)", base+"/v2/", "")
		e.finalStatus(base, retry, nil)
		return "", false
	}

	authHeader := ""
	if bearer != nil {
		tok, ok := e.obtainToken(ctx, ep, base, *bearer, scopes)
		if !ok {
			return "", false
		}
		authHeader = "Bearer " + tok
	}
	if basic != nil {
		c := e.opts.Credentials
		if c.Username == "" || c.Password == "" {
			if bearer == nil {
				t.diag(diagnose.NoCredentials, fmt.Sprintf("%s asks for Basic credentials and there are none (Docker: \"no basic auth credentials\")", ep.Host), "")
				t.Verdict, t.Summary = VerdictRefused, "no basic auth credentials"
				return "", false
			}
		} else {
			if bearer != nil {
				// The engine applies every handler in order, token then basic:
				// Basic overwrites the Bearer header it just obtained.
				t.diag(diagnose.ChallengeMisread, "the registry sent both Bearer and Basic challenges: the Docker engine fetches a token, then overwrites it with Basic credentials", "Send only one challenge; Docker's behaviour with both surprises everyone.")
			}
			authHeader = "Basic " + base64.StdEncoding.EncodeToString([]byte(c.Username+":"+c.Password))
		}
	}
	if len(scopes) > 0 {
		// Pulls go on to the manifest with this header; /v2/ is not retried.
		return authHeader, true
	}
	title := "Ping again with the token"
	if strings.HasPrefix(authHeader, "Basic ") {
		title = "Ping again with Basic credentials"
	}
	final := e.get(ctx, StepAuthPing, title, base+"/v2/", authHeader)
	return authHeader, e.finalStatus(base, final, bearer)
}

// finalStatus judges the authorised /v2/ answer: docker login needs exactly 200.
func (e *engine) finalStatus(base string, st *Step, bearer *challenge.Challenge) bool {
	t := e.trace
	if st.Response == nil {
		e.transportFailure(st, "registry", hostOf(base))
		return false
	}
	e.checkClock(st)
	r := st.Response
	if r.Status == http.StatusOK {
		t.Verdict, t.Summary = VerdictOK, "login succeeds"
		return true
	}
	engineText := fmt.Sprintf("login attempt to %s/v2/ failed with status: %d %s", base, r.Status, http.StatusText(r.Status))
	t.Verdict, t.Summary = VerdictRefused, engineText
	auth := st.Request.Headers.Get("Authorization")
	switch {
	case r.Status == http.StatusUnauthorized && strings.HasPrefix(auth, "Bearer "):
		e.tokenRejected(st, bearer)
	case r.Status == http.StatusUnauthorized && strings.HasPrefix(auth, "Basic "):
		e.badCredentials(st, "the registry refused the Basic credentials", base)
	case r.Status == http.StatusUnauthorized:
		// Reported already (no usable challenge).
	case r.Status == http.StatusNotFound:
		t.diag(diagnose.NotARegistry, fmt.Sprintf("%s/v2/ answers 404: this address is not a registry's API root (Docker: %q)", base, engineText), "")
	default:
		res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
		t.diag(diagnose.NotARegistry, fmt.Sprintf("%s/v2/ answers %d: %s", base, r.Status, oneLine(res.EngineText, 200)), "")
	}
	return false
}

// badCredentials reports a refusal with the error body as the engine shows it.
func (e *engine) badCredentials(st *Step, what, where string) {
	r := st.Response
	res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
	c := e.opts.Credentials
	if !c.HasSecret() {
		e.trace.diag(diagnose.NoCredentials, fmt.Sprintf("%s refused an anonymous request (%d): %s", hostOf(where), r.Status, oneLine(res.EngineText, 300)), "")
		return
	}
	who := c.Username
	if who == "" {
		who = "(identity token)"
	}
	said := oneLine(res.EngineText, 300)
	if len(r.Body) == 0 {
		said = fmt.Sprintf("an empty body (Docker shows %q)", res.EngineText)
	}
	e.trace.diag(diagnose.BadCredentials, fmt.Sprintf("%s for %s at step %d (%d): %s", what, who, st.Index, r.Status, said), "")
}

// get sends a GET with an optional Authorization header.
func (e *engine) get(ctx context.Context, kind StepKind, title, url, auth string) *Step {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		st := &Step{Index: len(e.trace.Steps) + 1, Kind: kind, Title: title, Err: err.Error(), Started: e.opts.Now()}
		e.trace.Steps = append(e.trace.Steps, st)
		return st
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return e.send(ctx, kind, title, req)
}

func pickChallenges(chs []challenge.Challenge) (bearer, basic *challenge.Challenge) {
	for i := range chs {
		switch chs[i].Scheme {
		case "bearer":
			if bearer == nil {
				bearer = &chs[i]
			}
		case "basic":
			if basic == nil {
				basic = &chs[i]
			}
		}
	}
	return bearer, basic
}

func describeChallenges(r *Response) string {
	hs := r.Headers.Values("WWW-Authenticate")
	if len(hs) == 0 {
		return "no WWW-Authenticate header"
	}
	return fmt.Sprintf("WWW-Authenticate %q", strings.Join(hs, " | "))
}

// reportMisreadings turns the challenge parser's differences into diagnoses.
func (e *engine) reportMisreadings(st *Step) {
	for _, d := range st.Response.Misreadings {
		e.trace.diag(diagnose.ChallengeMisread, d.Explanation, "")
	}
}

// finish settles the verdict and sorts diagnoses, worst first.
func (e *engine) finish() {
	t := e.trace
	if t.Verdict == "" {
		t.Verdict = VerdictRefused
	}
	t.Duration = e.opts.Now().Sub(t.Started)
	e.recogniseFlavour()
	diagnose.Sort(t.Diagnoses)
	e.clientError()
}

func (e *engine) stop(v Verdict, summary string) {
	e.trace.Verdict, e.trace.Summary = v, summary
}

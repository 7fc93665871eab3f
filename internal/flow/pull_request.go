package flow

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// registryRequest sends one registry request as the profile's client does
// and returns its final step; false means the trace has concluded (a token
// or authorisation failure). A client that authenticates on 401
// (containerd) sends it without credentials first, learns the challenge
// from the 401, fetches the token and repeats it; containers/image repeats
// once with a wider token on insufficient_scope.
func (p *puller) registryRequest(ctx context.Context, kind StepKind, method, path, title string, accept []string) (*Step, bool) {
	var st *Step
	if p.base == "" {
		if st = p.firstRequest(ctx, kind, method, path, title, accept); st == nil {
			return nil, false
		}
	} else {
		st = p.apiRequest(ctx, kind, method, p.base+path, title, accept)
	}
	rule := p.prof.Manifest
	sent, widened := 1, false
	for st.Response != nil && st.Response.Status == http.StatusUnauthorized {
		switch {
		case rule.Auth == AuthOn401 && p.ignoresOtherOrigin401(st):
			p.registryError(st)
			return st, false
		case rule.Auth == AuthOn401:
			again, ok := p.on401(ctx, st, sent)
			if !ok || !again {
				return st, ok
			}
		case rule.Retry401 == RetryWidenScope && !widened && p.bearer != nil:
			extra := insufficientScope(st)
			if extra == "" {
				return st, true
			}
			widened = true
			st.Notes = append(st.Notes, fmt.Sprintf("401 insufficient_scope naming scope %q: %s asks for one more token with that scope added, and repeats the request once", extra, p.clientName()))
			tok, ok := p.obtainToken(ctx, p.ep, p.base, *p.bearer, append(append([]string(nil), p.scopes...), extra))
			if !ok {
				return st, false
			}
			p.auth = "Bearer " + tok
		case rule.Retry401 == RetryRefresh && !widened && p.bearer != nil && strings.HasPrefix(p.auth, "Bearer "):
			widened = true
			st.Notes = append(st.Notes, fmt.Sprintf("401 to the request with the token: %s fetches a new token for the same scope and repeats the request once", p.clientName()))
			tok, ok := p.obtainToken(ctx, p.ep, p.base, *p.bearer, p.scopes)
			if !ok {
				return st, false
			}
			p.auth = "Bearer " + tok
		default:
			return st, true
		}
		st = p.apiRequest(ctx, kind, method, p.base+path, repeatTitle(title, p.auth), accept)
		sent++
	}
	return st, true
}

func repeatTitle(title, auth string) string {
	with := "the token"
	if strings.HasPrefix(auth, "Basic ") {
		with = "Basic credentials"
	}
	return "Repeat with " + with + ": " + lowerFirst(title)
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// firstRequest is the first request of a client that sends no ping: it
// goes over each of the endpoint's schemes in turn until one answers.
func (p *puller) firstRequest(ctx context.Context, kind StepKind, method, path, title string, accept []string) *Step {
	var last *Step
	for i, scheme := range p.ep.Schemes {
		base := p.ep.URL(scheme)
		t := title + "; no /v2/ ping first: " + p.clientName() + " sends none"
		if i > 0 {
			t = title + " over plain http"
		}
		st := p.apiRequest(ctx, kind, method, base+path, t, accept)
		if _, ok := isRedirectFailure(st); ok {
			p.transportFailure(st, "registry", p.ep.Host)
			return nil
		}
		if st.Response != nil {
			if p.httpsOnly(st, last, p.ep) {
				return nil
			}
			if i > 0 {
				st.Notes = append(st.Notes, "https failed, so this is the http fallback "+p.clientName()+" uses for loopback and insecure registries")
			}
			p.base = base
			p.trace.Endpoint = base
			return st
		}
		last = st
		if i+1 < len(p.ep.Schemes) {
			st.Notes = append(st.Notes, "no answer over https; "+p.clientName()+" tries http next for a loopback or insecure registry")
		}
	}
	p.transportFailure(last, "registry", p.ep.Host)
	return nil
}

// on401 is containerd's answer to a 401 (authorizer.go AddResponses,
// invalidAuthorization; resolver.go retryRequest): without a handler for
// the host, the challenge makes one and the request is repeated; with one,
// an error= in the challenge ends the pull, and a 401 without it is
// repeated with the same token up to the release's limit. again says the
// request goes out once more; ok false means the trace has concluded.
func (p *puller) on401(ctx context.Context, st *Step, sent int) (again, ok bool) {
	r := st.Response
	who := p.clientName()
	bearer, basic := pickChallenges(r.Challenges)
	if p.handler == "" {
		p.noteHandlerHost(st)
		switch {
		case bearer != nil:
			p.bearer = bearer
			st.Notes = append(st.Notes, fmt.Sprintf("401: %s learns the challenge from this answer (Bearer realm %s) and fetches a token", who, bearer.Params["realm"]))
			tok, ok := p.obtainToken(ctx, p.ep, p.base, *bearer, p.scopes)
			if tok := p.lastStep(StepToken); tok != nil && p.prof.Token.MergeChallengeScope {
				tok.Notes = append(tok.Notes, fmt.Sprintf("scope: %s's own repository:%s:%s merged with the challenge's scope, sorted and deduplicated", who, p.req.Image.Repository, strings.Join(p.rep.Actions, ",")))
			}
			if !ok {
				return false, false
			}
			p.auth, p.handler = "Bearer "+tok, "bearer"
		case basic != nil:
			c := p.opts.Credentials
			secret := c.Password
			if secret == "" {
				secret = c.IdentityToken
			}
			if c.Username == "" || secret == "" {
				st.Notes = append(st.Notes, fmt.Sprintf("401 with a Basic challenge and no username and password: %s has no basic auth credentials, so the 401 stands", who))
				p.registryError(st)
				return false, false
			}
			st.Notes = append(st.Notes, fmt.Sprintf("401 with a Basic challenge: %s repeats the request with Basic credentials", who))
			p.auth, p.handler = "Basic "+base64.StdEncoding.EncodeToString([]byte(c.Username+":"+secret)), "basic"
		default:
			st.Notes = append(st.Notes, fmt.Sprintf("401 with %s: %s finds no supported auth scheme, so the 401 stands", describeChallenges(r), who))
			p.registryError(st)
			return false, false
		}
		return true, true
	}
	if bearer != nil {
		if e := bearer.Params["error"]; e != "" {
			// The same request answered 401 with error= after the token.
			p.engine.authFailed = e
			st.Notes = append(st.Notes, fmt.Sprintf("401 with error=%q to the request that carried the token: %s gives up at once (it fetches a new token only when the first answer already names an error)", e, who))
			p.registryError(st)
			p.trace.diag(diagnose.RepeatedUnauthorized, fmt.Sprintf("step %d: the registry answered 401 error=%q to the request with the token; %s stops with \"server message: %s: authorization failed\"", st.Index, e, who, e), "")
			return false, false
		}
	}
	if sent >= p.prof.Manifest.Max401 {
		st.Notes = append(st.Notes, fmt.Sprintf("%s stops after %d requests answered 401", who, sent))
		p.trace.diag(diagnose.RepeatedUnauthorized, fmt.Sprintf("%s %s answered 401 to %d requests carrying the %s credentials; %s gives up with an unexpected-status error", st.Request.Method, pathOf(st.Request.URL), sent, p.handler, who), "")
		p.registryError(st)
		return false, false
	}
	st.Notes = append(st.Notes, fmt.Sprintf("401 without error= while %s holds credentials for the host: it repeats the request with the same ones", who))
	return true, true
}

// insufficientScope is the scope a 401 says is missing, as containers/image
// reads it (needsRetryWithUpdatedScope).
func insufficientScope(st *Step) string {
	for _, c := range st.Response.Challenges {
		if c.Scheme == "bearer" && c.Params["error"] == "insufficient_scope" {
			return c.Params["scope"]
		}
	}
	return ""
}

// pingAccepted stops a client that goes on only from some ping statuses
// (containers/image: 200 and 401).
func (e *engine) pingAccepted(ping *Step, base string, ep Endpoint) bool {
	r := ping.Response
	if e.prof.Ping.accepts(r.Status) {
		return true
	}
	e.checkIsRegistry(ping)
	e.trace.diag(diagnose.PingStatusRefused, fmt.Sprintf("GET %s/v2/ answered %d; %s goes on only from 200 or 401 (pinging container registry %s: invalid status code from registry %d)", base, r.Status, e.clientName(), ep.Host, r.Status), "")
	e.stop(VerdictRefused, fmt.Sprintf("pinging container registry %s: invalid status code from registry %d (%s)", ep.Host, r.Status, http.StatusText(r.Status)))
	return false
}

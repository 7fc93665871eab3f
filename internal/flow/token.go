package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
)

// dockerClientID is what `docker login` sends as client_id.
const dockerClientID = "docker"

// obtainToken performs the token step for a Bearer challenge as the
// profile's client asks and returns the token to send. scopes nil means a
// login (no scope).
func (e *engine) obtainToken(ctx context.Context, ep Endpoint, base string, ch challenge.Challenge, scopes []string) (string, bool) {
	t := e.trace
	c := e.opts.Credentials
	if e.prof.Redirect.CredsForRegistryHostOnly && e.handlerHost != "" && !strings.EqualFold(e.handlerHost, e.registryHost()) && c.HasSecret() {
		t.Steps[len(t.Steps)-1].Notes = append(t.Steps[len(t.Steps)-1].Notes, fmt.Sprintf("the challenge came from %s, not the registry's host %s: %s offers credentials only to the registry's host, so it asks for a token anonymously", e.handlerHost, e.registryHost(), e.clientName()))
		c = Credentials{}
	}
	if c.RegistryToken != "" {
		t.Steps[len(t.Steps)-1].Notes = append(t.Steps[len(t.Steps)-1].Notes,
			"a registrytoken is stored: "+e.clientName()+" sends it as the Bearer token without asking the token service")
		e.viewToken(nil, c.RegistryToken, nil)
		return c.RegistryToken, true
	}
	realm, ok := e.checkRealm(ep, base, ch)
	if !ok || !e.realmAllowed(realm, base) {
		return "", false
	}
	login := scopes == nil
	service := ch.Params["service"]
	rule := e.prof.Token
	if rule.MergeChallengeScope {
		scopes = mergeScopes(scopes, ch.Params["scope"])
	}
	if cs := strings.Fields(ch.Params["scope"]); rule.ChallengeScope && len(cs) > 0 && scopes != nil {
		scopes = cs
	}
	fallback := rule.Fallback
	fallbackText := rule.FallbackText
	if e.opts.OAuth && fallback == nil {
		fallback = func(status int, _ bool) bool { return oauthFallsBack(status) }
		fallbackText = "400, 401, 404 and 405 (as containerd does)"
	}

	var st *Step
	var get basicCred
	switch {
	case c.IdentityToken != "":
		st = e.postToken(ctx, realm, service, scopes, url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {c.IdentityToken}}, "Exchange the identity token (OAuth2 POST, grant_type=refresh_token)")
		get = basicCred{secret: c.IdentityToken}
	case c.Username != "" && c.Password != "" && (rule.Post == PostWithSecret || e.opts.OAuth):
		form := url.Values{"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}}
		if rule.PasswordGrantOffline || e.opts.OAuth {
			form.Set("access_type", "offline")
		}
		st = e.postToken(ctx, realm, service, scopes, form, "Request a token (OAuth2 POST, grant_type=password)")
		get = basicCred{user: c.Username, secret: c.Password}
	default:
		st = e.getToken(ctx, realm, service, scopes, login, basicCred{user: c.Username, secret: c.Password})
		return e.readToken(st, realm)
	}
	if st.Response == nil || st.Response.Status == http.StatusOK {
		return e.readToken(st, realm)
	}
	status := st.Response.Status
	switch {
	case fallback != nil && fallback(status, get.user != ""):
		st.Notes = append(st.Notes, fmt.Sprintf("%d: %s falls back to GET on %s", status, e.clientName(), fallbackText))
		t.diag(diagnose.OAuthFallback, fmt.Sprintf("the token service answered the OAuth2 POST with %d; %s used GET instead", status, e.clientName()), "")
		if c.IdentityToken != "" && e.prof.Token.Basic != BasicWithSecret {
			// Only containerd sends an identity token as Basic ":token".
			get = basicCred{}
		}
		st = e.getToken(ctx, realm, service, scopes, login, get)
	case fallback != nil:
		e.postRefused(st, realm, fallbackText, get.user != "")
	}
	return e.readToken(st, realm)
}

// realmAllowed applies a client's refusal of realms on private addresses
// other than the registry's own (crane, oras).
func (e *engine) realmAllowed(realm *url.URL, base string) bool {
	guard := e.prof.Token.RealmGuard
	if guard == nil {
		return true
	}
	addr, resolved, blocked := e.blockedHost(realm, hostOf(base))
	if !blocked {
		return true
	}
	said := guard(realm.Hostname(), addr, resolved)
	e.trace.diag(diagnose.RealmBlocked, fmt.Sprintf("the realm %s is on a private or loopback address other than the registry's: %s refuses to send anything there (%s)", realm.Redacted(), e.clientName(), said), "")
	e.fail = &Failure{Stage: FailRealm, Transport: said, Method: http.MethodGet, URL: e.lastURL()}
	e.stop(VerdictRefused, said)
	return false
}

// blockedHost says whether host is a private, loopback or link-local
// address that is not the registry's own hostname; a name is resolved (with
// a short limit) only for a client that resolves realms.
func (e *engine) blockedHost(u *url.URL, registryHost string) (addr string, resolved, blocked bool) {
	host := u.Hostname()
	if e.prof.Token.RealmMatchPort {
		if strings.EqualFold(u.Host, registryHost) {
			return "", false, false
		}
	} else if strings.EqualFold(host, hostOnly(registryHost)) {
		return "", false, false
	}
	if ip := net.ParseIP(host); ip != nil {
		return ip.String(), false, privateIP(ip.String())
	}
	if !e.prof.Token.RealmResolves {
		return "", false, false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		// oras-go lets a name it cannot resolve through.
		return "", false, false
	}
	for _, a := range addrs {
		if privateIP(a.IP.String()) {
			return a.IP.String(), true, true
		}
	}
	return "", false, false
}

func (e *engine) lastURL() string {
	if n := len(e.trace.Steps); n > 0 && e.trace.Steps[n-1].Request != nil {
		return e.trace.Steps[n-1].Request.URL
	}
	return ""
}

// basicCred is what a token GET sends as Basic: containerd sends ":token"
// for an identity token, others need a username and a password.
type basicCred struct{ user, secret string }

// mergeScopes adds the challenge's scope to the client's own, sorted and
// without duplicates, as containerd's GetTokenScopes does.
func mergeScopes(own []string, challengeScope string) []string {
	out := append([]string(nil), own...)
	for _, s := range strings.Fields(challengeScope) {
		if !contains(out, s) {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	if len(out) == 0 {
		return nil
	}
	return out
}

func oauthFallsBack(status int) bool {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusBadRequest, http.StatusUnauthorized:
		return true
	}
	return false
}

// postRefused explains an OAuth2 POST refusal the client does not fall back
// from: the client that uses GET (Docker) gets a token where this one fails.
func (e *engine) postRefused(st *Step, realm *url.URL, fallbackText string, hasUsername bool) {
	e.refusedPOST = st
	status := st.Response.Status
	if status == http.StatusMethodNotAllowed && !hasUsername {
		e.trace.diag(diagnose.NoFallbackOn405WithoutUsername, fmt.Sprintf("%s answered the OAuth2 POST (grant_type=refresh_token) with 405: %s falls back to GET on 405 only when there is a username, and an identity token has none", realm.Redacted(), e.clientName()),
			"Log in again so a username and password are stored instead of an identity token, or have the token service accept POST.")
		return
	}
	e.trace.diag(diagnose.TokenPOSTRefused, fmt.Sprintf("%s answered the OAuth2 POST with %d; %s falls back to GET only on %s, so it fails here, while Docker (classic store) and podman ask with GET and get a token", realm.Redacted(), status, e.clientName(), fallbackText),
		"Have the token service (or the proxy in front of it) accept POST on the realm, or answer it with 404/401/400 so the client falls back to GET.")
}

// getToken is the token GET as the profile's client builds it: the realm's
// own query kept, the client's fields added, keys sorted as url.Values.Encode
// sorts them.
func (e *engine) getToken(ctx context.Context, realm *url.URL, service string, scopes []string, login bool, cred basicCred) *Step {
	rule := e.prof.Token
	u := *realm
	q := u.Query()
	withBasic := cred.secret != "" && (cred.user != "" || rule.Basic == BasicWithSecret)
	if rule.Account && cred.user != "" && (withBasic || !rule.AccountNeedsPassword) {
		q.Set("account", cred.user)
	}
	if login && e.prof.Login != nil {
		for k, v := range e.prof.Login.Fields {
			q.Set(k, v)
		}
	}
	for k, v := range rule.GetFields {
		q.Set(k, v)
	}
	for _, s := range scopes {
		q.Add("scope", s)
	}
	if service != "" {
		q.Set("service", service)
	}
	u.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	e.routeToken(req)
	title := "Request a token"
	if withBasic {
		req.SetBasicAuth(cred.user, cred.secret)
		title += " with Basic credentials"
	} else {
		title += " anonymously"
	}
	return e.send(ctx, StepToken, title, req)
}

// postToken is the OAuth2 form POST (token.md's oauth variant) with the
// profile's client_id and scope form.
func (e *engine) postToken(ctx context.Context, realm *url.URL, service string, scopes []string, form url.Values, title string) *Step {
	rule := e.prof.Token
	form.Set("client_id", rule.ClientID)
	switch {
	case len(scopes) == 0 && rule.OmitEmptyScope:
	case rule.ScopeEach:
		for _, s := range scopes {
			form.Add("scope", s)
		}
	default:
		form.Set("scope", strings.Join(scopes, " "))
	}
	if service != "" || rule.PostServiceAlways {
		form.Set("service", service)
	}
	body := form.Encode()
	req, _ := http.NewRequest(http.MethodPost, realm.String(), strings.NewReader(body))
	e.routeToken(req)
	req.Header.Set("Content-Type", orDefault(rule.PostContentType, "application/x-www-form-urlencoded"))
	return e.send(ctx, StepToken, title, req)
}

// readToken judges the token service's answer.
func (e *engine) readToken(st *Step, realm *url.URL) (string, bool) {
	t := e.trace
	if st.Response == nil {
		e.transportFailure(st, "token service", realm.Host)
		return "", false
	}
	e.checkClock(st)
	r := st.Response
	if r.Status != http.StatusOK {
		res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, nil)
		t.Verdict = VerdictRefused
		switch {
		case st == e.refusedPOST:
			// The refusal is of the POST form, not of the credentials.
			t.Summary = fmt.Sprintf("the token service refused the OAuth2 POST with %d", r.Status)
		case r.Status == http.StatusUnauthorized || r.Status == http.StatusForbidden:
			e.badCredentials(st, "the token service refused the credentials", realm.String())
			t.Summary = fmt.Sprintf("Get %q: %s", e.trace.Endpoint+"/v2/", oneLine(res.EngineText, 200))
		default:
			t.diag(diagnose.TokenEndpointError, e.tokenEndpointMessage(realm, r), "")
			t.Summary = fmt.Sprintf("the token service answered %d", r.Status)
		}
		return "", false
	}
	reply, err := regtoken.ParseReply(r.Body)
	if err != nil {
		t.Verdict = VerdictRefused
		var re *regtoken.ReplyError
		if errors.As(err, &re) && re.Kind == "no-token" {
			t.diag(diagnose.TokenMissing, fmt.Sprintf("%s answered 200 but %s (Docker: \"authorization server did not include a token in the response\")", realm.Redacted(), re.Detail), "")
			t.Summary = "the token reply holds no token"
		} else {
			t.diag(diagnose.TokenEndpointError, e.tokenEndpointMessage(realm, r), "")
			t.Summary = "the token service's reply is not a token"
		}
		return "", false
	}
	tok := reply.Token
	e.learnReplySecrets(r.Body)
	st.Token = e.viewToken(reply, tok, st)
	if reply.RefreshToken != "" {
		st.Notes = append(st.Notes, "the reply carries a refresh_token: docker login stores it as identitytoken and forgets the password")
	}
	return tok, true
}

// tokenEndpointMessage names the realm URL, status, Content-Type and the
// first bytes of the body: far more than "invalid character '<'".
func (e *engine) tokenEndpointMessage(realm *url.URL, r *Response) string {
	ct := r.Headers.Get("Content-Type")
	if ct == "" {
		ct = "no Content-Type"
	}
	res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, nil)
	return fmt.Sprintf("%s answered %d (%s), not a token: %q; Docker shows %q",
		realm.Redacted(), r.Status, ct, oneLine(string(r.Body), 120), oneLine(res.EngineText, 160))
}

// viewToken decodes a token for the trace and runs the token checks.
func (e *engine) viewToken(reply *regtoken.Reply, raw string, st *Step) *TokenView {
	v := &TokenView{Reply: reply, Raw: raw}
	tok, err := regtoken.Decode(raw)
	if err != nil {
		v.Error = err.Error()
	} else {
		v.Decoded = tok
		v.Checks = regtoken.Check(tok, e.opts.Now())
		for _, d := range v.Checks {
			e.trace.add(d)
		}
	}
	e.trace.Token = v
	return v
}

// checkRealm validates the challenge's realm before any credentials go there.
func (e *engine) checkRealm(ep Endpoint, base string, ch challenge.Challenge) (*url.URL, bool) {
	t := e.trace
	raw := ch.Params["realm"]
	if raw == "" {
		t.diag(diagnose.RealmMissing, fmt.Sprintf("the Bearer challenge %q has no realm as Docker reads it (Docker: \"no realm specified for token auth challenge\")", oneLine(ch.Raw, 200)), "")
		e.stop(VerdictRefused, "no realm specified for token auth challenge")
		return nil, false
	}
	realm, err := url.Parse(raw)
	if err != nil || (realm.Scheme != "http" && realm.Scheme != "https") || realm.Host == "" {
		t.diag(diagnose.RealmInvalid, fmt.Sprintf("realm %q is not an absolute http(s) URL; clients do not resolve it against the registry (Docker: \"unsupported protocol scheme\")", raw), "")
		e.stop(VerdictRefused, "the realm is not an absolute URL")
		return nil, false
	}
	regURL, _ := url.Parse(base)
	if !strings.EqualFold(realm.Hostname(), regURL.Hostname()) {
		t.diag(diagnose.RealmOtherHost, fmt.Sprintf("the token service is %s, not the registry host %s: credentials go there", realm.Host, regURL.Host), "")
	}
	if realm.Scheme == "http" && regURL.Scheme == "https" {
		c := e.opts.Credentials
		sends := c.Password != "" || c.IdentityToken != ""
		msg := fmt.Sprintf("the registry is https but its realm %s is plain http", raw)
		if sends && !e.opts.AllowPlainHTTPRealm {
			t.diag(diagnose.RealmPlainHTTP, msg+": regauth did not send the credentials over it", "")
			e.stop(VerdictRefused, "the realm is plain http; credentials not sent (--allow-plain-http-realm sends them)")
			return nil, false
		}
		t.diag(diagnose.RealmPlainHTTP, msg, "")
	}
	return realm, true
}

// learnReplySecrets registers every token-bearing field of a token reply,
// not only the one used: token and access_token may differ.
func (e *engine) learnReplySecrets(body []byte) {
	var m map[string]any
	if json.Unmarshal(body, &m) != nil {
		return
	}
	for _, k := range []string{"token", "access_token", "refresh_token", "id_token"} {
		if s, ok := m[k].(string); ok {
			e.opts.Redactor.Add(k, s)
		}
	}
}

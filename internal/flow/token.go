package flow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
)

// dockerClientID is what `docker login` sends as client_id.
const dockerClientID = "docker"

// obtainToken performs the token step for a Bearer challenge and returns the
// token to send. scopes nil means a login (offline_token, no scope).
func (e *engine) obtainToken(ctx context.Context, ep Endpoint, base string, ch challenge.Challenge, scopes []string) (string, bool) {
	t := e.trace
	c := e.opts.Credentials
	if c.RegistryToken != "" {
		t.Steps[len(t.Steps)-1].Notes = append(t.Steps[len(t.Steps)-1].Notes,
			"a registrytoken is stored: Docker sends it as the Bearer token without asking the token service")
		e.viewToken(nil, c.RegistryToken, nil)
		return c.RegistryToken, true
	}
	realm, ok := e.checkRealm(ep, base, ch)
	if !ok {
		return "", false
	}
	login := scopes == nil
	service := ch.Params["service"]

	var st *Step
	switch {
	case c.IdentityToken != "":
		st = e.postToken(ctx, realm, service, scopes, url.Values{
			"grant_type": {"refresh_token"}, "refresh_token": {c.IdentityToken}}, "Exchange the identity token (OAuth2 POST, grant_type=refresh_token)")
	case e.opts.OAuth && c.Username != "" && c.Password != "":
		st = e.postToken(ctx, realm, service, scopes, url.Values{
			"grant_type": {"password"}, "username": {c.Username}, "password": {c.Password}, "access_type": {"offline"}}, "Request a token (OAuth2 POST, grant_type=password)")
		if st.Response != nil && oauthFallsBack(st.Response.Status) {
			st.Notes = append(st.Notes, fmt.Sprintf("%d: containerd falls back to GET with Basic credentials on 400, 401, 404 and 405", st.Response.Status))
			t.diag(diagnose.OAuthFallback, fmt.Sprintf("the token service answered the OAuth2 POST with %d; GET was used instead", st.Response.Status), "")
			st = e.getToken(ctx, realm, service, scopes, login)
		}
	default:
		st = e.getToken(ctx, realm, service, scopes, login)
	}
	return e.readToken(st, realm)
}

func oauthFallsBack(status int) bool {
	switch status {
	case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusBadRequest, http.StatusUnauthorized:
		return true
	}
	return false
}

// getToken is the Docker engine's GET token request: the realm's own query
// kept, account/client_id/offline_token/scope/service added, keys sorted as
// url.Values.Encode sorts them, Basic credentials when both user and
// password are known.
func (e *engine) getToken(ctx context.Context, realm *url.URL, service string, scopes []string, login bool) *Step {
	c := e.opts.Credentials
	u := *realm
	q := u.Query()
	withBasic := c.Username != "" && c.Password != ""
	if withBasic {
		q.Set("account", c.Username)
	}
	if login {
		q.Set("client_id", dockerClientID)
		q.Set("offline_token", "true")
	}
	for _, s := range scopes {
		q.Add("scope", s)
	}
	if service != "" {
		q.Set("service", service)
	}
	u.RawQuery = q.Encode()
	req, _ := http.NewRequest(http.MethodGet, u.String(), nil)
	title := "Request a token"
	if withBasic {
		req.SetBasicAuth(c.Username, c.Password)
		title += " with Basic credentials"
	} else {
		title += " anonymously"
	}
	return e.send(ctx, StepToken, title, req)
}

// postToken is the OAuth2 form POST (token.md's oauth variant).
func (e *engine) postToken(ctx context.Context, realm *url.URL, service string, scopes []string, form url.Values, title string) *Step {
	form.Set("client_id", dockerClientID)
	form.Set("scope", strings.Join(scopes, " "))
	if service != "" {
		form.Set("service", service)
	}
	body := form.Encode()
	req, _ := http.NewRequest(http.MethodPost, realm.String(), strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
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

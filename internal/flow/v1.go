package flow

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// LoginV1 replays `docker login` as a client of the registry v1 API did it
// (Docker before 1.6; 1.11 to 17.05 only with legacy registries enabled):
// GET /v1/_ping, then POST /v1/users/ with the auth config as JSON, and on
// 401 (or 400 "Username or email already exists") GET /v1/users/ with Basic
// credentials. The texts in the summary are the ones that Docker printed.
func LoginV1(ctx context.Context, opts Options) *Trace {
	e := newEngine(opts, "login-trace")
	t := e.trace
	e.learnJSONPassword()
	defer e.finish()

	ep, ok := e.endpoint()
	if !ok {
		return t
	}
	if ep.DockerHub {
		// v1 logins to Hub went to the index, not to registry-1.
		ep.Host = "index.docker.io"
	}
	base, ping := e.pingV1(ctx, ep)
	if ping == nil {
		return t
	}
	server := base + "/v1/"
	post := e.postV1Users(ctx, server)
	if post.Response == nil {
		e.transportFailure(post, "registry", ep.Host)
		return t
	}
	e.judgeV1Post(ctx, server, ping, post)
	return t
}

// pingV1 is GET /v1/_ping over https, then http for a loopback or insecure
// registry, as the old client's endpoint validation did.
func (e *engine) pingV1(ctx context.Context, ep Endpoint) (string, *Step) {
	base, st := e.pingPath(ctx, ep, pingSpec{
		path: "/v1/_ping", kind: StepV1, client: "the old client",
		title: "Ping the v1 API (GET /v1/_ping) without credentials", retry: "Ping the v1 API again over plain http",
	})
	if st != nil {
		e.readV1Ping(st)
	}
	return base, st
}

// readV1Ping notes what the old client learnt from the ping. It never
// checked the status: only the JSON body and the X-Docker-Registry-*
// headers, so a 404 page let it carry on to the login.
func (e *engine) readV1Ping(st *Step) {
	r := st.Response
	version := r.Headers.Get("X-Docker-Registry-Version")
	switch {
	case version != "":
		st.Notes = append(st.Notes, "a v1 registry, version "+oneLine(version, 40)+" (X-Docker-Registry-Version)")
	case r.Status == http.StatusOK && isJSON(r):
		st.Notes = append(st.Notes, "a v1 registry: /v1/_ping answers JSON")
	default:
		st.Notes = append(st.Notes, "not a v1 registry's answer; the old client did not check the status of the ping and went on to the login anyway")
	}
}

// v1AuthConfig is the JSON the old daemon posted: its AuthConfig with the
// server address blanked, fields in this order, HTML characters escaped as
// encoding/json does by default.
type v1AuthConfig struct {
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty"`
	Auth     string `json:"auth"`
	Email    string `json:"email"`
}

func (e *engine) postV1Users(ctx context.Context, server string) *Step {
	c := e.opts.Credentials
	body, _ := json.Marshal(v1AuthConfig{Username: c.Username, Password: c.Password})
	req, _ := http.NewRequest(http.MethodPost, server+"users/", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	st := e.send(ctx, StepV1, "Log in or create the account (POST /v1/users/ with the credentials as JSON)", req)
	who := "username " + quoteOr(c.Username, "(none)")
	st.Notes = append(st.Notes, "the JSON body carries the "+who+", the password in clear and an empty email, exactly as Docker before 1.11 sent them")
	return st
}

// judgeV1Post follows the old client's branches on the POST's status.
func (e *engine) judgeV1Post(ctx context.Context, server string, ping, post *Step) {
	t := e.trace
	r := post.Response
	body := strings.TrimSpace(string(r.Body))
	switch {
	case r.Status == http.StatusCreated:
		t.Verdict = VerdictOK
		t.Summary = "Account created. Please see the documentation of the registry " + server + " for instructions how to activate it."
	case r.Status == http.StatusUnauthorized,
		r.Status == http.StatusBadRequest && body == `"Username or email already exists"`:
		post.Notes = append(post.Notes, "the old client takes this answer as \"the account exists\" and checks the password with GET /v1/users/")
		e.getV1Users(ctx, server, r.Status == http.StatusBadRequest)
	case r.Status == http.StatusBadRequest:
		t.Verdict, t.Summary = VerdictRefused, "Registration: "+oneLine(body, 200)
	default:
		t.Verdict, t.Summary = VerdictRefused, "Unexpected status code ["+strconv.Itoa(r.Status)+"] : "+oneLine(body, 200)
		e.v1Missing(ping, post)
	}
}

func (e *engine) getV1Users(ctx context.Context, server string, afterExists bool) {
	t := e.trace
	c := e.opts.Credentials
	req, _ := http.NewRequest(http.MethodGet, server+"users/", nil)
	req.SetBasicAuth(c.Username, c.Password)
	st := e.send(ctx, StepV1, "Check the credentials (GET /v1/users/ with Basic credentials)", req)
	if st.Response == nil {
		e.transportFailure(st, "registry", hostOf(server))
		return
	}
	r := st.Response
	body := oneLine(strings.TrimSpace(string(r.Body)), 200)
	t.Verdict = VerdictRefused
	switch {
	case r.Status == http.StatusOK:
		t.Verdict, t.Summary = VerdictOK, "Login Succeeded"
	case r.Status == http.StatusUnauthorized:
		t.Summary = "Wrong login/password, please try again"
		e.badCredentials(st, "the v1 registry refused the Basic credentials", server)
	case r.Status == http.StatusForbidden && afterExists:
		t.Summary = "Login: Account is not Active. Please see the documentation of the registry " + server + " for instructions how to activate it."
	case r.Status == http.StatusInternalServerError && afterExists:
		t.Summary = "Internal Server Error"
	default:
		t.Summary = "Login: " + body + " (Code: " + strconv.Itoa(r.Status) + "; Headers: …)"
		if r.Status == http.StatusNotFound {
			e.v1Missing(nil, st)
		}
	}
}

// v1Missing explains a /v1/ path that the registry does not serve.
func (e *engine) v1Missing(ping, st *Step) {
	r := st.Response
	what := describeV1Answer(r)
	msg := st.Request.URL + " answered " + strconv.Itoa(r.Status) + " (" + what + ")"
	if ping != nil && ping.Response != nil && ping.Response.Status == r.Status {
		msg = ping.Request.URL + " and " + msg
	}
	msg += ": this registry has no v1 API, so a client that logs in through /v1/ fails with \"" + oneLine(e.trace.Summary, 60) + "\"; current clients use the v2 handshake instead"
	d := diagnose.New(diagnose.V1NotSupported, oneLine(msg, 600), "")
	e.trace.add(d)
}

// describeV1Answer names who probably wrote a /v1/ answer.
func describeV1Answer(r *Response) string {
	b := string(r.Body)
	switch {
	case strings.Contains(b, "<center>nginx</center>"):
		return "nginx's own 404 page: Harbor's proxy answers every /v1/ path this way"
	case strings.TrimSpace(b) == "404 page not found":
		return "Go's plain 404: the distribution registry has no v1 API"
	case strings.Contains(r.ContentType(), "html"):
		return "an HTML page"
	case r.ContentType() != "":
		return r.ContentType()
	}
	return "no Content-Type"
}

// learnJSONPassword registers the password as it appears inside the JSON
// body (encoding/json escapes quotes, backslashes and <, >, &), so masking
// finds it there too.
func (e *engine) learnJSONPassword() {
	pw := e.opts.Credentials.Password
	b, _ := json.Marshal(pw)
	if esc := string(b[1 : len(b)-1]); esc != pw {
		e.opts.Redactor.Add("password", esc)
	}
}

func isJSON(r *Response) bool {
	ct := r.ContentType()
	return ct == "application/json" || strings.HasSuffix(ct, "+json")
}

func quoteOr(s, def string) string {
	if s == "" {
		return def
	}
	return `"` + s + `"`
}

// Package flow is regauth's handshake engine. It replays what a Docker
// client sends to a registry and its token service, and returns a typed
// Trace of every step. It never prints: rendering is another layer's job.
package flow

import (
	"net/http"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
)

// StepKind says what a step was for.
type StepKind string

const (
	StepPing      StepKind = "ping"      // GET /v2/ without credentials
	StepToken     StepKind = "token"     // the token request (GET or OAuth POST)
	StepAuthPing  StepKind = "auth-ping" // GET /v2/ with credentials
	StepManifest  StepKind = "manifest"  // HEAD/GET of a manifest
	StepBlob      StepKind = "blob"      // GET or HEAD of a blob
	StepUpload    StepKind = "upload"    // POST of an upload session (push-trace)
	StepCleanup   StepKind = "cleanup"   // regauth's own clean-up, no client sends it
	StepRedirect  StepKind = "redirect"  // a hop that followed a 3xx
	StepV1        StepKind = "v1"        // an old client's /v1/ call
	StepTransport StepKind = "transport" // a step that never got an answer
)

// Request is what went on the wire. Headers hold real values: every
// renderer masks them.
type Request struct {
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers http.Header `json:"headers"`
	Body    []byte      `json:"-"`
}

// Response is what came back, its body read up to the engine's limit.
type Response struct {
	Status        int         `json:"status"`
	StatusText    string      `json:"status_text"`
	Proto         string      `json:"proto"`
	Headers       http.Header `json:"headers"`
	Body          []byte      `json:"-"`
	BodyTruncated bool        `json:"body_truncated,omitempty"`
	// Encoding is a Content-Encoding the request did not ask for: the
	// body is kept as the bytes that came, not decoded.
	Encoding   string                `json:"unrequested_encoding,omitempty"`
	Challenges []challenge.Challenge `json:"challenges,omitempty"`
	// Misreadings lists where the Docker engine reads WWW-Authenticate
	// differently from RFC 7235: often the bug being chased.
	Misreadings []challenge.Difference `json:"misreadings,omitempty"`
}

// ContentType is the response's media type without parameters.
func (r *Response) ContentType() string {
	if r == nil {
		return ""
	}
	ct := r.Headers.Get("Content-Type")
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			return ct[:i]
		}
	}
	return ct
}

// Timing splits a step's duration the way httptrace sees it. Zero parts did
// not happen (a reused connection has no DNS, connect or TLS).
type Timing struct {
	DNS       time.Duration `json:"dns"`
	Connect   time.Duration `json:"connect"`
	TLS       time.Duration `json:"tls"`
	FirstByte time.Duration `json:"first_byte"`
	Total     time.Duration `json:"total"`
}

// Step is one request and its answer (or the error that stopped it).
type Step struct {
	Index    int       `json:"index"`
	Kind     StepKind  `json:"kind"`
	Title    string    `json:"title"`
	Request  *Request  `json:"request,omitempty"`
	Response *Response `json:"response,omitempty"`
	Timing   Timing    `json:"timing"`
	Started  time.Time `json:"started"`
	Err      string    `json:"error,omitempty"`
	// Notes explain what the step means or why it happened ("fell back to
	// http", "Authorization not sent: the redirect left the registry host").
	Notes []string `json:"notes,omitempty"`
	// Token is the token this step obtained, decoded.
	Token *TokenView `json:"token,omitempty"`
	// Redirect is set on a step that followed a redirect.
	Redirect *Hop `json:"redirect,omitempty"`

	err error // the transport error behind Err, for classification
}

// TokenView is a token obtained during the trace.
type TokenView struct {
	Reply   *regtoken.Reply      `json:"reply,omitempty"`
	Decoded *regtoken.Token      `json:"decoded,omitempty"`
	Error   string               `json:"decode_error,omitempty"`
	Checks  []diagnose.Diagnosis `json:"-"`
	Raw     string               `json:"-"`
}

// Credentials are what the trace authenticates with, and where they came from.
type Credentials struct {
	Username      string `json:"username,omitempty"`
	Password      string `json:"-"`
	IdentityToken string `json:"-"`
	RegistryToken string `json:"-"`
	// Source says where they came from: "flags", "config auths[\"host\"] in
	// /path", "credential helper docker-credential-pass", "none".
	Source string `json:"source"`
	// Kind says what the secret is (credkind); its findings join the
	// trace's diagnoses when the trace starts.
	Kind *credkind.Kind `json:"kind,omitempty"`
}

// HasSecret reports whether there is anything to authenticate with.
func (c Credentials) HasSecret() bool {
	return c.Password != "" || c.IdentityToken != "" || c.RegistryToken != ""
}

// Verdict is the trace's conclusion.
type Verdict string

const (
	VerdictOK        Verdict = "ok"
	VerdictRefused   Verdict = "refused"
	VerdictTransport Verdict = "transport-error"
)

// ClientInfo names the client profile a trace replays.
type ClientInfo struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Basis says whether the profile was checked against the real client
	// or follows its source only.
	Basis    string `json:"basis"`
	Verified bool   `json:"verified"`
	// Why says why this profile was used (the Docker daemon's store).
	Why string `json:"why,omitempty"`
	// Error is the line the client itself prints for this failure; Events
	// the lines around it (the kubelet's pod events).
	Error  string   `json:"error,omitempty"`
	Events []string `json:"events,omitempty"`
}

// Trace is the result of one handshake.
type Trace struct {
	Command     string      `json:"command"`
	Client      *ClientInfo `json:"client"`
	Registry    string      `json:"registry"`
	Endpoint    string      `json:"endpoint"`
	Credentials Credentials `json:"credentials"`
	// CredentialHelper is the helper that failed, when one did.
	CredentialHelper *HelperFailure       `json:"credential_helper,omitempty"`
	Proxy            string               `json:"proxy,omitempty"`
	Flavour          *flavour.Match       `json:"flavour,omitempty"` // the registry product the wire shows (flavour.go)
	Steps            []*Step              `json:"steps"`
	Token            *TokenView           `json:"token,omitempty"`
	Verdict          Verdict              `json:"verdict"`
	Summary          string               `json:"summary"`
	Diagnoses        []diagnose.Diagnosis `json:"diagnoses"`
	Started          time.Time            `json:"started"`
	Duration         time.Duration        `json:"duration"`
}

// OK reports whether the operation would succeed.
func (t *Trace) OK() bool { return t.Verdict == VerdictOK }

func (t *Trace) add(d diagnose.Diagnosis) {
	for _, have := range t.Diagnoses {
		if have.Code == d.Code && have.Message == d.Message {
			return
		}
	}
	t.Diagnoses = append(t.Diagnoses, d)
}

func (t *Trace) diag(code diagnose.Code, msg, hint string) {
	t.add(diagnose.New(code, msg, hint))
}

// addKindFindings reports what does not fit about the credentials' kind.
func (t *Trace) addKindFindings(c Credentials) {
	if c.Kind != nil {
		for _, d := range c.Kind.Findings {
			t.add(d)
		}
	}
}

package render

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// bodyPreview bounds how much of a body the JSON and verbose text show.
const bodyPreview = 4096

// TraceDoc is the JSON document of a trace (docs/json.md). Every string in
// it has been through the redactor.
type TraceDoc struct {
	SchemaVersion int            `json:"schemaVersion"`
	Command       string         `json:"command"`
	Client        *ClientDoc     `json:"client,omitempty"`
	Registry      string         `json:"registry"`
	Endpoint      string         `json:"endpoint"`
	OK            bool           `json:"ok"`
	Verdict       string         `json:"verdict"`
	Summary       string         `json:"summary"`
	Credentials   CredentialsDoc `json:"credentials"`
	// CredentialHelper is the helper that failed, when one did.
	CredentialHelper *flow.HelperFailure  `json:"credential_helper,omitempty"`
	Proxy            string               `json:"proxy,omitempty"`
	Flavour          *flavour.Match       `json:"flavour,omitempty"`
	Steps            []StepDoc            `json:"steps"`
	Token            *TokenDoc            `json:"token,omitempty"`
	Diagnoses        []diagnose.Diagnosis `json:"diagnoses"`
	DurationMS       float64              `json:"duration_ms"`
	Extra            any                  `json:"details,omitempty"`
}

// ClientDoc names the client profile replayed and what it would print:
// flow's ClientInfo with its server-derived strings masked.
type ClientDoc = flow.ClientInfo

func clientDoc(c *flow.ClientInfo, r *redact.Redactor) *ClientDoc {
	if c == nil {
		return nil
	}
	d := *c
	d.Why, d.Error, d.Events = r.String(c.Why), r.String(redact.OneLine(c.Error)), nil
	for _, e := range c.Events {
		d.Events = append(d.Events, r.String(redact.OneLine(e)))
	}
	return &d
}

// CredentialsDoc says who the trace authenticated as, never with what.
type CredentialsDoc struct {
	Username string `json:"username,omitempty"`
	Secret   string `json:"secret,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Source   string `json:"source"`
	// CredentialKind says what the secret is: credkind's id, title, facts.
	CredentialKind *credkind.Kind `json:"credential_kind,omitempty"`
}

type StepDoc struct {
	Index   int         `json:"index"`
	Kind    string      `json:"kind"`
	Title   string      `json:"title"`
	Request *RequestDoc `json:"request,omitempty"`
	// Curl is the equivalent curl command, with --curl.
	Curl       string       `json:"curl,omitempty"`
	Response   *ResponseDoc `json:"response,omitempty"`
	DurationMS float64      `json:"duration_ms"`
	Timing     TimingDoc    `json:"timing"`
	Error      string       `json:"error"`
	Notes      []string     `json:"notes,omitempty"`
}

type TimingDoc struct {
	DNSMS       float64 `json:"dns_ms"`
	ConnectMS   float64 `json:"connect_ms"`
	TLSMS       float64 `json:"tls_ms"`
	FirstByteMS float64 `json:"first_byte_ms"`
}

type RequestDoc struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
	Body    string              `json:"body,omitempty"`
}

type ResponseDoc struct {
	Status        int                    `json:"status"`
	Headers       map[string][]string    `json:"headers"`
	Body          string                 `json:"body"`
	BodyTruncated bool                   `json:"body_truncated,omitempty"`
	Challenge     *challenge.Challenge   `json:"challenge,omitempty"`
	Challenges    []challenge.Challenge  `json:"challenges,omitempty"`
	Misreadings   []challenge.Difference `json:"misreadings,omitempty"`
}

func ms(d interface{ Seconds() float64 }) float64 {
	return float64(int64(d.Seconds()*1e6)) / 1e3
}

// NewTraceDoc builds the masked JSON view of t.
func NewTraceDoc(t *flow.Trace, r *redact.Redactor) TraceDoc {
	doc := TraceDoc{
		SchemaVersion:    SchemaVersion,
		Command:          t.Command,
		Client:           clientDoc(t.Client, r),
		Registry:         r.String(t.Registry),
		Endpoint:         r.URL(t.Endpoint),
		OK:               t.OK(),
		Verdict:          string(t.Verdict),
		Summary:          r.String(t.Summary),
		Credentials:      credentialsDoc(t.Credentials, r),
		CredentialHelper: helperDoc(t.CredentialHelper, r),
		Proxy:            r.URL(t.Proxy),
		Flavour:          flavourDoc(t.Flavour, r),
		Steps:            []StepDoc{},
		Diagnoses:        maskDiagnoses(t.Diagnoses, r),
		DurationMS:       ms(t.Duration),
	}
	for _, s := range t.Steps {
		doc.Steps = append(doc.Steps, stepDoc(s, r))
	}
	if t.Token != nil {
		doc.Token = NewTokenDoc(t.Token, r)
	}
	return doc
}

func credentialsDoc(c flow.Credentials, r *redact.Redactor) CredentialsDoc {
	d := CredentialsDoc{Username: c.Username, Source: r.String(c.Source), CredentialKind: maskKind(c.Kind, r)}
	switch {
	case c.IdentityToken != "":
		d.Kind, d.Secret = "identitytoken", r.Value("identitytoken", c.IdentityToken)
	case c.RegistryToken != "":
		d.Kind, d.Secret = "registrytoken", r.Value("registrytoken", c.RegistryToken)
	case c.Password != "":
		d.Kind, d.Secret = "password", r.Value("password", c.Password)
	}
	return d
}

func maskDiagnoses(ds []diagnose.Diagnosis, r *redact.Redactor) []diagnose.Diagnosis {
	out := make([]diagnose.Diagnosis, 0, len(ds))
	for _, d := range ds {
		d.Message = r.String(redact.OneLine(d.Message))
		d.Hint = r.String(d.Hint)
		out = append(out, d)
	}
	return out
}

func stepDoc(s *flow.Step, r *redact.Redactor) StepDoc {
	d := StepDoc{
		Index:      s.Index,
		Kind:       string(s.Kind),
		Title:      s.Title,
		DurationMS: ms(s.Timing.Total),
		Timing:     TimingDoc{ms(s.Timing.DNS), ms(s.Timing.Connect), ms(s.Timing.TLS), ms(s.Timing.FirstByte)},
		Error:      r.String(s.Err),
	}
	for _, n := range s.Notes {
		d.Notes = append(d.Notes, r.String(n))
	}
	if q := s.Request; q != nil {
		d.Request = &RequestDoc{Method: q.Method, URL: r.URL(q.URL), Headers: maskHeaders(q.Headers, r), Body: maskBody(q.Body, r)}
	}
	if p := s.Response; p != nil {
		rd := &ResponseDoc{
			Status:        p.Status,
			Headers:       maskHeaders(p.Headers, r),
			Body:          r.String(responseBody(p)),
			BodyTruncated: p.BodyTruncated,
			Challenges:    p.Challenges,
			Misreadings:   p.Misreadings,
		}
		if len(p.Challenges) > 0 {
			c := p.Challenges[0]
			rd.Challenge = &c
		}
		d.Response = rd
	}
	return d
}

// maskHeaders masks credential headers and registered secrets. Header maps
// keep Go's canonical names.
func maskHeaders(h http.Header, r *redact.Redactor) map[string][]string {
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], r.Header(k, v))
		}
	}
	return out
}

// maskBody shows a form body with its secret fields masked.
func maskBody(b []byte, r *redact.Redactor) string {
	if len(b) == 0 {
		return ""
	}
	s := string(b)
	if !r.Showing() {
		if j, ok := maskJSONSecrets(s); ok {
			return r.String(j)
		}
		parts := strings.Split(s, "&")
		for i, p := range parts {
			k, v, ok := strings.Cut(p, "=")
			if ok && isSecretField(k) && v != "" {
				parts[i] = k + "=" + redact.Mask(k, v)
			}
		}
		s = strings.Join(parts, "&")
	}
	return r.String(s)
}

func isSecretField(k string) bool {
	switch strings.ToLower(k) {
	case "password", "refresh_token", "access_token", "token", "client_secret", "identitytoken":
		return true
	}
	return false
}

// responseBody is a response's body as text; one in an encoding nobody
// asked for is named, not shown: it is compressed bytes.
func responseBody(p *flow.Response) string {
	if p.Encoding != "" {
		more := ""
		if p.BodyTruncated {
			more = "+"
		}
		return fmt.Sprintf("%d%s bytes of %s (not decoded)", len(p.Body), more, redact.Printable(p.Encoding))
	}
	return previewBody(p.Body)
}

// previewBody is the first bytes of a body as text: controls, bidi
// controls and bytes that are not UTF-8 escaped (\x1b, \u202e, \xff).
func previewBody(b []byte) string {
	if len(b) > bodyPreview {
		b = b[:bodyPreview]
	}
	// CRLF line ends are ordinary in server pages; only a lone CR could
	// overwrite what the terminal shows.
	return redact.Printable(strings.ReplaceAll(string(b), "\r\n", "\n"))
}

// sortedKeys gives header names in a stable order for text output.
func sortedKeys(h map[string][]string) []string {
	ks := make([]string, 0, len(h))
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// AddCurl puts each step's curl command into the document (--curl with
// -o json).
func (d *TraceDoc) AddCurl(t *flow.Trace, r *redact.Redactor) {
	for i, st := range t.Steps {
		if i < len(d.Steps) && st.Request != nil {
			d.Steps[i].Curl = Curl(st.Request, r)
		}
	}
}

// helperDoc is the failed helper with every server- or helper-made string
// passed through the redactor.
func helperDoc(h *flow.HelperFailure, r *redact.Redactor) *flow.HelperFailure {
	if h == nil {
		return nil
	}
	d := *h
	d.Stderr, d.Message, d.ClientText, d.Source = r.String(h.Stderr), r.String(h.Message), r.String(h.ClientText), r.String(h.Source)
	return &d
}

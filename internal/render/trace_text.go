package render

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// TextOptions choose what the text trace shows.
type TextOptions struct {
	Verbose bool // every header and error bodies
	Curl    bool // an equivalent curl command per step
	Now     time.Time
	// Intro and Details print a command's own sections (pull-trace's image
	// and scope table): Intro under the heading, Details between the steps
	// and the verdict.
	Intro, Details func(io.Writer) error
}

// TraceText writes t as numbered steps, then the verdict and diagnoses.
func TraceText(w io.Writer, t *flow.Trace, r *redact.Redactor, st Style, o TextOptions) error {
	p := &printer{w: w}
	who := "anonymously"
	if t.Credentials.Username != "" {
		who = "as " + t.Credentials.Username
	} else if t.Credentials.IdentityToken != "" {
		who = "with an identity token"
	} else if t.CredentialHelper != nil {
		who = "without credentials (the helper failed)"
	}
	p.line("%s %s %s%s (credentials: %s%s)", st.Bold(t.Command), r.String(t.Registry), who, clientWords(t.Client), r.String(t.Credentials.Source), credentialKindWords(t.Credentials.Kind, r))
	if c := t.Client; c != nil && c.ID != flow.DefaultClient {
		p.line("%s", st.Dim(fmt.Sprintf("client: %s; %s", c.Title, c.Basis)))
	}
	if c := t.Client; c != nil && c.Why != "" {
		p.line("%s", st.Dim("client: "+r.String(c.Why)))
	}
	if t.Proxy != "" {
		p.line("via proxy %s", r.URL(t.Proxy))
	}
	writeFlavour(p, t.Flavour, r, st)
	if o.Intro != nil && p.err == nil {
		p.err = o.Intro(w)
	}
	p.line("")
	for _, s := range t.Steps {
		writeStep(p, s, r, st, o)
	}
	if o.Details != nil && p.err == nil {
		p.err = o.Details(w)
	}
	writeVerdict(p, t, r, st)
	return p.err
}

// clientWords names the replayed client in the first line.
func clientWords(c *flow.ClientInfo) string {
	if c == nil {
		return ""
	}
	return ", replaying " + c.ID
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) line(format string, a ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", a...)
}

func writeStep(p *printer, s *flow.Step, r *redact.Redactor, st Style, o TextOptions) {
	req := s.Request
	head := fmt.Sprintf("%2d  %s", s.Index, s.Title)
	p.line("%s", st.Bold(head))
	if req != nil {
		status := st.Red("no answer")
		if s.Response != nil {
			status = st.Status(s.Response.Status, fmt.Sprintf("%d %s", s.Response.Status, s.Response.StatusText))
		}
		p.line("    %s %s -> %s %s", req.Method, r.URL(req.URL), status, st.Dim(fmtDuration(s.Timing.Total)))
		if o.Verbose {
			p.line("    %s", st.Dim(timingLine(s.Timing)))
			for _, k := range sortedKeys(req.Headers) {
				for _, v := range req.Headers[k] {
					p.line("    > %s: %s", k, r.Header(k, redact.OneLine(v)))
				}
			}
			if b := maskBody(req.Body, r); b != "" {
				p.line("    > %s", b)
			}
		} else if a := req.Headers.Get("Authorization"); a != "" {
			p.line("    Authorization: %s", r.Header("Authorization", a))
		}
	}
	if s.Err != "" {
		p.line("    %s %s", st.Red("error:"), r.String(redact.OneLine(s.Err)))
	}
	if resp := s.Response; resp != nil {
		if o.Verbose {
			for _, k := range sortedKeys(resp.Headers) {
				for _, v := range resp.Headers[k] {
					p.line("    < %s: %s", k, r.Header(k, redact.OneLine(v)))
				}
			}
		}
		for _, c := range resp.Challenges {
			p.line("    challenge: %s", formatChallenge(c))
		}
		if (resp.Status >= 400 || o.Verbose) && len(resp.Body) > 0 && s.Token == nil {
			body := redact.OneLine(responseBody(resp))
			if !o.Verbose && len(body) > 200 {
				body = body[:200] + "…"
			}
			p.line("    body: %s", r.String(body))
		}
	}
	if s.Token != nil {
		writeTokenSummary(p, s.Token, r, st, o.Now)
	}
	for _, n := range s.Notes {
		p.line("    %s %s", st.Cyan("note:"), r.String(n))
	}
	if o.Curl && req != nil {
		p.line("    %s", st.Dim(Curl(req, r)))
	}
	p.line("")
}

func timingLine(t flow.Timing) string {
	parts := []string{}
	add := func(name string, d time.Duration) {
		if d > 0 {
			parts = append(parts, name+" "+fmtDuration(d))
		}
	}
	add("dns", t.DNS)
	add("connect", t.Connect)
	add("tls", t.TLS)
	add("first byte", t.FirstByte)
	if len(parts) == 0 {
		return "timing: reused connection"
	}
	return "timing: " + strings.Join(parts, ", ")
}

// formatChallenge prints a challenge as the engine read it, params sorted.
func formatChallenge(c challenge.Challenge) string {
	keys := make([]string, 0, len(c.Params))
	for k := range c.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString(strings.ToUpper(c.Scheme[:1]) + c.Scheme[1:])
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, " %s=%q", k, redact.OneLine(c.Params[k]))
	}
	return b.String()
}

func writeVerdict(p *printer, t *flow.Trace, r *redact.Redactor, st Style) {
	switch t.Verdict {
	case flow.VerdictOK:
		p.line("%s %s", st.Green("OK"), r.String(t.Summary))
	case flow.VerdictTransport:
		p.line("%s %s", st.Red("UNREACHABLE"), r.String(redact.OneLine(t.Summary)))
	default:
		p.line("%s %s", st.Red("REFUSED"), r.String(redact.OneLine(t.Summary)))
	}
	if c := t.Client; c != nil && len(c.Events) > 0 {
		p.line("")
		p.line("%s", st.Bold("kubectl describe pod would show:"))
		for _, e := range c.Events {
			p.line("  %s", r.String(redact.OneLine(e)))
		}
	}
	writeDiagnoses(p, t.Diagnoses, r, st)
}

// WriteDiagnoses prints diagnoses with their hints, worst first.
func WriteDiagnoses(w io.Writer, ds []diagnose.Diagnosis, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	writeDiagnoses(p, ds, r, st)
	return p.err
}

func writeDiagnoses(p *printer, ds []diagnose.Diagnosis, r *redact.Redactor, st Style) {
	if len(ds) == 0 {
		return
	}
	p.line("")
	for _, d := range ds {
		p.line("%s %s: %s", st.Severity(string(d.Severity), fmt.Sprintf("%-7s", d.Severity)), st.Bold(string(d.Code)), r.String(redact.OneLine(d.Message)))
		if d.Hint != "" {
			p.line("        %s %s", st.Dim("fix:"), r.String(d.Hint))
		}
	}
}

func fmtDuration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0ms"
	case d < time.Millisecond:
		return fmt.Sprintf("%.2fms", float64(d)/1e6)
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d)/1e6)
	}
	return d.Round(time.Millisecond).String()
}

package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// PullText writes a pull trace: the image, the steps, then the scope
// table, manifest, pull limit, blob and anonymous comparison, then the
// verdict and diagnoses.
func PullText(w io.Writer, t *flow.Trace, rep *flow.PullReport, r *redact.Redactor, st Style, o TextOptions) error {
	o.Intro = func(w io.Writer) error {
		p := &printer{w: w}
		writePullImage(p, rep, r)
		return p.err
	}
	o.Details = func(w io.Writer) error { return writePullDetails(w, rep, r, st) }
	return TraceText(w, t, r, st, o)
}

func writePullImage(p *printer, rep *flow.PullReport, r *redact.Redactor) {
	img := rep.Image
	what := "tag " + img.Tag
	if img.ByDigest() {
		what = "digest " + img.Digest
	}
	name := r.String(img.Input)
	if img.Input != img.Canonical {
		name += " = " + img.Canonical
	}
	p.line("image %s: repository %s, %s, on %s", name, img.Repository, what, img.Registry)
	for _, n := range img.Notes {
		p.line("  %s", r.String(n))
	}
	if len(rep.Actions) > 1 {
		p.line("  --push: the token is asked for %s; nothing is written", strings.Join(rep.Actions, ","))
	}
}

func writePullDetails(w io.Writer, rep *flow.PullReport, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	writeScopes(p, w, rep, r, st)
	if m := rep.Manifest; m != nil {
		p.line("%s %s (%s), step %d", st.Bold("Manifest:"), m.Kind, r.String(redact.OneLine(m.MediaType)), m.Step)
		check := "the body's sha256 matches"
		switch {
		case m.BodyDigest == "":
			check = "the body was not checked"
		case !m.Verified:
			check = "the body's sha256 is " + m.BodyDigest
		}
		p.line("  digest  %s (%s; %s)", r.String(redact.OneLine(m.Digest)), m.DigestSource, check)
		size := fmt.Sprintf("%d bytes", m.Size)
		if m.Config != nil {
			size += fmt.Sprintf("; config %s (%d bytes); %s", r.String(redact.OneLine(m.Config.Digest)), m.Config.Size, plural(m.Layers, "layer"))
		}
		p.line("  size    %s", size)
		if len(m.Platforms) > 0 {
			p.line("  lists   %s", r.String(redact.OneLine(strings.Join(m.Platforms, ", "))))
		}
		p.line("")
	}
	if len(rep.RateLimits) > 0 {
		last := rep.RateLimits[len(rep.RateLimits)-1]
		p.line("%s %s", st.Bold("Pull limit:"), r.String(redact.OneLine(last.Info.String())))
		for _, rl := range rep.RateLimits {
			left := "no ratelimit-remaining"
			if rl.Info.Remaining != nil {
				left = fmt.Sprintf("%d left", rl.Info.Remaining.N)
			}
			counted := "counted as a pull"
			switch {
			case rl.Method == "HEAD":
				counted = "a HEAD does not count as a pull on Docker Hub"
			case !rl.Counts:
				counted = "not counted"
			}
			p.line("  step %d %s %d: %s (%s)", rl.Step, rl.Method, rl.Status, left, counted)
		}
		p.line("")
	}
	if e := rep.RegistryError; e != nil {
		p.line("%s step %d answered %d [%s]", st.Bold("Registry error:"), e.Step, e.Status, strings.Join(e.Codes, ", "))
		p.line("  engine: %s", r.String(redact.OneLine(e.EngineText)))
		p.line("  docker pull prints: Error response from daemon: %s", r.String(redact.OneLine(e.DaemonText)))
		p.line("")
	}
	if b := rep.Blob; b != nil {
		writeBlob(p, b, r, st)
	}
	if c := rep.Anonymous; c != nil {
		writeComparison(p, c, r, st)
	}
	return p.err
}

// writeScopes prints the scope table (pull-trace and push-trace).
func writeScopes(p *printer, w io.Writer, rep *flow.PullReport, r *redact.Redactor, st Style) {
	if len(rep.Scopes) == 0 {
		return
	}
	p.line("%s", st.Bold("Scopes: what the registry asked for, what was requested, what the token grants"))
	if p.err == nil {
		p.err = Table(w, []string{"RESOURCE", "CHALLENGE", "REQUESTED", "GRANTED", "MISSING"}, scopeRows(rep.Scopes))
	}
	if rep.GrantNote != "" {
		p.line("  grant unknown: %s", r.String(rep.GrantNote))
	}
	p.line("")
}

func scopeRows(rows []flow.ScopeRow) [][]string {
	out := make([][]string, 0, len(rows))
	for _, s := range rows {
		out = append(out, []string{s.Resource, actionsCell(s.Challenge, "-"), actionsCell(s.Requested, "-"), actionsCell(s.Granted, "?"), strings.Join(s.Missing, ",")})
	}
	return out
}

// actionsCell shows a nil list as unknown, an empty one as nothing.
func actionsCell(a []string, unknown string) string {
	switch {
	case a == nil:
		return unknown
	case len(a) == 0:
		return "nothing"
	}
	return strings.Join(a, ",")
}

func writeBlob(p *printer, b *flow.BlobResult, r *redact.Redactor, st Style) {
	what := "config " + b.Digest
	if b.Platform != "" {
		what += " of " + b.Platform
	}
	result := fmt.Sprintf("%d", b.Status)
	if b.Verified {
		result += ", sha256 matches"
	}
	p.line("%s %s: %s", st.Bold("Blob:"), r.String(redact.OneLine(what)), result)
	for i, h := range b.Hops {
		auth := "Authorization not sent"
		if h.AuthSent {
			auth = "Authorization sent"
		}
		label := "request"
		if i > 0 {
			label = "redirect"
		}
		p.line("  step %d %s to %s: %d; %s", h.Step, label, r.String(h.Host), h.Status, auth)
	}
	p.line("")
}

func writeComparison(p *printer, c *flow.Comparison, r *redact.Redactor, st Style) {
	p.line("%s %s: %s", st.Bold("Anonymous comparison:"), c.Effect, r.String(redact.OneLine(c.Message)))
	if c.Trace == nil {
		p.line("")
		return
	}
	for _, s := range c.Trace.Steps {
		if s.Request == nil {
			continue
		}
		status := "no answer"
		if s.Response != nil {
			status = fmt.Sprintf("%d", s.Response.Status)
		}
		p.line("  %2d  %s %s -> %s", s.Index, s.Request.Method, r.URL(s.Request.URL), status)
	}
	p.line("  anonymously: %s %s", strings.ToUpper(string(c.Trace.Verdict)), r.String(redact.OneLine(c.Trace.Summary)))
	p.line("")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

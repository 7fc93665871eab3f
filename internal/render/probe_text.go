package render

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/probe"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// ProbeText writes a probe report on one screen: each host's transport,
// the API answers, then the summary, the verdict and the diagnoses.
func ProbeText(w io.Writer, rep *probe.Report, r *redact.Redactor, st Style, o TextOptions) error {
	p := &printer{w: w}
	p.line("%s %s (no credentials are sent)", st.Bold("probe"), r.String(rep.Registry))
	for _, n := range rep.Notes {
		p.line("%s %s", st.Cyan("note:"), r.String(n))
	}
	for _, h := range rep.Hosts {
		p.line("")
		writeProbeHost(p, h, rep, r, st, o)
		if h.Role == probe.RoleRegistry && len(rep.Requests) > 0 {
			p.line("")
			writeProbeAPI(p, rep, r, st, o)
		}
	}
	p.line("")
	p.line("%s  %s", st.Bold("summary"), r.String(rep.Summary))
	if rep.Flavour != nil {
		p.line("%s  %s", st.Bold("flavour"), flavourWords(rep.Flavour, r))
	}
	verdict := st.Green("OK")
	switch rep.Verdict {
	case probe.VerdictTransportFail:
		verdict = st.Red("UNREACHABLE")
	case probe.VerdictNotARegistry:
		verdict = st.Red("NOT USABLE")
	}
	p.line("%s  %s %s", st.Bold("verdict"), verdict, r.String(rep.Next))
	writeDiagnoses(p, rep.Diagnoses, r, st)
	return p.err
}

func writeProbeHost(p *printer, h *probe.HostReport, rep *probe.Report, r *redact.Redactor, st Style, o TextOptions) {
	if h.SameAs != "" {
		p.line("%s %s: the %s's own host and port (realm %s)", st.Bold(h.Role), h.Host, h.SameAs, r.URL(rep.Realm))
		return
	}
	head := h.Role + " " + h.Host
	if h.Role == probe.RoleTokenService && rep.Realm != "" {
		head += " (realm " + r.URL(rep.Realm) + ")"
	}
	p.line("%s", st.Bold(head))
	row := func(label, format string, a ...any) {
		p.line("  %-8s %s", label, fmt.Sprintf(format, a...))
	}
	d := h.DNS
	switch {
	case d.Err != "":
		row("dns", "%s %s", st.Red("failed:"), redact.OneLine(d.Err))
		return
	case d.Literal:
		row("dns", "%s (an address: nothing to look up)", d.Name)
	default:
		row("dns", "%s -> %s %s", d.Name, strings.Join(d.Addresses, ", "), st.Dim(fmtDuration(d.Duration)))
	}
	if h.TCP == nil {
		return
	}
	if h.TCP.Err != "" {
		row("tcp", "%s %s: %s", h.TCP.Address, st.Red("failed"), redact.OneLine(h.TCP.Err))
		return
	}
	row("tcp", "%s connected %s", h.TCP.Address, st.Dim(fmtDuration(h.TCP.Duration)))
	writeProbeTLS(p, h, row, st, o)
	row("speaks", "%s", speaksWords(h, st))
}

func writeProbeTLS(p *printer, h *probe.HostReport, row func(string, string, ...any), st Style, o TextOptions) {
	t := h.TLS
	if t == nil {
		return
	}
	if t.Err != "" {
		if t.PlainHTTP {
			row("tls", "%s", st.Yellow("the port answered the TLS hello with plain http"))
		} else {
			row("tls", "%s %s", st.Red("handshake failed:"), redact.OneLine(t.Err))
		}
		return
	}
	tlsLine := t.Version + ", " + t.Cipher
	if t.ALPN != "" {
		tlsLine += ", ALPN " + t.ALPN
	}
	row("tls", "%s %s", tlsLine, st.Dim(fmtDuration(t.Duration)))
	for i, c := range t.Chain {
		label := ""
		if i == 0 {
			label = "chain"
		}
		subject, issuer := shortName(c.Subject), shortName(c.Issuer)
		if o.Verbose {
			subject, issuer = c.Subject, c.Issuer
		}
		kind := ""
		switch {
		case c.SelfSigned && c.IsCA:
			kind = " (a root CA)"
		case c.SelfSigned:
			kind = " (self-signed)"
		case c.IsCA:
			kind = " (a CA)"
		}
		row(label, "%d %s%s, issued by %s", i+1, redact.OneLine(subject), kind, redact.OneLine(issuer))
		var facts []string
		if len(c.Names) > 0 {
			facts = append(facts, "names "+redact.OneLine(strings.Join(c.Names, ", ")))
		}
		facts = append(facts, validityWords(c, o.Now, st))
		row("", "  %s", strings.Join(facts, "; "))
		if o.Verbose {
			row("", "  sha256 %s", c.SHA256)
		}
	}
	if t.Skipped {
		row("trust", "%s", st.Yellow("not checked (--insecure)"))
		return
	}
	for i, tc := range t.Trust {
		label := ""
		if i == 0 {
			label = "trust"
		}
		where := tc.Source
		if tc.Path != "" {
			where += " " + tc.Path
		}
		detail := tc.Detail
		if tc.Trusted {
			detail = st.Green(detail)
		} else if strings.HasPrefix(detail, "not trusted") {
			detail = st.Red(detail)
		}
		row(label, "%s: %s", where, detail)
	}
	if len(t.Chain) > 0 {
		if t.NameOK {
			row("name", "%s is named in the certificate", hostName(h.Host))
		} else {
			row("name", "%s", st.Red(redact.OneLine(t.NameDetail)))
		}
	}
}

// validityWords says until when a certificate is valid, or since when it
// is not.
func validityWords(c tlsinfo.Cert, now time.Time, st Style) string {
	if now.IsZero() {
		now = time.Now()
	}
	switch {
	case now.After(c.NotAfter):
		return st.Red("expired " + tlsinfo.Ago(now.Sub(c.NotAfter)) + " ago, on " + c.NotAfter.Format(time.RFC3339))
	case now.Before(c.NotBefore):
		return st.Red("not valid before " + c.NotBefore.Format(time.RFC3339))
	}
	return "valid until " + c.NotAfter.Format(time.RFC3339) + " (in " + tlsinfo.Ago(c.NotAfter.Sub(now)) + ")"
}

func speaksWords(h *probe.HostReport, st Style) string {
	plain := ""
	if c := h.HTTP; c != nil {
		switch {
		case c.Err != "":
			plain = "plain http: " + redact.OneLine(c.Err)
		case c.HTTPSOnly:
			plain = fmt.Sprintf("plain http: %d %q", c.Status, c.Body)
		default:
			plain = fmt.Sprintf("plain http: %d %s", c.Status, http.StatusText(c.Status))
		}
	}
	switch h.Speaks {
	case "https":
		return "https only (" + plain + ")"
	case "http":
		return st.Yellow("plain http only") + " (" + plain + ")"
	case "both":
		return "https and plain http (" + plain + ")"
	}
	return st.Red("neither https nor plain http") + " (" + plain + ")"
}

func writeProbeAPI(p *printer, rep *probe.Report, r *redact.Redactor, st Style, o TextOptions) {
	head := "API at " + r.URL(rep.Endpoint) + " (GET, no credentials"
	if len(rep.Requests) > 0 && rep.Requests[0].Unverified {
		head += "; certificate not verified"
	}
	p.line("%s", st.Bold(head+")"))
	for _, x := range rep.Requests {
		if x.Err != "" {
			p.line("  %-11s %s %s", x.Name, st.Red("no answer:"), r.String(redact.OneLine(x.Err)))
			continue
		}
		var facts []string
		if x.APIVersion != "" {
			facts = append(facts, "Docker-Distribution-API-Version: "+redact.OneLine(x.APIVersion))
		}
		if x.V1Version != "" {
			facts = append(facts, "X-Docker-Registry-Version: "+redact.OneLine(x.V1Version))
		}
		if ct := x.ContentType(); ct != "" && x.Status != 401 {
			facts = append(facts, redact.OneLine(ct))
		}
		status := st.Status(x.Status, fmt.Sprintf("%d %s", x.Status, x.StatusText))
		p.line("  %-11s %s %s", x.Name, status, st.Dim(fmtDuration(x.Duration)))
		if len(facts) > 0 {
			p.line("  %-11s %s", "", strings.Join(facts, "; "))
		}
		for _, c := range x.Challenges {
			p.line("  %-11s challenge: %s", "", r.String(formatChallenge(c)))
		}
		if o.Verbose {
			for _, k := range sortedKeys(x.Headers) {
				for _, v := range x.Headers[k] {
					p.line("  %-11s < %s: %s", "", k, r.Header(k, redact.OneLine(v)))
				}
			}
			if len(x.Body) > 0 {
				body := redact.OneLine(previewBody(x.Body))
				p.line("  %-11s body: %s", "", r.String(body))
			}
		}
	}
}

// shortName is the CN part of a one-line DN ("CN=x,O=y" -> "CN=x").
func shortName(dn string) string {
	if strings.HasPrefix(dn, "CN=") {
		if i := strings.Index(dn, ","); i > 0 {
			return dn[:i]
		}
	}
	return dn
}

func hostName(hostport string) string {
	if i := strings.LastIndex(hostport, ":"); i > 0 && !strings.HasSuffix(hostport, "]") {
		return strings.Trim(hostport[:i], "[]")
	}
	return hostport
}

package report

import (
	"bytes"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// Markdown writes the report for a GitHub or GitLab issue: the command,
// the verdict and diagnoses, a Mermaid diagram per trace, a table of the
// steps, headers and bodies folded in <details>. Over MaxMarkdown it is
// written again with bodies shortened, then without them, and says so.
func Markdown(w io.Writer, rep Report, r *redact.Redactor) error {
	var out string
	for _, body := range []int{2000, 300, 0} {
		out = markdown(rep, r, body)
		if len(out) <= MaxMarkdown {
			break
		}
	}
	if len(out) > MaxMarkdown {
		out = out[:MaxMarkdown-200] + "\n\n…(cut at GitHub's comment limit)\n"
	}
	_, err := io.WriteString(w, out)
	return err
}

func markdown(rep Report, r *redact.Redactor, bodyMax int) string {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	mark := "✅"
	if !rep.OK {
		mark = "❌"
	}
	p("### regauth %s %s\n\n", mdText(rep.Title), mark)
	p("```\n%s\n```\n\n", r.String(rep.Command))
	p("- **verdict:** %s — %s\n", rep.Verdict, mdText(r.String(redact.OneLine(rep.Summary))))
	if rep.Client != "" {
		p("- **client:** %s\n", mdText(r.String(rep.Client)))
	}
	p("- **regauth:** %s\n\n", orDefault(rep.Version, "devel"))
	if len(rep.Diagnoses) > 0 {
		p("| severity | diagnosis | what | fix |\n|---|---|---|---|\n")
		for _, d := range rep.Diagnoses {
			p("| %s | `%s` | %s | %s |\n", d.Severity, d.Code, mdCell(r.String(d.Message)), mdCell(r.String(d.Hint)))
		}
		p("\n")
	}
	if len(rep.Rows) > 0 {
		p("| %s |\n|%s\n", strings.Join(rep.Header, " | "), strings.Repeat("---|", len(rep.Header)))
		for _, row := range rep.Rows {
			cells := make([]string, len(row))
			for i, c := range row {
				cells[i] = mdCell(r.String(c))
			}
			p("| %s |\n", strings.Join(cells, " | "))
		}
		p("\n")
	}
	cut := false
	for _, sec := range rep.Sections {
		if sec.Title != "" {
			p("#### %s\n\n", mdText(r.String(sec.Title)))
		}
		if writeTraceMD(&b, sec.Trace, r, bodyMax) {
			cut = true
		}
	}
	if cut || bodyMax == 0 {
		p("_Bodies were shortened (to %d characters each) to keep this report under %d characters._\n", bodyMax, MaxMarkdown)
	}
	return b.String()
}

// writeTraceMD writes one trace and says whether it shortened a body.
func writeTraceMD(b *bytes.Buffer, t *flow.Trace, r *redact.Redactor, bodyMax int) (cut bool) {
	p := func(format string, a ...any) { fmt.Fprintf(b, format, a...) }
	seq := buildSequence(t, r)
	p("```mermaid\n%s```\n\n", seq.Mermaid())
	p("| # | step | request | answer | ms |\n|---|---|---|---|---|\n")
	for _, st := range t.Steps {
		req, ans := "", "no answer: "+redact.OneLine(st.Err)
		if st.Request != nil {
			req = st.Request.Method + " " + st.Request.URL
		}
		if st.Response != nil {
			ans = fmt.Sprintf("%d %s", st.Response.Status, st.Response.StatusText)
		}
		p("| %d | %s | `%s` | %s | %.1f |\n", st.Index, mdCell(st.Title), strings.ReplaceAll(r.URL(req), "`", "'"), mdCell(r.String(ans)), float64(st.Timing.Total.Microseconds())/1000)
	}
	p("\n")
	for _, st := range t.Steps {
		if st.Request == nil {
			continue
		}
		p("<details><summary>step %d: headers%s</summary>\n\n```\n", st.Index, bodyWord(st, bodyMax))
		p("%s %s\n", st.Request.Method, r.URL(st.Request.URL))
		writeHeaders(b, st.Request.Headers, r, "> ")
		if st.Response != nil {
			p("\n%s %d %s\n", st.Response.Proto, st.Response.Status, st.Response.StatusText)
			writeHeaders(b, st.Response.Headers, r, "< ")
			if bodyMax > 0 && len(st.Response.Body) > 0 {
				body := redact.Printable(string(st.Response.Body))
				if len(body) > bodyMax {
					body, cut = body[:bodyMax]+"…", true
				}
				p("\n%s\n", strings.ReplaceAll(r.String(body), "```", "'''"))
			}
		}
		p("```\n</details>\n\n")
	}
	return cut
}

func bodyWord(st *flow.Step, bodyMax int) string {
	if bodyMax > 0 && st.Response != nil && len(st.Response.Body) > 0 {
		return " and body"
	}
	return ""
}

func writeHeaders(b *bytes.Buffer, h map[string][]string, r *redact.Redactor, prefix string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", prefix, k, strings.ReplaceAll(redact.OneLine(r.Header(k, v)), "```", "'''"))
		}
	}
}

// mdCell keeps a table cell on one line and its pipes literal.
func mdCell(s string) string {
	return strings.ReplaceAll(mdText(redact.OneLine(s)), "|", "\\|")
}

// mdText stops server text from becoming HTML in the rendered issue.
func mdText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

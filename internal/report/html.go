package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

// HTML writes one self-contained page: inline CSS and JS, no request to
// any host, the diagram drawn here as SVG, the diagnoses first, the steps
// collapsible, a copy button on each curl line, the JSON document embedded
// for tools.
func HTML(w io.Writer, rep Report, r *redact.Redactor) error {
	var b bytes.Buffer
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	e := html.EscapeString
	p("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
	p("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n")
	p("<title>regauth %s</title>\n<style>%s</style></head><body>\n", e(rep.Title), css)
	verdictClass := "ok"
	if !rep.OK {
		verdictClass = "bad"
	}
	p("<header><h1>regauth %s</h1>\n<pre class=\"cmd\">%s</pre>\n", e(rep.Title), e(r.String(rep.Command)))
	p("<p class=\"verdict %s\" id=\"verdict\"><b>%s</b> %s</p>\n", verdictClass, e(rep.Verdict), e(r.String(redact.OneLine(rep.Summary))))
	p("<p class=\"meta\">client %s · regauth %s</p></header>\n", e(r.String(rep.Client)), e(orDefault(rep.Version, "devel")))
	if len(rep.Diagnoses) > 0 {
		p("<section id=\"diagnoses\"><h2>Diagnoses</h2><ul>\n")
		for _, d := range rep.Diagnoses {
			p("<li class=\"diag %s\"><b>%s</b> <code>%s</code>: %s", e(string(d.Severity)), e(string(d.Severity)), e(string(d.Code)), e(r.String(d.Message)))
			if d.Hint != "" {
				p("<br><span class=\"fix\">fix: %s</span>", e(r.String(d.Hint)))
			}
			p("</li>\n")
		}
		p("</ul></section>\n")
	}
	if len(rep.Rows) > 0 {
		p("<section><table class=\"rows\"><tr>")
		for _, h := range rep.Header {
			p("<th>%s</th>", e(h))
		}
		p("</tr>\n")
		for _, row := range rep.Rows {
			p("<tr>")
			for _, c := range row {
				p("<td>%s</td>", e(r.String(c)))
			}
			p("</tr>\n")
		}
		p("</table></section>\n")
	}
	for i, sec := range rep.Sections {
		p("<section class=\"trace\" id=\"trace-%d\">", i+1)
		if sec.Title != "" {
			p("<h2>%s</h2>", e(r.String(sec.Title)))
		}
		seq := buildSequence(sec.Trace, r)
		b.WriteString(seq.SVG())
		writeStepsHTML(&b, sec.Trace, r)
		p("</section>\n")
	}
	if rep.JSON != nil {
		doc, err := json.Marshal(rep.JSON)
		if err != nil {
			return err
		}
		// "</" would end the script element early.
		p("<script type=\"application/json\" id=\"regauth-json\">%s</script>\n", strings.ReplaceAll(string(doc), "</", "<\\/"))
	}
	p("<script>%s</script>\n</body></html>\n", js)
	_, err := w.Write(b.Bytes())
	return err
}

func writeStepsHTML(b *bytes.Buffer, t *flow.Trace, r *redact.Redactor) {
	e := html.EscapeString
	fmt.Fprintf(b, "<div class=\"steps\">\n")
	for _, st := range t.Steps {
		status := "no answer"
		if st.Response != nil {
			status = fmt.Sprintf("%d %s", st.Response.Status, st.Response.StatusText)
		}
		fmt.Fprintf(b, "<details class=\"step\"><summary><b>%d</b> %s — %s</summary>\n", st.Index, e(st.Title), e(status))
		if st.Request != nil {
			fmt.Fprintf(b, "<pre>%s %s\n", e(st.Request.Method), e(r.URL(st.Request.URL)))
			writeHeadersHTML(b, st.Request.Headers, r, "> ")
			if st.Response != nil {
				fmt.Fprintf(b, "\n%s %d %s\n", e(st.Response.Proto), st.Response.Status, e(st.Response.StatusText))
				writeHeadersHTML(b, st.Response.Headers, r, "< ")
				if len(st.Response.Body) > 0 {
					body := redact.Printable(string(st.Response.Body))
					if len(body) > 4096 {
						body = body[:4096] + "…"
					}
					fmt.Fprintf(b, "\n%s", e(r.String(body)))
				}
			} else {
				fmt.Fprintf(b, "\n%s", e(r.String(st.Err)))
			}
			b.WriteString("</pre>\n")
			curl := render.Curl(st.Request, r)
			fmt.Fprintf(b, "<div class=\"curl\"><code>%s</code> <button type=\"button\" class=\"copy\">copy</button></div>\n", e(curl))
		}
		for _, n := range st.Notes {
			fmt.Fprintf(b, "<p class=\"note\">%s</p>\n", e(r.String(n)))
		}
		b.WriteString("</details>\n")
	}
	b.WriteString("</div>\n")
}

func writeHeadersHTML(b *bytes.Buffer, h map[string][]string, r *redact.Redactor, prefix string) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			fmt.Fprintf(b, "%s%s: %s\n", html.EscapeString(prefix), html.EscapeString(k), html.EscapeString(redact.OneLine(r.Header(k, v))))
		}
	}
}

const css = `body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1d1d1f;max-width:1200px}
h1{font-size:1.4em}pre{background:#f5f5f7;padding:.6em;overflow-x:auto;white-space:pre-wrap;word-break:break-all}
.verdict.ok b{color:#116611}.verdict.bad b{color:#b00020}.meta{color:#666}
.diag.error b{color:#b00020}.diag.warning b{color:#9a6700}.fix{color:#444}
table.rows{border-collapse:collapse}table.rows td,table.rows th{border:1px solid #ccc;padding:.2em .5em;text-align:left}
svg.seq{max-width:100%;height:auto;border:1px solid #ddd;margin:1em 0}
.step summary{cursor:pointer}.curl code{font-size:12px;word-break:break-all}.note{color:#555;margin:.2em 0}
@media print{button{display:none}details{display:block}details>*{display:block}body{margin:0}}`

const js = `document.querySelectorAll('button.copy').forEach(function(b){b.addEventListener('click',function(){var t=b.parentNode.querySelector('code').textContent;if(navigator.clipboard){navigator.clipboard.writeText(t);}b.textContent='copied';});});`

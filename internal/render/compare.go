package render

import (
	"fmt"
	"io"
	"net/url"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// CompareDoc is compare's JSON document (docs/json.md).
type CompareDoc struct {
	SchemaVersion int            `json:"schemaVersion"`
	Command       string         `json:"command"`
	Image         imageref.Ref   `json:"image"`
	OK            bool           `json:"ok"`
	Flavour       *flavour.Match `json:"flavour,omitempty"` // what the first client's trace recognised
	Clients       []ClientRow    `json:"clients"`
}

// ClientRow is one client in compare's document.
type ClientRow struct {
	Client     string               `json:"client"`
	Title      string               `json:"title"`
	Basis      string               `json:"basis"`
	OK         bool                 `json:"ok"`
	Verdict    string               `json:"verdict"`
	Requests   int                  `json:"requests"`
	FailedStep int                  `json:"failed_step,omitempty"`
	Error      string               `json:"error,omitempty"`
	Events     []string             `json:"events,omitempty"`
	DivergesAt int                  `json:"diverges_at,omitempty"`
	Divergence string               `json:"divergence,omitempty"`
	Diagnoses  []diagnose.Diagnosis `json:"diagnoses"`
	Trace      TraceDoc             `json:"trace"`
}

// NewCompareDoc builds the masked JSON view of a comparison.
func NewCompareDoc(img imageref.Ref, runs []*flow.ClientRun, r *redact.Redactor) CompareDoc {
	d := CompareDoc{SchemaVersion: SchemaVersion, Command: "compare", Image: img, OK: true, Clients: []ClientRow{}}
	if len(runs) > 0 {
		d.Flavour = flavourDoc(runs[0].Trace.Flavour, r)
	}
	for _, run := range runs {
		t := run.Trace
		td := NewTraceDoc(t, r)
		td.Extra = NewPullDoc(run.Report, r)
		row := ClientRow{
			Client: run.Profile.ID(), Title: run.Profile.Title, Basis: run.Profile.Basis,
			OK: t.OK(), Verdict: string(t.Verdict), Requests: run.Requests(),
			FailedStep: failedStep(t), DivergesAt: run.DivergesAt, Divergence: r.String(run.Divergence),
			Diagnoses: td.Diagnoses, Trace: td,
		}
		if td.Client != nil {
			row.Error, row.Events = td.Client.Error, td.Client.Events
		}
		if !t.OK() {
			d.OK = false
		}
		d.Clients = append(d.Clients, row)
	}
	return d
}

// failedStep is the step a failed trace ended on.
func failedStep(t *flow.Trace) int {
	if t.OK() || len(t.Steps) == 0 {
		return 0
	}
	return t.Steps[len(t.Steps)-1].Index
}

// CompareText writes the comparison table, then what each failing client
// prints and why; verbose adds every client's full trace.
func CompareText(w io.Writer, img imageref.Ref, runs []*flow.ClientRun, r *redact.Redactor, st Style, o TextOptions) error {
	p := &printer{w: w}
	p.line("%s %s as %d clients (credentials: %s)", st.Bold("compare"), r.String(img.Canonical), len(runs), r.String(runs[0].Trace.Credentials.Source))
	if why := runs[0].Trace.Client.Why; why != "" {
		p.line("%s", st.Dim("docker: "+r.String(why)))
	}
	writeFlavour(p, runs[0].Trace.Flavour, r, st)
	p.line("")
	if p.err != nil {
		return p.err
	}
	rows := [][]string{}
	for _, run := range runs {
		t := run.Trace
		outcome := "ok"
		if !t.OK() {
			outcome = string(t.Verdict)
		}
		failed := "-"
		if n := failedStep(t); n > 0 {
			failed = fmt.Sprintf("step %d: %s", n, wireStep(t.Steps[n-1]))
		}
		div := "-"
		if run.DivergesAt > 0 {
			div = fmt.Sprintf("step %d", run.DivergesAt)
		}
		if run == runs[0] {
			div = "(reference)"
		}
		said := "-"
		if !t.OK() && t.Client != nil {
			said = t.Client.Error
		}
		// The end of a client's error is where the cause is.
		rows = append(rows, []string{run.Profile.ID(), outcome, fmt.Sprint(run.Requests()), failed, truncateLeft(r.String(said), 90), div})
	}
	if err := Table(w, []string{"CLIENT", "OUTCOME", "REQUESTS", "FAILED AT", "CLIENT'S ERROR", "DIVERGES FROM " + runs[0].Profile.ID()}, rows); err != nil {
		return err
	}
	for _, run := range runs {
		t := run.Trace
		p.line("")
		head := fmt.Sprintf("%s (%s; %s)", run.Profile.ID(), run.Profile.Title, run.Profile.Basis)
		if t.OK() {
			p.line("%s %s", st.Green("OK"), st.Bold(head))
			p.line("  %s", r.String(t.Summary))
		} else {
			p.line("%s %s", st.Red("REFUSED"), st.Bold(head))
			p.line("  prints: %s", r.String(redact.OneLine(t.Client.Error)))
			for _, e := range t.Client.Events {
				p.line("  event:  %s", r.String(redact.OneLine(e)))
			}
		}
		if run.DivergesAt > 0 {
			p.line("  path: %s", r.String(run.Divergence))
		}
		for _, d := range t.Diagnoses {
			if d.Severity == diagnose.Info && !o.Verbose {
				continue
			}
			p.line("  %s %s: %s", st.Severity(string(d.Severity), fmt.Sprintf("%-7s", d.Severity)), st.Bold(string(d.Code)), r.String(redact.OneLine(d.Message)))
			if d.Hint != "" {
				p.line("          %s %s", st.Dim("fix:"), r.String(d.Hint))
			}
		}
		if o.Verbose && p.err == nil {
			p.line("")
			p.err = PullText(w, t, run.Report, r, st, o)
		}
	}
	return p.err
}

func truncateLeft(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return "…" + string(r[len(r)-n:])
}

func wireStep(s *flow.Step) string {
	if s.Request == nil {
		return s.Title
	}
	status := "no answer"
	if s.Response != nil {
		status = fmt.Sprint(s.Response.Status)
	}
	return fmt.Sprintf("%s %s -> %s", s.Request.Method, pathOnly(s.Request.URL), status)
}

// pathOnly is a URL's path, for the table (no host, no query).
func pathOnly(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

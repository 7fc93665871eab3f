package render

import (
	"fmt"
	"io"
	"strconv"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// SourcesView is what pull-trace read before a pull through sources
// (daemon.json, registries.conf, the auth files) and its outcome.
type SourcesView struct {
	Image string
	// Title heads the table ("Docker's sources for docker.io/library/alpine:latest").
	Title string
	// Config lines say what the configuration holds and where it came from.
	Config []string
	// ConfigDoc is the configuration for JSON.
	ConfigDoc any
	Findings  []diagnose.Diagnosis
	Result    *flow.SourcesResult
}

// SourcesPullDoc is the JSON document of pull-trace with --daemon-config or
// --registries-conf (docs/json.md).
type SourcesPullDoc struct {
	SchemaVersion int                  `json:"schemaVersion"`
	Command       string               `json:"command"`
	Image         string               `json:"image"`
	Client        string               `json:"client"`
	Config        any                  `json:"config"`
	Sources       []SourceRowDoc       `json:"sources"`
	Attempts      []SourceAttemptDoc   `json:"attempts"`
	Answered      int                  `json:"answered"`
	OK            bool                 `json:"ok"`
	Verdict       string               `json:"verdict"`
	Summary       string               `json:"summary"`
	Diagnoses     []diagnose.Diagnosis `json:"diagnoses"`
	Findings      []diagnose.Diagnosis `json:"findings"`
}

// SourceRowDoc is one source in the client's order.
type SourceRowDoc struct {
	Index       int      `json:"index"`
	Role        string   `json:"role"`
	Candidate   string   `json:"candidate,omitempty"`
	Label       string   `json:"label"`
	Registry    string   `json:"registry"`
	Reference   string   `json:"reference"`
	Credentials string   `json:"credentials"`
	Why         string   `json:"credentials_why,omitempty"`
	Notes       []string `json:"notes,omitempty"`
	Refused     string   `json:"refused,omitempty"`
	Result      string   `json:"result"`
}

// SourceAttemptDoc is one attempt with its trace.
type SourceAttemptDoc struct {
	Turn        int       `json:"turn"`
	Source      int       `json:"source"`
	Label       string    `json:"label"`
	Credentials string    `json:"credentials"`
	Outcome     string    `json:"outcome"`
	OK          bool      `json:"ok"`
	Trace       *TraceDoc `json:"trace,omitempty"`
}

// NewSourcesPullDoc builds the masked JSON view.
func NewSourcesPullDoc(v SourcesView, r *redact.Redactor, curl bool) SourcesPullDoc {
	res := v.Result
	d := SourcesPullDoc{
		SchemaVersion: SchemaVersion, Command: "pull-trace", Image: v.Image, Client: res.Client, Config: v.ConfigDoc,
		Sources: []SourceRowDoc{}, Attempts: []SourceAttemptDoc{}, Answered: res.Answered,
		OK: res.Verdict == flow.VerdictOK, Verdict: string(res.Verdict), Summary: r.String(res.Summary),
		Diagnoses: maskDiagnoses(res.Diagnoses, r), Findings: maskDiagnoses(v.Findings, r),
	}
	for i, row := range sourceRows(res) {
		s := res.Sources[i]
		d.Sources = append(d.Sources, SourceRowDoc{Index: i + 1, Role: s.Role, Candidate: s.Candidate, Label: s.Label,
			Registry: r.String(s.Registry), Reference: s.Image.Canonical, Credentials: r.String(row.creds), Why: r.String(s.CredentialsWhy),
			Notes: s.Notes, Refused: s.Refused, Result: r.String(row.result)})
	}
	for _, a := range res.Attempts {
		ad := SourceAttemptDoc{Turn: a.Turn, Source: a.Source + 1, Label: a.Label, Credentials: r.String(a.Credentials), Outcome: r.String(a.Outcome), OK: a.OK}
		if a.Trace != nil {
			td := NewTraceDoc(a.Trace, r)
			td.Extra = NewPullDoc(a.Report, r)
			if curl {
				td.AddCurl(a.Trace, r)
			}
			ad.Trace = &td
		}
		d.Attempts = append(d.Attempts, ad)
	}
	return d
}

type sourceRow struct{ creds, result string }

// sourceRows says, per source, which credentials it was offered and what
// came of it.
func sourceRows(res *flow.SourcesResult) []sourceRow {
	rows := make([]sourceRow, len(res.Sources))
	for i, s := range res.Sources {
		rows[i] = sourceRow{creds: "would be " + flow.DescribeCredentials(s.Credentials), result: "not tried: an earlier source answered"}
		if why, ok := res.Skipped[i]; ok {
			rows[i].result = why
		}
		if s.Refused != "" {
			rows[i].creds = "-"
		}
	}
	for _, a := range res.Attempts {
		row := &rows[a.Source]
		row.creds = a.Credentials
		switch {
		case res.Sources[a.Source].Refused != "":
			row.result = "refused, no request: " + a.Outcome
		case a.OK:
			row.result = "answered: served the image"
		default:
			row.result = "failed: " + a.Outcome
		}
	}
	return rows
}

// SourcesText writes the configuration, the sources table, each attempt's
// pull, and the outcome.
func SourcesText(w io.Writer, v SourcesView, r *redact.Redactor, st Style, o TextOptions) error {
	res := v.Result
	p := &printer{w: w}
	p.line("%s", st.Bold(v.Title))
	for _, l := range v.Config {
		p.line("  %s", r.String(l))
	}
	writeDiagnoses(p, v.Findings, r, st)
	if p.err != nil {
		return p.err
	}
	var rows [][]string
	for i, row := range sourceRows(res) {
		s := res.Sources[i]
		rows = append(rows, []string{strconv.Itoa(i + 1), s.Role, s.Label, s.Image.Canonical, r.String(redact.OneLine(row.creds)), r.String(redact.OneLine(row.result))})
	}
	if err := Table(w, []string{"#", "ROLE", "SOURCE", "PULLS", "CREDENTIALS OFFERED", "RESULT"}, rows); err != nil {
		return err
	}
	for _, a := range res.Attempts {
		p.line("")
		p.line("%s", st.Bold(fmt.Sprintf("Attempt %d of %d: %s", a.Turn, len(res.Attempts), a.Label)))
		if why := res.Sources[a.Source].CredentialsWhy; why != "" {
			p.line("  credentials: %s", r.String(why))
		}
		for _, n := range res.Sources[a.Source].Notes {
			p.line("  %s", r.String(n))
		}
		if a.Trace == nil {
			p.line("  %s %s", st.Red("REFUSED"), r.String(a.Outcome))
			continue
		}
		if p.err != nil {
			return p.err
		}
		if err := PullText(w, a.Trace, a.Report, r, st, o); err != nil {
			return err
		}
	}
	p.line("")
	p.line("%s", st.Bold(res.Client+":"))
	if res.Verdict == flow.VerdictOK {
		p.line("%s %s", st.Green("OK"), r.String(res.Summary))
	} else {
		p.line("%s %s", st.Red("FAILED"), r.String(res.Summary))
	}
	writeDiagnoses(p, res.Diagnoses, r, st)
	return p.err
}

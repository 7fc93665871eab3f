package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/regauth/regauth/internal/configreport"
	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
)

// ConfigDoc is decode-config's JSON document.
type ConfigDoc struct {
	SchemaVersion int                   `json:"schemaVersion"`
	Command       string                `json:"command"`
	Sources       []configreport.Source `json:"sources"`
	Registries    []ConfigRowDoc        `json:"registries"`
	Diagnoses     []diagnose.Diagnosis  `json:"diagnoses"`
	Note          string                `json:"note,omitempty"`
}

// ConfigRowDoc is a row with its secrets masked (or shown with --show-secrets).
type ConfigRowDoc struct {
	configreport.Row
	Secret       string               `json:"secret,omitempty"`
	HelperSecret string               `json:"helper_secret,omitempty"`
	Findings     []diagnose.Diagnosis `json:"findings,omitempty"`
}

// NewConfigDoc builds the masked JSON view of a report.
func NewConfigDoc(rep *configreport.Report, r *redact.Redactor) ConfigDoc {
	doc := ConfigDoc{SchemaVersion: SchemaVersion, Command: "decode-config", Sources: rep.Sources, Registries: []ConfigRowDoc{}, Diagnoses: maskDiagnoses(rep.Diagnoses, r), Note: rep.Note}
	if doc.Sources == nil {
		doc.Sources = []configreport.Source{}
	}
	for _, row := range rep.Rows {
		d := ConfigRowDoc{Row: row, Findings: maskDiagnoses(row.Findings, r)}
		d.Kind = maskKind(row.Kind, r)
		if row.Secret != "" {
			d.Secret = r.Value(row.SecretKind, row.Secret)
		}
		if row.Helper != nil {
			h := *row.Helper
			h.Error = r.String(h.Error)
			h.Kind = maskKind(h.Kind, r)
			d.Helper = &h
			if h.Secret != "" {
				d.HelperSecret = r.Value(h.SecretKind, h.Secret)
			}
		}
		doc.Registries = append(doc.Registries, d)
	}
	return doc
}

// ConfigText writes the sources, a table of registries and the findings.
func ConfigText(w io.Writer, rep *configreport.Report, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	for _, s := range rep.Sources {
		if s.Read {
			p.line("%s %s (%s)", st.Bold("read"), s.Path, s.Format)
		} else {
			p.line("%s %s: %s", st.Dim("skipped"), s.Path, s.Skipped)
		}
	}
	if rep.Note != "" {
		p.line("%s %s", st.Cyan("note:"), rep.Note)
	}
	if p.err != nil {
		return p.err
	}
	if len(rep.Rows) > 0 {
		p.line("")
		rows := make([][]string, 0, len(rep.Rows))
		for _, row := range rep.Rows {
			rows = append(rows, []string{row.Key, hostCell(row), row.Username, secretCell(row.SecretKind, row.Secret, r), winnerCell(row), helperCell(row.Helper, r)})
		}
		if err := Table(w, []string{"KEY", "HOST", "USER", "SECRET", "USED", "HELPER SAYS"}, rows); err != nil {
			return err
		}
		writeKinds(p, rep.Rows, r, st)
	} else if len(rep.Sources) > 0 && rep.Note == "" {
		p.line("")
		p.line("no registries in the file")
	}
	writeDiagnoses(p, rep.Diagnoses, r, st)
	return p.err
}

func hostCell(row configreport.Row) string {
	if row.DockerHub {
		return row.Host + " (Docker Hub)"
	}
	return row.Host
}

func secretCell(kind, secret string, r *redact.Redactor) string {
	if secret == "" {
		return "-"
	}
	return r.Value(kind, secret)
}

func winnerCell(row configreport.Row) string {
	s := row.Winner
	if len(row.Shadows) > 0 {
		s += " (shadows " + strings.Join(row.Shadows, ", ") + ")"
	}
	return s
}

func helperCell(h *configreport.HelperResult, r *redact.Redactor) string {
	switch {
	case h == nil:
		return "-"
	case h.Skipped:
		return "not run (--no-helpers)"
	case h.Error != "":
		return "FAILED: " + r.String(redact.OneLine(h.Error))
	}
	return fmt.Sprintf("%s %s in %.0fms", h.Username, r.Value(h.SecretKind, h.Secret), h.LatencyMS)
}

// writeKinds says what each row's secret is, with what its decoding shows.
func writeKinds(p *printer, rows []configreport.Row, r *redact.Redactor, st Style) {
	first := true
	one := func(key string, k *credkind.Kind) {
		if k == nil {
			return
		}
		if first {
			p.line("")
			p.line("%s", st.Bold("what the secrets are:"))
			first = false
		}
		p.line("  %s %s", st.Bold(r.String(redact.OneLine(key))+":"), kindTitle(k, r))
		for _, f := range k.Facts {
			p.line("      %s %s", st.Dim(f.Name+":"), r.String(redact.OneLine(f.Value)))
		}
	}
	for _, row := range rows {
		one(row.Key, row.Kind)
		if row.Helper != nil {
			one(row.Key+" (docker-credential-"+row.Helper.Name+")", row.Helper.Kind)
		}
	}
}

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/buildinfo"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/report"
)

// reportFlags are --report, --report-format and --report-show-secrets.
type reportFlags struct {
	Path        string
	Format      string
	ShowSecrets bool
}

func addReportFlags(cmd *cobra.Command, f *reportFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.Path, "report", "", "also write a report to attach to an issue: FILE.md (Markdown with a Mermaid diagram) or FILE.html (one self-contained page); - writes it to stdout with --report-format")
	fl.StringVar(&f.Format, "report-format", "", "md or html (default: from the --report file's extension)")
	fl.BoolVar(&f.ShowSecrets, "report-show-secrets", false, "with --show-secrets, show secrets in the report too (it is masked otherwise)")
}

// format says which report to write; "" without --report.
func (f *reportFlags) format() (string, error) {
	if f.Path == "" {
		if f.Format != "" || f.ShowSecrets {
			return "", usageErr("--report-format and --report-show-secrets need --report FILE")
		}
		return "", nil
	}
	switch strings.ToLower(f.Format) {
	case "md", "markdown":
		return "md", nil
	case "html":
		return "html", nil
	case "":
	default:
		return "", usageErr("--report-format %q: want md or html", f.Format)
	}
	switch strings.ToLower(filepath.Ext(f.Path)) {
	case ".md", ".markdown":
		return "md", nil
	case ".html", ".htm":
		return "html", nil
	}
	if f.Path == "-" {
		return "", usageErr("--report -: add --report-format md or html")
	}
	return "", usageErr("--report %q: name a .md or .html file, or add --report-format md|html", f.Path)
}

// write writes the report, masked unless both --show-secrets and
// --report-show-secrets are given.
func (f *reportFlags) write(g *GlobalOptions, rep report.Report, r *redact.Redactor) error {
	kind, err := f.format()
	if err != nil || kind == "" {
		return err
	}
	rr := r.WithShow(g.ShowSecrets && f.ShowSecrets)
	rep.Command = rr.String(g.commandLine())
	rep.Version = buildinfo.Get().Version
	out := g.deps.Out
	if f.Path != "-" {
		file, err := os.OpenFile(f.Path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return badInput(fmt.Errorf("--report: %w", err))
		}
		defer file.Close()
		out = file
	}
	if kind == "md" {
		err = report.Markdown(out, rep, rr)
	} else {
		err = report.HTML(out, rep, rr)
	}
	if err != nil {
		return fmt.Errorf("--report: %w", err)
	}
	return nil
}

// traceReport is the report of one trace.
func traceReport(t *flow.Trace, doc any) report.Report {
	rep := report.Report{
		Title:     t.Command + " " + t.Registry,
		OK:        t.OK(),
		Verdict:   string(t.Verdict),
		Summary:   t.Summary,
		Diagnoses: t.Diagnoses,
		Sections:  []report.Section{{Trace: t}},
		JSON:      doc,
	}
	if c := t.Client; c != nil {
		rep.Client = c.ID + " (" + c.Title + "; " + c.Basis + ")"
	}
	return rep
}

// commandLine is the command as the user ran it.
func (g *GlobalOptions) commandLine() string {
	return strings.TrimSpace("regauth " + strings.Join(g.deps.Args, " "))
}

package report

import (
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
)

// Section is one trace of a report (compare has one per client).
type Section struct {
	Title string
	Trace *flow.Trace
}

// Report is what a report shows: the command as run, the verdict, the
// diagnoses and each trace; Table adds a command's own rows (compare's
// clients, doctor's registries, probe's exchanges).
type Report struct {
	Command   string
	Version   string
	Title     string
	OK        bool
	Verdict   string
	Summary   string
	Client    string
	Diagnoses []diagnose.Diagnosis
	Sections  []Section
	Header    []string
	Rows      [][]string
	// JSON is the command's JSON document, embedded in the HTML report.
	JSON any
}

// MaxMarkdown keeps a Markdown report inside GitHub's 65,536-character
// comment limit.
const MaxMarkdown = 60000

// Package diagnose holds regauth's diagnoses as data: a code, a severity, a
// message that says what was seen and a hint that says what to do next.
package diagnose

import "sort"

// Severity orders how bad a diagnosis is.
type Severity string

const (
	Info    Severity = "info"
	Warning Severity = "warning"
	Error   Severity = "error"
)

func (s Severity) rank() int {
	switch s {
	case Error:
		return 2
	case Warning:
		return 1
	}
	return 0
}

// Diagnosis is one named finding. Message is specific to this case (hosts,
// statuses, names); Hint is the next thing the user should do.
type Diagnosis struct {
	Code     Code     `json:"code"`
	Severity Severity `json:"severity"`
	Message  string   `json:"message"`
	Hint     string   `json:"hint,omitempty"`
}

// New builds a diagnosis with the catalogue's severity and default hint for
// code; a non-empty hint replaces the default.
func New(code Code, message, hint string) Diagnosis {
	e := Lookup(code)
	if hint == "" {
		hint = e.Hint
	}
	return Diagnosis{Code: code, Severity: e.Severity, Message: message, Hint: hint}
}

// Worst returns the highest severity in ds, Info when ds is empty.
func Worst(ds []Diagnosis) Severity {
	w := Info
	for _, d := range ds {
		if d.Severity.rank() > w.rank() {
			w = d.Severity
		}
	}
	return w
}

// Sort orders diagnoses errors first, keeping the original order within a
// severity so the first cause found stays first.
func Sort(ds []Diagnosis) {
	sort.SliceStable(ds, func(i, j int) bool { return ds[i].Severity.rank() > ds[j].Severity.rank() })
}

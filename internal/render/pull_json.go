package render

import (
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// PullDoc is pull-trace's "details" in the JSON document (docs/json.md).
type PullDoc struct {
	Image         imageref.Ref         `json:"image"`
	Actions       []string             `json:"actions"`
	Scopes        []flow.ScopeRow      `json:"scopes"`
	GrantNote     string               `json:"grant_note,omitempty"`
	Manifest      *flow.ManifestResult `json:"manifest"`
	RateLimits    []flow.RateLimitSeen `json:"rate_limits"`
	RegistryError *flow.RegistryError  `json:"registry_error"`
	Blob          *flow.BlobResult     `json:"blob,omitempty"`
	Anonymous     *AnonymousDoc        `json:"anonymous,omitempty"`
	Notes         []diagnose.Diagnosis `json:"-"`
}

// AnonymousDoc is the --compare-anonymous run.
type AnonymousDoc struct {
	Effect    string               `json:"effect"`
	Message   string               `json:"message"`
	Verdict   string               `json:"verdict,omitempty"`
	Summary   string               `json:"summary,omitempty"`
	Steps     []StepDoc            `json:"steps,omitempty"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses,omitempty"`
}

// NewPullDoc builds the masked JSON view of a pull report.
func NewPullDoc(rep *flow.PullReport, r *redact.Redactor) *PullDoc {
	d := &PullDoc{
		Image:      rep.Image,
		Actions:    rep.Actions,
		Scopes:     rep.Scopes,
		GrantNote:  rep.GrantNote,
		Manifest:   rep.Manifest,
		RateLimits: rep.RateLimits,
		Blob:       rep.Blob,
	}
	if d.RateLimits == nil {
		d.RateLimits = []flow.RateLimitSeen{}
	}
	if e := rep.RegistryError; e != nil {
		m := *e
		m.EngineText, m.DaemonText = r.String(m.EngineText), r.String(m.DaemonText)
		d.RegistryError = &m
	}
	if c := rep.Anonymous; c != nil {
		a := &AnonymousDoc{Effect: c.Effect, Message: r.String(c.Message)}
		if t := c.Trace; t != nil {
			a.Verdict, a.Summary = string(t.Verdict), r.String(t.Summary)
			a.Steps = []StepDoc{}
			for _, s := range t.Steps {
				a.Steps = append(a.Steps, stepDoc(s, r))
			}
			a.Diagnoses = maskDiagnoses(t.Diagnoses, r)
		}
		d.Anonymous = a
	}
	return d
}

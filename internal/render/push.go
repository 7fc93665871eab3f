package render

import (
	"io"
	"strings"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// PushDoc is push-trace's "details" in the JSON document (docs/json.md).
type PushDoc struct {
	*PullDoc
	Blob       string             `json:"blob"`
	BlobExists *bool              `json:"blob_exists,omitempty"`
	Upload     *flow.UploadResult `json:"upload"`
	Mount      *flow.MountResult  `json:"mount,omitempty"`
}

// NewPushDoc builds the masked JSON view of a push report.
func NewPushDoc(rep *flow.PushReport, r *redact.Redactor) *PushDoc {
	d := &PushDoc{PullDoc: NewPullDoc(rep.PullReport, r), Blob: rep.Blob, BlobExists: rep.BlobExists, Mount: rep.Mount}
	if u := rep.Upload; u != nil {
		m := *u
		m.Location, m.Left = r.URL(m.Location), r.String(m.Left)
		d.Upload = &m
	}
	return d
}

// PushText writes a push trace: the steps, then the scope table, the
// upload session and what became of it, the mount, the registry's error.
func PushText(w io.Writer, t *flow.Trace, rep *flow.PushReport, r *redact.Redactor, st Style, o TextOptions) error {
	o.Intro = func(w io.Writer) error {
		p := &printer{w: w}
		img := rep.Image
		p.line("image %s: repository %s, tag %s, on %s; scope actions %s", r.String(img.Canonical), img.Repository, img.Reference(), img.Registry, strings.Join(rep.Actions, ","))
		p.line("  nothing is written: the trace stops at the upload session and cancels it")
		return p.err
	}
	o.Details = func(w io.Writer) error {
		p := &printer{w: w}
		writeScopes(p, w, rep.PullReport, r, st)
		if u := rep.Upload; u != nil {
			state := st.Green("cancelled: nothing is left on the registry")
			if !u.Cancelled {
				state = st.Yellow("NOT cancelled: left behind is " + r.String(u.Left))
			}
			p.line("%s session %s (step %d): %s", st.Bold("Upload:"), orDash(u.UUID), u.Step, state)
			p.line("")
		}
		if m := rep.Mount; m != nil {
			p.line("%s from %s, blob %s: %s", st.Bold("Mount:"), r.String(m.Source), orDash(m.Digest), m.Outcome)
			if m.Fallback != "" {
				p.line("  %s", m.Fallback)
			}
			p.line("")
		}
		if e := rep.RegistryError; e != nil {
			p.line("%s step %d answered %d [%s]: %s", st.Bold("Registry error:"), e.Step, e.Status, strings.Join(e.Codes, ", "), r.String(redact.OneLine(e.EngineText)))
			p.line("")
		}
		return p.err
	}
	return TraceText(w, t, r, st, o)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

package render

import (
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/redact"
)

// flavourWords says which registry product answered and why, for the
// heading of traces, probe and doctor: "Harbor (service harbor-registry,
// realm /service/token)". A low-confidence match says "probably".
func flavourWords(m *flavour.Match, r *redact.Redactor) string {
	if m == nil {
		return ""
	}
	name := m.Name
	if m.Known() && m.Confidence == flavour.Low {
		name += ", probably"
	}
	if m.Why == "" {
		return r.String(name)
	}
	return r.String(name + " (" + m.Why + ")")
}

// writeFlavour prints the flavour line; nothing when none was recognised
// because nothing answered.
func writeFlavour(p *printer, m *flavour.Match, r *redact.Redactor, st Style) {
	if m == nil {
		return
	}
	p.line("%s", st.Dim("flavour: "+flavourWords(m, r)))
}

// flavourDoc is the JSON form, with its strings masked like every other.
func flavourDoc(m *flavour.Match, r *redact.Redactor) *flavour.Match {
	if m == nil {
		return nil
	}
	d := *m
	d.Name, d.Why = r.String(m.Name), r.String(m.Why)
	return &d
}

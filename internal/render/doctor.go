package render

import (
	"io"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/doctor"
	"github.com/regauth/regauth/internal/redact"
)

// DoctorDoc is doctor's JSON document: one object per registry.
type DoctorDoc struct {
	SchemaVersion int                  `json:"schemaVersion"`
	Command       string               `json:"command"`
	Registries    []doctor.Result      `json:"registries"`
	Diagnoses     []diagnose.Diagnosis `json:"diagnoses"`
}

// NewDoctorDoc masks every string of the results.
func NewDoctorDoc(rs []doctor.Result, ds []diagnose.Diagnosis, r *redact.Redactor) DoctorDoc {
	doc := DoctorDoc{SchemaVersion: SchemaVersion, Command: "doctor", Registries: []doctor.Result{}, Diagnoses: maskDiagnoses(ds, r)}
	for _, res := range rs {
		res.Source = r.String(res.Source)
		res.Summary = r.String(redact.OneLine(res.Summary))
		res.Diagnoses = maskDiagnoses(res.Diagnoses, r)
		if res.Trace != nil {
			res.Flavour = flavourDoc(res.Trace.Flavour, r)
		}
		if res.Trace != nil {
			res.Kind = maskKind(res.Trace.Credentials.Kind, r)
		}
		doc.Registries = append(doc.Registries, res)
	}
	return doc
}

// DoctorText writes the verdict table, then what went wrong where.
func DoctorText(w io.Writer, rs []doctor.Result, ds []diagnose.Diagnosis, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	if len(rs) == 0 {
		p.line("no registries to check: the config names none (give some as arguments: regauth doctor HOST...)")
		writeDiagnoses(p, ds, r, st)
		return p.err
	}
	rows := make([][]string, 0, len(rs))
	for _, res := range rs {
		user := res.User
		if user == "" {
			user = "-"
		}
		code := string(res.Code)
		if code == "" {
			code = "-"
		}
		rows = append(rows, []string{res.Registry, user, r.String(res.Source), string(res.Verdict), code, fmtDuration(time.Duration(res.DurationMS * float64(time.Millisecond)))})
		rows[len(rows)-1] = append(rows[len(rows)-1], doctorFlavour(res))
		rows[len(rows)-1][2] += doctorKindWords(res, r)
	}
	if err := Table(w, []string{"REGISTRY", "USER", "CREDENTIALS", "VERDICT", "CODE", "TIME", "FLAVOUR"}, rows); err != nil {
		return err
	}
	bad := 0
	for _, res := range rs {
		if res.Verdict.Exit() == 0 {
			continue
		}
		if bad == 0 {
			p.line("")
		}
		bad++
		p.line("%s %s", st.Bold(res.Registry+":"), r.String(redact.OneLine(res.Summary)))
		if res.Trace != nil && res.Trace.Flavour != nil {
			p.line("    %s %s", st.Dim("flavour:"), flavourWords(res.Trace.Flavour, r))
		}
		for _, d := range res.Diagnoses {
			if d.Code == res.Code {
				p.line("    %s %s", st.Dim("fix:"), r.String(d.Hint))
				break
			}
		}
	}
	p.line("")
	p.line("%d of %d registries ok", len(rs)-bad, len(rs))
	writeDiagnoses(p, ds, r, st)
	return p.err
}

// doctorFlavour is the table's FLAVOUR cell: the name only (the why is in
// the detail lines and the JSON).
func doctorFlavour(res doctor.Result) string {
	if res.Trace == nil || res.Trace.Flavour == nil {
		return "-"
	}
	return res.Trace.Flavour.Name
}

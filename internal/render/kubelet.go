package render

import (
	"fmt"
	"io"
	"strconv"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/keyring"
	"github.com/regauth/regauth/internal/redact"
)

// KubeletPullDoc is pull-trace --pull-secret's JSON document (docs/json.md):
// the keyring table, one trace per attempt, and what the pod shows.
type KubeletPullDoc struct {
	SchemaVersion int                  `json:"schemaVersion"`
	Command       string               `json:"command"`
	Image         string               `json:"image"`
	Keyring       []keyring.Row        `json:"keyring"`
	Anonymous     bool                 `json:"anonymous"`
	Attempts      []KubeletAttemptDoc  `json:"attempts"`
	OK            bool                 `json:"ok"`
	Verdict       string               `json:"verdict"`
	Summary       string               `json:"summary"`
	Error         string               `json:"error,omitempty"`
	Events        []string             `json:"events,omitempty"`
	Diagnoses     []diagnose.Diagnosis `json:"diagnoses"`
	// Findings are the pull Secrets' and node config's own.
	Findings []diagnose.Diagnosis `json:"findings"`
	// CredentialProviders is the kubelet's plugins, with
	// --credential-provider-config.
	CredentialProviders *CredProviderDoc `json:"credential_providers,omitempty"`
}

// KubeletAttemptDoc is one attempt: which credential, and its trace.
type KubeletAttemptDoc struct {
	Turn   int      `json:"turn"`
	Key    string   `json:"key,omitempty"`
	Source string   `json:"source"`
	Trace  TraceDoc `json:"trace"`
	// Hosts is the attempt over containerd's host list (every host's
	// pull), with --containerd-hosts-dir; Trace is then the deciding one.
	Hosts *HostsPullDoc `json:"hosts,omitempty"`
}

// NewKubeletPullDoc builds the masked JSON view.
func NewKubeletPullDoc(kr keyring.Result, res *flow.KubeletResult, findings []diagnose.Diagnosis, r *redact.Redactor, curl bool) KubeletPullDoc {
	d := KubeletPullDoc{
		SchemaVersion: SchemaVersion, Command: "pull-trace", Image: kr.Image,
		Keyring: []keyring.Row{}, Anonymous: res.Anonymous, Attempts: []KubeletAttemptDoc{},
		OK: res.Verdict == flow.VerdictOK, Verdict: string(res.Verdict),
		Summary: r.String(redact.OneLine(res.Summary)), Error: r.String(redact.OneLine(res.Error)),
		Diagnoses: maskDiagnoses(res.Diagnoses, r), Findings: maskDiagnoses(findings, r),
	}
	for _, row := range kr.Rows {
		row.Source = r.String(row.Source)
		d.Keyring = append(d.Keyring, row)
	}
	for _, e := range res.Events {
		d.Events = append(d.Events, r.String(redact.OneLine(e)))
	}
	for _, a := range res.Attempts {
		td := NewTraceDoc(a.Trace, r)
		if a.Report != nil {
			td.Extra = NewPullDoc(a.Report, r)
		}
		if curl {
			td.AddCurl(a.Trace, r)
		}
		d.Attempts = append(d.Attempts, KubeletAttemptDoc{Turn: a.Turn, Key: a.Key, Source: r.String(a.Source), Trace: td})
	}
	return d
}

// KeyringText writes the kubelet's keyring for an image: every key as
// written and as filed, where it came from, and whether and when it is
// used.
func KeyringText(w io.Writer, kr keyring.Result, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	p.line("%s %s", st.Bold("The kubelet's keyring for"), kr.Image)
	if len(kr.Rows) == 0 {
		p.line("  no credentials: the pull Secrets and node config name no registry")
		return p.err
	}
	if p.err != nil {
		return p.err
	}
	rows := make([][]string, 0, len(kr.Rows))
	for _, row := range kr.Rows {
		turn := "-"
		if row.Order > 0 {
			turn = strconv.Itoa(row.Order)
		}
		match := "no: " + row.Why
		if row.Matched {
			match = "yes: " + row.Why
		}
		rows = append(rows, []string{turn, row.Keyring, row.Key, orDash(row.KubeletKey), r.String(row.Source), orDash(row.Username), match})
	}
	return Table(w, []string{"TURN", "KEYRING", "KEY", "KUBELET KEY", "SOURCE", "USER", "MATCHES THE IMAGE"}, rows)
}

// KubeletPullText writes the keyring, each attempt's pull in turn, then the
// kubelet's outcome and the pod's events.
func KubeletPullText(w io.Writer, kr keyring.Result, res *flow.KubeletResult, findings []diagnose.Diagnosis, r *redact.Redactor, st Style, o TextOptions) error {
	if err := KeyringText(w, kr, r, st); err != nil {
		return err
	}
	p := &printer{w: w}
	writeDiagnoses(p, findings, r, st)
	for _, a := range res.Attempts {
		p.line("")
		p.line("%s", st.Bold(fmt.Sprintf("Attempt %d of %d: %s", a.Turn, len(res.Attempts), r.String(a.Label()))))
		if p.err != nil {
			return p.err
		}
		if a.Hosts != nil {
			// containerd's host list, for this credential.
			if err := hostAttemptsText(w, a.Hosts, r, st, o); err != nil {
				return err
			}
			p.line("  containerd's host list: %s", r.String(redact.OneLine(a.Hosts.Summary)))
			continue
		}
		if err := PullText(w, a.Trace, a.Report, r, st, o); err != nil {
			return err
		}
	}
	p.line("")
	p.line("%s", st.Bold("The kubelet:"))
	switch {
	case res.Verdict == flow.VerdictOK:
		p.line("%s %s", st.Green("OK"), r.String(res.Summary))
	default:
		p.line("%s %s", st.Red("FAILED"), r.String(redact.OneLine(res.Summary)))
		if len(res.Attempts) > 0 && !res.Anonymous {
			p.line("  every matching credential failed; the kubelet does not try anonymously after them")
		}
	}
	if len(res.Events) > 0 {
		p.line("")
		p.line("%s", st.Bold("kubectl describe pod would show:"))
		for _, e := range res.Events {
			p.line("  %s", r.String(redact.OneLine(e)))
		}
	}
	writeDiagnoses(p, res.Diagnoses, r, st)
	return p.err
}

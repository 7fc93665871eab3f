package render

import (
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/regauth/regauth/internal/decode/hoststoml"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// HostsPullDoc is pull-trace --containerd-hosts-dir's JSON document
// (docs/json.md): where containerd found the hosts, the host list in its
// order, one trace per attempt, and which host answered.
type HostsPullDoc struct {
	SchemaVersion int                  `json:"schemaVersion"`
	Command       string               `json:"command"`
	Image         string               `json:"image"`
	Client        string               `json:"client"`
	Lookup        HostsLookupDoc       `json:"lookup"`
	Hosts         []HostRowDoc         `json:"hosts"`
	Attempts      []HostAttemptDoc     `json:"attempts"`
	Answered      string               `json:"answered,omitempty"`
	OK            bool                 `json:"ok"`
	Verdict       string               `json:"verdict"`
	Summary       string               `json:"summary"`
	Diagnoses     []diagnose.Diagnosis `json:"diagnoses"`
	// Findings are the host directory's and config files' own.
	Findings []diagnose.Diagnosis `json:"findings"`
}

// HostsLookupDoc says which directories containerd looked at.
type HostsLookupDoc struct {
	Registry  string                `json:"registry"`
	Roots     []string              `json:"roots"`
	Tried     []hoststoml.Candidate `json:"tried"`
	Dir       string                `json:"dir,omitempty"`
	File      string                `json:"file,omitempty"`
	CertFiles bool                  `json:"cert_files,omitempty"`
	// CRIConfig is --containerd-config's path, when given.
	CRIConfig string `json:"cri_config,omitempty"`
}

// HostRowDoc is one host of the list, its header values masked.
type HostRowDoc struct {
	Turn         int         `json:"turn"`
	URL          string      `json:"url"`
	Capabilities []string    `json:"capabilities"`
	Resolves     bool        `json:"resolves"`
	Mirror       bool        `json:"mirror"`
	Server       bool        `json:"server"`
	TLS          string      `json:"tls"`
	Header       http.Header `json:"header,omitempty"`
	Source       string      `json:"source"`
	Line         int         `json:"line,omitempty"`
	Default      string      `json:"default,omitempty"`
	Why          string      `json:"why,omitempty"`
}

// HostAttemptDoc is one pull against one host.
type HostAttemptDoc struct {
	Turn        int      `json:"turn"`
	Host        string   `json:"host"`
	Phase       string   `json:"phase"`
	NS          string   `json:"ns,omitempty"`
	Credentials string   `json:"credentials"`
	Outcome     string   `json:"outcome"`
	Note        string   `json:"note,omitempty"`
	Trace       TraceDoc `json:"trace"`
}

// HostsInput is what the host list was read from.
type HostsInput struct {
	Image, Client, CRIConfig string
	Resolution               *hoststoml.Resolution
	Findings                 []diagnose.Diagnosis
}

// NewHostsPullDoc builds the masked JSON view.
func NewHostsPullDoc(in HostsInput, res *flow.HostsResult, r *redact.Redactor, curl bool) HostsPullDoc {
	rs := in.Resolution
	d := HostsPullDoc{
		SchemaVersion: SchemaVersion, Command: "pull-trace", Image: in.Image, Client: in.Client,
		Lookup: HostsLookupDoc{Registry: rs.Registry, Roots: append([]string{}, rs.Roots...), Tried: append([]hoststoml.Candidate{}, rs.Tried...),
			Dir: rs.Dir, File: rs.File, CertFiles: rs.CertFiles, CRIConfig: in.CRIConfig},
		Hosts: []HostRowDoc{}, Attempts: []HostAttemptDoc{}, Answered: res.Answered,
		OK: res.Verdict == flow.VerdictOK, Verdict: string(res.Verdict), Summary: r.String(redact.OneLine(res.Summary)),
		Diagnoses: maskDiagnoses(res.Diagnoses, r), Findings: maskDiagnoses(in.Findings, r),
	}
	for _, row := range res.Hosts {
		h := row.Host
		d.Hosts = append(d.Hosts, HostRowDoc{Turn: row.Turn, URL: h.URL(), Capabilities: h.Capabilities, Resolves: row.Resolves,
			Mirror: row.Mirror, Server: h.Server, TLS: tlsText(h), Header: maskHeader(h.Header, r), Source: h.Source, Line: h.Line,
			Default: h.Default, Why: row.Why})
	}
	for _, a := range res.Attempts {
		td := NewTraceDoc(a.Trace, r)
		td.Extra = NewPullDoc(a.Report, r)
		if curl {
			td.AddCurl(a.Trace, r)
		}
		d.Attempts = append(d.Attempts, HostAttemptDoc{Turn: a.Turn, Host: a.Host.URL(), Phase: a.Phase, NS: a.NS,
			Credentials: r.String(a.Credentials), Outcome: a.Outcome, Note: a.Note, Trace: td})
	}
	return d
}

func maskHeader(h http.Header, r *redact.Redactor) http.Header {
	if len(h) == 0 {
		return nil
	}
	out := http.Header{}
	for k, vs := range h {
		for _, v := range vs {
			out[k] = append(out[k], r.Header(k, v))
		}
	}
	return out
}

// tlsText is the host's TLS settings in a few words.
func tlsText(h hoststoml.Host) string {
	var parts []string
	if h.Scheme == "http" {
		parts = append(parts, "plain http")
	}
	if h.HTTPFallback {
		parts = append(parts, "https, then http")
	}
	if h.SkipVerify != nil && *h.SkipVerify {
		parts = append(parts, "skip_verify")
	}
	for _, c := range h.CA {
		parts = append(parts, "ca "+c)
	}
	for _, c := range h.Client {
		parts = append(parts, "client "+c[0])
	}
	if len(parts) == 0 {
		return "default"
	}
	return strings.Join(parts, ", ")
}

// HostsPullText writes the lookup, the host table, each attempt's pull in
// turn, and which host answered.
func HostsPullText(w io.Writer, in HostsInput, res *flow.HostsResult, r *redact.Redactor, st Style, o TextOptions) error {
	if err := HostsTableText(w, in, res.Hosts, r, st); err != nil {
		return err
	}
	p := &printer{w: w}
	if err := hostAttemptsText(w, res, r, st, o); err != nil {
		return err
	}
	p.line("")
	p.line("%s", st.Bold("containerd's host list:"))
	if res.Verdict == flow.VerdictOK {
		p.line("%s %s", st.Green("OK"), r.String(redact.OneLine(res.Summary)))
	} else {
		p.line("%s %s", st.Red("FAILED"), r.String(redact.OneLine(res.Summary)))
	}
	writeDiagnoses(p, res.Diagnoses, r, st)
	return p.err
}

// HostsTableText writes the lookup and the host table in containerd's
// order, with the configuration's findings.
func HostsTableText(w io.Writer, in HostsInput, hosts []flow.HostRow, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	rs := in.Resolution
	p.line("%s %s (%s)", st.Bold("containerd's hosts for"), rs.Registry, in.Client)
	for _, c := range rs.Tried {
		mark := "not found"
		if c.Found {
			mark = "found"
		}
		if c.Dir == rs.Dir {
			mark = "used"
		}
		p.line("  %s: %s", c.Dir, mark)
	}
	if in.CRIConfig != "" {
		p.line("  CRI config: %s", in.CRIConfig)
	}
	if p.err != nil {
		return p.err
	}
	rows := make([][]string, 0, len(hosts))
	for _, row := range hosts {
		h := row.Host
		role := "mirror"
		if !row.Mirror {
			role = "registry"
		}
		if h.Server {
			role += " (server)"
		}
		resolves := "yes"
		if !row.Resolves {
			resolves = "no: " + row.Why
		}
		src := h.Source
		if h.Line > 0 {
			src += ":" + strconv.Itoa(h.Line)
		}
		if h.Default != "" {
			src = h.Default
		}
		rows = append(rows, []string{strconv.Itoa(row.Turn), h.URL(), role, strings.Join(h.Capabilities, ","), resolves, tlsText(h), headerNames(h.Header), src})
	}
	if err := Table(w, []string{"TURN", "HOST", "ROLE", "CAPABILITIES", "RESOLVES TAGS", "TLS", "HEADERS", "SOURCE"}, rows); err != nil {
		return err
	}
	writeDiagnoses(p, in.Findings, r, st)
	return p.err
}

// hostAttemptsText writes each host's pull in turn.
func hostAttemptsText(w io.Writer, res *flow.HostsResult, r *redact.Redactor, st Style, o TextOptions) error {
	p := &printer{w: w}
	for _, a := range res.Attempts {
		p.line("")
		ns := ""
		if a.NS != "" {
			ns = ", ?ns=" + a.NS
		}
		p.line("%s", st.Bold(fmt.Sprintf("Attempt %d (%s) at %s%s: %s", a.Turn, a.Phase, a.Host.URL(), ns, a.Outcome)))
		p.line("  credentials offered: %s", r.String(a.Credentials))
		if a.Note != "" {
			p.line("  %s", a.Note)
		}
		if p.err != nil {
			return p.err
		}
		if err := PullText(w, a.Trace, a.Report, r, st, o); err != nil {
			return err
		}
	}
	return p.err
}

func headerNames(h http.Header) string {
	if len(h) == 0 {
		return "-"
	}
	var ks []string
	for k := range h {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return strings.Join(ks, ",")
}

// Package report writes attachable reports of a trace: Markdown with a
// Mermaid sequence diagram (GitHub and GitLab render it in issues), and one
// self-contained HTML file whose diagram regauth draws itself as SVG.
// Both are masked like every other output.
package report

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// participant is one column of the diagram: the client or a host.
type participant struct{ ID, Label string }

// message is one arrow: a request (client to host) or an answer.
type message struct {
	From, To string
	Text     string
	Answer   bool
	Failed   bool
	Step     int
}

// sequence is a trace as a diagram.
type sequence struct {
	Parts []participant
	Msgs  []message
	Notes []string
}

// Requests counts the request arrows.
func (s sequence) Requests() int {
	n := 0
	for _, m := range s.Msgs {
		if !m.Answer {
			n++
		}
	}
	return n
}

// buildSequence lays a trace out: the client, the registry, the token
// service, then every other host (blob storage, redirect targets), in the
// order they appear.
func buildSequence(t *flow.Trace, r *redact.Redactor) sequence {
	var s sequence
	client := "client"
	if t.Client != nil {
		client = t.Client.ID
	}
	s.Parts = append(s.Parts, participant{"C", client})
	ids := map[string]string{}
	regHost := hostOf(t.Endpoint)
	idFor := func(st *flow.Step, host string) string {
		key := host
		if st.Kind == flow.StepToken {
			key = "token " + host
		}
		if id, ok := ids[key]; ok {
			return id
		}
		var id, label string
		switch {
		case st.Kind == flow.StepToken:
			id, label = fmt.Sprintf("T%d", countPrefix(ids, "T")+1), "token service "+host
		case host == regHost || regHost == "":
			id, label = "R", "registry "+host
			if regHost == "" {
				regHost = host
			}
		default:
			id, label = fmt.Sprintf("S%d", countPrefix(ids, "S")+1), host
		}
		if id == "T1" {
			id = "T"
		}
		ids[key] = id
		s.Parts = append(s.Parts, participant{id, r.String(label)})
		return id
	}
	last := len(t.Steps) - 1
	for i, st := range t.Steps {
		if st.Request == nil {
			continue
		}
		to := idFor(st, hostOf(st.Request.URL))
		text := fmt.Sprintf("%s %s", st.Request.Method, pathOf(st.Request.URL))
		if a := st.Request.Headers.Get("Authorization"); a != "" {
			text += " (" + strings.SplitN(a, " ", 2)[0] + ")"
		}
		failedHere := !t.OK() && i == last
		if st.Response == nil {
			s.Msgs = append(s.Msgs, message{From: "C", To: to, Text: r.String(text + " · " + redact.OneLine(st.Err)), Failed: true, Step: st.Index})
			continue
		}
		s.Msgs = append(s.Msgs, message{From: "C", To: to, Text: r.String(text), Step: st.Index})
		s.Msgs = append(s.Msgs, message{From: to, To: "C", Text: r.String(answerText(st)), Answer: true, Failed: failedHere && st.Response.Status >= 400, Step: st.Index})
	}
	for _, d := range t.Diagnoses {
		if d.Severity == diagnose.Error || d.Severity == diagnose.Warning {
			s.Notes = append(s.Notes, string(d.Code))
		}
		if len(s.Notes) == 4 {
			break
		}
	}
	return s
}

// answerText is a status and the facts that matter for that kind of step.
func answerText(st *flow.Step) string {
	r := st.Response
	out := fmt.Sprintf("%d %s", r.Status, r.StatusText)
	if len(r.Challenges) > 0 {
		c := r.Challenges[0]
		out += fmt.Sprintf(" · %s realm %s", c.Scheme, c.Params["realm"])
		if e := c.Params["error"]; e != "" {
			out += " error=" + e
		}
	}
	if tv := st.Token; tv != nil && tv.Decoded != nil {
		var grants []string
		for _, a := range tv.Decoded.Access {
			grants = append(grants, a.Name+":"+strings.Join(a.Actions, ","))
		}
		if len(grants) == 0 {
			grants = []string{"nothing"}
		}
		out += " · token grants " + strings.Join(grants, " ")
	}
	if d := r.Headers.Get("Docker-Content-Digest"); d != "" && st.Kind == flow.StepManifest {
		if len(d) > 19 {
			d = d[:19] + "…"
		}
		out += " · " + d
	}
	return redact.OneLine(out)
}

func countPrefix(ids map[string]string, p string) int {
	n := 0
	for _, id := range ids {
		if strings.HasPrefix(id, p) {
			n++
		}
	}
	return n
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Host
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Path
}

package flow

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
)

// PullSource is one place a client tries for an image, in its order:
// a daemon.json mirror, Docker Hub, a registries.conf mirror, a search
// registry's candidate.
type PullSource struct {
	// Role is "mirror", "primary" or "http fallback"; Candidate the
	// reference the user's name resolved to (podman's search registries),
	// "" when there is one.
	Role      string `json:"role"`
	Candidate string `json:"candidate,omitempty"`
	// Label names the source in text ("mirror https://mirror.example.com/").
	Label string `json:"label"`
	// Registry is Options.Registry for this source: host[:port] or a URL.
	Registry string       `json:"registry"`
	Image    imageref.Ref `json:"image"`
	// Credentials are what the client offers here, and CredentialsWhy why
	// (the image store's rule, the auth file that supplied them).
	Credentials    Credentials `json:"-"`
	CredentialsWhy string      `json:"credentials_why,omitempty"`
	// Transport replaces the options' transport here (TLS not verified).
	Transport http.RoundTripper `json:"-"`
	Notes     []string          `json:"notes,omitempty"`
	// Refused is the client's refusal with no request (a blocked registry).
	Refused string `json:"refused,omitempty"`
	// AfterTransportError: tried only when the previous source never got
	// an answer (the http endpoint after https for an insecure registry).
	AfterTransportError bool `json:"after_transport_error,omitempty"`
	// FailCode names this source's failure when a later one answers.
	FailCode diagnose.Code `json:"-"`
}

// SourceAttempt is one source tried.
type SourceAttempt struct {
	Turn        int         `json:"turn"`
	Source      int         `json:"source"` // index into the sources
	Label       string      `json:"label"`
	Credentials string      `json:"credentials"` // who, or "none", with where from
	Outcome     string      `json:"outcome"`
	OK          bool        `json:"ok"`
	Trace       *Trace      `json:"-"`
	Report      *PullReport `json:"-"`
}

// SourcesResult is a pull through an ordered list of sources.
type SourcesResult struct {
	Client   string          `json:"client"`
	Sources  []PullSource    `json:"sources"`
	Attempts []SourceAttempt `json:"attempts"`
	// Answered is the 1-based index of the source that served the image,
	// 0 when none did; Skipped says why a source was not tried.
	Answered  int                  `json:"answered"`
	Skipped   map[int]string       `json:"skipped,omitempty"`
	Verdict   Verdict              `json:"verdict"`
	Summary   string               `json:"summary"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
}

// SourceErrors words the client's error once every source failed.
type SourceErrors func(res *SourcesResult) string

// PullFromSources pulls as a client with mirrors does: each source in
// turn, a failure moving on to the next, the first that serves the
// manifest winning (moby's pull loop over lookupV2Endpoints; containers/
// image's newImageSource over PullSourcesFromReference and each search
// candidate).
func PullFromSources(ctx context.Context, opts Options, req PullRequest, client string, sources []PullSource, words SourceErrors) *SourcesResult {
	res := &SourcesResult{Client: client, Sources: sources, Attempts: []SourceAttempt{}, Diagnoses: []diagnose.Diagnosis{}, Skipped: map[int]string{}}
	lastTransport := false
	for i, s := range sources {
		if s.AfterTransportError && !lastTransport {
			res.Skipped[i] = "not tried: the previous endpoint answered"
			continue
		}
		att := SourceAttempt{Turn: len(res.Attempts) + 1, Source: i, Label: s.Label, Credentials: DescribeCredentials(s.Credentials)}
		if s.Refused != "" {
			att.Outcome = s.Refused
			res.Attempts = append(res.Attempts, att)
			lastTransport = false
			continue
		}
		o := opts
		o.Registry, o.Credentials = s.Registry, s.Credentials
		if s.Transport != nil {
			o.Transport = s.Transport
		}
		r := req
		r.Image = s.Image
		t, rep := Pull(ctx, o, r)
		att.Trace, att.Report, att.OK = t, rep, t.OK()
		att.Outcome = oneLine(clientLine(t), 300)
		res.Attempts = append(res.Attempts, att)
		lastTransport = t.Verdict == VerdictTransport
		res.Verdict = t.Verdict
		if t.OK() {
			res.Answered = i + 1
			break
		}
	}
	if res.Answered > 0 {
		s := sources[res.Answered-1]
		for _, a := range res.Attempts[:len(res.Attempts)-1] {
			if code := sources[a.Source].FailCode; code != "" {
				res.Diagnoses = append(res.Diagnoses, diagnose.New(code,
					fmt.Sprintf("%s failed (%s); %s moved on, and %s answered", a.Label, a.Outcome, client, s.Label), ""))
			}
		}
		last := res.Attempts[len(res.Attempts)-1]
		res.Verdict = VerdictOK
		res.Summary = fmt.Sprintf("the pull would succeed from %s (attempt %d of %d): %s", s.Label, last.Turn, len(res.Attempts), last.Trace.Summary)
		return res
	}
	if res.Verdict == "" || allRefused(res) {
		res.Verdict = VerdictRefused
	}
	res.Summary = words(res)
	return res
}

func allRefused(res *SourcesResult) bool {
	for _, a := range res.Attempts {
		if a.Trace != nil {
			return false
		}
	}
	return true
}

// clientLine is what the client prints for the attempt.
func clientLine(t *Trace) string {
	if t.OK() {
		return "served the image: " + t.Summary
	}
	if t.Client != nil && t.Client.Error != "" {
		return t.Client.Error
	}
	return t.Summary
}

// DescribeCredentials says who the credentials are for and where they
// came from, or why there are none.
func DescribeCredentials(c Credentials) string {
	if c.Username == "" && !c.HasSecret() {
		if strings.HasPrefix(c.Source, "none") {
			return c.Source
		}
		return "none: " + c.Source
	}
	who := c.Username
	if who == "" {
		who = "a token"
	}
	return who + " (" + c.Source + ")"
}

// DockerSourceErrors is dockerd's error after every endpoint failed: the
// last endpoint's (Docker Hub's, after its mirrors).
func DockerSourceErrors(res *SourcesResult) string {
	if len(res.Attempts) == 0 {
		return "no source to pull from"
	}
	return res.Attempts[len(res.Attempts)-1].Outcome
}

// ContainersSourceErrors words containers/image's failures: per candidate
// "(Mirrors also failed: [ref: err]...): primary: err", and several
// candidates as libimage's "N errors occurred while pulling:" list.
func ContainersSourceErrors(res *SourcesResult) string {
	var order []string
	groups := map[string][]SourceAttempt{}
	for _, a := range res.Attempts {
		c := res.Sources[a.Source].Candidate
		if _, ok := groups[c]; !ok {
			order = append(order, c)
		}
		groups[c] = append(groups[c], a)
	}
	var errs []string
	for _, c := range order {
		atts := groups[c]
		primary := atts[len(atts)-1]
		pref := res.Sources[primary.Source].Image.Canonical
		msg := pref + ": " + primary.Outcome
		if res.Sources[primary.Source].Refused != "" {
			msg = primary.Outcome
		}
		if len(atts) > 1 {
			var extras []string
			for _, a := range atts[:len(atts)-1] {
				extras = append(extras, fmt.Sprintf("[%s: %s]", res.Sources[a.Source].Image.Canonical, a.Outcome))
			}
			msg = fmt.Sprintf("(Mirrors also failed: %s): %s", strings.Join(extras, "\n"), msg)
		}
		errs = append(errs, msg)
	}
	if len(errs) == 1 {
		return errs[0]
	}
	return fmt.Sprintf("%d errors occurred while pulling:\n * %s", len(errs), strings.Join(errs, "\n * "))
}

package flow

import (
	"context"
	"fmt"
	"net/url"
	"sync"

	"github.com/regauth/regauth/internal/diagnose"
)

// ClientRun is one client's replay of the same pull.
type ClientRun struct {
	Profile *Profile
	Trace   *Trace
	Report  *PullReport
	// DivergesAt is the first step (1-based) where this client's wire
	// differs from the reference client's; 0 when it never does.
	DivergesAt int
	// Divergence says how ("docker: GET /v2/ ; containerd: HEAD /v2/app/manifests/1").
	Divergence string
}

// Requests is how many requests the client sent.
func (r *ClientRun) Requests() int {
	n := 0
	for _, s := range r.Trace.Steps {
		if s.Request != nil {
			n++
		}
	}
	return n
}

// CompareClients replays one pull as each profile, concurrently, and says
// where each client's path leaves the first one's (docker's, by default).
// Each run gets its own copy of opts; the redactor is shared, so every
// secret any run learns is masked in every output.
func CompareClients(ctx context.Context, opts Options, req PullRequest, profs []*Profile) []*ClientRun {
	runs := make([]*ClientRun, len(profs))
	var wg sync.WaitGroup
	for i, p := range profs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opts
			o.Profile = p
			if opts.Profile == nil || p.ID() != opts.Profile.ID() {
				o.ClientNote = ""
			}
			t, rep := Pull(ctx, o, req)
			runs[i] = &ClientRun{Profile: p, Trace: t, Report: rep}
		}()
	}
	wg.Wait()
	ref := runs[0]
	for _, r := range runs[1:] {
		r.DivergesAt, r.Divergence = diverge(ref, r)
		if r.DivergesAt > 0 {
			r.Trace.add(diagnose.New(diagnose.ClientDiverges, fmt.Sprintf("%s leaves %s's path at step %d: %s", r.Profile.ID(), ref.Profile.ID(), r.DivergesAt, r.Divergence), ""))
		}
	}
	return runs
}

// wireStep is a step as the comparison sees it: method, path and the
// scheme of the credentials sent.
func wireStep(s *Step) string {
	if s == nil || s.Request == nil {
		return "(nothing)"
	}
	path, scheme := s.Request.URL, ""
	if u, err := url.Parse(s.Request.URL); err == nil {
		path, scheme = u.Path, u.Scheme
	}
	auth := "anonymous"
	if a := s.Request.Headers.Get("Authorization"); a != "" {
		auth = a
		for i := 0; i < len(a); i++ {
			if a[i] == ' ' {
				auth = a[:i]
				break
			}
		}
	}
	// Both clients usually try https first on loopback; naming the scheme
	// tells that failed attempt from the one that got an answer.
	status := "no answer"
	if scheme != "" {
		status += " over " + scheme
	}
	if s.Response != nil {
		status = fmt.Sprint(s.Response.Status)
	}
	return fmt.Sprintf("%s %s (%s) -> %s", s.Request.Method, path, auth, status)
}

func diverge(ref, r *ClientRun) (int, string) {
	a, b := ref.Trace.Steps, r.Trace.Steps
	n := max(len(a), len(b))
	for i := 0; i < n; i++ {
		var sa, sb *Step
		if i < len(a) {
			sa = a[i]
		}
		if i < len(b) {
			sb = b[i]
		}
		wa, wb := wireStep(sa), wireStep(sb)
		if wa != wb {
			return i + 1, fmt.Sprintf("%s sends %s; %s sends %s", ref.Profile.ID(), wa, r.Profile.ID(), wb)
		}
	}
	return 0, ""
}

package flow

import (
	"context"
	"fmt"

	"github.com/regauth/regauth/internal/diagnose"
)

// compareAnonymous is --compare-anonymous: the same pull without
// credentials, to tell whether the credentials help (a private repository,
// a higher limit), hurt (stale credentials breaking a public pull) or make
// no difference.
func compareAnonymous(ctx context.Context, opts Options, req PullRequest, t *Trace, rep *PullReport) {
	if opts.Anonymous || !opts.Credentials.HasSecret() {
		rep.Anonymous = &Comparison{Effect: "none", Message: "no credentials: the pull above was anonymous already"}
		return
	}
	if t.Verdict == VerdictTransport {
		// Another run would wait for the same unreachable host.
		rep.Anonymous = &Comparison{Effect: "unknown", Message: "not compared: the pull got no answer"}
		return
	}
	ao := opts
	ao.Anonymous = true
	areq := req
	areq.Blob, areq.CompareAnonymous = false, false
	at, arep := pullOnce(ctx, ao, areq)
	at.Command = "pull-trace (anonymous)"
	at.Credentials.Source = "none (--compare-anonymous)"
	c := &Comparison{Trace: at, Report: arep}
	rep.Anonymous = c

	host := req.Image.Domain
	creds := "your stored credentials"
	if opts.Credentials.Source == "flags" {
		creds = "the credentials given"
	}
	switch {
	case t.Verdict == VerdictTransport || at.Verdict == VerdictTransport:
		c.Effect, c.Message = "unknown", "one of the runs got no answer, so they cannot be compared"
	case t.OK() && at.OK():
		c.Effect, c.Message = "same", "no difference: this "+opName(req)+" succeeds anonymously too"
		if lim, alim := limitOf(rep), limitOf(arep); lim > alim && alim > 0 {
			c.Effect, c.Message = "helps", fmt.Sprintf("%s raise the pull limit from %d to %d; the %s succeeds either way", creds, alim, lim, opName(req))
		}
	case t.OK():
		c.Effect, c.Message = "helps", fmt.Sprintf("%s are needed: anonymously the %s is refused (%s)", creds, opName(req), oneLine(at.Summary, 200))
	case at.OK():
		c.Effect = "hurts"
		if hasDiag(t, diagnose.BadCredentials) {
			c.Message = fmt.Sprintf("this succeeds anonymously; %s for %s are rejected", creds, host)
		} else {
			c.Message = fmt.Sprintf("this succeeds anonymously but fails with %s for %s (%s)", creds, host, oneLine(t.Summary, 200))
		}
		hint := fmt.Sprintf("Log in again with a current password or token (docker login %s), or remove the stale entry (docker logout %s): the image then pulls anonymously.", host, host)
		t.diag(diagnose.StaleCredentials, c.Message, hint)
		diagnose.Sort(t.Diagnoses)
	default:
		c.Effect, c.Message = "same", fmt.Sprintf("refused either way: anonymously too (%s)", oneLine(at.Summary, 200))
	}
}

func opName(req PullRequest) string {
	if req.Push {
		return "pull and push"
	}
	return "pull"
}

// limitOf is the largest pull limit a run's manifest answers stated.
func limitOf(rep *PullReport) int {
	n := 0
	for _, rl := range rep.RateLimits {
		if rl.Info.Limit != nil && rl.Info.Limit.N > n {
			n = rl.Info.Limit.N
		}
	}
	return n
}

func hasDiag(t *Trace, code diagnose.Code) bool {
	for _, d := range t.Diagnoses {
		if d.Code == code {
			return true
		}
	}
	return false
}

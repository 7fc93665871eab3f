package flow

import (
	"fmt"
	"net/http"

	"github.com/regauth/regauth/internal/decode/ratelimit"
	"github.com/regauth/regauth/internal/diagnose"
)

// observeRateLimit records Docker Hub's pull-limit headers on a manifest
// answer and says whether the request counted: Hub counts manifest GETs as
// pulls, never HEADs (section 6.3).
func (p *puller) observeRateLimit(st *Step) {
	if st.Response == nil {
		return
	}
	in := ratelimit.FromHeaders(st.Response.Headers)
	if in == nil {
		return
	}
	counts := st.Request.Method == http.MethodGet && st.Response.Status < 400
	p.rep.RateLimits = append(p.rep.RateLimits, RateLimitSeen{Step: st.Index, Method: st.Request.Method, Status: st.Response.Status, Counts: counts, Info: *in})
	said := "pull limit: " + oneLine(in.String(), 200)
	switch {
	case st.Request.Method == http.MethodHead:
		said += "; a HEAD does not count as a pull on Docker Hub"
	case counts:
		said += "; this manifest GET counts as a pull on Docker Hub, as docker pull's does"
	}
	st.Notes = append(st.Notes, said)
	if in.Remaining != nil && in.Remaining.N == 0 && st.Response.Status < 400 {
		d := diagnose.New(diagnose.RateLimited, fmt.Sprintf("%s at step %d: the next pull counted against this limit will be refused with 429", in.String(), st.Index), p.rateLimitHint(in))
		d.Severity = diagnose.Warning
		p.trace.add(d)
	}
}

// rateLimited reports a 429: the numbers and the window from the headers.
func (p *puller) rateLimited(st *Step, engine string) {
	in := ratelimit.FromHeaders(st.Response.Headers)
	nums := "no ratelimit headers in the answer"
	if in != nil {
		nums = in.String()
	}
	p.trace.diag(diagnose.RateLimited, fmt.Sprintf("%s %s answered %d: %s; %s (Docker: %q)", st.Request.Method, pathOf(st.Request.URL), st.Response.Status, nums, p.whoLimited(), engine), p.rateLimitHint(in))
}

func (p *puller) whoLimited() string {
	if p.opts.Credentials.HasSecret() {
		return "the limit of the account " + orDefault(p.opts.Credentials.Username, "(identity token)")
	}
	return "the anonymous limit, counted per IP address"
}

func (p *puller) rateLimitHint(in *ratelimit.Info) string {
	wait := "Wait for the window to pass"
	if in != nil && in.Limit != nil && in.Limit.WindowText() != "" {
		wait = fmt.Sprintf("Wait: the window is %s (w=%d)", in.Limit.WindowText(), in.Limit.Window)
	}
	if !p.opts.Credentials.HasSecret() {
		return wait + "; or log in (docker login): authenticated pulls have a higher limit and are counted per account, not per IP; or pull through a mirror or cache."
	}
	return wait + "; or pull through a registry mirror or pull-through cache; a paid plan raises the limit."
}

package flow

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

// Pull replays `docker pull` (engine classic, section 6.1 of the protocol
// reference): GET /v2/, the token for repository:NAME:pull, HEAD of the
// manifest, then GET by digest (or GET of the same URL when HEAD gives no
// digest or an error). opts.Registry is the image's registry host.
func Pull(ctx context.Context, opts Options, req PullRequest) (*Trace, *PullReport) {
	opts.defaults()
	if req.OS == "" {
		req.OS = "linux"
	}
	if req.Arch == "" {
		req.Arch = runtime.GOARCH
	}
	t, rep := pullOnce(ctx, opts, req)
	if req.CompareAnonymous {
		compareAnonymous(ctx, opts, req, t, rep)
	}
	return t, rep
}

// puller carries one pull's state between its steps.
type puller struct {
	*engine
	req    PullRequest
	rep    *PullReport
	ep     Endpoint
	base   string
	bearer *challenge.Challenge // the ping's Bearer challenge
	scopes []string
	// noChallenge is set when /v2/ gave no challenge to authenticate with,
	// so every request goes without credentials.
	noChallenge bool
	// insufficient is the step whose 401 said error="insufficient_scope".
	insufficient *Step
	// handler is the auth scheme a client that authenticates on 401 holds
	// for the host ("bearer", "basic").
	handler string
}

func pullOnce(ctx context.Context, opts Options, req PullRequest) (*Trace, *PullReport) {
	p := &puller{engine: newEngine(opts, "pull-trace"), req: req, rep: &PullReport{Image: req.Image, Scopes: []ScopeRow{}}}
	p.image = &p.req.Image
	t := p.trace
	defer p.finish()

	p.rep.Actions = []string{"pull"}
	if req.Push {
		p.rep.Actions = append(p.rep.Actions, "push")
	}
	p.scopes = []string{"repository:" + req.Image.Repository + ":" + strings.Join(p.rep.Actions, ",")}

	ep, ok := p.endpoint()
	if !ok {
		return t, p.rep
	}
	p.ep = ep
	if p.prof.Ping.Send {
		base, ping := p.ping(ctx, ep)
		if ping == nil {
			return t, p.rep
		}
		p.base = base
		ok = p.pingAccepted(ping, base, ep)
		if ok && p.prof.Manifest.Auth == AuthFromPing {
			ok = p.authorisePull(ctx, ping)
		}
	}
	if ok {
		ok = p.pullManifest(ctx)
	}
	p.analyseScopes()
	if ok && req.Blob && p.rep.Manifest != nil {
		ok = p.fetchConfigBlob(ctx)
	}
	if ok {
		p.pullVerdict()
	}
	return t, p.rep
}

// authorisePull does what the engine's authorising transport does before
// the first manifest request: challenges come from the ping only, and a
// Bearer challenge means a token for this pull's scope.
func (p *puller) authorisePull(ctx context.Context, ping *Step) bool {
	r := ping.Response
	if r.Status != http.StatusUnauthorized {
		p.checkIsRegistry(ping)
		p.noChallenge = true
		ping.Notes = append(ping.Notes, fmt.Sprintf("%d without a challenge: Docker stores no challenge and sends the pull's requests without credentials", r.Status))
		return true
	}
	bearer, basic := pickChallenges(r.Challenges)
	if bearer == nil && basic == nil {
		p.reportMisreadings(ping)
		p.noChallenge = true
		p.trace.diag(diagnose.NoChallenge, fmt.Sprintf("%s/v2/ answered 401 with %s; Docker can use neither and sends the pull's requests without credentials", p.base, describeChallenges(r)), "")
		return true
	}
	p.bearer = bearer
	auth, ok := p.authorise(ctx, p.ep, p.base, ping, p.scopes)
	if tok := p.lastStep(StepToken); tok != nil {
		tok.Notes = append(tok.Notes, fmt.Sprintf("scope=%s is the scope %s computes for this %s; it ignores any scope a challenge names", strings.Join(p.scopes, " "), p.clientName(), p.operation()))
	}
	if !ok {
		p.tokenFailureSummary()
		return false
	}
	p.auth = auth
	return true
}

// tokenFailureSummary words a refused token request as `docker pull` shows
// it: the token fetch happens inside the manifest request's transport, so
// Go wraps the error with that request's method and URL.
func (p *puller) tokenFailureSummary() {
	st := p.lastStep(StepToken)
	if st == nil || st.Response == nil {
		return
	}
	r := st.Response
	if r.Status != http.StatusUnauthorized && r.Status != http.StatusForbidden {
		return
	}
	res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, nil)
	method := "Head"
	if p.req.Image.ByDigest() {
		method = "Get"
	}
	p.trace.Summary = fmt.Sprintf("%s %q: %s", method, p.manifestURL(p.req.Image.Reference()), oneLine(res.EngineText, 200))
}

func (p *puller) operation() string {
	if p.trace.Command == "push-trace" {
		return "push"
	}
	if p.req.Push {
		return "push (pull,push)"
	}
	return "pull"
}

func (p *puller) manifestURL(ref string) string {
	return p.base + p.manifestPath(ref)
}

func (p *puller) manifestPath(ref string) string {
	return "/v2/" + p.req.Image.Repository + "/manifests/" + ref
}

func (p *puller) lastStep(kind StepKind) *Step {
	for i := len(p.trace.Steps) - 1; i >= 0; i-- {
		if p.trace.Steps[i].Kind == kind {
			return p.trace.Steps[i]
		}
	}
	return nil
}

// pullVerdict concludes a pull whose manifest (and blob) came back.
func (p *puller) pullVerdict() {
	t := p.trace
	m := p.rep.Manifest
	t.Verdict, t.Summary = VerdictOK, fmt.Sprintf("the pull would succeed: %s is %s", p.req.Image.Familiar, m.Digest)
	if !p.req.Push {
		return
	}
	row := p.requestedRow()
	switch {
	case row == nil || row.Granted == nil:
		t.Summary += "; push not judged: " + orDefault(p.rep.GrantNote, "the grant is unknown")
	case containsAction(row.Missing, "push"):
		t.Verdict = VerdictRefused
		t.Summary = fmt.Sprintf("the pull would succeed, but a push would be refused: the token does not grant push on %s (docker push: \"denied: requested access to the resource is denied\")", row.Resource)
	default:
		t.Summary = fmt.Sprintf("pull and push are both granted on %s (nothing was written); %s is %s", row.Resource, p.req.Image.Familiar, m.Digest)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

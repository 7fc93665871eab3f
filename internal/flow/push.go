package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

// EmptyBlob is the OCI empty descriptor's blob ("{}"): the small blob
// push-trace asks about. Nothing is ever uploaded.
const EmptyBlob = "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

// PushRequest says what push-trace replays.
type PushRequest struct {
	Image imageref.Ref
	// MountFrom is the source of a cross-repository mount.
	MountFrom *imageref.Ref
	// AllowWrite lets the mount request go out: a 201 really mounts.
	AllowWrite bool
	// ExpectUpload is how long the user expects the upload to take, to
	// compare with the token's lifetime.
	ExpectUpload time.Duration
}

// PushReport is what a push trace found beyond its steps.
type PushReport struct {
	*PullReport
	Blob       string        `json:"blob"`
	BlobExists *bool         `json:"blob_exists,omitempty"`
	Upload     *UploadResult `json:"upload,omitempty"`
	Mount      *MountResult  `json:"mount,omitempty"`
}

// UploadResult is the upload session push-trace opened, and its fate.
type UploadResult struct {
	Step      int    `json:"step"`
	Location  string `json:"location"`
	UUID      string `json:"uuid"`
	Cancelled bool   `json:"cancelled"`
	// Left says what remains on the registry when the cancel failed.
	Left string `json:"left,omitempty"`
}

// MountResult is the cross-repository mount.
type MountResult struct {
	Source string `json:"source"`
	Digest string `json:"digest,omitempty"`
	Sent   bool   `json:"sent"`
	Status int    `json:"status,omitempty"`
	// Outcome: "mounted", "declined" (202: an upload opened), "refused",
	// "not-sent".
	Outcome  string `json:"outcome"`
	Fallback string `json:"fallback,omitempty"`
}

// pusher is a puller that stops where a push would write.
type pusher struct {
	*puller
	req  PushRequest
	prep *PushReport
}

// Push replays the client's push up to its first upload session, opens
// that session and cancels it. Nothing is written: no PATCH, no PUT, no
// manifest; a mount goes out only with AllowWrite.
func Push(ctx context.Context, opts Options, req PushRequest) (*Trace, *PushReport) {
	opts.defaults()
	pl := &puller{engine: newEngine(opts, "push-trace"), req: PullRequest{Image: req.Image}, rep: &PullReport{Image: req.Image, Scopes: []ScopeRow{}}}
	pl.image = &pl.req.Image
	pl.plainError = true
	p := &pusher{puller: pl, req: req, prep: &PushReport{PullReport: pl.rep, Blob: EmptyBlob}}
	defer p.finish()

	actions := p.prof.Push.Actions
	if actions == "" {
		actions = "push,pull"
	}
	p.rep.Actions = strings.Split(actions, ",")
	p.scopes = []string{"repository:" + req.Image.Repository + ":" + actions}
	if m := req.MountFrom; m != nil && !strings.EqualFold(m.Registry, req.Image.Registry) {
		p.trace.diag(diagnose.MountCrossHost, fmt.Sprintf("the mount source %s is on %s, the target on %s: a mount works only within one registry, so nothing was sent", m.Canonical, m.Registry, req.Image.Registry), "")
		p.stop(VerdictRefused, "cross-repository mounts work only within one registry")
		return p.trace, p.prep
	}

	ep, ok := p.endpoint()
	if !ok {
		return p.trace, p.prep
	}
	p.ep = ep
	if p.prof.Ping.Send {
		base, ping := p.ping(ctx, ep)
		if ping == nil {
			return p.trace, p.prep
		}
		p.base = base
		ok = p.pingAccepted(ping, base, ep)
		if ok && p.prof.Manifest.Auth == AuthFromPing {
			ok = p.authorisePull(ctx, ping)
		}
	}
	if ok && req.MountFrom != nil {
		p.mount(ctx)
		p.analyseScopes()
		p.pushVerdicts()
		return p.trace, p.prep
	}
	if ok {
		ok = p.probeTarget(ctx)
	}
	var up *Step
	if ok {
		up, ok = p.registryRequest(ctx, StepUpload, http.MethodPost, "/v2/"+req.Image.Repository+"/blobs/uploads/", "Open an upload session (POST), as "+p.clientName()+" does before it sends a blob", nil)
	}
	p.analyseScopes()
	if ok && up != nil {
		p.readUpload(ctx, up)
	}
	p.pushVerdicts()
	p.expiry(req.ExpectUpload)
	return p.trace, p.prep
}

// probeTarget is what the client asks before it uploads: the tag (crane)
// and the blob.
func (p *pusher) probeTarget(ctx context.Context) bool {
	repo := p.req.Image.Repository
	if p.prof.Push.HeadManifest {
		st, ok := p.registryRequest(ctx, StepManifest, http.MethodHead, p.manifestPath(p.req.Image.Reference()), "Ask whether the tag exists (HEAD), as "+p.clientName()+" does before a push", p.prof.Manifest.Accept)
		if !ok || !p.answered(st) {
			return false
		}
	}
	if !p.prof.Push.HeadBlob {
		return true
	}
	st, ok := p.registryRequest(ctx, StepBlob, http.MethodHead, "/v2/"+repo+"/blobs/"+EmptyBlob, "Ask whether a blob exists (HEAD), as "+p.clientName()+" does before uploading it", nil)
	if !ok || !p.answered(st) {
		return false
	}
	switch s := st.Response.Status; {
	case s == http.StatusOK:
		yes := true
		p.prep.BlobExists = &yes
		st.Notes = append(st.Notes, "the registry has this blob: a client would skip its upload; push-trace still opens a session to prove the push right")
	case s == http.StatusNotFound:
		no := false
		p.prep.BlobExists = &no
		st.Notes = append(st.Notes, "404: the blob is not there, so the client uploads it next")
	case s >= 400:
		p.registryError(st)
		return false
	}
	return true
}

func (p *pusher) answered(st *Step) bool {
	if st.Response == nil {
		p.transportFailure(st, "registry", p.ep.Host)
		return false
	}
	if st.Response.Status == http.StatusUnauthorized {
		p.registryError(st)
		return false
	}
	return true
}

// readUpload judges the upload POST and cancels the session it opened.
func (p *pusher) readUpload(ctx context.Context, st *Step) {
	r := st.Response
	if r == nil {
		p.transportFailure(st, "registry", p.ep.Host)
		return
	}
	switch {
	case r.Status == http.StatusAccepted:
		loc := resolveLocation(st.Request.URL, r.Headers.Get("Location"))
		p.prep.Upload = &UploadResult{Step: st.Index, Location: loc, UUID: r.Headers.Get("Docker-Upload-UUID")}
		st.Notes = append(st.Notes, fmt.Sprintf("202: the registry opened upload session %s; a client would PATCH the blob there next, push-trace stops and cancels it", orDefault(p.prep.Upload.UUID, "(no Docker-Upload-UUID)")))
		p.stop(VerdictOK, fmt.Sprintf("a push to %s would be allowed: the registry opened an upload session (nothing was written)", p.req.Image.Familiar))
		p.cancel(ctx, p.prep.Upload)
	case r.Status == http.StatusMethodNotAllowed || r.Status == http.StatusNotFound:
		res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
		p.trace.diag(diagnose.UploadNotSupported, fmt.Sprintf("POST %s answered %d (%s): this registry takes no uploads here: a read-only registry, a mirror or a pull-through cache", pathOf(st.Request.URL), r.Status, oneLine(res.EngineText, 200)), "")
		p.stop(VerdictRefused, oneLine(res.EngineText, 300))
	default:
		p.registryError(st)
	}
}

// cancel is regauth's clean-up, apart from the client's replay: the
// distribution registry authorises DELETE with the delete action, which a
// push token lacks, so it asks for a token of its own.
func (p *pusher) cancel(ctx context.Context, up *UploadResult) {
	t := p.trace
	verdict, summary, token := t.Verdict, t.Summary, t.Token
	defer func() { t.Verdict, t.Summary, t.Token = verdict, summary, token }()
	auth := p.auth
	if p.bearer != nil {
		scope := "repository:" + p.req.Image.Repository + ":delete"
		tok, ok := p.obtainToken(ctx, p.ep, p.base, *p.bearer, []string{scope})
		if st := p.lastStep(StepToken); st != nil {
			st.Title = "Clean-up (regauth's own, no client sends it): a token for " + scope
		}
		if !ok {
			p.notCancelled(up, "the token service refused a token for the delete action")
			return
		}
		auth = "Bearer " + tok
	}
	req, err := http.NewRequest(http.MethodDelete, up.Location, nil)
	if err != nil {
		p.notCancelled(up, err.Error())
		return
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	st := p.send(ctx, StepCleanup, "Clean-up (regauth's own): cancel the upload session (DELETE)", req)
	switch {
	case st.Response == nil:
		p.notCancelled(up, st.Err)
	case st.Response.Status == http.StatusNoContent || st.Response.Status == http.StatusOK:
		up.Cancelled = true
		st.Notes = append(st.Notes, "the session is gone: nothing of this trace is left on the registry")
	default:
		p.notCancelled(up, fmt.Sprintf("DELETE answered %d", st.Response.Status))
	}
}

func (p *pusher) notCancelled(up *UploadResult, why string) {
	up.Left = fmt.Sprintf("an empty upload session %s at %s; the distribution registry purges stale sessions by its storage.maintenance.uploadpurging settings (by default those older than a week, checked every 24 h)", orDefault(up.UUID, "(no UUID)"), up.Location)
	p.trace.add(diagnose.New(diagnose.UploadNotCancelled, fmt.Sprintf("the upload session could not be cancelled (%s): left behind is %s", why, up.Left), ""))
}

// pushVerdicts names why a push is refused from the grant, and words the
// refusal as docker push prints it: the first registry error.
func (p *pusher) pushVerdicts() {
	if p.trace.OK() {
		return
	}
	if e := p.rep.RegistryError; e != nil && len(e.Codes) > 0 && e.Codes[0] == "DENIED" {
		p.trace.Summary = "denied: requested access to the resource is denied"
	}
	for _, row := range p.rep.Scopes {
		if row.Resource != "repository:"+p.req.Image.Repository || row.Granted == nil {
			continue
		}
		hasPush, hasPull := containsAction(row.Granted, "push"), containsAction(row.Granted, "pull")
		switch {
		case hasPush && !hasPull:
			p.trace.diag(diagnose.PushWithoutPull, fmt.Sprintf("the token grants push on %s but not pull: the distribution registry needs both for an upload", p.req.Image.Repository), "")
		case !hasPush:
			who := orDefault(p.opts.Credentials.Username, "anonymous")
			p.trace.diag(diagnose.PushDenied, fmt.Sprintf("the token grants %s on %s, without push: %s may not push here (docker push: \"denied: requested access to the resource is denied\")", describeGrant(row.Granted), p.req.Image.Repository, who), "")
		}
	}
}

func describeGrant(actions []string) string {
	if len(actions) == 0 {
		return "nothing"
	}
	return strings.Join(actions, ",")
}

// expiry compares the token's lifetime with the expected upload time.
func (p *pusher) expiry(expect time.Duration) {
	tv := p.trace.Token
	if expect <= 0 || tv == nil || tv.Reply == nil {
		return
	}
	life := time.Duration(tv.Reply.EffectiveExpiresIn) * time.Second
	if life <= 0 || expect < life {
		return
	}
	p.trace.diag(diagnose.TokenExpiresDuringUpload, fmt.Sprintf("the push token lives %s (the distribution registry raises anything under 60 s to 60 s) and the upload is expected to take %s: the PUT that ends the upload will get 401 unless the client fetches a new token", life, expect), "")
}

// resolveLocation makes an upload Location absolute against the request.
func resolveLocation(reqURL, loc string) string {
	base, err := url.Parse(reqURL)
	if err != nil || loc == "" {
		return loc
	}
	u, err := base.Parse(loc)
	if err != nil {
		return loc
	}
	return u.String()
}

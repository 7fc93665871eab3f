package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/diagnose"
)

// mount replays a cross-repository mount: one token for the target's push
// and the source's pull (Docker asks for it when the mount request names
// from=), the source's config blob as the blob to mount, then, only with
// AllowWrite, POST ...uploads/?mount=DIGEST&from=SOURCE.
func (p *pusher) mount(ctx context.Context) {
	src := p.req.MountFrom
	m := &MountResult{Source: src.Canonical, Outcome: "not-sent", Fallback: p.prof.Push.MountFallback}
	p.prep.Mount = m
	srcScope := "repository:" + src.Repository + ":pull"
	p.scopes = append(p.scopes, srcScope)
	if p.bearer == nil && p.prof.Manifest.Auth == AuthOn401 {
		// Learn the challenge the way this client does: from a 401.
		st, ok := p.registryRequest(ctx, StepBlob, http.MethodHead, "/v2/"+p.req.Image.Repository+"/blobs/"+EmptyBlob, "Ask whether a blob exists (HEAD); its 401 names the token service", nil)
		if !ok || !p.answered(st) {
			return
		}
	}
	if p.bearer != nil {
		tok, ok := p.obtainToken(ctx, p.ep, p.base, *p.bearer, p.scopes)
		if st := p.lastStep(StepToken); st != nil {
			st.Title = fmt.Sprintf("Request one token for the mount: %s and %s", p.scopes[0], srcScope)
		}
		if !ok {
			return
		}
		p.auth = "Bearer " + tok
	}

	// The blob to mount: the source image's config (regauth's lookup).
	get := p.manifestRequest(ctx, http.MethodGet, p.base+"/v2/"+src.Repository+"/manifests/"+src.Reference(), "Look up the source image's config blob (regauth's own step: the client knows its layers already)", p.prof.Manifest.Accept)
	if get.Response == nil {
		p.transportFailure(get, "registry", p.ep.Host)
		return
	}
	if get.Response.Status != http.StatusOK {
		p.registryError(get)
		if get.Response.Status == http.StatusUnauthorized || get.Response.Status == http.StatusForbidden {
			p.trace.diag(diagnose.MountRefused, fmt.Sprintf("the token cannot read the source %s (%d on its manifest): the registry would refuse the mount; a plain upload of the blob would still work. %s", src.Repository, get.Response.Status, m.Fallback), "")
			m.Outcome = "refused"
		}
		return
	}
	man, err := manifest.Parse(get.Response.Headers.Get("Content-Type"), get.Response.Body)
	if err != nil || man.Config == nil {
		p.trace.diag(diagnose.ManifestError, fmt.Sprintf("the source %s is not an image manifest with a config (an index or artifact): name a platform's manifest by digest with --mount-from REPO@DIGEST", src.Canonical), "")
		p.stop(VerdictRefused, "the mount source has no config blob to mount")
		return
	}
	m.Digest = man.Config.Digest
	if !p.req.AllowWrite {
		p.stop(VerdictOK, fmt.Sprintf("the mount of %s from %s was not sent (a 201 would really mount: add --allow-write); the token grants are in the scope table", m.Digest, src.Repository))
		get.Notes = append(get.Notes, "without --allow-write push-trace stops here: no mount request reached the registry")
		return
	}
	q := url.Values{"mount": {m.Digest}, "from": {src.Repository}}
	path := "/v2/" + p.req.Image.Repository + "/blobs/uploads/?" + q.Encode()
	st := p.apiRequest(ctx, StepUpload, http.MethodPost, p.base+path, "Mount the blob from "+src.Repository+" (POST ?mount=&from=; --allow-write)", nil)
	m.Sent = true
	if st.Response == nil {
		p.transportFailure(st, "registry", p.ep.Host)
		return
	}
	m.Status = st.Response.Status
	switch r := st.Response; r.Status {
	case http.StatusCreated:
		m.Outcome = "mounted"
		st.Notes = append(st.Notes, "201: the blob is now in "+p.req.Image.Repository+" (this was a write, as --allow-write allowed)")
		p.stop(VerdictOK, fmt.Sprintf("the mount of %s from %s into %s succeeded", m.Digest, src.Repository, p.req.Image.Repository))
	case http.StatusAccepted:
		m.Outcome = "declined"
		st.Notes = append(st.Notes, "202: the registry did not mount and opened an upload session instead, as the spec allows; the client uploads the blob there")
		p.readUpload(ctx, st)
	default:
		m.Outcome = "refused"
		p.registryError(st)
		note := ""
		switch r.Status {
		case http.StatusUnauthorized:
			note = "the distribution registry checks pull on the source before it mounts, and answers 401 insufficient_scope"
		case http.StatusForbidden:
			note = "403 instead of 401: containerd aborts the push even in 2.1+"
		case http.StatusNotFound:
			note = "404 is against the spec, which wants 202 when a registry cannot mount"
		}
		p.trace.diag(diagnose.MountRefused, fmt.Sprintf("the mount answered %d: %s. %s", r.Status, note, m.Fallback), "")
	}
}

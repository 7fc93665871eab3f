package flow

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

// maxRedirects is Go's http.Client limit, which the engine's client keeps.
const maxRedirects = 10

// fetchConfigBlob is --blob: the image config, as the engine fetches it
// after the manifest. For an index, the platform's manifest comes first.
func (p *puller) fetchConfigBlob(ctx context.Context) bool {
	mr := p.rep.Manifest
	cfg := mr.Config
	platform := ""
	if len(mr.Platforms) > 0 {
		m, ok := p.platformManifest(ctx)
		if !ok {
			return false
		}
		platform = m.platform
		cfg = m.config
	}
	if cfg != nil && cfg.Digest != "" && !validDigest(cfg.Digest) {
		p.badDigest(p.trace.Steps[len(p.trace.Steps)-1], "the config digest", cfg.Digest)
		return false
	}
	if cfg == nil || cfg.Digest == "" {
		p.stop(VerdictRefused, "the manifest names no config blob")
		p.trace.diag(diagnose.ManifestError, fmt.Sprintf("the manifest at step %d has no config descriptor, so there is no config blob to fetch", mr.Step), "")
		return false
	}
	return p.fetchBlob(ctx, cfg.Digest, platform)
}

type platformPick struct {
	platform string
	config   *manifest.Descriptor
}

// platformManifest picks the index entry a daemon on req.OS/req.Arch would
// pull and fetches it by digest.
func (p *puller) platformManifest(ctx context.Context) (platformPick, bool) {
	idxStep := p.trace.Steps[p.rep.Manifest.Step-1]
	idx, err := manifest.Parse(idxStep.Response.Headers.Get("Content-Type"), idxStep.Response.Body)
	if err != nil {
		p.stop(VerdictRefused, "the index cannot be read: "+err.Error())
		return platformPick{}, false
	}
	d, ok := idx.Pick(p.req.OS, p.req.Arch)
	if !ok {
		p.stop(VerdictRefused, "the index lists no image manifest")
		p.trace.diag(diagnose.ManifestError, fmt.Sprintf("the index at step %d lists no image manifest (only attestations, or nothing)", idxStep.Index), "")
		return platformPick{}, false
	}
	if !validDigest(d.Digest) {
		p.badDigest(idxStep, "the index entry's digest", d.Digest)
		return platformPick{}, false
	}
	plat := "(no platform)"
	if d.Platform != nil {
		plat = d.Platform.String()
	}
	st := p.manifestRequest(ctx, http.MethodGet, p.manifestURL(d.Digest), fmt.Sprintf("Fetch the %s image manifest the index lists (by digest)", plat), p.prof.Manifest.Accept)
	if st.Response == nil {
		p.transportFailure(st, "registry", p.ep.Host)
		return platformPick{}, false
	}
	if st.Response.Status != http.StatusOK {
		p.registryError(st)
		return platformPick{}, false
	}
	if got := sha256Digest(st.Response.Body); !st.Response.BodyTruncated && got != d.Digest {
		p.trace.diag(diagnose.DigestMismatch, fmt.Sprintf("the %s manifest at step %d hashes to %s, not the index's %s", plat, st.Index, got, d.Digest), "")
		p.stop(VerdictRefused, fmt.Sprintf("manifest verification failed for digest %s", d.Digest))
		return platformPick{}, false
	}
	m, err := manifest.Parse(st.Response.Headers.Get("Content-Type"), st.Response.Body)
	if err != nil || m.Config == nil {
		p.stop(VerdictRefused, "the platform manifest names no config blob")
		return platformPick{}, false
	}
	return platformPick{platform: plat, config: m.Config}, true
}

// fetchBlob GETs a blob and follows redirects one step at a time, sending
// Authorization only where the engine's authoriser would: to a URL under
// /v2/ on the registry's own scheme and host (the host that challenged).
// Object storage and CDNs get no credentials; a signed URL carries its own.
func (p *puller) fetchBlob(ctx context.Context, dgst, platform string) bool {
	br := &BlobResult{Digest: dgst, Platform: platform}
	p.rep.Blob = br
	target := p.base + "/v2/" + p.req.Image.Repository + "/blobs/" + dgst
	title := "Fetch the image config blob (--blob)"
	kind := StepBlob
	var last *Step
	for hop := 0; hop <= maxRedirects; hop++ {
		req, err := http.NewRequest(http.MethodGet, target, nil)
		if err != nil {
			p.stop(VerdictRefused, "bad redirect target: "+err.Error())
			return false
		}
		auth := p.auth != "" && p.authorisedURL(req.URL)
		if auth {
			req.Header.Set("Authorization", p.auth)
		}
		st := p.send(ctx, kind, title, req)
		last = st
		if hop > 0 {
			if auth {
				st.Notes = append(st.Notes, "Authorization sent: the redirect stays on the registry's host under /v2/, where Docker's authoriser adds it")
			} else if p.auth != "" {
				st.Notes = append(st.Notes, fmt.Sprintf("Authorization not sent: %s is not the registry's host, and Docker adds credentials only for the host that challenged it", req.URL.Host))
				p.trace.diag(diagnose.RedirectDropsAuth, fmt.Sprintf("the blob redirect went to %s: Authorization was not sent there (step %d), as Docker does", req.URL.Host, st.Index), "")
			}
		}
		hopRec := BlobHop{Step: st.Index, Host: req.URL.Host, AuthSent: auth}
		if st.Response == nil {
			br.Hops = append(br.Hops, hopRec)
			p.blobTransportFailure(st, req.URL.Host)
			return false
		}
		hopRec.Status = st.Response.Status
		br.Hops = append(br.Hops, hopRec)
		loc := st.Response.Headers.Get("Location")
		if !isRedirect(st.Response.Status) || loc == "" {
			break
		}
		next, err := req.URL.Parse(loc)
		if err != nil {
			p.stop(VerdictRefused, fmt.Sprintf("the redirect at step %d has a Location that is not a URL", st.Index))
			return false
		}
		if next.Scheme != "http" && next.Scheme != "https" {
			p.stop(VerdictRefused, fmt.Sprintf("the redirect at step %d goes to a %s: URL", st.Index, next.Scheme))
			return false
		}
		st.Notes = append(st.Notes, fmt.Sprintf("%d redirect to %s; Docker follows it (keeping Accept and Range)", st.Response.Status, next.Host))
		target = next.String()
		// The signature is echoed in the redirect's body and Location too.
		p.opts.Redactor.AddURLSecrets(target)
		title = "Follow the redirect to " + next.Host
		kind = StepRedirect
		if hop == maxRedirects {
			p.stop(VerdictRefused, fmt.Sprintf("stopped after %d redirects", maxRedirects))
			return false
		}
	}
	r := last.Response
	br.Status = r.Status
	br.Size = len(r.Body)
	if r.Status != http.StatusOK {
		res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
		host := hostOf(last.Request.URL)
		msg := fmt.Sprintf("GET of the config blob from %s answered %d: %s", host, r.Status, oneLine(res.EngineText, 300))
		if last.Request.Headers.Get("Authorization") == "" && strings.Contains(strings.ToLower(string(r.Body)), "only one auth mechanism") {
			msg += " (storage saw two authorisations: something between here and it adds an Authorization header)"
		}
		p.trace.diag(diagnose.BlobFetchFailed, msg, "")
		p.stop(VerdictRefused, oneLine(res.EngineText, 300))
		return false
	}
	if r.BodyTruncated {
		last.Notes = append(last.Notes, "the blob is larger than the read limit: its digest was not checked")
		return true
	}
	if got := sha256Digest(r.Body); got != dgst {
		p.trace.diag(diagnose.DigestMismatch, fmt.Sprintf("the config blob at step %d hashes to %s, not %s", last.Index, got, dgst), "")
		p.stop(VerdictRefused, fmt.Sprintf("filesystem layer verification failed for digest %s", dgst))
		return false
	}
	br.Verified = true
	last.Notes = append(last.Notes, "sha256 of the blob matches its digest")
	return true
}

// blobTransportFailure ends the trace on a blob hop that got no answer;
// storage on another host is named as such, not as the token service.
func (p *puller) blobTransportFailure(st *Step, host string) {
	if host == p.ep.Host {
		p.transportFailure(st, "registry", host)
		return
	}
	code, what := classifyTransport(st.err)
	p.trace.Verdict = VerdictTransport
	p.trace.Summary = fmt.Sprintf("the blob storage at %s could not be reached: %s", host, what)
	p.trace.diag(code, fmt.Sprintf("blob storage %s (a redirect target): %s", host, oneLine(st.Err, 300)), "")
}

// authorisedURL is the engine's rule for adding credentials to a request:
// its path is under /v2/ and its scheme://host has stored challenges,
// which only the registry's own endpoint has.
func (p *puller) authorisedURL(u *url.URL) bool {
	base, err := url.Parse(p.base)
	if err != nil {
		return false
	}
	return strings.EqualFold(u.Scheme, base.Scheme) && strings.EqualFold(u.Host, base.Host) && strings.Contains(u.Path, "/v2/")
}

func isRedirect(status int) bool {
	switch status {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
		return true
	}
	return false
}

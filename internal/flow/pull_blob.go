package flow

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

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

// fetchBlob GETs a blob; its redirects are followed as every request's are
// (send), so object storage and CDNs get credentials only where the client
// would send them: for Docker, /v2/ paths on the origin its ping challenged.
func (p *puller) fetchBlob(ctx context.Context, dgst, platform string) bool {
	br := &BlobResult{Digest: dgst, Platform: platform}
	p.rep.Blob = br
	req, _ := http.NewRequest(http.MethodGet, p.base+"/v2/"+p.req.Image.Repository+"/blobs/"+dgst, nil)
	p.routeRegistry(req)
	if p.auth != "" {
		req.Header.Set("Authorization", p.auth)
	}
	last := p.send(ctx, StepBlob, "Fetch the image config blob (--blob)", req)
	first := last
	if last.Redirect != nil {
		first = p.trace.Steps[last.Redirect.From-1]
	}
	for _, st := range p.trace.Steps[first.Index-1:] {
		hop := BlobHop{Step: st.Index, AuthSent: st.Request != nil && st.Request.Headers.Get("Authorization") != ""}
		if st.Request != nil {
			hop.Host = hostOf(st.Request.URL)
		}
		if st.Response != nil {
			hop.Status = st.Response.Status
		}
		br.Hops = append(br.Hops, hop)
	}
	if last.Response == nil {
		if re, ok := isRedirectFailure(last); ok {
			p.stop(verdictFor(re), re.Error())
			return false
		}
		p.blobTransportFailure(last, hostOf(last.Request.URL))
		return false
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

package flow

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/decode/regerror"
	"github.com/regauth/regauth/internal/diagnose"
)

// manifestRequest sends HEAD or GET of a manifest with the profile's Accept
// form and headers and the pull's Authorization.
func (p *puller) manifestRequest(ctx context.Context, method, url, title string, accept []string) *Step {
	return p.apiRequest(ctx, StepManifest, method, url, title, accept)
}

// apiRequest is one registry API request of the replayed client.
func (p *puller) apiRequest(ctx context.Context, kind StepKind, method, url, title string, accept []string) *Step {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		st := &Step{Index: len(p.trace.Steps) + 1, Kind: kind, Title: title, Err: err.Error(), Started: p.opts.Now()}
		p.trace.Steps = append(p.trace.Steps, st)
		return st
	}
	p.prof.Manifest.setAccept(req.Header, accept)
	for k, vs := range p.prof.Headers {
		req.Header[k] = append([]string(nil), vs...)
	}
	p.routeRegistry(req)
	if p.auth != "" {
		req.Header.Set("Authorization", p.auth)
	}
	st := p.send(ctx, kind, title, req)
	p.checkClock(st)
	p.observeRateLimit(st)
	return st
}

// pullManifest is the client's tag resolution and manifest fetch. Docker
// and containerd HEAD the tag and GET the digest it names (without one, or
// on an error Docker reads, GET of the same URL); containers/image GETs the
// tag. A digest reference goes straight to GET.
func (p *puller) pullManifest(ctx context.Context) bool {
	img := p.req.Image
	rule := p.prof.Manifest
	who := p.clientName()
	if img.ByDigest() {
		accept, title := rule.Accept, fmt.Sprintf("Fetch the manifest by digest (a digest reference: %s sends no HEAD)", who)
		if len(p.req.FetchAccept) > 0 {
			accept, title = p.req.FetchAccept, fmt.Sprintf("Fetch the manifest by the digest the resolve named, as %s's fetcher does (host by host)", who)
		}
		st, ok := p.registryRequest(ctx, StepManifest, http.MethodGet, p.manifestPath(img.Digest), title, accept)
		return ok && p.readManifest(st, img.Digest, "")
	}
	if rule.Sequence == GetTag {
		st, ok := p.registryRequest(ctx, StepManifest, http.MethodGet, p.manifestPath(img.Tag), fmt.Sprintf("Fetch the manifest of the tag %s (GET: %s sends no HEAD)", img.Tag, who), rule.Accept)
		return ok && p.readManifest(st, "", "")
	}
	head, ok := p.registryRequest(ctx, StepManifest, http.MethodHead, p.manifestPath(img.Tag), fmt.Sprintf("Resolve the tag %s (HEAD, as %s does first)", img.Tag, who), rule.Accept)
	if !ok {
		return false
	}
	if head.Response == nil {
		p.transportFailure(head, "registry", p.ep.Host)
		return false
	}
	r := head.Response
	dgst := r.Headers.Get("Docker-Content-Digest")
	if r.Status >= 200 && r.Status < 400 && dgst != "" && (!rule.DigestAcceptFromHead || r.Headers.Get("Content-Length") != "") {
		if !validDigest(dgst) {
			p.badDigest(head, "Docker-Content-Digest", dgst)
			return false
		}
		head.Notes = append(head.Notes, fmt.Sprintf("the answer names the digest: %s fetches the manifest by that digest next", who))
		if p.req.ResolveOnly {
			p.stop(VerdictOK, fmt.Sprintf("%s resolved to %s", img.Tag, dgst))
			return false
		}
		if rule.FreshAuthPerFetch && p.handler != "" {
			// ctr and the CRI build the fetcher's hosts anew: no handler.
			p.auth, p.handler = "", ""
			head.Notes = append(head.Notes, fmt.Sprintf("%s's fetcher gets a new authorizer (ConfigureHosts builds one per resolver use), so the GET by digest goes without credentials and learns the challenge again", who))
		}
		accept := rule.Accept
		if rule.DigestAcceptFromHead {
			// containerd's fetcher asks for the type the HEAD named.
			accept = []string{r.ContentType(), "*/*"}
			if accept[0] == "" {
				accept = accept[1:]
			}
		}
		get, ok := p.registryRequest(ctx, StepManifest, http.MethodGet, p.manifestPath(dgst), fmt.Sprintf("Fetch the manifest by digest, as %s does next", who), accept)
		return ok && p.readManifest(get, dgst, "Docker-Content-Digest of the HEAD")
	}
	if r.Status >= 400 {
		if !rule.headErrorGET(r.Status) {
			head.Notes = append(head.Notes, fmt.Sprintf("%d: %s takes the HEAD's status as the answer (it repeats a HEAD as GET only on 405)", r.Status, who))
			p.registryError(head)
			return false
		}
		head.Notes = append(head.Notes, fmt.Sprintf("%d: a HEAD answer has no body, so %s repeats the request as GET to read the error", r.Status, who))
	} else {
		head.Notes = append(head.Notes, fmt.Sprintf("%d without Docker-Content-Digest: %s repeats the request as GET", r.Status, who))
	}
	get, ok := p.registryRequest(ctx, StepManifest, http.MethodGet, p.manifestPath(img.Tag), fmt.Sprintf("Fetch the manifest, as %s does after that HEAD", who), rule.Accept)
	return ok && p.readManifest(get, "", "")
}

// readManifest judges a manifest GET. want is the digest the request named
// or the HEAD announced ("" for a GET by tag); wantFrom says which.
func (p *puller) readManifest(st *Step, want, wantFrom string) bool {
	if st.Response == nil {
		p.transportFailure(st, "registry", p.ep.Host)
		return false
	}
	r := st.Response
	if r.Status < 200 || r.Status >= 300 {
		p.registryError(st)
		return false
	}
	mr := &ManifestResult{Step: st.Index, MediaType: manifest.BaseType(r.Headers.Get("Content-Type")), Size: int64(len(r.Body))}
	header := r.Headers.Get("Docker-Content-Digest")
	if !r.BodyTruncated {
		mr.BodyDigest = sha256Digest(r.Body)
	} else if n, err := strconv.ParseInt(r.Headers.Get("Content-Length"), 10, 64); err == nil {
		mr.Size = n
	}
	switch {
	case want != "":
		mr.Digest, mr.DigestSource = want, orDefault(wantFrom, "the reference")
	case header != "":
		mr.Digest, mr.DigestSource = header, "Docker-Content-Digest"
	default:
		mr.Digest, mr.DigestSource = mr.BodyDigest, "sha256 of the body (the registry sent no Docker-Content-Digest)"
	}
	mr.Verified = mr.BodyDigest != "" && mr.BodyDigest == mr.Digest
	p.rep.Manifest = mr

	m, err := manifest.Parse(r.Headers.Get("Content-Type"), r.Body)
	if m != nil {
		if !manifest.Pullable(mr.MediaType) && manifest.Pullable(m.MediaType) {
			if mr.MediaType != "" {
				st.Notes = append(st.Notes, fmt.Sprintf("the Content-Type is %s, but the body says %s: clients that go by the header may refuse it", oneLine(mr.MediaType, 100), m.MediaType))
			}
			mr.MediaType = m.MediaType
		}
		mr.Config, mr.Layers = m.Config, len(m.Layers)
		if m.IsIndex() {
			mr.Platforms = m.Platforms()
		}
	}
	mr.Kind = manifest.Kind(mr.MediaType)
	if err != nil || !manifest.Pullable(mr.MediaType) {
		// Docker cannot use it whatever its digest: an HTML page, a schema 1
		// manifest, JSON of another kind.
		why := fmt.Sprintf("%s (%s)", mr.Kind, orDefault(r.Headers.Get("Content-Type"), "no Content-Type"))
		if err != nil {
			why += ": " + err.Error()
		}
		p.trace.diag(diagnose.ManifestError, fmt.Sprintf("%s %s answered 200 with %s, not a manifest Docker pulls", st.Request.Method, pathOf(st.Request.URL), oneLine(why, 300)), "")
		p.stop(VerdictRefused, "unsupported manifest media type and no default available: "+oneLine(mr.MediaType, 100))
		return false
	}

	switch {
	case r.BodyTruncated:
		st.Notes = append(st.Notes, fmt.Sprintf("the body is larger than %d bytes: its digest was not checked", p.opts.MaxBody))
	case !mr.Verified:
		p.trace.diag(diagnose.DigestMismatch, fmt.Sprintf("the manifest body at step %d hashes to %s, but %s says %s", st.Index, mr.BodyDigest, mr.DigestSource, mr.Digest), "")
		p.stop(VerdictRefused, fmt.Sprintf("manifest verification failed for digest %s", mr.Digest))
		return false
	case header != "" && header != mr.BodyDigest:
		p.trace.diag(diagnose.DigestMismatch, fmt.Sprintf("the registry's Docker-Content-Digest %s at step %d is not the sha256 of the body (%s)", header, st.Index, mr.BodyDigest), "")
	default:
		st.Notes = append(st.Notes, fmt.Sprintf("sha256 of the body is %s, as %s says", mr.BodyDigest, mr.DigestSource))
	}
	return true
}

// digestRE is the OCI digest grammar: algorithm ":" encoded.
var digestRE = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$`)
})

func validDigest(d string) bool { return len(d) <= 256 && digestRE().MatchString(d) }

// badDigest refuses a digest the server sent that is not one: it would go
// into the next request's path.
func (p *puller) badDigest(st *Step, where, d string) {
	p.trace.diag(diagnose.ManifestError, fmt.Sprintf("step %d: %s %q is not a digest", st.Index, where, oneLine(d, 100)), "")
	p.stop(VerdictRefused, "invalid checksum digest format")
}

func sha256Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// registryError explains a refused manifest request from its error body,
// with the engine's error text and the daemon's rewrite as the summary.
func (p *puller) registryError(st *Step) {
	t := p.trace
	r := st.Response
	res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
	re := &RegistryError{Step: st.Index, Status: r.Status, Codes: res.Codes(), EngineText: res.EngineText, DaemonText: res.EngineText}
	first := ""
	if len(res.Errors) > 0 && !p.plainError {
		first = res.Errors[0].Code
		re.DaemonText = daemonPullError(res.Errors[0], p.req.Image.FamiliarName, p.req.Image.Familiar, res.EngineText)
	} else if len(res.Errors) > 0 {
		first = res.Errors[0].Code
	}
	p.rep.RegistryError = re
	t.Verdict, t.Summary = VerdictRefused, oneLine(re.DaemonText, 400)
	engine := oneLine(res.EngineText, 300)
	where := fmt.Sprintf("%s %s answered %d", st.Request.Method, pathOf(st.Request.URL), r.Status)

	switch {
	case r.Status == http.StatusTooManyRequests || first == "TOOMANYREQUESTS":
		p.rateLimited(st, engine)
	case r.Status == http.StatusUnauthorized:
		p.unauthorised(st, res, where, engine)
	case first == "NAME_UNKNOWN":
		t.diag(diagnose.RepositoryNotFound, fmt.Sprintf("%s: the registry has no repository %s (Docker: %q)", where, p.req.Image.Repository, engine), "")
	case first == "MANIFEST_UNKNOWN":
		msg := fmt.Sprintf("%s: there is no manifest %s in %s (Docker: %q); the distribution registry answers MANIFEST_UNKNOWN also when the whole repository is missing", where, p.req.Image.Reference(), p.req.Image.Repository, engine)
		hint := ""
		if strings.Contains(strings.ToLower(engine), "accept header does not support") {
			hint = "The registry holds an OCI manifest or index and a proxy dropped the OCI types from Accept; Docker sends all four types, check the proxy."
		}
		t.diag(diagnose.ManifestNotFound, msg, hint)
	case first == "DENIED" || r.Status == http.StatusForbidden:
		t.diag(diagnose.AccessDenied, fmt.Sprintf("%s: the registry refuses %s access to %s (Docker: %q)", where, p.whoText(), p.req.Image.Repository, engine), "")
	case r.Status == http.StatusNotFound && res.NotJSON:
		t.diag(diagnose.NotARegistry, fmt.Sprintf("%s with %s, not a registry error: this address is probably a web UI or proxy, not the registry API", where, orDefault(r.ContentType(), "no Content-Type")), "")
	default:
		t.diag(diagnose.ManifestError, fmt.Sprintf("%s: %s", where, engine), "")
	}
}

// daemonPullError is the daemon's rewrite of the first registry error
// (moby daemon/internal/distribution/errors.go); other codes pass as they
// are, with every error listed.
func daemonPullError(first regerror.Error, name, ref, all string) string {
	switch first.Code {
	case "DENIED":
		return fmt.Sprintf("pull access denied for %s, repository does not exist or may require 'docker login': %s", name, first.Text())
	case "MANIFEST_UNKNOWN":
		return fmt.Sprintf("manifest for %s not found: %s", ref, first.Text())
	case "NAME_UNKNOWN":
		return fmt.Sprintf("repository %s not found: %s", name, first.Text())
	}
	return all
}

// unauthorised explains a 401 on a manifest request by what was sent.
func (p *puller) unauthorised(st *Step, res regerror.Result, where, engine string) {
	t := p.trace
	sent := st.Request.Headers.Get("Authorization")
	errParam := ""
	for _, c := range st.Response.Challenges {
		if c.Scheme == "bearer" && errParam == "" {
			errParam = c.Params["error"]
		}
	}
	switch {
	case errParam == "insufficient_scope":
		// The scope analysis names what is missing and why.
		p.insufficient = st
	case strings.HasPrefix(sent, "Bearer "):
		p.tokenRejected(st, p.bearer)
	case strings.HasPrefix(sent, "Basic "):
		p.badCredentials(st, "the registry refused the Basic credentials", p.base)
	case p.noChallenge && len(st.Response.Challenges) > 0:
		t.diag(diagnose.NoChallenge, fmt.Sprintf("%s with a challenge, but GET /v2/ gave none: Docker learns challenges only from /v2/, so it never authenticates this request (Docker: %q)", where, engine),
			"Make /v2/ answer 401 with the same WWW-Authenticate header as the repository paths; a proxy that lets /v2/ through unauthenticated breaks every pull.")
	case !p.opts.Credentials.HasSecret():
		t.diag(diagnose.NoCredentials, fmt.Sprintf("%s to an anonymous request (Docker: %q)", where, engine), "")
	default:
		t.diag(diagnose.ManifestError, fmt.Sprintf("%s: %s", where, engine), "")
	}
}

func (p *puller) whoText() string {
	c := p.opts.Credentials
	switch {
	case c.Username != "":
		return c.Username
	case c.HasSecret():
		return "these credentials"
	}
	return "anonymous"
}

// pathOf is a URL's path, for messages (no host, no query).
func pathOf(raw string) string {
	if i := strings.Index(raw, "://"); i >= 0 {
		raw = raw[i+3:]
		if j := strings.Index(raw, "/"); j >= 0 {
			raw = raw[j:]
		}
	}
	if i := strings.IndexAny(raw, "?#"); i >= 0 {
		raw = raw[:i]
	}
	return raw
}

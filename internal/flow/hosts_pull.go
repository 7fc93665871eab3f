package flow

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/decode/hoststoml"
	"github.com/regauth/regauth/internal/diagnose"
)

// HostEnv is what each host of the list gets from the client: its
// transport (the host's TLS settings) and the credentials the client's
// callback returns for it.
type HostEnv struct {
	Transport   func(h hoststoml.Host) (http.RoundTripper, error)
	Credentials func(h hoststoml.Host) Credentials
}

// HostAttempt is one pull against one host of the list.
type HostAttempt struct {
	Turn int            `json:"turn"`
	Host hoststoml.Host `json:"host"`
	// Phase is "resolve" (HEAD of the tag) or "fetch" (GET by digest).
	Phase string `json:"phase"`
	// NS is the ?ns= the requests carried ("" for the registry itself).
	NS string `json:"ns,omitempty"`
	// Credentials says which credentials the host was offered.
	Credentials string `json:"credentials"`
	// Outcome: "answered", "not found: next host", "failed: next host".
	Outcome string      `json:"outcome"`
	Note    string      `json:"note,omitempty"`
	Trace   *Trace      `json:"-"`
	Report  *PullReport `json:"-"`
}

// HostsResult is containerd's pull over its host list.
type HostsResult struct {
	Registry string        `json:"registry"`
	Hosts    []HostRow     `json:"hosts"`
	Attempts []HostAttempt `json:"attempts"`
	// Answered is the host that served the manifest ("" for none).
	Answered  string               `json:"answered,omitempty"`
	Verdict   Verdict              `json:"verdict"`
	Summary   string               `json:"summary"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
}

// HostRow is one host as the table shows it.
type HostRow struct {
	Turn int            `json:"turn"`
	Host hoststoml.Host `json:"host"`
	// Resolves: containerd asks it for the tag.
	Resolves bool   `json:"resolves"`
	Mirror   bool   `json:"mirror"`
	Why      string `json:"why,omitempty"`
}

// PullHosts replays containerd's resolver over the host list res: the tag
// is resolved (HEAD) on each host with pull and resolve in order, a 404 or
// any error moving on to the next; then the manifest is fetched by that
// digest from every host in order (the fetcher ranges over all hosts),
// again until one answers. Requests to a host other than the image's
// registry carry ?ns=REGISTRY (isProxy), and each host its own headers,
// TLS and credentials.
func PullHosts(ctx context.Context, opts Options, req PullRequest, res *hoststoml.Resolution, env HostEnv) *HostsResult {
	out := &HostsResult{Registry: res.Registry, Hosts: []HostRow{}, Attempts: []HostAttempt{}, Diagnoses: []diagnose.Diagnosis{}}
	byDigest := req.Image.ByDigest()
	var resolvers []int
	for i, h := range res.Hosts {
		row := HostRow{Turn: i + 1, Host: h, Mirror: isProxy(res.Registry, h.Host)}
		switch {
		case !h.Can(hoststoml.CapPull):
			row.Why = "no pull capability: asked only for pushes"
		case byDigest || h.Can(hoststoml.CapResolve):
			row.Resolves = true
			resolvers = append(resolvers, i)
		default:
			row.Why = "pull without resolve: not asked for tags, only for content by digest"
			out.diag(diagnose.HostsNoResolve, fmt.Sprintf("%s (%s) has capabilities %s: containerd does not ask it for the tag %s; it fetches the manifest by digest there first", h.URL(), where(h), strings.Join(h.Capabilities, ","), req.Image.Tag))
		}
		out.Hosts = append(out.Hosts, row)
		if auth := h.Header.Get("Authorization"); auth != "" {
			out.diag(diagnose.HostsStaticAuth, fmt.Sprintf("%s (%s) sends a static Authorization header (%s, masked): containerd sends it on the first request and on token requests made without credentials; after a 401 its own handler's credentials replace it", h.URL(), where(h), scheme(auth)))
		}
	}
	if res.Fatal != "" {
		out.Verdict, out.Summary = VerdictRefused, "containerd cannot set up the hosts of "+res.Registry+": "+res.Fatal+" (no request is sent)"
		return out
	}
	if len(resolvers) == 0 {
		out.diag(diagnose.HostsNoResolveHost, fmt.Sprintf("no host for %s may resolve the tag %s: containerd fails with \"no resolve hosts: not found\"", res.Registry, req.Image.Tag))
		out.Verdict, out.Summary = VerdictRefused, "no resolve hosts: not found"
		return out
	}
	// Resolve: the first host whose HEAD names a digest.
	var first *HostAttempt
	dgst, mediaType := "", ""
	resolvedAt := -1
	for _, i := range resolvers {
		r := req
		if !byDigest {
			r.ResolveOnly = true
		}
		a := out.attempt(ctx, opts, r, res.Hosts[i], res.Registry, "resolve", env)
		if a.Trace.OK() {
			resolvedAt = i
			if byDigest || a.Report.Manifest != nil {
				// A digest reference, or a HEAD without a digest (GET of
				// the tag): the manifest came back here.
				out.answer(a)
				out.bypassed(first, a)
				return out
			}
			dgst, mediaType = headDigest(a.Trace)
			a.Outcome = "resolved " + req.Image.Tag + " to " + dgst
			break
		}
		if first == nil && a.Outcome != "not found: next host" {
			first = a
		}
	}
	if resolvedAt < 0 {
		out.fail(first, req)
		return out
	}
	// Fetch: the manifest by digest, from every host in order.
	fetch := req
	fetch.Image.Digest, fetch.Image.Tag = dgst, ""
	fetch.ResolveOnly = false
	if mediaType != "" {
		fetch.FetchAccept = []string{mediaType, "*/*"}
	} else {
		fetch.FetchAccept = []string{"*/*"}
	}
	var firstFetch *HostAttempt
	for _, h := range res.Hosts {
		a := out.attempt(ctx, opts, fetch, h, res.Registry, "fetch", env)
		if a.Trace.OK() {
			out.answer(a)
			out.bypassed(first, a)
			return out
		}
		if firstFetch == nil {
			firstFetch = a
		}
	}
	out.fail(firstFetch, fetch)
	return out
}

func (out *HostsResult) attempt(ctx context.Context, opts Options, req PullRequest, h hoststoml.Host, registry, phase string, env HostEnv) *HostAttempt {
	o := opts
	o.Registry = h.Scheme + "://" + h.Host
	o.PlainHTTP = h.Scheme == "http"
	route := &HostRoute{Root: h.Path, Header: h.Header}
	if isProxy(registry, h.Host) {
		route.NS = registry
	}
	if route.Root == "" {
		route.Root = "/"
	}
	o.Route = route
	if env.Credentials != nil {
		o.Credentials = env.Credentials(h)
		o.Anonymous = !o.Credentials.HasSecret() && o.Credentials.Username == ""
	}
	a := HostAttempt{Turn: len(out.Attempts) + 1, Host: h, Phase: phase, NS: route.NS, Credentials: o.Credentials.Source}
	if env.Transport != nil {
		tr, err := env.Transport(h)
		if err != nil {
			t := &Trace{Command: "pull-trace", Registry: o.Registry, Verdict: VerdictTransport, Summary: err.Error()}
			a.Trace, a.Report, a.Outcome = t, &PullReport{Image: req.Image}, "failed: next host"
			out.Attempts = append(out.Attempts, a)
			return &out.Attempts[len(out.Attempts)-1]
		}
		o.Transport = tr
	}
	a.Trace, a.Report = Pull(ctx, o, req)
	if h.HTTPFallback {
		a.Note = "containerd tries https first for an http host with TLS settings, then http (NewHTTPFallback); regauth sends https only"
	}
	switch {
	case a.Trace.OK():
		a.Outcome = "answered"
	case lastStatus(a.Trace) == http.StatusNotFound:
		a.Outcome = "not found: next host"
	default:
		a.Outcome = "failed: next host"
	}
	out.Attempts = append(out.Attempts, a)
	return &out.Attempts[len(out.Attempts)-1]
}

func (out *HostsResult) answer(a *HostAttempt) {
	a.Outcome = "answered"
	out.Answered = a.Host.URL()
	out.Verdict = VerdictOK
	out.Summary = fmt.Sprintf("%s answered (host %d of %d, %s): %s", a.Host.URL(), hostTurn(out, a.Host), len(out.Hosts), a.Phase, a.Trace.Summary)
}

// bypassed names a host that failed (not a 404) before another answered.
func (out *HostsResult) bypassed(first, ok *HostAttempt) {
	if first == nil || first.Host.URL() == ok.Host.URL() {
		return
	}
	out.diag(diagnose.HostsMirrorBypassed, fmt.Sprintf("%s failed (%s) and containerd went on to %s, which answered", first.Host.URL(), oneLine(first.Trace.Summary, 200), ok.Host.URL()))
}

// fail is containerd's error after every host: the first one that was not
// a 404, else not found.
func (out *HostsResult) fail(first *HostAttempt, req PullRequest) {
	if first == nil && len(out.Attempts) > 0 {
		first = &out.Attempts[0]
	}
	if first == nil {
		out.Verdict, out.Summary = VerdictRefused, req.Image.Reference()+": not found"
		return
	}
	out.Verdict = first.Trace.Verdict
	s := first.Trace.Summary
	if first.Trace.Client != nil && first.Trace.Client.Error != "" {
		s = first.Trace.Client.Error
	}
	out.Summary = fmt.Sprintf("no host answered; containerd reports the first error (%s): %s", first.Host.URL(), s)
}

func (out *HostsResult) diag(code diagnose.Code, msg string) {
	out.Diagnoses = append(out.Diagnoses, diagnose.New(code, msg, ""))
}

func hostTurn(out *HostsResult, h hoststoml.Host) int {
	for _, r := range out.Hosts {
		if r.Host.URL() == h.URL() {
			return r.Turn
		}
	}
	return 0
}

// isProxy is containerd's RegistryHost.isProxy: any host other than the
// image's registry (Docker Hub's API host counts as docker.io).
func isProxy(refHost, host string) bool {
	if refHost == host {
		return false
	}
	return refHost != "docker.io" || host != DockerHubRegistry
}

// headDigest is the digest and media type of the last HEAD that named one.
func headDigest(t *Trace) (string, string) {
	for i := len(t.Steps) - 1; i >= 0; i-- {
		st := t.Steps[i]
		if st.Kind == StepManifest && st.Response != nil {
			if d := st.Response.Headers.Get("Docker-Content-Digest"); d != "" {
				return d, st.Response.ContentType()
			}
		}
	}
	return "", ""
}

func lastStatus(t *Trace) int {
	for i := len(t.Steps) - 1; i >= 0; i-- {
		if st := t.Steps[i]; st.Kind == StepManifest && st.Response != nil {
			return st.Response.Status
		}
	}
	return 0
}

func where(h hoststoml.Host) string {
	if h.Line > 0 {
		return fmt.Sprintf("%s line %d", h.Source, h.Line)
	}
	return h.Source
}

func scheme(auth string) string {
	s, _, _ := strings.Cut(auth, " ")
	return s
}

package flow

// pull-trace against the real distribution registry in the sandbox, with a
// real image pushed by the test. The request sequence asserted is the
// Docker engine's (protocol reference section 6.1; the recorded
// skopeo/regctl sequences share its token request).

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

// pullSandbox is a sandbox with library/hello:latest (alice and bob may
// pull), private/secret:v1 (only alice) and public/hello:latest (anyone).
func pullSandbox(t *testing.T, like sandbox.Like) (*sandbox.Sandbox, map[string]string) {
	t.Helper()
	sb := startSandbox(t, sandbox.Options{Like: like})
	digests := map[string]string{}
	for _, img := range []string{"library/hello:latest", "private/secret:v1", "public/hello:latest"} {
		repo, tag, _ := strings.Cut(img, ":")
		d, err := sb.PushImage(context.Background(), repo, tag)
		if err != nil {
			t.Fatal(err)
		}
		digests[img] = d
	}
	sb.ResetRequests()
	return sb, digests
}

func pullAs(t *testing.T, sb *sandbox.Sandbox, user, image string, req PullRequest) (*Trace, *PullReport) {
	t.Helper()
	return pullAsReq(t, sb, user, image, req, nil)
}

func pullAsWith(t *testing.T, sb *sandbox.Sandbox, user, image string, edit func(*Options)) (*Trace, *PullReport) {
	t.Helper()
	return pullAsReq(t, sb, user, image, PullRequest{}, edit)
}

func pullAsReq(t *testing.T, sb *sandbox.Sandbox, user, image string, req PullRequest, edit func(*Options)) (*Trace, *PullReport) {
	t.Helper()
	ref, err := imageref.Parse(sb.Host() + "/" + image)
	if err != nil {
		t.Fatal(err)
	}
	pw := sb.Users()[user]
	if strings.HasPrefix(user, "wrong:") {
		user, pw = strings.TrimPrefix(user, "wrong:"), "not-the-password"
	}
	o := sandboxOpts(sb, user, pw)
	o.Registry, o.PlainHTTP = ref.Registry, true
	if user == "" {
		o.Anonymous = true
	}
	if edit != nil {
		edit(&o)
	}
	req.Image = ref
	return Pull(context.Background(), o, req)
}

func wantWire(t *testing.T, got []wire, want ...string) {
	t.Helper()
	var g []string
	for _, w := range got {
		g = append(g, w.method+" "+w.path+" "+w.auth)
	}
	if !slices.Equal(g, want) {
		t.Errorf("wire sequence\n got %q\nwant %q", g, want)
	}
}

func TestPullSandboxMatchesDocker(t *testing.T) {
	sb, digests := pullSandbox(t, sandbox.LikeHarbor)
	tr, rep := pullAs(t, sb, "alice", "library/hello", PullRequest{})
	if !tr.OK() {
		t.Fatalf("alice may pull library/hello: %s\n%s", tr.Summary, diagText(tr))
	}
	dg := digests["library/hello:latest"]
	got := wireOf(sb)
	wantWire(t, got,
		"GET /v2/ ",
		"GET /service/token Basic",
		"HEAD /v2/library/hello/manifests/latest Bearer",
		"GET /v2/library/hello/manifests/"+dg+" Bearer")
	// The engine's pull token request: scope, account with Basic, no
	// client_id or offline_token (reference 4.1).
	if q := sb.Requests()[1].RawQuery; q != "account=alice&scope=repository%3Alibrary%2Fhello%3Apull&service=harbor-registry" {
		t.Errorf("token query %q is not the engine's", q)
	}
	if acc := tr.Steps[2].Request.Headers.Values("Accept"); !slices.Equal(acc, manifest.Accept) {
		t.Errorf("HEAD Accept lines %q, want one per type %q", acc, manifest.Accept)
	}
	m := rep.Manifest
	if m == nil || m.Digest != dg || !m.Verified || m.MediaType != sandbox.MediaTypeManifest || m.Config == nil || m.Layers != 1 {
		t.Fatalf("manifest %+v, want digest %s verified", m, dg)
	}
	if !strings.Contains(tr.Summary, dg) {
		t.Errorf("the verdict should name the digest: %s", tr.Summary)
	}
	if len(rep.Scopes) != 1 || rep.Scopes[0].Resource != "repository:library/hello" || !slices.Equal(rep.Scopes[0].Granted, []string{"pull"}) || rep.Scopes[0].Missing != nil || rep.Scopes[0].Challenge != nil {
		t.Errorf("scope table %+v", rep.Scopes)
	}
	if diagnose.Worst(tr.Diagnoses) == diagnose.Error {
		t.Errorf("no error expected:\n%s", diagText(tr))
	}
}

func TestPullSandboxRefusals(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	denied := "pull access denied for " + host + "/%s, repository does not exist or may require 'docker login': denied: requested access to the resource is denied"
	cases := []struct {
		name, user, image string
		code              diagnose.Code
		summary, reason   string
		granted           []string
	}{
		{"no role", "bob", "private/secret:v1", diagnose.InsufficientScope, strings.Replace(denied, "%s", "private/secret", 1), "bob has no role", []string{}},
		{"anonymous on a private repository", "", "private/secret:v1", diagnose.InsufficientScope, strings.Replace(denied, "%s", "private/secret", 1), "(1) private/secret is private", []string{}},
		{"no such repository, no access", "bob", "nosuch/thing", diagnose.InsufficientScope, strings.Replace(denied, "%s", "nosuch/thing", 1), "(1) there is no repository nosuch/thing", []string{}},
		// The token grants pull; distribution v3 then says MANIFEST_UNKNOWN
		// for a repository it does not have.
		{"no such repository, access", "alice", "alice/nothere", diagnose.ManifestNotFound, "manifest for " + host + "/alice/nothere:latest not found: manifest unknown: manifest unknown", "whole repository is missing", []string{"pull"}},
		{"no such tag", "alice", "library/hello:nope", diagnose.ManifestNotFound, "manifest for " + host + "/library/hello:nope not found: manifest unknown: manifest unknown", "no manifest nope", []string{"pull"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb.ResetRequests()
			tr, rep := pullAs(t, sb, c.user, c.image, PullRequest{})
			if tr.Verdict != VerdictRefused || !hasCode(tr, c.code) {
				t.Fatalf("want refused with %s, got %s %q\n%s", c.code, tr.Verdict, tr.Summary, diagText(tr))
			}
			if tr.Summary != c.summary {
				t.Errorf("summary (the daemon's text)\n got %q\nwant %q", tr.Summary, c.summary)
			}
			if !strings.Contains(diagText(tr), c.reason) {
				t.Errorf("diagnoses should say %q:\n%s", c.reason, diagText(tr))
			}
			if len(rep.Scopes) != 1 || !slices.Equal(rep.Scopes[0].Granted, c.granted) {
				t.Errorf("granted %+v, want %q", rep.Scopes, c.granted)
			}
			// HEAD fails, so the engine repeats it as GET to read the body.
			got := wireOf(sb)
			if n := len(got); n != 4 || got[2].method != "HEAD" || got[3].method != "GET" || got[2].path != got[3].path {
				t.Errorf("want ping, token, HEAD, GET of the same URL: %+v", got)
			}
			if rep.RegistryError == nil || rep.RegistryError.Step != 4 {
				t.Errorf("registry error %+v", rep.RegistryError)
			}
		})
	}
	// Insufficient scope: the registry's challenge names what it wanted.
	_, rep := pullAs(t, sb, "bob", "private/secret:v1", PullRequest{})
	if row := rep.Scopes[0]; !slices.Equal(row.Challenge, []string{"pull"}) || !slices.Equal(row.Missing, []string{"pull"}) {
		t.Errorf("scope row %+v: the challenge asked pull, nothing granted", row)
	}
}

func TestPullSandboxPush(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeHarbor)
	tr, rep := pullAs(t, sb, "bob", "library/hello", PullRequest{Push: true})
	if tr.Verdict != VerdictRefused || !hasCode(tr, diagnose.InsufficientScope) || !strings.Contains(tr.Summary, "push would be refused") {
		t.Fatalf("bob may only pull: %s %q\n%s", tr.Verdict, tr.Summary, diagText(tr))
	}
	if !strings.Contains(diagText(tr), "allows pull but not push") {
		t.Errorf("reason:\n%s", diagText(tr))
	}
	if row := rep.Scopes[0]; !slices.Equal(row.Requested, []string{"pull", "push"}) || !slices.Equal(row.Missing, []string{"push"}) {
		t.Errorf("scope row %+v", row)
	}
	reqs := sb.Requests()
	if q, _ := url.ParseQuery(reqs[1].RawQuery); q.Get("scope") != "repository:library/hello:pull,push" {
		t.Errorf("--push asks for pull,push: %v", q)
	}
	for _, r := range reqs {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("--push must never write: %s %s", r.Method, r.Path)
		}
	}
	tr, _ = pullAs(t, sb, "alice", "library/hello", PullRequest{Push: true})
	if !tr.OK() || !strings.Contains(tr.Summary, "pull and push are both granted") {
		t.Errorf("alice may push: %s\n%s", tr.Summary, diagText(tr))
	}
}

func TestPullSandboxDigestReference(t *testing.T) {
	sb, digests := pullSandbox(t, sandbox.LikeHarbor)
	dg := digests["public/hello:latest"]
	tr, rep := pullAs(t, sb, "", "public/hello@"+dg, PullRequest{})
	if !tr.OK() || rep.Manifest.Digest != dg || !rep.Manifest.Verified {
		t.Fatalf("anonymous pull of public/hello by digest: %s\n%s", tr.Summary, diagText(tr))
	}
	// A digest reference skips the HEAD; the anonymous token request carries
	// no account and no credentials.
	got := wireOf(sb)
	wantWire(t, got, "GET /v2/ ", "GET /service/token ", "GET /v2/public/hello/manifests/"+dg+" Bearer")
	if got[1].query.Has("account") || got[1].query.Get("scope") != "repository:public/hello:pull" {
		t.Errorf("anonymous token query %v", got[1].query)
	}
}

func TestPullSandboxCompareAnonymous(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeHarbor)
	cases := []struct {
		user, image, effect, says string
	}{
		{"wrong:alice", "public/hello", "hurts", "this succeeds anonymously; your stored credentials for " + sb.Host() + " are rejected"},
		{"alice", "private/secret:v1", "helps", "are needed: anonymously the pull is refused"},
		{"bob", "public/hello", "same", "no difference"},
		{"bob", "private/secret:v1", "same", "refused either way"},
	}
	for _, c := range cases {
		tr, rep := pullAs(t, sb, c.user, c.image, PullRequest{CompareAnonymous: true})
		a := rep.Anonymous
		if a == nil || a.Effect != c.effect || !strings.Contains(a.Message, c.says) {
			t.Errorf("%s %s: comparison %+v, want %s %q", c.user, c.image, a, c.effect, c.says)
			continue
		}
		if a.Trace == nil || a.Trace.Credentials.HasSecret() || a.Trace.Steps[1].Request.Headers.Get("Authorization") != "" {
			t.Errorf("%s: the comparison run must be anonymous", c.user)
		}
		if (c.effect == "hurts") != hasCode(tr, diagnose.StaleCredentials) {
			t.Errorf("%s %s: STALE_CREDENTIALS only when credentials hurt:\n%s", c.user, c.image, diagText(tr))
		}
	}
	// Nothing to compare: no second run.
	sb.ResetRequests()
	_, rep := pullAs(t, sb, "", "public/hello", PullRequest{CompareAnonymous: true})
	if rep.Anonymous == nil || rep.Anonymous.Effect != "none" || len(sb.Requests()) != 4 {
		t.Errorf("anonymous already: %+v, %d requests", rep.Anonymous, len(sb.Requests()))
	}
}

func TestPullSandboxHubRateLimit(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeDockerHub)
	tr, rep := pullAs(t, sb, "alice", "library/hello", PullRequest{})
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	got := wireOf(sb)
	if len(got) != 4 || got[1].host == got[0].host || got[1].auth != "Basic" || got[2].auth != "Bearer" || got[3].auth != "Bearer" {
		t.Fatalf("Basic goes to the token host only, Bearer to the registry: %+v", got)
	}
	rl := rep.RateLimits
	if len(rl) != 2 || rl[0].Method != "HEAD" || rl[0].Counts || rl[1].Method != "GET" || !rl[1].Counts {
		t.Fatalf("rate limits %+v", rl)
	}
	if rl[0].Info.Limit.N != 100 || rl[0].Info.Limit.Window != 21600 || rl[1].Info.Remaining.N != rl[0].Info.Remaining.N-1 {
		t.Errorf("the GET counts as a pull, the HEAD does not: %+v then %+v", rl[0].Info, rl[1].Info)
	}
	if !slices.ContainsFunc(tr.Steps[2].Notes, func(n string) bool { return strings.Contains(n, "a HEAD does not count as a pull") }) {
		t.Errorf("the HEAD step should say it does not count: %q", tr.Steps[2].Notes)
	}
}

func TestPullSandboxBlob(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeHarbor)
	tr, rep := pullAs(t, sb, "alice", "library/hello", PullRequest{Blob: true})
	if !tr.OK() || rep.Blob == nil || !rep.Blob.Verified || rep.Blob.Digest != rep.Manifest.Config.Digest {
		t.Fatalf("config blob: %+v\n%s", rep.Blob, diagText(tr))
	}
	got := wireOf(sb)
	if last := got[len(got)-1]; last.path != "/v2/library/hello/blobs/"+rep.Blob.Digest || last.auth != "Bearer" {
		t.Errorf("the blob GET goes to the registry with the token: %+v", last)
	}
}

func TestPullSandboxBasic(t *testing.T) {
	sb, _ := pullSandbox(t, sandbox.LikeBasic)
	tr, rep := pullAs(t, sb, "alice", "library/hello", PullRequest{})
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	wantWire(t, wireOf(sb), "GET /v2/ ", "HEAD /v2/library/hello/manifests/latest Basic", "GET /v2/library/hello/manifests/"+rep.Manifest.Digest+" Basic")
	if rep.Scopes[0].Granted != nil || !strings.Contains(rep.GrantNote, "Basic") {
		t.Errorf("no token, so the grant is unknown: %+v %q", rep.Scopes, rep.GrantNote)
	}
}

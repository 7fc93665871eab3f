package flow

// The client profiles against the real distribution registry in the
// sandbox: the sequences pinned here are the ones the clients' source gives
// (clients.md sections 1 and 5) where no live client of that release runs
// here (containerd 2.x); the parity tests in internal/realclient compare
// the live ones.

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

func pullAsClient(t *testing.T, sb *sandbox.Sandbox, client, user, image string) *Trace {
	t.Helper()
	prof, err := LookupProfile(client)
	if err != nil {
		t.Fatal(err)
	}
	tr, _ := pullAsWith(t, sb, user, image, func(o *Options) { o.Profile = prof })
	return tr
}

func TestContainerdPullSequence(t *testing.T) {
	sb, digests := pullSandbox(t, sandbox.LikeHarbor)
	tr := pullAsClient(t, sb, "containerd", "alice", "library/hello")
	if !tr.OK() {
		t.Fatalf("containerd pull: %s\n%s", tr.Summary, diagText(tr))
	}
	dg := digests["library/hello:latest"]
	wantWire(t, wireOf(sb),
		"HEAD /v2/library/hello/manifests/latest ",
		"POST /service/token ",
		"GET /service/token Basic",
		"HEAD /v2/library/hello/manifests/latest Bearer",
		// The fetcher's authorizer is new: the challenge is learnt again.
		"GET /v2/library/hello/manifests/"+dg+" ",
		"POST /service/token ",
		"GET /service/token Basic",
		"GET /v2/library/hello/manifests/"+dg+" Bearer")
	reqs := sb.Requests()
	if reqs[1].Body != "client_id=containerd-client&grant_type=password&password=alice-sandbox-pw&scope=repository%3Alibrary%2Fhello%3Apull&service=harbor-registry&username=alice" {
		t.Errorf("POST form %q", reqs[1].Body)
	}
	if q := reqs[2].RawQuery; q != "scope=repository%3Alibrary%2Fhello%3Apull&service=harbor-registry" {
		t.Errorf("fallback GET query %q: containerd sends no account", q)
	}
	if a := tr.Steps[0].Request.Headers.Values("Accept"); len(a) != 1 || !strings.HasSuffix(a[0], ", */*") {
		t.Errorf("Accept %q: containerd sends one joined header ending in */*", a)
	}
	if a := tr.Steps[7].Request.Headers.Get("Accept"); a != sandbox.MediaTypeManifest+", */*" {
		t.Errorf("GET by digest Accept %q", a)
	}
	if tr.Client == nil || tr.Client.ID != "containerd" {
		t.Errorf("client %+v", tr.Client)
	}
}

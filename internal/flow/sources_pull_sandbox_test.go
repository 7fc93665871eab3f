package flow

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

// tokenUsers are the Basic users of the token requests sb saw, in order.
func tokenUsers(sb *sandbox.Sandbox) []string {
	var out []string
	for _, r := range sb.Requests() {
		if r.AuthScheme != "Basic" {
			continue
		}
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Authorization, "Basic "))
		u, _, _ := strings.Cut(string(b), ":")
		out = append(out, u)
	}
	return out
}

func sourcesFixture(t *testing.T) (mirror, primary *sandbox.Sandbox, src func(sb *sandbox.Sandbox, role string, c Credentials) PullSource) {
	t.Helper()
	// The mirror is empty; the primary has the image.
	mirror = startSandbox(t, sandbox.Options{Like: sandbox.LikeDistribution})
	primary, _ = pullSandbox(t, sandbox.LikeDistribution)
	src = func(sb *sandbox.Sandbox, role string, c Credentials) PullSource {
		ref, err := imageref.Parse(sb.Host() + "/private/secret:v1")
		if err != nil {
			t.Fatal(err)
		}
		return PullSource{Role: role, Label: role + " " + sb.Host(), Registry: "http://" + sb.Host(), Image: ref, Credentials: c,
			FailCode: diagnose.DaemonMirrorFailed}
	}
	return mirror, primary, src
}

func TestPullFromSourcesMirrorFirstThenPrimary(t *testing.T) {
	mirror, primary, src := sourcesFixture(t)
	alice := Credentials{Username: "alice", Password: mirror.Users()["alice"], Source: "test"}
	// The classic store offers the same Hub login to the mirror and Hub.
	sources := []PullSource{src(mirror, "mirror", alice), src(primary, "primary", alice)}
	res := PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "Docker", sources, DockerSourceErrors)
	if res.Verdict != VerdictOK || res.Answered != 2 || len(res.Attempts) != 2 {
		t.Fatalf("verdict %s answered %d attempts %d: %s", res.Verdict, res.Answered, len(res.Attempts), res.Summary)
	}
	if got := tokenUsers(mirror); len(got) == 0 || got[0] != "alice" {
		t.Errorf("the mirror's token service got Basic users %q, want alice", got)
	}
	if got := tokenUsers(primary); len(got) == 0 || got[0] != "alice" {
		t.Errorf("the primary's token service got %q", got)
	}
	if len(mirror.Requests()) == 0 || mirror.Requests()[0].Path != "/v2/" {
		t.Errorf("the mirror was not pinged first: %+v", mirror.Requests())
	}
	if len(res.Diagnoses) != 1 || res.Diagnoses[0].Code != diagnose.DaemonMirrorFailed {
		t.Errorf("diagnoses %+v", res.Diagnoses)
	}
	if !strings.Contains(res.Summary, "from primary "+primary.Host()+" (attempt 2 of 2)") {
		t.Errorf("summary %q", res.Summary)
	}
}

func TestPullFromSourcesStopsAtFirstAnswer(t *testing.T) {
	mirror, primary, src := sourcesFixture(t)
	if _, err := mirror.PushImage(context.Background(), "private/secret", "v1"); err != nil {
		t.Fatal(err)
	}
	mirror.ResetRequests()
	// The containerd store: nothing for the mirror, the login for Hub.
	none := Credentials{Source: "none: the containerd store sends credentials only to the login's host"}
	alice := Credentials{Username: "alice", Password: primary.Users()["alice"], Source: "test"}
	res := PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "Docker",
		[]PullSource{src(mirror, "mirror", none), src(primary, "primary", alice)}, DockerSourceErrors)
	// private/secret needs alice: the anonymous mirror refuses, Hub serves.
	if res.Answered != 2 || tokenUsers(mirror) != nil {
		t.Errorf("answered %d, the mirror got Basic %q", res.Answered, tokenUsers(mirror))
	}
	mirror.ResetRequests()
	primary.ResetRequests()
	pub := src(mirror, "mirror", none)
	pub.Image, _ = imageref.Parse(mirror.Host() + "/public/hello:latest")
	if _, err := mirror.PushImage(context.Background(), "public/hello", "latest"); err != nil {
		t.Fatal(err)
	}
	mirror.ResetRequests()
	res = PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "Docker", []PullSource{pub, src(primary, "primary", alice)}, DockerSourceErrors)
	if res.Verdict != VerdictOK || res.Answered != 1 || len(primary.Requests()) != 0 {
		t.Errorf("answered %d (%s); the primary got %d requests after the mirror answered", res.Answered, res.Summary, len(primary.Requests()))
	}
}

func TestPullFromSourcesAllFailContainersWording(t *testing.T) {
	mirror, primary, src := sourcesFixture(t)
	wrong := Credentials{Username: "alice", Password: "wrong-Synth3tic", Source: "test"}
	m := src(mirror, "mirror", Credentials{Source: "none"})
	m.Candidate = "x"
	p := src(primary, "primary", wrong)
	p.Candidate = "x"
	blocked := src(primary, "primary", wrong)
	blocked.Candidate, blocked.Refused = "y", "registry blocked.example.com is blocked in registries.conf"
	res := PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "podman", []PullSource{m, p, blocked}, ContainersSourceErrors)
	if res.Verdict == VerdictOK || res.Answered != 0 || len(res.Attempts) != 3 {
		t.Fatalf("%+v", res)
	}
	for _, want := range []string{"2 errors occurred while pulling:\n * (Mirrors also failed: [" + mirror.Host() + "/private/secret:v1: ", "\n * registry blocked.example.com is blocked"} {
		if !strings.Contains(res.Summary, want) {
			t.Errorf("summary %q lacks %q", res.Summary, want)
		}
	}
	if res.Attempts[2].Trace != nil {
		t.Errorf("a blocked source was pulled")
	}
}

// An insecure registry's http endpoint is tried only after https got no
// answer at all.
func TestPullFromSourcesHTTPFallbackOnlyAfterTransportError(t *testing.T) {
	_, primary, src := sourcesFixture(t)
	alice := Credentials{Username: "alice", Password: primary.Users()["alice"], Source: "test"}
	https := src(primary, "primary", alice)
	https.Registry = "https://" + primary.Host()
	fallback := src(primary, "http fallback", alice)
	fallback.AfterTransportError = true
	res := PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "Docker", []PullSource{https, fallback}, DockerSourceErrors)
	if res.Answered != 2 || res.Attempts[0].Trace.Verdict != VerdictTransport {
		t.Fatalf("answered %d: %s", res.Answered, res.Summary)
	}
	// When the first endpoint answers (here: refuses), http is not tried.
	wrong := src(primary, "primary", Credentials{Username: "alice", Password: "wrong-Synth3tic", Source: "test"})
	res = PullFromSources(context.Background(), Options{Timeout: DefaultTimeout}, PullRequest{}, "Docker", []PullSource{wrong, fallback}, DockerSourceErrors)
	if len(res.Attempts) != 1 || res.Skipped[1] == "" || res.Verdict != VerdictRefused {
		t.Errorf("attempts %d skipped %v verdict %s", len(res.Attempts), res.Skipped, res.Verdict)
	}
}

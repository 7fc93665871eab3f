package parity

import (
	"context"
	"encoding/base64"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/sandbox"
)

// basicUsers are the users of the Basic headers in reqs, in order.
func basicUsers(reqs []sandbox.Request) []string {
	var out []string
	for _, r := range reqs {
		if r.AuthScheme != "Basic" {
			continue
		}
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(r.Authorization, "Basic "))
		u, _, _ := strings.Cut(string(b), ":")
		out = append(out, u)
	}
	return out
}

// Debian's dockerd (classic store) with a registry mirror pulls a Docker
// Hub image from the mirror first and offers the mirror's token service
// the Docker Hub login; regauth's replay of daemon.json's sources must
// send the mirror the same requests with the same credential.
func TestParityDockerdMirrorGetsHubLogin(t *testing.T) {
	if os.Getenv("REGAUTH_PARITY") == "" && os.Getenv("CI") != "true" && testing.Short() {
		t.Skip("-short")
	}
	ctx := context.Background()
	mirror, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution})
	if err != nil {
		t.Fatal(err)
	}
	defer mirror.Close()
	const tag = "mirror-parity"
	if _, err := mirror.PushImage(ctx, "library/alpine", tag); err != nil {
		t.Fatal(err)
	}
	pass := mirror.Users()["alice"]
	dkd := realclient.StartDockerdMirrors(t, []string{"127.0.0.0/8"}, []string{"http://" + mirror.Host()})

	mirror.ResetRequests()
	real := dkd.PullHub(ctx, t, "alpine:"+tag, "alice", pass)
	realReqs := mirror.Requests()
	want := wire(mirror, realReqs, pass, true)
	if !real.OK() {
		t.Fatalf("docker pull through the mirror failed:\n%s", real.Output)
	}
	if got := basicUsers(realReqs); len(got) == 0 || got[0] != "alice" {
		t.Fatalf("dockerd sent the mirror Basic users %q; clients.md 4.3 says the Hub login", got)
	}

	mirror.ResetRequests()
	img, err := imageref.Parse("alpine:" + tag)
	if err != nil {
		t.Fatal(err)
	}
	prof, _ := flow.LookupProfile("docker@20.10")
	hub := flow.Credentials{Username: "alice", Password: pass, Source: "test"}
	res := flow.PullFromSources(ctx, flow.Options{Profile: prof, Timeout: 10 * time.Second}, flow.PullRequest{Image: img}, "Docker",
		[]flow.PullSource{
			{Role: "mirror", Label: "mirror", Registry: "http://" + mirror.Host(), Image: img, Credentials: hub, FailCode: diagnose.DaemonMirrorFailed},
			{Role: "primary", Label: flow.DockerHubRegistry, Registry: img.Registry, Image: img, Credentials: hub},
		}, flow.DockerSourceErrors)
	got := wire(mirror, mirror.Requests(), pass, true)
	t.Logf("dockerd at the mirror:\n%s", strings.Join(want, "\n"))
	if res.Answered != 1 {
		t.Errorf("regauth: answered by source %d, want the mirror: %s", res.Answered, res.Summary)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("the mirror's wire differs\n--- dockerd ---\n%s\n--- regauth ---\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"))
	}
}

// skopeo (containers/image) with a registries.conf mirror tries the mirror
// first with the credentials its auth file holds for the mirror's own
// host (none here), then the primary with the primary's login; regauth's
// sources for the same file send each the same requests.
func TestParitySkopeoMirrorOwnCredentials(t *testing.T) {
	if os.Getenv("REGAUTH_PARITY") == "" && os.Getenv("CI") != "true" && testing.Short() {
		t.Skip("-short")
	}
	ctx := context.Background()
	start := func() *sandbox.Sandbox {
		sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sb.Close() })
		return sb
	}
	mirror, primary := start(), start()
	if _, err := primary.PushImage(ctx, "private/app", "1"); err != nil {
		t.Fatal(err)
	}
	pass := primary.Users()["alice"]
	conf := "[[registry]]\nlocation = \"" + primary.Host() + "\"\ninsecure = true\n\n[[registry.mirror]]\nlocation = \"" + mirror.Host() + "\"\ninsecure = true\n"
	auth := `{"auths":{"` + primary.Host() + `":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("alice:"+pass)) + `"}}}`
	ref := primary.Host() + "/private/app:1"

	mirror.ResetRequests()
	primary.ResetRequests()
	real := realclient.SkopeoRegistriesConf(ctx, t, conf, auth, ref)
	if !real.OK() {
		t.Fatalf("skopeo failed:\n%s", real.Output)
	}
	wantMirror, wantPrimary := wire(mirror, mirror.Requests(), pass, false), wire(primary, primary.Requests(), pass, false)
	if len(wantMirror) == 0 || basicUsers(mirror.Requests()) != nil {
		t.Fatalf("skopeo at the mirror: %q (Basic %q)", wantMirror, basicUsers(mirror.Requests()))
	}
	if got := basicUsers(primary.Requests()); len(got) == 0 || got[0] != "alice" {
		t.Fatalf("skopeo at the primary sent Basic %q", got)
	}

	mirror.ResetRequests()
	primary.ResetRequests()
	prof, _ := flow.LookupProfile("podman")
	mref, _ := imageref.Parse(mirror.Host() + "/private/app:1")
	pref, _ := imageref.Parse(ref)
	none := flow.Credentials{Source: "none"}
	alice := flow.Credentials{Username: "alice", Password: pass, Source: "test"}
	src := func(img imageref.Ref, c flow.Credentials, scheme string, after bool) flow.PullSource {
		return flow.PullSource{Label: scheme + " " + img.Registry, Registry: scheme + "://" + img.Registry, Image: img, Credentials: c, AfterTransportError: after}
	}
	res := flow.PullFromSources(ctx, flow.Options{Profile: prof, Timeout: 10 * time.Second}, flow.PullRequest{Image: pref}, "podman",
		[]flow.PullSource{src(mref, none, "https", false), src(mref, none, "http", true), src(pref, alice, "https", false), src(pref, alice, "http", true)},
		flow.ContainersSourceErrors)
	if res.Verdict != flow.VerdictOK {
		t.Errorf("regauth: %s", res.Summary)
	}
	for _, c := range []struct {
		name string
		sb   *sandbox.Sandbox
		want []string
	}{{"mirror", mirror, wantMirror}, {"primary", primary, wantPrimary}} {
		got := wire(c.sb, c.sb.Requests(), pass, false)
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("the %s's wire differs\n--- skopeo ---\n%s\n--- regauth ---\n%s", c.name, strings.Join(c.want, "\n"), strings.Join(got, "\n"))
		}
	}
}

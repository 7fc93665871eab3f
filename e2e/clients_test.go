package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/sandbox"
)

// Every real client and its replay through the Harbor-like nginx front of
// Debian's registry 2.8, compared in nginx's access log (method, URI with
// query, status, auth scheme) up to the last manifest request.
func TestClientsThroughHarborProxy(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	var ctrd *realclient.Containerd
	var dkd *realclient.Dockerd
	// plain: the client was told plain http (ctr --plain-http, oras
	// --plain-http, regctl tls disabled); the others try https first, which
	// nginx logs as "- - 400 -", and so does regauth without --plain-http.
	clients := []struct {
		profile string
		plain   bool
		run     func(t *testing.T, ref, user, pass string) realclient.Result
	}{
		{"containerd@1.6", true, func(t *testing.T, ref, u, p string) realclient.Result {
			if ctrd == nil {
				ctrd = realclient.StartContainerd(t)
			}
			return ctrd.Fetch(ctx, ref, u, p)
		}},
		{"podman", false, func(t *testing.T, ref, u, p string) realclient.Result { return realclient.Skopeo(ctx, t, ref, u, p) }},
		{"crane", false, func(t *testing.T, ref, u, p string) realclient.Result { return realclient.Crane(ctx, t, ref, u, p) }},
		{"regctl", true, func(t *testing.T, ref, u, p string) realclient.Result { return realclient.Regctl(ctx, t, ref, u, p) }},
		{"oras", true, func(t *testing.T, ref, u, p string) realclient.Result { return realclient.Oras(ctx, t, ref, u, p) }},
		{"docker@20.10", false, func(t *testing.T, ref, u, p string) realclient.Result {
			if dkd == nil {
				dkd = realclient.StartDockerd(t, []string{"127.0.0.0/8"})
			}
			return dkd.Pull(ctx, t, ref, u, p)
		}},
	}
	authz, err := s.tokens.AdminAuthorization("library/hello")
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct{ name, pass string }{{"right-password", s.users["alice"]}, {"wrong-password", "Wrong-Password-9"}} {
		for _, cl := range clients {
			// A tag of its own: clients skip content they already hold.
			tag := strings.NewReplacer("@", "-", ".", "-").Replace(cl.profile + "-" + who.name)
			if _, err := sandbox.PushImageTo(ctx, "http://"+s.harbor, authz, "library/hello", tag); err != nil {
				t.Fatalf("pushing through nginx: %v", err)
			}
			ref := s.harbor + "/library/hello:" + tag
			n := len(settledLines(t, s.accessLog, 0))
			real := cl.run(t, ref, "alice", who.pass)
			realWire := upToManifest(settledLines(t, s.accessLog, n))
			n += len(settledLines(t, s.accessLog, n))

			home := t.TempDir()
			args := []string{"pull-trace", ref, "--client", cl.profile, "-u", "alice", "--password-stdin"}
			if cl.plain {
				args = append(args, "--plain-http")
			}
			r := runTool(t, home, who.pass, s.regauth, args...)
			ours := upToManifest(settledLines(t, s.accessLog, n))
			if strings.Join(ours, "\n") != strings.Join(realWire, "\n") {
				t.Errorf("%s, %s: nginx logged different requests\n--- real ---\n%s\n--- regauth pull-trace --client %s ---\n%s\n--- real output ---\n%s",
					cl.profile, who.name, strings.Join(realWire, "\n"), cl.profile, strings.Join(ours, "\n"), real.Output)
			}
			if real.OK() != (r.code == 0) {
				t.Errorf("%s, %s: real ok=%v, regauth exit %d\n%s", cl.profile, who.name, real.OK(), r.code, r.out)
			}
		}
	}
}

// upToManifest cuts a log after its last manifest request: the replay
// stops there, the clients go on to the blobs.
func upToManifest(lines []string) []string {
	last := -1
	for i, l := range lines {
		if strings.Contains(l, "/manifests/") {
			last = i
		}
	}
	return lines[:last+1]
}

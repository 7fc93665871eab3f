package parity

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/hoststoml"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/sandbox"
)

// TestHostsParity runs ctr --hosts-dir and regauth's replay of the same
// host list against two sandbox registries, a mirror tried first and the
// upstream as server: each registry's log (requests, token requests,
// credentials, ?ns=) must be the same for both, and they must agree on
// success.
func TestHostsParity(t *testing.T) {
	if os.Getenv("REGAUTH_PARITY") == "" && os.Getenv("CI") != "true" && testing.Short() {
		t.Skip("-short")
	}
	realclient.NeedRoot(t)
	ctrd := realclient.StartContainerd(t)
	ctx := context.Background()
	pass := "synthetic-" + fmt.Sprint(time.Now().UnixNano())
	users := map[string]string{"alice": pass}
	mirror, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	defer mirror.Close()
	upstream, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	if err != nil {
		t.Fatal(err)
	}
	defer upstream.Close()

	dir := t.TempDir()
	hostDir := filepath.Join(dir, upstream.Host())
	if err := os.MkdirAll(hostDir, 0o755); err != nil {
		t.Fatal(err)
	}
	toml := fmt.Sprintf("server = \"http://%s\"\n\n[host.\"http://%s\"]\n  capabilities = [\"pull\", \"resolve\"]\n", upstream.Host(), mirror.Host())
	if err := os.WriteFile(filepath.Join(hostDir, "hosts.toml"), []byte(toml), 0o644); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		// on is the registry that holds the image.
		on     *sandbox.Sandbox
		user   string
		answer string
	}{
		{"mirror-has-it", mirror, "alice", mirror.Host()},
		{"mirror-lacks-it", upstream, "alice", upstream.Host()},
		{"anonymous", mirror, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tag := tc.name
			if _, err := tc.on.PushImage(ctx, "library/hello", tag); err != nil {
				t.Fatal(err)
			}
			ref := upstream.Host() + "/library/hello:" + tag
			p := ""
			if tc.user != "" {
				p = pass
			}
			mirror.ResetRequests()
			upstream.ResetRequests()
			real := ctrd.FetchHosts(ctx, ref, tc.user, p, dir)
			wantM, wantU := wire(mirror, mirror.Requests(), pass, false), wire(upstream, upstream.Requests(), pass, false)

			mirror.ResetRequests()
			upstream.ResetRequests()
			res := replayHosts(t, ref, tc.user, p, dir)
			gotM, gotU := wire(mirror, mirror.Requests(), pass, false), wire(upstream, upstream.Requests(), pass, false)

			t.Logf("mirror:\n%s\nupstream:\n%s\nregauth: %s", strings.Join(wantM, "\n"), strings.Join(wantU, "\n"), res.Summary)
			for _, c := range []struct{ who, want, got string }{
				{"mirror", strings.Join(wantM, "\n"), strings.Join(gotM, "\n")},
				{"upstream", strings.Join(wantU, "\n"), strings.Join(gotU, "\n")},
			} {
				if c.want != c.got {
					t.Errorf("the %s's wire differs\n--- ctr --hosts-dir ---\n%s\n--- regauth ---\n%s\n--- ctr output ---\n%s", c.who, c.want, c.got, real.Output)
				}
			}
			if !strings.Contains(strings.Join(wantM, "\n"), "ns="+upstream.Host()) {
				t.Errorf("ctr's requests to the mirror carry no ?ns=: %v", wantM)
			}
			if real.OK() != (res.Verdict == flow.VerdictOK) {
				t.Errorf("ctr ok=%v, regauth %s: %s\n%s", real.OK(), res.Verdict, res.Summary, real.Output)
			}
			if tc.answer != "" && !strings.Contains(res.Answered, tc.answer) {
				t.Errorf("answered by %q, want %s", res.Answered, tc.answer)
			}
		})
	}
}

func replayHosts(t *testing.T, ref, user, pass, dir string) *flow.HostsResult {
	t.Helper()
	prof, err := flow.LookupProfile("containerd@1.6")
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageref.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	res := hoststoml.Lookup(hoststoml.OS{}, []string{dir}, img.Domain, hoststoml.Options{DefaultScheme: "http"})
	c := flow.Credentials{Username: user, Password: pass, Source: "test"}
	o := flow.Options{Registry: img.Registry, PlainHTTP: true, Profile: prof, Timeout: 10 * time.Second, Credentials: c, Anonymous: user == ""}
	env := flow.HostEnv{Credentials: func(hoststoml.Host) flow.Credentials { return c }}
	return flow.PullHosts(context.Background(), o, flow.PullRequest{Image: img}, res, env)
}

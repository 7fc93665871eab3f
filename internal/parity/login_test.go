package parity

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/sandbox"
)

// The logins: each real client's login command and regauth's
// login-trace --client against the same sandbox, request by request.
func TestLoginParity(t *testing.T) {
	logins := []struct {
		profile string
		run     func(ctx context.Context, t testing.TB, host, user, pass string) realclient.Result
	}{
		{"docker", realclient.DockerLogin},
		{"podman", realclient.SkopeoLogin},
		{"oras", realclient.OrasLogin},
		{"regctl", realclient.RegctlLogin},
	}
	ctx := context.Background()
	for _, fx := range []struct {
		name string
		like sandbox.Like
		pass string
	}{
		{"harbor", sandbox.LikeHarbor, ""},
		{"distribution", sandbox.LikeDistribution, ""},
		{"dockerhub", sandbox.LikeDockerHub, ""},
		{"basic", sandbox.LikeBasic, ""},
		{"harbor-wrong-password", sandbox.LikeHarbor, "wrong-password"},
		{"basic-wrong-password", sandbox.LikeBasic, "wrong-password"},
	} {
		t.Run(fx.name, func(t *testing.T) {
			sb, err := sandbox.Start(ctx, sandbox.Options{Like: fx.like})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			pass := fx.pass
			if pass == "" {
				pass = sb.Users()["alice"]
			}
			for _, l := range logins {
				t.Run(l.profile, func(t *testing.T) {
					sb.ResetRequests()
					real := l.run(ctx, t, sb.Host(), "alice", pass)
					want := wire(sb, sb.Requests(), pass, false)

					sb.ResetRequests()
					prof, err := flow.LookupProfile(l.profile)
					if err != nil {
						t.Fatal(err)
					}
					tr := flow.Login(ctx, flow.Options{Registry: sb.Host(), Profile: prof, Timeout: 10 * time.Second,
						Credentials: flow.Credentials{Username: "alice", Password: pass, Source: "test"}})
					got := wire(sb, sb.Requests(), pass, false)
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("the wire differs from the real login's\n--- %s (real) ---\n%s\n--- regauth login-trace --client %s ---\n%s\n--- real output ---\n%s",
							l.profile, strings.Join(want, "\n"), l.profile, strings.Join(got, "\n"), real.Output)
					}
					if real.OK() != tr.OK() {
						t.Errorf("real login ok=%v, regauth ok=%v (%s)\n%s", real.OK(), tr.OK(), tr.Summary, real.Output)
					}
				})
			}
		})
	}
}

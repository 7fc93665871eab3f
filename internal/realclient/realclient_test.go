package realclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

// Each real client, on every sandbox front, succeeds with alice's password
// and fails with a wrong one; the sandbox's log shows the manifest served
// (or not).

const (
	testUser = "alice"
	testRepo = "library/hello"
)

// front starts a sandbox like l with library/hello:latest in it.
func front(t *testing.T, l sandbox.Like) *sandbox.Sandbox {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	sb, err := sandbox.Start(ctx, sandbox.Options{Like: l})
	if err != nil {
		t.Fatalf("sandbox %s: %v", l, err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	if _, err := sb.PushImage(ctx, testRepo, "latest"); err != nil {
		t.Fatalf("push: %v", err)
	}
	return sb
}

// manifestServed reports whether the sandbox answered a manifest request
// with 200.
func manifestServed(sb *sandbox.Sandbox) bool {
	for _, r := range sb.Requests() {
		if strings.Contains(r.Path, "/manifests/") && r.Status == http.StatusOK {
			return true
		}
	}
	return false
}

func wire(sb *sandbox.Sandbox) string {
	var b strings.Builder
	for _, r := range sb.Requests() {
		b.WriteString("  " + r.Method + " " + r.Host + r.Path + "?" + r.RawQuery + " " + r.AuthScheme + " -> " + http.StatusText(r.Status) + "\n")
	}
	return b.String()
}

// followsRealm: the client takes any realm.
func followsRealm(*sandbox.Sandbox) string { return "" }

// realm is the host[:port] of the sandbox's Bearer realm ("" for Basic).
func realm(sb *sandbox.Sandbox) *url.URL {
	u, err := url.Parse(sb.TokenURL())
	if err != nil || sb.TokenURL() == "" {
		return nil
	}
	return u
}

// craneRefusal: go-containerregistry allows a loopback realm only at the
// registry's own host:port.
func craneRefusal(sb *sandbox.Sandbox) string {
	if u := realm(sb); u != nil && u.Host != sb.Host() {
		return fmt.Sprintf("realm host %q is a private or link-local address", u.Hostname())
	}
	return ""
}

// orasRefusal: oras-go allows a loopback realm only at the registry's own
// host name (any port).
func orasRefusal(sb *sandbox.Sandbox) string {
	if u := realm(sb); u != nil && !strings.EqualFold(u.Hostname(), strings.Split(sb.Host(), ":")[0]) {
		return fmt.Sprintf("bearer realm host %q is %s, in blocked prefix 127.0.0.0/8", u.Hostname(), u.Hostname())
	}
	return ""
}

// pullClient runs a client that fetches ref.
type pullClient func(ctx context.Context, t *testing.T, ref, user, pass string) Result

// checkPull runs the client on every front with the right and a wrong
// password. refusedRealm is the error a client gives for the Docker Hub
// front instead of pulling: go-containerregistry and oras-go refuse a
// Bearer realm whose host is a loopback or private IP literal other than
// the registry's ("" for the clients that follow it).
func checkPull(t *testing.T, run pullClient, refusedRealm func(*sandbox.Sandbox) string) {
	t.Helper()
	for _, l := range sandbox.Likes {
		t.Run(string(l), func(t *testing.T) {
			sb := front(t, l)
			ref := sb.Host() + "/" + testRepo + ":latest"
			ctx := context.Background()

			res := run(ctx, t, ref, testUser, sb.Users()[testUser])
			if want := refusedRealm(sb); want != "" {
				if res.OK() || !strings.Contains(res.Output, want) {
					t.Errorf("want the realm refused (%q): %s\nwire:\n%s", want, res, wire(sb))
				}
				for _, r := range sb.Requests() {
					if r.Host != sb.Host() {
						t.Errorf("the client reached the token host: %+v", r)
					}
				}
				return
			}
			if !res.OK() || !manifestServed(sb) {
				t.Errorf("right password: %s\nwire:\n%s", res, wire(sb))
			}

			sb.ResetRequests()
			res = run(ctx, t, ref, testUser, "not-the-password")
			if res.OK() || manifestServed(sb) {
				t.Errorf("wrong password succeeded: %s\nwire:\n%s", res, wire(sb))
			}
			if strings.Contains(res.Output, sb.Users()[testUser]) {
				t.Errorf("output holds the right password:\n%s", res.Output)
			}
		})
	}
}

func TestCtr(t *testing.T) {
	t.Parallel()
	ctrd := StartContainerd(t)
	checkPull(t, func(ctx context.Context, _ *testing.T, ref, user, pass string) Result {
		return ctrd.Fetch(ctx, ref, user, pass)
	}, followsRealm)

	// An identity token (Docker Hub's refresh token) through --refresh.
	t.Run("refresh-token", func(t *testing.T) {
		sb := front(t, sandbox.LikeDockerHub)
		rt := refreshToken(t, sb)
		ref := sb.Host() + "/" + testRepo + ":latest"
		sb.ResetRequests()
		res := ctrd.FetchRefresh(context.Background(), ref, rt)
		if !res.OK() || !manifestServed(sb) {
			t.Errorf("refresh token: %s\nwire:\n%s", res, wire(sb))
		}
		var posted bool
		for _, r := range sb.Requests() {
			posted = posted || (r.Method == http.MethodPost && strings.Contains(r.Body, "grant_type=refresh_token"))
		}
		if !posted {
			t.Errorf("no refresh_token grant on the wire:\n%s", wire(sb))
		}
		sb.ResetRequests()
		if res := ctrd.FetchRefresh(context.Background(), ref, "not-a-token"); res.OK() || manifestServed(sb) {
			t.Errorf("bogus refresh token succeeded: %s", res)
		}
	})
}

// refreshToken asks the sandbox's token service for alice's refresh token
// (GET offline_token=true, as docker login does).
func refreshToken(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	q := url.Values{"service": {sb.Service()}, "offline_token": {"true"}, "client_id": {"docker"}, "account": {testUser}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, sb.TokenURL()+"?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	req.SetBasicAuth(testUser, sb.Users()[testUser])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tr struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.RefreshToken == "" {
		t.Fatalf("no refresh token (%d): %v", resp.StatusCode, err)
	}
	return tr.RefreshToken
}

func TestSkopeo(t *testing.T) {
	t.Parallel()
	checkPull(t, func(ctx context.Context, t *testing.T, ref, user, pass string) Result {
		return Skopeo(ctx, t, ref, user, pass)
	}, followsRealm)
}

func TestCrane(t *testing.T) {
	t.Parallel()
	checkPull(t, func(ctx context.Context, t *testing.T, ref, user, pass string) Result {
		return Crane(ctx, t, ref, user, pass)
	}, craneRefusal)
}

func TestRegctl(t *testing.T) {
	t.Parallel()
	checkPull(t, func(ctx context.Context, t *testing.T, ref, user, pass string) Result {
		return Regctl(ctx, t, ref, user, pass)
	}, followsRealm)
}

func TestOras(t *testing.T) {
	t.Parallel()
	checkPull(t, func(ctx context.Context, t *testing.T, ref, user, pass string) Result {
		return Oras(ctx, t, ref, user, pass)
	}, orasRefusal)
}

func TestDockerdPull(t *testing.T) {
	t.Parallel()
	dkd := StartDockerd(t, []string{"127.0.0.0/8"})
	checkPull(t, func(ctx context.Context, t *testing.T, ref, user, pass string) Result {
		return dkd.Pull(ctx, t, ref, user, pass)
	}, followsRealm)
}

// loginClient runs a client's login to host.
type loginClient func(ctx context.Context, t testing.TB, host, user, pass string) Result

func TestLogins(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name    string
		run     loginClient
		refused func(*sandbox.Sandbox) string
	}{
		{"docker", DockerLogin, followsRealm},
		{"skopeo", SkopeoLogin, followsRealm},
		{"oras", OrasLogin, orasRefusal},
		{"regctl", RegctlLogin, followsRealm},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, l := range sandbox.Likes {
				t.Run(string(l), func(t *testing.T) {
					sb := front(t, l)
					ctx := context.Background()
					sb.ResetRequests()
					res := c.run(ctx, t, sb.Host(), testUser, sb.Users()[testUser])
					if want := c.refused(sb); want != "" {
						if res.OK() || !strings.Contains(res.Output, want) {
							t.Errorf("want the realm refused (%q): %s\nwire:\n%s", want, res, wire(sb))
						}
						return
					}
					if !res.OK() {
						t.Errorf("right password: %s\nwire:\n%s", res, wire(sb))
					}
					sb.ResetRequests()
					res = c.run(ctx, t, sb.Host(), testUser, "not-the-password")
					if res.OK() {
						t.Errorf("wrong password succeeded: %s\nwire:\n%s", res, wire(sb))
					}
					if len(sb.Requests()) == 0 {
						t.Errorf("the login sent nothing: %s", res)
					}
				})
			}
		})
	}
}

func TestResultLastLine(t *testing.T) {
	r := Result{Output: "first\nError: the end\n\n"}
	if got := r.LastLine(); got != "Error: the end" {
		t.Errorf("LastLine = %q", got)
	}
	if got := (Result{}).LastLine(); got != "" {
		t.Errorf("LastLine of nothing = %q", got)
	}
}

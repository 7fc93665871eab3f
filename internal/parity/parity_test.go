package parity

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/sandbox"
)

// fixture is one server and one credential: the fronts of the sandbox
// (distribution, Harbor, Docker Hub with its token host, Basic), a wrong
// password, a user without access, and token services that refuse the
// OAuth2 POST in the ways real ones do.
type fixture struct {
	name       string
	like       sandbox.Like
	post       int
	user, pass string
	repo       string
}

var fixtures = []fixture{
	{"distribution", sandbox.LikeDistribution, 0, "alice", "", "library/hello"},
	{"harbor", sandbox.LikeHarbor, 0, "alice", "", "library/hello"},
	{"dockerhub", sandbox.LikeDockerHub, 0, "alice", "", "library/hello"},
	{"basic", sandbox.LikeBasic, 0, "alice", "", "library/hello"},
	{"harbor-wrong-password", sandbox.LikeHarbor, 0, "alice", "wrong-password", "library/hello"},
	{"distribution-wrong-password", sandbox.LikeDistribution, 0, "alice", "wrong-password", "library/hello"},
	{"basic-wrong-password", sandbox.LikeBasic, 0, "alice", "wrong-password", "library/hello"},
	{"harbor-anonymous", sandbox.LikeHarbor, 0, "", "", "library/hello"},
	{"harbor-no-access", sandbox.LikeHarbor, 0, "bob", "", "private/secret"},
	{"distribution-post-404", sandbox.LikeDistribution, 404, "alice", "", "library/hello"},
	{"distribution-post-400", sandbox.LikeDistribution, 400, "alice", "", "library/hello"},
	{"distribution-post-403", sandbox.LikeDistribution, 403, "alice", "", "library/hello"},
	{"distribution-post-500-html", sandbox.LikeDistribution, 500, "alice", "", "library/hello"},
	{"dockerhub-post-403", sandbox.LikeDockerHub, 403, "alice", "", "library/hello"},
}

// client is a real client and the profile that replays it.
type client struct {
	profile string
	run     func(ctx context.Context, t testing.TB, ref, user, pass string) realclient.Result
	// sortAccept: the client's Accept order is not stable (Docker ranges
	// over a map), so the lines are compared as a set.
	sortAccept bool
	// errorCore extracts the part of the client's output regauth's
	// Client.Error must contain.
	errorCore func(out, ref string) string
}

// clients starts each daemon once, on first use, for the whole of top
// (whose cleanup stops it).
func clients(top *testing.T) []client {
	var (
		ctrdOnce, dkdOnce sync.Once
		ctrd              *realclient.Containerd
		dkd               *realclient.Dockerd
	)
	return []client{
		{profile: "containerd@1.6", run: func(ctx context.Context, t testing.TB, ref, u, p string) realclient.Result {
			realclient.NeedRoot(t)
			realclient.Need(t, "containerd")
			ctrdOnce.Do(func() { ctrd = realclient.StartContainerd(top) })
			return ctrd.Fetch(ctx, ref, u, p)
		}, errorCore: lastLine},
		{profile: "podman", run: realclient.Skopeo, errorCore: skopeoCore},
		{profile: "crane", run: realclient.Crane, errorCore: lastLine},
		{profile: "regctl", run: realclient.Regctl, errorCore: lastLine},
		{profile: "oras", run: realclient.Oras, errorCore: firstErrorLine},
		{profile: "docker@20.10", run: func(ctx context.Context, t testing.TB, ref, u, p string) realclient.Result {
			realclient.NeedRoot(t)
			realclient.Need(t, "dockerd")
			dkdOnce.Do(func() { dkd = realclient.StartDockerd(top, []string{"127.0.0.0/8"}) })
			return dkd.Pull(ctx, t, ref, u, p)
		}, sortAccept: true, errorCore: dockerCore},
	}
}

func TestParity(t *testing.T) {
	if os.Getenv("REGAUTH_PARITY") == "" && os.Getenv("CI") != "true" && testing.Short() {
		t.Skip("-short")
	}
	ctx := context.Background()
	cls := clients(t)
	for _, fx := range fixtures {
		t.Run(fx.name, func(t *testing.T) {
			sb, err := sandbox.Start(ctx, sandbox.Options{Like: fx.like, TokenPOSTStatus: fx.post})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			pass := fx.pass
			if pass == "" && fx.user != "" {
				pass = sb.Users()[fx.user]
			}
			for _, cl := range cls {
				t.Run(cl.profile, func(t *testing.T) {
					// A tag (so an image, so digests) of its own: clients
					// skip what their content store already holds.
					tag := strings.NewReplacer("@", "-", ".", "-").Replace(fx.name + "-" + cl.profile)
					if _, err := sb.PushImage(ctx, fx.repo, tag); err != nil {
						t.Fatal(err)
					}
					ref := sb.Host() + "/" + fx.repo + ":" + tag
					sb.ResetRequests()
					real := cl.run(ctx, t, ref, fx.user, pass)
					want := wire(sb, sb.Requests(), pass, cl.sortAccept)

					sb.ResetRequests()
					tr := replay(t, cl.profile, ref, fx.user, pass)
					got := wire(sb, sb.Requests(), pass, cl.sortAccept)
					if strings.Join(got, "\n") != strings.Join(want, "\n") {
						t.Errorf("the wire differs from the real client's\n--- %s (real) ---\n%s\n--- regauth --client %s ---\n%s\n--- real output ---\n%s",
							cl.profile, strings.Join(want, "\n"), cl.profile, strings.Join(got, "\n"), real.Output)
					}
					if real.OK() != tr.OK() {
						t.Errorf("real client ok=%v, regauth ok=%v (%s)\n%s", real.OK(), tr.OK(), tr.Summary, real.Output)
					}
					if !real.OK() && tr.Client != nil {
						core := cl.errorCore(real.Output, ref)
						if core == "" || !strings.Contains(redact.OneLine(tr.Client.Error), redact.OneLine(core)) {
							t.Errorf("error text\n real:    %s\n regauth: %s", core, tr.Client.Error)
						}
					}
				})
			}
		})
	}
}

func replay(t *testing.T, client, ref, user, pass string) *flow.Trace {
	t.Helper()
	prof, err := flow.LookupProfile(client)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageref.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	// crane --insecure tries https first, then http; the others are told
	// the registry is plain http.
	o := flow.Options{Registry: img.Registry, PlainHTTP: client != "crane", Profile: prof, Timeout: 10 * time.Second,
		Credentials: flow.Credentials{Username: user, Password: pass, Source: "test"}, Anonymous: user == "" && pass == ""}
	tr, _ := flow.Pull(context.Background(), o, flow.PullRequest{Image: img})
	return tr
}

// wire reduces the server's log to what a client's behaviour fixes,
// up to the last manifest request (the replay stops there): method,
// listener, path, query, form (secrets masked), auth scheme, status and
// the Accept lines.
func wire(sb *sandbox.Sandbox, reqs []sandbox.Request, pass string, sortAccept bool) []string {
	last := -1
	for i, r := range reqs {
		if strings.Contains(r.Path, "/manifests/") {
			last = i
		}
	}
	if last >= 0 {
		reqs = reqs[:last+1]
	}
	return wireLines(sb, reqs, pass, sortAccept)
}

// wireLines is every request of the log, reduced as wire reduces them.
func wireLines(sb *sandbox.Sandbox, reqs []sandbox.Request, pass string, sortAccept bool) []string {
	var out []string
	for _, r := range reqs {
		role := "registry"
		if r.Host != sb.Host() {
			role = "token-host"
		}
		line := fmt.Sprintf("%s %s %s", r.Method, role, r.Path)
		if q := sortedValues(r.RawQuery, pass); q != "" {
			line += "?" + q
		}
		if r.Body != "" {
			line += " form{" + sortedValues(r.Body, pass) + "}"
		}
		line += " auth=" + orDash(r.AuthScheme) + " -> " + strconv.Itoa(r.Status)
		if acc := r.Header.Values("Accept"); len(acc) > 0 {
			if sortAccept {
				acc = append([]string(nil), acc...)
				sort.Strings(acc)
			}
			line += " accept=" + strings.Join(acc, " | ")
		}
		out = append(out, line)
	}
	return out
}

func sortedValues(raw, pass string) string {
	v, _ := url.ParseQuery(raw)
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := v[k]
		for i := range vals {
			if pass != "" && vals[i] == pass {
				vals[i] = "***"
			}
		}
		parts = append(parts, k+"="+strings.Join(vals, ","))
	}
	return strings.Join(parts, "&")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func lastLine(out, _ string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

func firstErrorLine(out, _ string) string {
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "Error") {
			return strings.TrimSpace(l)
		}
	}
	return lastLine(out, "")
}

// skopeoCore is skopeo's fatal message without its own frame: what
// containers/image returned, which podman prints in its frame too.
func skopeoCore(out, ref string) string {
	l := lastLine(out, "")
	i := strings.Index(l, `msg="`)
	if i < 0 {
		return l
	}
	msg, err := strconv.Unquote(l[i+4:])
	if err != nil {
		return l
	}
	return strings.TrimPrefix(msg, fmt.Sprintf("Error parsing image name %q: ", "docker://"+ref))
}

// dockerCore is the daemon's message without the CLI's frame.
func dockerCore(out, _ string) string {
	return strings.TrimPrefix(lastLine(out, ""), "Error response from daemon: ")
}

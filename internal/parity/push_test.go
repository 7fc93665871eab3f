package parity

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/sandbox"
)

// The push: crane push, skopeo copy and regctl image import (each pushes
// from a tarball, client-side) and push-trace --client with the same
// profile, up to and including the first upload POST, for a user who may
// push and one who may not.
func TestPushParity(t *testing.T) {
	ctx := context.Background()
	// followsChallenge: the client asks for the scope the registry's
	// challenge names, whose action order the distribution registry does
	// not keep stable, so actions are compared as a set.
	pushers := []struct {
		profile          string
		run              func(ctx context.Context, t testing.TB, tarball, ref, user, pass string) realclient.Result
		followsChallenge bool
	}{
		{"crane", realclient.CranePush, false},
		{"podman", realclient.SkopeoPush, false},
		{"regctl", realclient.RegctlPush, true},
	}
	for _, like := range []sandbox.Like{sandbox.LikeHarbor, sandbox.LikeDistribution} {
		t.Run(string(like), func(t *testing.T) {
			sb, err := sandbox.Start(ctx, sandbox.Options{Like: like})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			for _, user := range []string{"alice", "bob"} {
				for _, p := range pushers {
					t.Run(p.profile+"-"+user, func(t *testing.T) {
						// Repositories of their own, for the client and the
						// replay: nothing of either exists yet.
						repo := "library/push-" + p.profile + "-" + user
						// An image of its own too (its layer names the tag):
						// containers/image remembers where it pushed a blob
						// before, in root's blob-info cache, and would mount it.
						tag := fmt.Sprintf("src-%s-%d", p.profile, time.Now().UnixNano())
						if _, err := sb.PushImage(ctx, "library/hello", tag); err != nil {
							t.Fatal(err)
						}
						tarball := t.TempDir() + "/img.tar"
						if r := realclient.CranePull(ctx, t, sb.Host()+"/library/hello:"+tag, "alice", sb.Users()["alice"], tarball); !r.OK() {
							t.Fatal(r)
						}
						sb.ResetRequests()
						real := p.run(ctx, t, tarball, sb.Host()+"/"+repo+"-real:1", user, sb.Users()[user])
						want := upToUpload(wireLines(sb, sb.Requests(), sb.Users()[user], false), repo+"-real")

						sb.ResetRequests()
						tr := pushReplay(t, p.profile, sb.Host()+"/"+repo+"-replay:1", user, sb.Users()[user])
						got := upToUpload(wireLines(sb, sb.Requests(), sb.Users()[user], false), repo+"-replay")
						if p.followsChallenge {
							want, got = actionSets(want), actionSets(got)
						}
						if strings.Join(got, "\n") != strings.Join(want, "\n") {
							t.Errorf("the push wire differs up to the upload POST\n--- %s (real) ---\n%s\n--- regauth push-trace --client %s ---\n%s\n--- real output ---\n%s",
								p.profile, strings.Join(want, "\n"), p.profile, strings.Join(got, "\n"), real.Output)
						}
						if real.OK() != tr.OK() {
							t.Errorf("real push ok=%v, push-trace ok=%v (%s)\n%s", real.OK(), tr.OK(), tr.Summary, real.Output)
						}
					})
				}
			}
		})
	}
}

func pushReplay(t *testing.T, client, ref, user, pass string) *flow.Trace {
	t.Helper()
	prof, err := flow.LookupProfile(client)
	if err != nil {
		t.Fatal(err)
	}
	img, err := imageref.Parse(ref)
	if err != nil {
		t.Fatal(err)
	}
	o := flow.Options{Registry: img.Registry, PlainHTTP: true, Profile: prof, Timeout: 10 * time.Second,
		Credentials: flow.Credentials{Username: user, Password: pass, Source: "test"}}
	tr, _ := flow.Push(context.Background(), o, flow.PushRequest{Image: img})
	return tr
}

var blobDigest = regexp.MustCompile(`/blobs/sha256:[0-9a-f]{64}`)

// upToUpload cuts a push's log after its first upload POST that carried
// credentials (allowed or refused), names every blob alike (each client pushes its own), and
// folds repeated HEADs of blobs into one (crane asks for every layer at
// once, push-trace for one blob).
func upToUpload(lines []string, repo string) []string {
	var out []string
	for _, l := range lines {
		l = blobDigest.ReplaceAllString(strings.ReplaceAll(l, repo, "REPO"), "/blobs/BLOB")
		if n := len(out); n > 0 && out[n-1] == l && strings.HasPrefix(l, "HEAD ") {
			continue
		}
		out = append(out, l)
		if strings.HasPrefix(l, "POST registry /v2/") && strings.Contains(l, "/blobs/uploads/") && !strings.Contains(l, "auth=- -> 401") {
			// The first upload POST with credentials: what follows a
			// refusal is each client's own retrying.
			break
		}
	}
	return out
}

var pullPush = regexp.MustCompile(`:(pull,push|push,pull)\b`)

// actionSets writes "pull,push" and "push,pull" alike.
func actionSets(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = pullPush.ReplaceAllString(l, ":pull+push")
	}
	return out
}

package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/sandbox"
)

func init() { demoExtras = append(demoExtras, demoPull) }

// demoPull pushes three images and traces pulls of them: one that works
// (with the config blob), one the token does not grant, and stale
// credentials on a public image compared with an anonymous pull.
func demoPull(ctx context.Context, out io.Writer, sb *sandbox.Sandbox, st render.Style, o *demoOptions) error {
	for _, img := range [][2]string{{"library/hello", "latest"}, {"private/secret", "latest"}, {"public/hello", "latest"}} {
		if _, err := sb.PushImage(ctx, img[0], img[1]); err != nil {
			return fmt.Errorf("demo: pushing %s:%s: %w", img[0], img[1], err)
		}
	}
	users := sb.Users()
	cases := []struct {
		title, image string
		creds        flow.Credentials
		req          flow.PullRequest
	}{
		{"docker pull library/hello as alice, with the config blob", "library/hello",
			flow.Credentials{Username: "alice", Password: users["alice"], Source: "sandbox user"}, flow.PullRequest{Blob: true}},
		{"docker pull private/secret as bob, who has no role on it", "private/secret",
			flow.Credentials{Username: "bob", Password: users["bob"], Source: "sandbox user"}, flow.PullRequest{}},
		{"docker pull public/hello with a stale stored password, compared with an anonymous pull", "public/hello",
			flow.Credentials{Username: "alice", Password: "old-" + users["alice"], Source: "a stale docker login"}, flow.PullRequest{CompareAnonymous: true}},
	}
	for _, c := range cases {
		fmt.Fprintf(out, "%s\n\n", st.Cyan("=== pull: "+c.title+" ==="))
		ref, err := imageref.Parse(sb.Host() + "/" + c.image)
		if err != nil {
			return err
		}
		c.req.Image = ref
		r := redact.New(false)
		t, rep := flow.Pull(ctx, flow.Options{
			Registry:    ref.Registry,
			PlainHTTP:   true,
			Credentials: c.creds,
			Timeout:     10 * time.Second,
			Redactor:    r,
		}, c.req)
		if err := render.PullText(out, t, rep, r, st, render.TextOptions{Verbose: o.Verbose, Now: time.Now()}); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	return nil
}

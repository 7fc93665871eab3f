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

func init() { demoExtras = append(demoExtras, demoPush) }

// demoPush traces an allowed push (alice: the upload session is opened and
// cancelled, nothing is written) and a denied one (bob may only pull).
func demoPush(ctx context.Context, out io.Writer, sb *sandbox.Sandbox, st render.Style, o *demoOptions) error {
	users := sb.Users()
	for _, c := range []struct{ title, user string }{
		{"push library/demo:1 as alice, who may push (nothing is written)", "alice"},
		{"push library/demo:1 as bob, who may only pull", "bob"},
	} {
		fmt.Fprintf(out, "%s\n\n", st.Cyan("=== push: "+c.title+" ==="))
		ref, err := imageref.Parse(sb.Host() + "/library/demo:1")
		if err != nil {
			return err
		}
		r := redact.New(false)
		t, rep := flow.Push(ctx, flow.Options{
			Registry:    ref.Registry,
			PlainHTTP:   true,
			Credentials: flow.Credentials{Username: c.user, Password: users[c.user], Source: "sandbox user"},
			Timeout:     10 * time.Second,
			Redactor:    r,
		}, flow.PushRequest{Image: ref})
		if err := render.PushText(out, t, rep, r, st, render.TextOptions{Verbose: o.Verbose, Now: time.Now()}); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	return nil
}

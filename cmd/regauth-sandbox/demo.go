package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/sandbox"
)

type demoOptions struct {
	Like    string
	NoColor bool
	Verbose bool
}

func newDemoCmd() *cobra.Command {
	o := &demoOptions{}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the sandbox, trace a good and a bad login (and a pull) with regauth's renderer, and exit",
		Long: `demo starts the real distribution registry with a token service on loopback, laid out
like Harbor by default, and runs regauth's handshake engine against it: a login that
succeeds, one with a wrong password, and an anonymous one. Nothing leaves this machine.`,
		Example: "  go run ./cmd/regauth-sandbox demo\n  go run ./cmd/regauth-sandbox demo --like dockerhub -v",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	cmd.Flags().StringVar(&o.Like, "like", "harbor", "deployment to imitate: distribution, harbor, dockerhub, basic, ghcr, gitlab, ecr, acr, quay or artifactory")
	cmd.Flags().BoolVar(&o.NoColor, "no-color", false, "never colour the output")
	cmd.Flags().BoolVarP(&o.Verbose, "verbose", "v", false, "show every header")
	return cmd
}

// demoCase is one trace the demo shows.
type demoCase struct {
	title string
	creds flow.Credentials
	anon  bool
}

func runDemo(ctx context.Context, out io.Writer, o *demoOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.Like(o.Like)})
	if err != nil {
		return err
	}
	defer sb.Close()
	st := render.NewStyle(out, o.NoColor, os.Getenv)
	fmt.Fprintf(out, "%s\n", st.Bold(fmt.Sprintf("regauth sandbox (like %s): registry %s, realm %s, service %q", o.Like, sb.URL(), sb.TokenURL(), sb.Service())))
	fmt.Fprintf(out, "%s\n\n", st.Dim("the real CNCF distribution registry, in-process, verifying real tokens; nothing leaves loopback"))

	pw := sb.Users()["alice"]
	cases := []demoCase{
		{title: "docker login as alice with her password", creds: flow.Credentials{Username: "alice", Password: pw, Source: "sandbox user"}},
		{title: "docker login as alice with a wrong password", creds: flow.Credentials{Username: "alice", Password: "not-" + pw, Source: "sandbox user, wrong password"}},
		{title: "an anonymous login", anon: true},
	}
	for i, c := range cases {
		fmt.Fprintf(out, "%s\n\n", st.Cyan(fmt.Sprintf("=== %d. %s ===", i+1, c.title)))
		r := redact.New(false)
		t := flow.Login(ctx, flow.Options{
			Registry:    sb.Host(),
			Credentials: c.creds,
			Anonymous:   c.anon,
			Timeout:     10 * time.Second,
			Redactor:    r,
		})
		if err := render.TraceText(out, t, r, st, render.TextOptions{Verbose: o.Verbose, Now: time.Now()}); err != nil {
			return err
		}
		fmt.Fprintln(out)
	}
	for _, extra := range demoExtras {
		if err := extra(ctx, out, sb, st, o); err != nil {
			return err
		}
	}
	return nil
}

// demoExtras are further demo sections (the pull trace registers itself).
var demoExtras []func(context.Context, io.Writer, *sandbox.Sandbox, render.Style, *demoOptions) error

package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/regauth/regauth/internal/sandbox"
)

type serveOptions struct {
	Like string
	// TLS is "" (plain http), "valid", or a fault of sandbox.TLSFault.
	TLS string
	// TokenPOSTStatus makes the token service refuse the OAuth2 POST.
	TokenPOSTStatus int
	stop            func() // restores default signal handling
}

// sampleImages are pushed at start so there is something to pull.
var sampleImages = []struct{ repo, tag string }{
	{"library/hello", "latest"},
	{"private/secret", "latest"},
}

func runServe(ctx context.Context, out io.Writer, o *serveOptions) error {
	like, err := sandbox.ParseLike(o.Like)
	if err != nil {
		return &usageError{err}
	}
	if o.TokenPOSTStatus != 0 && (like == sandbox.LikeBasic || like == sandbox.LikeECR || o.TokenPOSTStatus < 400 || o.TokenPOSTStatus > 599) {
		return &usageError{fmt.Errorf("--token-post-status %d: want a 4xx or 5xx status, and a front with a token service", o.TokenPOSTStatus)}
	}
	opts := sandbox.Options{Like: like, TokenPOSTStatus: o.TokenPOSTStatus}
	if o.TLS != "" {
		fault := sandbox.TLSFault(o.TLS)
		if o.TLS == "valid" {
			fault = sandbox.TLSValid
		}
		opts.TLS = &sandbox.TLSOptions{Fault: fault}
	}
	sb, err := sandbox.Start(ctx, opts)
	if err != nil {
		if strings.Contains(err.Error(), "unknown TLS fault") {
			return &usageError{fmt.Errorf("--tls %q: want valid, missing-intermediate, wrong-name, expired or self-signed", o.TLS)}
		}
		return fmt.Errorf("starting the sandbox: %w", err)
	}
	defer sb.Close()
	caFile := ""
	if o.TLS != "" {
		if caFile, err = writeCA(sb); err != nil {
			return err
		}
		defer os.Remove(caFile)
	}

	digests := make([]string, len(sampleImages))
	for i, im := range sampleImages {
		if digests[i], err = sb.PushImage(ctx, im.repo, im.tag); err != nil {
			return fmt.Errorf("pushing the sample image %s:%s: %w", im.repo, im.tag, err)
		}
	}
	sb.ResetRequests()
	printInfo(out, sb, digests)
	if caFile != "" {
		fmt.Fprintf(out, "\nhttps: the certificates are %s; the root CA is in %s\n  regauth probe %s                      # untrusted: the fault and where each client looks for the CA\n  regauth probe %s --ca-file %s\n",
			o.TLS, caFile, sb.Host(), sb.Host(), caFile)
	}

	<-ctx.Done()
	if o.stop != nil {
		o.stop() // a second Ctrl-C kills at once
	}
	fmt.Fprintln(out, "\nstopping the sandbox")
	if err := sb.Close(); err != nil {
		return fmt.Errorf("stopping the sandbox: %w", err)
	}
	return nil
}

// writeCA puts the sandbox's root CA where a user can point --ca-file.
func writeCA(sb *sandbox.Sandbox) (string, error) {
	f, err := os.CreateTemp("", "regauth-sandbox-ca-*.pem")
	if err != nil {
		return "", fmt.Errorf("writing the CA certificate: %w", err)
	}
	defer f.Close()
	if _, err := f.Write(sb.CAPEM()); err != nil {
		return "", fmt.Errorf("writing the CA certificate: %w", err)
	}
	return f.Name(), nil
}

func printInfo(out io.Writer, sb *sandbox.Sandbox, digests []string) {
	host := sb.Host()
	version := sandbox.RegistryVersion()
	if version == "" {
		version = "v3"
	}
	fmt.Fprintf(out, "regauth sandbox, like %s: CNCF distribution registry %s in-process, loopback only\n\n", sb.Like(), version)

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  registry\t%s (%s)\n", host, sb.URL())
	if note := frontNote(sb.Like()); note != "" {
		fmt.Fprintf(tw, "  front\t%s\n", note)
	}
	if sb.Like() == sandbox.LikeECR {
		fmt.Fprintf(tw, "  auth\tBasic, realm %q, service %q (no token step)\n", sb.TokenURL(), sb.Service())
	} else if sb.TokenURL() != "" {
		fmt.Fprintf(tw, "  realm\t%s\n", sb.TokenURL())
		fmt.Fprintf(tw, "  service\t%s\n", sb.Service())
	} else {
		fmt.Fprintf(tw, "  auth\tBasic, realm \"regauth-sandbox\" (htpasswd)\n")
	}
	users := sb.Users()
	names := slices.Sorted(maps.Keys(users))
	for i, u := range names {
		label := ""
		if i == 0 {
			label = "users"
		}
		fmt.Fprintf(tw, "  %s\t%s (password %s)\n", label, u, users[u])
	}
	for i, im := range sampleImages {
		label := ""
		if i == 0 {
			label = "images"
		}
		fmt.Fprintf(tw, "  %s\t%s:%s %s\n", label, im.repo, im.tag, digests[i])
	}
	tw.Flush()

	fmt.Fprintln(out)
	if sb.Like() == sandbox.LikeBasic {
		fmt.Fprintln(out, "access: htpasswd checks passwords only; every user may pull and push everything.")
	} else {
		fmt.Fprintln(out, "access (the token service grants the intersection of what is asked and this):")
		tw = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
		for _, r := range sb.Access() {
			who := r.User
			switch who {
			case "*":
				who = "anyone"
			case "":
				who = "anonymous"
			}
			what := r.Repo
			if r.Type != "" && r.Type != "repository" {
				what = r.Type + ":" + r.Repo
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", who, strings.Join(r.Actions, ","), what)
		}
		tw.Flush()
		fmt.Fprintln(out, "  (no rule: an empty grant, and the registry answers 401 insufficient_scope)")
	}
	for _, n := range sb.Notes() {
		fmt.Fprintf(out, "note: %s\n", n)
	}

	pw := users["alice"]
	fmt.Fprintln(out, "\ntry:")
	if pw != "" {
		fmt.Fprintf(out, "  regauth login-trace %s -u alice --password-stdin <<< %s\n", host, pw)
		fmt.Fprintf(out, "  regauth login-trace %s -u alice --password-stdin <<< not-the-password\n", host)
		fmt.Fprintf(out, "  regauth pull-trace %s/library/hello:latest -u alice --password-stdin <<< %s\n", host, pw)
	}
	fmt.Fprintf(out, "  regauth pull-trace %s/private/secret:latest --anonymous\n", host)
	if pw != "" {
		fmt.Fprintf(out, "  docker login %s -u alice          # password %s; Docker allows plain http on loopback\n", host, pw)
	}
	fmt.Fprintf(out, "  docker pull %s/library/hello:latest\n", host)
	fmt.Fprintf(out, "  curl -i %s/v2/\n", sb.URL())
	fmt.Fprintln(out, "\nrunning; Ctrl-C stops it and forgets everything.")
}

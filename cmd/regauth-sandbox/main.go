// Command regauth-sandbox runs a throwaway container registry on loopback
// to try regauth (and docker) against: the real CNCF distribution registry,
// in-process, with a token service laid out like Harbor, Docker Hub or a
// plain distribution deployment, or with htpasswd Basic auth.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, stop, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError marks errors in how the command was called (exit 2).
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

// run executes the command line and returns the exit code. stop restores
// default signal handling once the first signal has been taken.
func run(ctx context.Context, stop func(), args []string, out, errOut io.Writer) int {
	cmd := newRootCmd(stop)
	cmd.SetArgs(args)
	cmd.SetOut(out)
	cmd.SetErr(errOut)
	err := cmd.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	msg := strings.Join(strings.Fields(err.Error()), " ")
	fmt.Fprintf(errOut, "regauth-sandbox: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return exitUsage
	}
	return exitError
}

// isCobraUsage recognises the argument errors cobra raises itself.
func isCobraUsage(err error) bool {
	s := err.Error()
	return strings.HasPrefix(s, "unknown command") || strings.HasPrefix(s, "unknown flag") ||
		strings.HasPrefix(s, "unknown shorthand flag") || strings.Contains(s, "flag needs an argument")
}

func newRootCmd(stop func()) *cobra.Command {
	o := &serveOptions{stop: stop}
	cmd := &cobra.Command{
		Use:   "regauth-sandbox [--like NAME]",
		Short: "Run a throwaway registry with real token auth on loopback",
		Long: `regauth-sandbox starts the real CNCF distribution registry in-process on loopback
(127.0.0.1, and 127.0.0.2 for the Docker Hub- and GitLab-like token hosts) with token
auth and a token service laid out like a real deployment, pushes two sample images
and waits until Ctrl-C. Nothing listens beyond loopback and nothing is kept on exit.

  --like harbor        Harbor's layout: /v2/, /service/token, /v1/ -> 404, a web UI (default)
  --like distribution  registry and token service (/auth/token) on one host
  --like dockerhub     registry on 127.0.0.1, auth.docker.io-like token service on 127.0.0.2
  --like basic         htpasswd Basic auth, no token service
  --like ghcr          GHCR: realm /token, service ghcr.io, x-github-request-id, opaque
                       (non-JWT) tokens, 403 "denied" for a private and an absent package alike
  --like gitlab        GitLab: realm /jwt/auth on 127.0.0.2, service container_registry,
                       "HTTP Basic: Access denied", grants cut down silently, 5-minute tokens
  --like ecr           Amazon ECR: Basic only (service ecr.amazonaws.com), user AWS with an
                       ECR-shaped token, "Not Authorized", IAM-style 403s
  --like acr           Azure: realm /oauth2/token, error="invalid_token" on every 401,
                       the OAuth2 password POST answered 400
  --like quay          Quay: realm /v2/auth, the /v2/ 401 body "true", grants cut down silently
  --like artifactory   Artifactory: realm /artifactory/api/docker/docker-local/v2/token, its
                       headers and error bodies, POST 401, remote/* with broken upstream credentials

Every front is recognised by regauth from the wire: login-trace, pull-trace and
probe print a "flavour:" line.`,
		Example: "  go run ./cmd/regauth-sandbox\n  go run ./cmd/regauth-sandbox --like dockerhub\n  go run ./cmd/regauth-sandbox --like ghcr\n  go run ./cmd/regauth-sandbox --tls missing-intermediate\n  go run ./cmd/regauth-sandbox --like distribution --token-post-status 403\n  go run ./cmd/regauth-sandbox demo",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErr("unexpected argument %q (see --help)", args[0])
			}
			return nil
		},
		SilenceErrors: true,
		SilenceUsage:  true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runServe(cmd.Context(), cmd.OutOrStdout(), o)
		},
	}
	cmd.Flags().StringVar(&o.Like, "like", "harbor", "deployment to imitate: distribution, harbor, dockerhub, basic, ghcr, gitlab, ecr, acr, quay or artifactory")
	cmd.Flags().IntVar(&o.TokenPOSTStatus, "token-post-status", 0, "make the token service refuse every OAuth2 POST with this status (404, 400, 403, 500 with an HTML page), as services that only know GET do; GET still works")
	cmd.Flags().StringVar(&o.TLS, "tls", "", "serve https with certificates made at start: valid, missing-intermediate, wrong-name, expired or self-signed (the root CA is written to a file for --ca-file)")
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &usageError{err} })
	cmd.CompletionOptions.DisableDefaultCmd = true
	cmd.AddCommand(newDemoCmd())
	return cmd
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/flow"
)

func init() { register("login-trace", newLoginTraceCmd) }

type loginTraceOptions struct {
	g        *GlobalOptions
	flags    traceFlags
	Registry string
	API      string // v2, or v1 to replay an old client (login_trace_v1.go)
}

const loginTraceLong = `Replay what "docker login REGISTRY" sends, step by step:

  1. GET /v2/ without credentials (the ping); a 401 carries the challenge
  2. Bearer: the token request, exactly as the Docker engine builds it
     (account, client_id=docker, offline_token=true, service; Basic credentials)
     Basic: GET /v2/ with Basic credentials
  3. Bearer: GET /v2/ with the token

Each step shows the request, the status and its timing, the parsed challenge and
the decoded token; then the verdict and each diagnosis with its fix. Without -u the
credentials come from the Docker config as the Docker CLI resolves them
(credHelpers, credsStore, auths), and the trace says from where.

For a loopback registry https is tried first and plain http next, as Docker does.

--client NAME replays another client's login: podman (skopeo, buildah: ping, which
must answer 200 or 401, then the token GET with account= and no client_id),
docker-containerd (the daemon's login is the same for both image stores). containerd,
ctr, nerdctl and the kubelet have no login: they authenticate at pull time, so
login-trace says so and exits 2; use pull-trace --client containerd.

--api v1 replays a client of the old registry v1 API (Docker before 1.6) instead:
GET /v1/_ping, POST /v1/users/ with the credentials as JSON, and on 401 GET
/v1/users/ with Basic credentials; it says why such a client fails (Harbor and the
distribution registry have no v1 API), then shows the v2 handshake a current client
makes. The exit code is the old client's.

Exit codes: 0 the login would succeed, 1 refused, 2 bad input, 3 unreachable.`

const loginTraceExample = `  # credentials from ~/.docker/config.json
  regauth login-trace registry.example.com

  # explicit credentials; the password from a file or a secret store
  regauth login-trace harbor.example.com -u alice --password-stdin < pw.txt

  # what a client holding an identity token, or containerd's OAuth form, would do
  regauth login-trace registry.example.com -u alice --password-stdin --oauth

  # every header, a curl command per step, and a HAR file for the ticket
  regauth login-trace 127.0.0.1:5000 -v --curl --har login.har

  # why an old client fails, as an old client (its User-Agent) would see it
  regauth login-trace harbor.example.com -u alice --password-stdin --api v1 --user-agent "docker/1.9.1"

  # as podman login would
  regauth login-trace quay.example.com -u robot --password-stdin --client podman

  # for scripts
  regauth login-trace registry.example.com -o json | jq .diagnoses`

func newLoginTraceCmd(g *GlobalOptions) *cobra.Command {
	o := &loginTraceOptions{g: g}
	cmd := &cobra.Command{
		Use:     "login-trace REGISTRY",
		Short:   "Replay docker login step by step and explain the outcome",
		Long:    loginTraceLong,
		Example: loginTraceExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Registry = args[0]
			return runLoginTrace(cmd, o)
		},
	}
	addTraceFlags(cmd, &o.flags)
	addClientFlag(cmd, &o.flags.Client)
	addReportFlags(cmd, &o.flags.Report)
	cmd.Flags().StringVar(&o.API, "api", "v2", "registry API the client speaks: v2, or v1 to replay a pre-1.6 Docker client (then the v2 login)")
	return cmd
}

func runLoginTrace(cmd *cobra.Command, o *loginTraceOptions) error {
	if err := o.flags.validate(); err != nil {
		return err
	}
	if err := o.checkAPI(); err != nil {
		return err
	}
	if err := o.flags.resolveClient(cmd.Context(), o.g); err != nil {
		return err
	}
	if p := o.flags.profile; p.Login == nil {
		return usageErr("%s; replay its pull instead: regauth pull-trace IMAGE --client %s", p.NoLogin, o.flags.Client)
	}
	if o.API == "v1" && o.flags.profile.Name != flow.DefaultClient {
		return usageErr("--api v1 replays an old Docker client: drop --client")
	}
	ep, err := flow.ParseEndpoint(o.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(err)
	}
	opts, r, err := o.flags.engineOptions(cmd.Context(), o.g, o.Registry, ep)
	if err != nil {
		return err
	}
	if o.API == "v1" {
		return runLoginTraceV1(cmd.Context(), o, opts, r)
	}
	t := flow.Login(cmd.Context(), opts)
	return o.flags.emit(o.g, t, r, nil)
}

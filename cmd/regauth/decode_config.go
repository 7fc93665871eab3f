package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/configreport"
	"github.com/regauth/regauth/internal/render"
)

func init() { register("decode-config", newDecodeConfigCmd) }

type decodeConfigOptions struct {
	g             *GlobalOptions
	Path          string
	Containers    bool
	NoHelpers     bool
	HelperTimeout time.Duration
}

const decodeConfigLong = `Read the credentials a Docker client stores and explain them, one row per registry:
the key as written, the host it means, the user, the secret masked as
<kind len=N sha256:xxxxxxxx> (compare fingerprints without seeing secrets), which
source wins under Docker's precedence (credHelpers, then credsStore, then auths)
and what it shadows. For helper-backed registries it runs docker-credential-<name> get
as the Docker client would and shows what the helper returned.

Reads config.json, the legacy ~/.dockercfg (JSON or the old two-line text form),
and with --containers the auth.json podman and skopeo use (REGISTRY_AUTH_FILE,
$XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json).
DOCKER_AUTH_CONFIG, when set, is shown first, as the Docker CLI applies it.
regauth never writes to these files.

Each secret is also named by what it is, from its public prefix and what it
decodes to, never more of it: an ECR authorization token and when it expires,
a Google service-account key (client_email, project_id, private_key_id), an
ACR refresh token, Docker Hub, GitHub, GitLab and Zot tokens (dckr_pat_, ghp_,
github_pat_, glpat-, ...), Harbor and Quay robots, any JWT. Findings say when
the kind does not fit where it is stored: expired, issued by another registry,
a username it does not go with (CREDENTIAL_* codes, docs/diagnoses.md).

PATH may also be a Kubernetes pull Secret as kubectl get secret NAME -o yaml|json
prints it: one Secret, a List, several YAML documents, data or stringData, or the
bare base64 value of .dockerconfigjson / .dockercfg. Each row then names its Secret
(namespace/name) and key, HOST is the key as the kubelet files it, and the findings
say what the kubelet makes of it: a type that does not go with the key (the kubelet
ignores the Secret), broken base64, a value that is not a Docker config, an auth
that disagrees with username/password (auth wins), an email-only entry, how a
Docker Hub key is matched (SECRET_* codes). PATH "-" reads standard input.`

const decodeConfigExample = `  regauth decode-config
  regauth decode-config ~/.docker/config.json -o json
  regauth decode-config --containers
  regauth decode-config --no-helpers --show-secrets ./config.json
  regauth decode-config -o json | jq '.registries[] | {key, kind: .kind.id, expires: .kind.expires}'
  kubectl get secret regcred -o yaml | regauth decode-config -
  regauth decode-config regcred.yaml -o json | jq '.registries[] | {source, key, host, username}'`

func newDecodeConfigCmd(g *GlobalOptions) *cobra.Command {
	o := &decodeConfigOptions{g: g}
	cmd := &cobra.Command{
		Use:     "decode-config [PATH]",
		Short:   "Decode and explain the credentials a Docker config file holds",
		Long:    decodeConfigLong,
		Example: decodeConfigExample,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				o.Path = args[0]
			}
			return runDecodeConfig(cmd, o)
		},
	}
	f := cmd.Flags()
	f.BoolVar(&o.Containers, "containers", false, "read the containers auth.json (podman, skopeo, buildah) instead")
	f.BoolVar(&o.NoHelpers, "no-helpers", false, "do not run docker-credential-* helpers")
	f.DurationVar(&o.HelperTimeout, "helper-timeout", 10*time.Second, "time limit for each credential helper")
	return cmd
}

func runDecodeConfig(cmd *cobra.Command, o *decodeConfigOptions) error {
	if o.HelperTimeout <= 0 {
		return usageErr("--helper-timeout must be positive")
	}
	path := o.Path
	if path == "" && o.g.ConfigPath != "" {
		path = o.g.ConfigPath
	}
	def, _ := o.g.dockerConfigPath()
	opts := configreport.Options{
		Path: path, DefaultPath: def, Home: o.g.homeDir(), Containers: o.Containers,
		NoHelpers: o.NoHelpers, HelperTime: o.HelperTimeout, Getenv: o.g.deps.Getenv, Now: o.g.deps.Now,
	}
	// A Kubernetes Secret, or "-" for stdin, first; Build reads the rest.
	rep, handled, err := configreport.BuildNamed(cmd.Context(), opts, o.g.deps.In)
	if !handled {
		rep, err = configreport.Build(cmd.Context(), opts)
	}
	if err != nil {
		return badInput(err)
	}
	r := o.g.redactor()
	for _, row := range rep.Rows {
		r.Add(row.SecretKind, row.Secret)
		if row.SecretKind == "password" {
			r.AddBasic(row.Username, row.Secret)
		}
		if row.Helper != nil {
			r.Add(row.Helper.SecretKind, row.Helper.Secret)
		}
	}
	if o.g.json() {
		return render.JSON(o.g.deps.Out, render.NewConfigDoc(rep, r))
	}
	return render.ConfigText(o.g.deps.Out, rep, r, o.g.style())
}

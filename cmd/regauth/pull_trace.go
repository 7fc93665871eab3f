package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

func init() { register("pull-trace", newPullTraceCmd) }

type pullTraceOptions struct {
	// hostsIn is the host list the kubelet's attempts go over, with
	// --containerd-hosts-dir.
	hostsIn          *render.HostsInput
	g                *GlobalOptions
	flags            traceFlags
	Image            string
	Push             bool
	Blob             bool
	CompareAnonymous bool
	kubelet          kubeletFlags
	sources          sourcesFlags
	containerd       containerdFlags
}

const pullTraceLong = `Replay what "docker pull IMAGE" sends, step by step, and say why it would fail:

  1. GET /v2/ without credentials (the ping); a 401 carries the challenge
  2. the token request for scope=repository:NAME:pull (pull,push with --push),
     as the Docker engine builds it: no client_id or offline_token; account and
     Basic credentials only with both a username and a password
  3. HEAD /v2/NAME/manifests/TAG with Docker's Accept list (OCI index and
     manifest, Docker manifest list and schema 2), then GET by the digest it
     names, as Docker does; GET of the same URL when HEAD gives no digest or an
     error (HEAD has no body to read the error from)

IMAGE is normalised as Docker does: "alpine" is docker.io/library/alpine:latest,
pulled from registry-1.docker.io; name@sha256:... skips the HEAD.

After the steps: the scope table (what the registry's challenge asked for, what was
requested, what the token's access list grants), the manifest (media type, digest
checked against the body, size, the platforms an index lists), Docker Hub's pull
limit (ratelimit-limit, ratelimit-remaining; a HEAD does not count as a pull, a
manifest GET does), the registry's error with the text docker pull prints, and
diagnoses with their fixes.

--client NAME replays another client's pull instead of Docker's: docker-containerd
(Docker 29's containerd image store), containerd (ctr, nerdctl), kubelet (containerd's
CRI, ending with the pod events), podman (skopeo, buildah, cri-o), crane, regctl, oras,
buildkit; NAME@VERSION picks an older release where it differs (containerd@1.6). Each
profile replays its client request by request, up to and including the manifest
fetch (by digest where the client fetches by digest), and the config blob with
--blob; the trace ends with the line that client prints and says whether the profile
was checked against the live client or follows its source. Without --client, a
reachable Docker daemon (DOCKER_HOST, else /var/run/docker.sock) is asked which image
store it uses (GET /info, read-only), and its containerd store means docker-containerd.
"regauth compare IMAGE" replays every client at once.

--client kubelet --pull-secret FILE (repeatable, in the pod's imagePullSecrets order)
reads the Secrets as kubectl get secret NAME -o yaml|json prints them, and
--node-config FILE the Docker config the kubelet reads on the node; then it builds
the kubelet's keyring: each registry key normalised, matched against the image
(same port, same number of host labels, per-label globs such as *.example.com, the
key's path a prefix of the image's), most specific first, Docker Hub's entry only
when nothing else matched. The table says which key matched and why not; then
containerd's pull is replayed once per matching credential, in that order, until
one succeeds, and the trace ends with the events kubectl describe pod shows (the
kubelet's error for every attempt, ErrImagePull, ImagePullBackOff). With no
matching credential the kubelet pulls anonymously, and so does the replay.

--credential-provider-config FILE --credential-provider-bin DIR (the kubelet's
--image-credential-provider-config and --image-credential-provider-bin-dir) adds the
kubelet's credential-provider plugins: the CredentialProviderConfig is checked as the
kubelet checks it at start-up (a fault there, or a plugin missing from DIR, and the
kubelet does not start), each provider's matchImages are matched against the image
(and the table says why not), and every matching plugin is run as DIR/NAME with its
args, regauth's environment plus the config's env, and a CredentialProviderRequest on
stdin, killed after --credential-provider-timeout (1m, the kubelet's). The run shows
exit status, latency, stderr and the response with its passwords masked; the
credentials it returns join the keyring after the pull Secrets and the node config
(source "plugin NAME"), as the kubelet orders them. A plugin that fails, hangs or
answers badly is dropped with the line the kubelet logs, and the pull goes on without it.

--client docker (and docker-containerd) reads --daemon-config FILE (default
/etc/docker/daemon.json; a missing default file is no error): for a Docker Hub image
each registry-mirrors entry is tried before registry-1.docker.io, a failure moving on
to the next, and the table says which credentials went where (the classic store
offers the Hub login to every mirror, the containerd store none); a registry in
insecure-registries (host or CIDR) is tried over https without verification, then
http. --client podman reads --registries-conf FILE (default
$CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf, else
/etc/containers/registries.conf, with the registries.conf.d drop-ins or
--registries-conf-dir DIR): a short name goes through [aliases] or each
unqualified-search registry in order, a [[registry]]'s mirrors come before its
location, a blocked registry is refused with containers/image's words, and each
source's credentials are looked up for its own name in podman's auth files
(REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json,
~/.config/containers/auth.json, then the Docker config), naming the file used.

--push asks for pull,push and judges the grant; nothing is ever written.
--blob also fetches the image config blob, following redirects to object storage or
a CDN and showing that Authorization is not sent there (signatures in the URL are
masked). --compare-anonymous runs the pull again without credentials and says
whether the credentials help, hurt (stale credentials break a public pull) or make
no difference.

Exit codes: 0 the pull would succeed, 1 refused, not found or rate limited,
2 bad input (a bad image reference), 3 unreachable.`

const pullTraceExample = `  # credentials from ~/.docker/config.json, as docker pull would use them
  regauth pull-trace alpine
  regauth pull-trace harbor.example.com/project/app:1.4

  # explicit credentials; would a push be allowed too?
  regauth pull-trace harbor.example.com/project/app -u alice --password-stdin --push < pw.txt

  # do my stored credentials help or break this pull?
  regauth pull-trace ghcr.io/org/tool:latest --compare-anonymous

  # follow the config blob to storage; every header, curl lines, a HAR file
  regauth pull-trace 127.0.0.1:5000/library/hello --plain-http --blob -v --curl --har pull.har

  # why does the pod fail where docker pull works? replay the kubelet's containerd
  regauth pull-trace registry.example.com/team/app:2 --client kubelet

  # which pull Secret does the kubelet use, and what does the pod show?
  kubectl get secret regcred -o yaml > regcred.yaml
  regauth pull-trace registry.example.com/team/app:2 --client kubelet --pull-secret regcred.yaml
  regauth pull-trace registry.example.com/team/app:2 --client kubelet --pull-secret old.yaml --pull-secret new.yaml --node-config /var/lib/kubelet/config.json

  # does the node's credential-provider plugin (ECR, ACR, GAR) give the kubelet credentials?
  regauth pull-trace 123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:2 --client kubelet --credential-provider-config /etc/kubernetes/credential-provider.yaml --credential-provider-bin /usr/libexec/kubernetes/kubelet-plugins/credential-provider/exec

  # Debian's containerd 1.6 rather than current 2.x
  regauth pull-trace 127.0.0.1:5000/library/hello --plain-http --client containerd@1.6

  # the daemon's mirrors: which were tried, which answered, who got the Hub login
  regauth pull-trace alpine --client docker --daemon-config ./daemon.json
  regauth pull-trace alpine --client docker-containerd --daemon-config /etc/docker/daemon.json

  # podman's search registries, mirrors and auth files
  regauth pull-trace app --client podman --registries-conf ./registries.conf
  regauth pull-trace app --client podman -o json | jq '.sources[] | {label, credentials, result}'

  # for scripts
  regauth pull-trace alpine -o json | jq .details.scopes`

func newPullTraceCmd(g *GlobalOptions) *cobra.Command {
	o := &pullTraceOptions{g: g}
	cmd := &cobra.Command{
		Use:     "pull-trace IMAGE",
		Short:   "Replay docker pull's handshake step by step and explain the outcome",
		Long:    pullTraceLong,
		Example: pullTraceExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Image = args[0]
			return runPullTrace(cmd, o)
		},
	}
	addTraceFlags(cmd, &o.flags)
	addClientFlag(cmd, &o.flags.Client)
	addReportFlags(cmd, &o.flags.Report)
	addKubeletFlags(cmd, &o.kubelet)
	addSourcesFlags(cmd, &o.sources)
	addContainerdFlags(cmd, &o.containerd)
	fl := cmd.Flags()
	fl.BoolVar(&o.Push, "push", false, "request pull,push as docker push does and check the grant (nothing is written)")
	fl.BoolVar(&o.Blob, "blob", false, "also fetch the image config blob, following redirects")
	fl.BoolVar(&o.CompareAnonymous, "compare-anonymous", false, "run the pull anonymously as well and say whether the credentials help or hurt")
	return cmd
}

func runPullTrace(cmd *cobra.Command, o *pullTraceOptions) error {
	if err := o.flags.validate(); err != nil {
		return err
	}
	if o.CompareAnonymous && o.flags.Anonymous {
		return usageErr("--compare-anonymous compares with the credentials: drop --anonymous")
	}
	if err := o.flags.resolveClient(cmd.Context(), o.g); err != nil {
		return err
	}
	if err := o.checkKubeletFlags(); err != nil {
		return err
	}
	if err := o.checkSourcesFlags(cmd); err != nil {
		return err
	}
	if err := o.checkContainerdFlags(cmd); err != nil {
		return err
	}
	ref, err := imageref.Parse(o.Image)
	if err != nil {
		return badInput(err)
	}
	if o.kubelet.used() {
		return runKubeletPull(cmd, o, ref)
	}
	if o.containerd.used() {
		return runContainerdHosts(cmd, o, ref)
	}
	if handled, err := runSourcesPull(cmd, o, ref); handled || err != nil {
		return err
	}
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	opts, r, err := o.flags.engineOptions(cmd.Context(), o.g, ref.Registry, ep)
	if err != nil {
		return err
	}
	t, rep := flow.Pull(cmd.Context(), opts, flow.PullRequest{Image: ref, Push: o.Push, Blob: o.Blob, CompareAnonymous: o.CompareAnonymous})
	return emitPull(o, t, rep, r)
}

// emitPull prints the pull trace in the chosen format, writes the HAR file
// (both runs with --compare-anonymous) and turns the verdict into the exit
// code.
func emitPull(o *pullTraceOptions, t *flow.Trace, rep *flow.PullReport, r *redact.Redactor) error {
	g := o.g
	if o.flags.HARFile != "" {
		traces := []*flow.Trace{t}
		if rep.Anonymous != nil && rep.Anonymous.Trace != nil {
			traces = append(traces, rep.Anonymous.Trace)
		}
		if err := writeHAR(o.flags.HARFile, traces, r); err != nil {
			return err
		}
	}
	if g.json() {
		doc := render.NewTraceDoc(t, r)
		doc.Extra = render.NewPullDoc(rep, r)
		if o.flags.Curl {
			doc.AddCurl(t, r)
		}
		if err := render.JSON(g.deps.Out, doc); err != nil {
			return err
		}
	} else {
		if err := render.PullText(g.deps.Out, t, rep, r, g.style(), g.textOptions(o.flags.Curl)); err != nil {
			return err
		}
	}
	masked := r.WithShow(false)
	doc := render.NewTraceDoc(t, masked)
	doc.Extra = render.NewPullDoc(rep, masked)
	if err := o.flags.Report.write(g, traceReport(t, doc), r); err != nil {
		return err
	}
	return silentExit(verdictExit(t.Verdict))
}

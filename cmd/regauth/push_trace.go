package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/render"
)

func init() { register("push-trace", newPushTraceCmd) }

type pushTraceOptions struct {
	g            *GlobalOptions
	flags        traceFlags
	Image        string
	MountFrom    string
	AllowWrite   bool
	ExpectUpload time.Duration
}

const pushTraceLong = `Replay a push's handshake up to the point where something would be written,
and say whether the push would be allowed:

  1. GET /v2/ (clients that ping), the token for repository:NAME:push,pull
     (pull,push for containerd, podman, regctl and oras: each client's order)
  2. HEAD /v2/NAME/blobs/DIGEST for a small blob (the OCI empty blob), and for
     crane HEAD of the tag first; clients that authenticate on 401 (containerd,
     regctl) learn the challenge here
  3. POST /v2/NAME/blobs/uploads/: 202 with Location and Docker-Upload-UUID means
     the registry takes the push
  4. regauth's clean-up, which no client sends: a token for
     repository:NAME:delete (the distribution registry and Harbor authorise a
     DELETE with the delete action, which a push token lacks) and DELETE of the
     session's Location

What push-trace may leave behind: nothing, when the clean-up works. When the
delete token or the DELETE is refused, one empty upload session (no data, named by
its UUID in the output: UPLOAD_NOT_CANCELLED), which the distribution registry
purges by its uploadpurging settings (by default after a week). No PATCH, PUT or
manifest is ever sent. A cross-repository mount (--mount-from) is sent only with
--allow-write, because a 201 really mounts the blob into the target.

--mount-from REPO[:TAG|@DIGEST] (same registry) asks for one token with both
scopes (the target's push and the source's pull), looks up the source image's
config blob, and, with --allow-write, sends POST ...uploads/?mount=DIGEST&from=REPO:
201 mounted, 202 the registry declined and opened an upload (cancelled), 401
insufficient_scope (the registry checks pull on the source first), 403, 404; each
client's fallback is named. A source on another registry is MOUNT_CROSS_HOST and
nothing is sent.

--expect-upload DURATION compares the token's lifetime with the time the upload
is expected to take (TOKEN_EXPIRES_DURING_UPLOAD).

Exit codes: 0 the push would be allowed, 1 refused, 2 bad input, 3 unreachable.`

const pushTraceExample = `  # would my push be allowed? (credentials from ~/.docker/config.json)
  regauth push-trace harbor.example.com/project/app:1.0

  # as containerd (BuildKit, Docker 29) would push, with explicit credentials
  regauth push-trace registry.example.com/team/api:2 --client containerd -u ci --password-stdin < token.txt

  # a cross-repository mount: the scopes only, then for real
  regauth push-trace harbor.example.com/project/app:1.0 --mount-from project/base:3
  regauth push-trace harbor.example.com/project/app:1.0 --mount-from project/base:3 --allow-write

  # will the token outlive a 20-minute layer upload?
  regauth push-trace registry.example.com/big/model:1 --expect-upload 20m -o json | jq .diagnoses`

func newPushTraceCmd(g *GlobalOptions) *cobra.Command {
	o := &pushTraceOptions{g: g}
	cmd := &cobra.Command{
		Use:     "push-trace IMAGE[:TAG]",
		Short:   "Replay a push's handshake up to the upload session, without writing, and explain the outcome",
		Long:    pushTraceLong,
		Example: pushTraceExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Image = args[0]
			return runPushTrace(cmd, o)
		},
	}
	addTraceFlags(cmd, &o.flags)
	addClientFlag(cmd, &o.flags.Client)
	addReportFlags(cmd, &o.flags.Report)
	fl := cmd.Flags()
	fl.StringVar(&o.MountFrom, "mount-from", "", "replay a cross-repository mount from REPO[:TAG|@DIGEST] on the same registry")
	fl.BoolVar(&o.AllowWrite, "allow-write", false, "send the mount request (a 201 really mounts the blob into the target)")
	fl.DurationVar(&o.ExpectUpload, "expect-upload", 0, "how long the upload is expected to take, to compare with the token's lifetime")
	return cmd
}

func runPushTrace(cmd *cobra.Command, o *pushTraceOptions) error {
	if err := o.flags.validate(); err != nil {
		return err
	}
	if o.AllowWrite && o.MountFrom == "" {
		return usageErr("--allow-write only applies to --mount-from: push-trace never writes otherwise")
	}
	if o.ExpectUpload < 0 {
		return usageErr("--expect-upload must not be negative")
	}
	if err := o.flags.resolveClient(cmd.Context(), o.g); err != nil {
		return err
	}
	ref, err := imageref.Parse(o.Image)
	if err != nil {
		return badInput(err)
	}
	if ref.ByDigest() {
		return usageErr("push-trace IMAGE[:TAG]: a push names a tag, not a digest")
	}
	req := flow.PushRequest{Image: ref, AllowWrite: o.AllowWrite, ExpectUpload: o.ExpectUpload}
	if o.MountFrom != "" {
		src, err := mountSource(o.MountFrom, ref)
		if err != nil {
			return badInput(err)
		}
		req.MountFrom = &src
	}
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	opts, r, err := o.flags.engineOptions(cmd.Context(), o.g, ref.Registry, ep)
	if err != nil {
		return err
	}
	t, rep := flow.Push(cmd.Context(), opts, req)
	g := o.g
	if o.flags.HARFile != "" {
		if err := writeHAR(o.flags.HARFile, []*flow.Trace{t}, r); err != nil {
			return err
		}
	}
	if g.json() {
		doc := render.NewTraceDoc(t, r)
		doc.Extra = render.NewPushDoc(rep, r)
		if o.flags.Curl {
			doc.AddCurl(t, r)
		}
		if err := render.JSON(g.deps.Out, doc); err != nil {
			return err
		}
	} else if err := render.PushText(g.deps.Out, t, rep, r, g.style(), g.textOptions(o.flags.Curl)); err != nil {
		return err
	}
	masked := r.WithShow(false)
	doc := render.NewTraceDoc(t, masked)
	doc.Extra = render.NewPushDoc(rep, masked)
	if err := o.flags.Report.write(g, traceReport(t, doc), r); err != nil {
		return err
	}
	return silentExit(verdictExit(t.Verdict))
}

// mountSource reads --mount-from: a repository on the target's registry
// (REPO[:TAG|@DIGEST]) or a full reference, which may name another one.
func mountSource(s string, target imageref.Ref) (imageref.Ref, error) {
	src, err := imageref.Parse(s)
	if err != nil {
		return imageref.Ref{}, fmt.Errorf("--mount-from: %w", err)
	}
	explicitHub := strings.HasPrefix(s, "docker.io/") || strings.HasPrefix(s, "index.docker.io/") || strings.HasPrefix(s, "registry-1.docker.io/")
	if src.Domain == imageref.DockerHubDomain && !target.DockerHub && !explicitHub {
		// A bare REPO names a repository of the target's registry.
		if again, err := imageref.Parse(target.Domain + "/" + s); err == nil {
			src = again
		}
	}
	return src, nil
}

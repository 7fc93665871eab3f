package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

func init() { register("compare", newCompareCmd) }

type compareOptions struct {
	g       *GlobalOptions
	flags   traceFlags
	Image   string
	Clients string
}

const compareLong = `Replay the same pull as every client, concurrently, and compare them: docker
(classic store), docker-containerd (Docker 29's containerd store), containerd (ctr,
nerdctl, the kubelet's CRI), podman (skopeo, buildah, cri-o), crane, regctl, oras and
buildkit, or the ones --client names.

"docker pull works, but the pod is in ImagePullBackOff" is usually a difference in
how the clients authenticate: containerd sends no ping and asks for its token with
an OAuth2 POST that some token services refuse; podman accepts only 200 or 401 from
/v2/; Docker's classic store asks with GET. compare shows one table (client, outcome,
requests, the step that failed, the client's own error line, the first step where
its path leaves docker's), then per client what it prints and why.

Each client's replay is its pull-trace (--client NAME): up to and including the
manifest fetch, nothing written. The profiles say whether they were checked on the
wire against the real client or follow its source.

Exit codes: 0 every client would succeed, 1 any is refused, 2 bad input,
3 none could reach the registry.`

const compareExample = `  # every client, credentials from ~/.docker/config.json
  regauth compare harbor.example.com/project/app:1.4

  # the three that matter on this cluster
  regauth compare registry.example.com/team/api:2 --client docker,containerd,podman -u ci --password-stdin < token.txt

  # the whole exchange of each client, and a HAR file with all of them
  regauth compare 127.0.0.1:5000/library/hello --plain-http -v --har compare.har

  # for scripts: which clients fail?
  regauth compare app.example.com/x:1 -o json | jq -r '.clients[] | select(.ok|not) | .client'`

func newCompareCmd(g *GlobalOptions) *cobra.Command {
	o := &compareOptions{g: g}
	cmd := &cobra.Command{
		Use:     "compare IMAGE",
		Short:   "Replay one pull as every client (docker, containerd, podman, crane, ...) and compare",
		Long:    compareLong,
		Example: compareExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Image = args[0]
			return runCompare(cmd, o)
		},
	}
	addTraceFlags(cmd, &o.flags)
	addReportFlags(cmd, &o.flags.Report)
	cmd.Flags().StringVar(&o.Clients, "client", "", "comma-separated clients to compare (default: all); "+clientHelp())
	return cmd
}

func runCompare(cmd *cobra.Command, o *compareOptions) error {
	if err := o.flags.validate(); err != nil {
		return err
	}
	profs, err := clientNames(o.Clients)
	if err != nil {
		return err
	}
	ref, err := imageref.Parse(o.Image)
	if err != nil {
		return badInput(err)
	}
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	// Plain docker means what the local daemon does.
	for i, p := range profs {
		if p.ID() == flow.DefaultClient {
			if err := o.flags.resolveClient(cmd.Context(), o.g); err != nil {
				return err
			}
			profs[i] = o.flags.profile
		}
	}
	opts, r, err := o.flags.engineOptions(cmd.Context(), o.g, ref.Registry, ep)
	if err != nil {
		return err
	}
	runs := flow.CompareClients(cmd.Context(), opts, flow.PullRequest{Image: ref}, profs)

	if o.flags.HARFile != "" {
		var traces []*flow.Trace
		for _, run := range runs {
			traces = append(traces, run.Trace)
		}
		if err := writeHAR(o.flags.HARFile, traces, r); err != nil {
			return err
		}
	}
	if o.g.json() {
		if err := render.JSON(o.g.deps.Out, render.NewCompareDoc(ref, runs, r)); err != nil {
			return err
		}
	} else if err := render.CompareText(o.g.deps.Out, ref, runs, r, o.g.style(), o.g.textOptions(o.flags.Curl)); err != nil {
		return err
	}
	if err := o.flags.Report.write(o.g, compareReport(ref.Canonical, runs, render.NewCompareDoc(ref, runs, r.WithShow(false))), r); err != nil {
		return err
	}
	return silentExit(compareExit(runs))
}

// compareExit: 0 all succeed, 3 none reached the registry, 1 otherwise.
func compareExit(runs []*flow.ClientRun) int {
	ok, unreachable := 0, 0
	for _, r := range runs {
		switch r.Trace.Verdict {
		case flow.VerdictOK:
			ok++
		case flow.VerdictTransport:
			unreachable++
		}
	}
	switch {
	case ok == len(runs):
		return exitOK
	case unreachable == len(runs):
		return exitTransport
	}
	return exitRefused
}

// compareReport is a table of the clients, then the diagram of each.
func compareReport(image string, runs []*flow.ClientRun, doc any) report.Report {
	rep := report.Report{Title: "compare " + image, OK: true, Verdict: "ok", JSON: doc,
		Header: []string{"client", "outcome", "requests", "the client's error", "diverges at"}}
	failed := 0
	for _, run := range runs {
		t := run.Trace
		div := "-"
		if run.DivergesAt > 0 {
			div = fmt.Sprintf("step %d", run.DivergesAt)
		}
		said := "-"
		if !t.OK() && t.Client != nil {
			said = t.Client.Error
			failed++
		}
		rep.Rows = append(rep.Rows, []string{run.Profile.ID(), string(t.Verdict), fmt.Sprint(run.Requests()), said, div})
		rep.Sections = append(rep.Sections, report.Section{Title: run.Profile.ID() + ": " + run.Profile.Title, Trace: t})
		for _, d := range t.Diagnoses {
			d.Message = run.Profile.ID() + ": " + d.Message
			rep.Diagnoses = append(rep.Diagnoses, d)
		}
	}
	if failed > 0 {
		rep.OK, rep.Verdict = false, "refused"
	}
	rep.Summary = fmt.Sprintf("%d of %d clients would pull", len(runs)-failed, len(runs))
	return rep
}

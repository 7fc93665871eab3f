package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/daemonjson"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

// sourcesFlags are pull-trace's daemon.json and registries.conf inputs.
type sourcesFlags struct {
	DaemonConfig      string
	RegistriesConf    string
	RegistriesConfDir string
}

func addSourcesFlags(cmd *cobra.Command, f *sourcesFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.DaemonConfig, "daemon-config", daemonjson.DefaultPath, "with --client docker or docker-containerd: the daemon.json whose registry-mirrors and insecure-registries the daemon applies (a missing default file is no error)")
	fl.StringVar(&f.RegistriesConf, "registries-conf", "", "with --client podman: the containers-registries.conf(5) file (default $CONTAINERS_REGISTRIES_CONF, else ~/.config/containers/registries.conf, else /etc/containers/registries.conf)")
	fl.StringVar(&f.RegistriesConfDir, "registries-conf-dir", "", "with --client podman: the registries.conf.d drop-in directory (default /etc/containers/registries.conf.d, then ~/.config/containers/registries.conf.d)")
}

func profileName(o *pullTraceOptions) string {
	if o.flags.profile == nil {
		return flow.DefaultClient
	}
	return o.flags.profile.Name
}

// checkSourcesFlags refuses the configuration flags for clients that do
// not read them.
func (o *pullTraceOptions) checkSourcesFlags(cmd *cobra.Command) error {
	name := profileName(o)
	fl := cmd.Flags()
	if fl.Changed("daemon-config") && name != "docker" && name != "docker-containerd" {
		return usageErr("--daemon-config is the Docker daemon's configuration, which %s does not read: add --client docker or docker-containerd", name)
	}
	if (fl.Changed("registries-conf") || fl.Changed("registries-conf-dir")) && name != "podman" {
		return usageErr("--registries-conf is containers/image's configuration, which %s does not read: add --client podman", name)
	}
	if (fl.Changed("daemon-config") || fl.Changed("registries-conf")) && (o.kubelet.used() || o.CompareAnonymous) {
		return usageErr("--daemon-config and --registries-conf replay the client's sources: drop --pull-secret, --node-config and --compare-anonymous")
	}
	return nil
}

// runSourcesPull handles pull-trace when a daemon.json or registries.conf
// changes where the pull goes; handled is false when it changes nothing,
// and the plain pull runs.
func runSourcesPull(cmd *cobra.Command, o *pullTraceOptions, ref imageref.Ref) (bool, error) {
	if o.kubelet.used() || o.CompareAnonymous {
		return false, nil
	}
	var v *render.SourcesView
	var r *redact.Redactor
	var err error
	switch profileName(o) {
	case "docker", "docker-containerd":
		v, r, err = dockerSources(cmd, o, ref)
	case "podman":
		v, r, err = podmanSources(cmd, o, ref)
	}
	if err != nil || v == nil {
		return false, err
	}
	return true, emitSources(o, v, r)
}

func readConfigFile(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: larger than the %d MiB limit", path, max>>20)
	}
	return data, nil
}

func emitSources(o *pullTraceOptions, v *render.SourcesView, r *redact.Redactor) error {
	g := o.g
	res := v.Result
	var traces []*flow.Trace
	for _, a := range res.Attempts {
		if a.Trace != nil {
			traces = append(traces, a.Trace)
		}
	}
	if o.flags.HARFile != "" && len(traces) > 0 {
		if err := writeHAR(o.flags.HARFile, traces, r); err != nil {
			return err
		}
	}
	if g.json() {
		if err := render.JSON(g.deps.Out, render.NewSourcesPullDoc(*v, r, o.flags.Curl)); err != nil {
			return err
		}
	} else if err := render.SourcesText(g.deps.Out, *v, r, g.style(), g.textOptions(o.flags.Curl)); err != nil {
		return err
	}
	masked := r.WithShow(false)
	rep := report.Report{
		Title: "pull-trace " + v.Image, OK: res.Verdict == flow.VerdictOK,
		Verdict: string(res.Verdict), Summary: res.Summary,
		Diagnoses: append(append([]diagnose.Diagnosis{}, v.Findings...), res.Diagnoses...),
		JSON:      render.NewSourcesPullDoc(*v, masked, false),
		Client:    res.Client,
	}
	for _, a := range res.Attempts {
		if a.Trace != nil {
			rep.Sections = append(rep.Sections, report.Section{Title: fmt.Sprintf("attempt %d: %s", a.Turn, a.Label), Trace: a.Trace})
		}
	}
	if err := o.flags.Report.write(g, rep, r); err != nil {
		return err
	}
	return silentExit(verdictExit(res.Verdict))
}

// skipVerify is the transport for a registry the client does not verify;
// nil keeps the injected one (tests).
func (o *pullTraceOptions) skipVerify(host string) (http.RoundTripper, error) {
	f := o.flags
	f.Insecure = true
	tr, err := f.transport(o.g, host)
	if err != nil || tr.Transport == nil {
		return nil, err
	}
	return tr.Transport, nil
}

func homePath(g *GlobalOptions, parts ...string) string {
	return filepath.Join(append([]string{g.homeDir()}, parts...)...)
}

func trimSlash(s string) string { return strings.TrimSuffix(s, "/") }

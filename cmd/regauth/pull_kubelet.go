package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/credprovider"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/k8ssecret"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/keyring"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

// kubeletFlags are pull-trace's kubelet keyring inputs.
type kubeletFlags struct {
	PullSecrets  []string
	NodeConfig   string
	CredProvider credProviderFlags
}

func addKubeletFlags(cmd *cobra.Command, f *kubeletFlags) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.PullSecrets, "pull-secret", nil, "with --client kubelet: a pull Secret as kubectl get secret NAME -o yaml|json prints it (a List, several documents, or the bare .dockerconfigjson value; - for stdin); repeat in the pod's imagePullSecrets order")
	fl.StringVar(&f.NodeConfig, "node-config", "", "with --client kubelet: the Docker config the kubelet reads on the node (/var/lib/kubelet/config.json), tried after the pull Secrets")
	addCredProviderFlags(cmd, &f.CredProvider)
}

func (f *kubeletFlags) used() bool {
	return len(f.PullSecrets) > 0 || f.NodeConfig != "" || f.CredProvider.used()
}

// checkKubeletFlags refuses the keyring flags where they mean nothing.
func (o *pullTraceOptions) checkKubeletFlags() error {
	k := &o.kubelet
	if !k.used() {
		return nil
	}
	name := "--pull-secret"
	switch {
	case len(k.PullSecrets) > 0:
	case k.NodeConfig != "":
		name = "--node-config"
	case k.CredProvider.Config != "":
		name = "--credential-provider-config"
	default:
		name = "--credential-provider-bin"
	}
	if o.flags.profile == nil || o.flags.profile.Name != "kubelet" {
		who := "docker"
		if o.flags.profile != nil {
			who = o.flags.profile.ID()
		}
		return usageErr("%s replays the kubelet's keyring, which %s does not have: add --client kubelet", name, who)
	}
	if err := k.CredProvider.check(); err != nil {
		return err
	}
	switch {
	case o.flags.Username != "" || o.flags.Anonymous:
		return usageErr("%s gives the kubelet its credentials: drop -u/-p/--password-stdin/--anonymous", name)
	case o.Push:
		return usageErr("%s: the kubelet only pulls; drop --push", name)
	case o.CompareAnonymous:
		return usageErr("%s: the kubelet's keyring decides when it pulls anonymously; drop --compare-anonymous", name)
	}
	stdin := 0
	for _, p := range k.PullSecrets {
		if p == "-" {
			stdin++
		}
	}
	if stdin > 1 || (stdin == 1 && k.NodeConfig == "-") {
		return usageErr("standard input (-) can be read once")
	}
	return nil
}

// kubeletSources is what the keyring was built from.
type kubeletSources struct {
	pod, node *keyring.Keyring
	findings  []diagnose.Diagnosis
	// broken is the kubelet's error when it cannot read the pull Secrets
	// at all ("" when it can).
	broken string
}

// loadKubeletSources reads every --pull-secret (in order) into the pod's
// keyring and --node-config into the node's, teaching r every secret.
func loadKubeletSources(g *GlobalOptions, k kubeletFlags, r *redact.Redactor) (*kubeletSources, error) {
	src := &kubeletSources{pod: keyring.New("pod"), node: keyring.New("node")}
	for _, path := range k.PullSecrets {
		name, data, err := readInputFile(g, path)
		if err != nil {
			return nil, badInput(fmt.Errorf("--pull-secret %s", err))
		}
		f, err := k8ssecret.Parse(name, data)
		if err != nil {
			return nil, badInput(fmt.Errorf("--pull-secret %s: %w", name, err))
		}
		src.findings = append(src.findings, f.Findings...)
		for _, s := range f.Secrets {
			src.findings = append(src.findings, s.Findings...)
			for _, e := range s.Entries {
				src.findings = append(src.findings, e.Findings...)
				learnSecret(r, e)
				if e.Broken && src.broken == "" {
					src.broken = "unable to parse auth field, must be formatted as base64(username:password)"
				}
			}
			if !s.Used {
				continue
			}
			for _, e := range s.Entries {
				src.pod.Add(keyring.Cred{Key: e.Key, Source: s.Label() + " in " + name, Username: e.Username, Password: e.Password})
			}
		}
	}
	if k.NodeConfig != "" {
		name, data, err := readInputFile(g, k.NodeConfig)
		if err != nil {
			return nil, badInput(fmt.Errorf("--node-config %s", err))
		}
		s, err := k8ssecret.ParseNodeConfig(name, data)
		if err != nil {
			return nil, badInput(fmt.Errorf("--node-config %s: %w", name, err))
		}
		src.findings = append(src.findings, s.Findings...)
		for _, e := range s.Entries {
			src.findings = append(src.findings, e.Findings...)
			learnSecret(r, e)
			src.node.Add(keyring.Cred{Key: e.Key, Source: s.Label(), Username: e.Username, Password: e.Password})
		}
	}
	diagnose.Sort(src.findings)
	return src, nil
}

func learnSecret(r *redact.Redactor, e k8ssecret.Entry) {
	r.AddBasic(e.Username, e.Password)
	r.Add("password", e.Password)
}

// readInputFile reads a named file, or stdin for "-", within the size
// every decoder accepts.
func readInputFile(g *GlobalOptions, path string) (string, []byte, error) {
	var in io.Reader
	name := path
	if path == "-" {
		name, in = "stdin", g.deps.In
		if in == nil {
			return name, nil, errors.New("-: no standard input")
		}
	} else {
		f, err := os.Open(path)
		if err != nil {
			return name, nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
		}
		defer f.Close()
		in = f
	}
	data, err := io.ReadAll(io.LimitReader(in, k8ssecret.MaxSize+1))
	if err != nil {
		return name, nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > k8ssecret.MaxSize {
		return name, nil, fmt.Errorf("%s: larger than the %d MiB limit", name, k8ssecret.MaxSize>>20)
	}
	return name, data, nil
}

func unwrapPathError(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// runKubeletPull is pull-trace --client kubelet with pull Secrets or a node
// config: the keyring table, one containerd pull per matching credential,
// and the pod's events.
func runKubeletPull(cmd *cobra.Command, o *pullTraceOptions, ref imageref.Ref) error {
	g := o.g
	r := g.redactor()
	src, err := loadKubeletSources(g, o.kubelet, r)
	if err != nil {
		return err
	}
	name := ref.Domain + "/" + ref.Repository
	var plugins *credprovider.Result
	if o.kubelet.CredProvider.Config != "" {
		// A pull Secret the kubelet cannot read ends the pull before the
		// plugins' keyring is asked, so then nothing runs.
		if plugins, err = runCredProviders(cmd.Context(), g, o.kubelet.CredProvider, name, src.broken != "", r); err != nil {
			return err
		}
	}
	kr := keyring.Lookup(name, src.pod, src.node, plugins.PluginKeyring())
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	tr, err := o.flags.transport(g, ep.Host)
	if err != nil {
		return err
	}
	opts := o.flags.flowOptions(g, ref.Registry, flow.Credentials{}, tr, r)
	req := flow.PullRequest{Image: ref, Blob: o.Blob}
	var res *flow.KubeletResult
	switch {
	case plugins != nil && plugins.NotStarted != "":
		res = &flow.KubeletResult{Attempts: []flow.KubeletAttempt{}, Verdict: flow.VerdictRefused, Summary: plugins.NotStarted, Diagnoses: []diagnose.Diagnosis{}}
	case src.broken != "":
		res = flow.KubeletKeyringFailed(req, src.broken)
	default:
		var creds []flow.KubeletCred
		for _, c := range kr.Order {
			creds = append(creds, flow.KubeletCred{Key: c.Key, Source: c.Source, Credentials: flow.Credentials{
				Username: c.Username, Password: c.Password, Source: fmt.Sprintf("%s, registry %q", c.Source, c.Key)}})
		}
		var over flow.HostsPull
		if o.containerd.used() {
			// Each attempt goes over containerd's host list, mirrors first.
			in, hres, cri, err := o.containerdHosts(ref)
			if err != nil {
				return err
			}
			o.hostsIn = &in
			over = o.hostsPull(hres, cri, ep.Host, r)
		}
		res = flow.KubeletPullOver(cmd.Context(), opts, req, creds, over)
		plugins.NameInNoMatch(res.Diagnoses)
	}
	return emitKubeletPull(o, kr, res, src.findings, plugins, r)
}

func emitKubeletPull(o *pullTraceOptions, kr keyring.Result, res *flow.KubeletResult, findings []diagnose.Diagnosis, plugins *credprovider.Result, r *redact.Redactor) error {
	g := o.g
	var traces []*flow.Trace
	for _, a := range res.Attempts {
		if a.Hosts != nil {
			for _, ha := range a.Hosts.Attempts {
				if ha.Trace != nil {
					traces = append(traces, ha.Trace)
				}
			}
			continue
		}
		traces = append(traces, a.Trace)
	}
	if o.flags.HARFile != "" && len(traces) > 0 {
		if err := writeHAR(o.flags.HARFile, traces, r); err != nil {
			return err
		}
	}
	if g.json() {
		doc := render.NewKubeletPullDoc(kr, res, findings, r, o.flags.Curl)
		doc.CredentialProviders = render.NewCredProviderDoc(plugins, r)
		for i, a := range res.Attempts {
			if a.Hosts != nil && o.hostsIn != nil {
				hd := render.NewHostsPullDoc(*o.hostsIn, a.Hosts, r, o.flags.Curl)
				doc.Attempts[i].Hosts = &hd
			}
		}
		if err := render.JSON(g.deps.Out, doc); err != nil {
			return err
		}
	} else {
		if plugins != nil {
			if err := render.CredProviderText(g.deps.Out, plugins, r, g.style()); err != nil {
				return err
			}
		}
		if o.hostsIn != nil && len(res.Attempts) > 0 && res.Attempts[0].Hosts != nil {
			if err := render.HostsTableText(g.deps.Out, *o.hostsIn, res.Attempts[0].Hosts.Hosts, r, g.style()); err != nil {
				return err
			}
		}
		if err := render.KubeletPullText(g.deps.Out, kr, res, findings, r, g.style(), g.textOptions(o.flags.Curl)); err != nil {
			return err
		}
	}
	masked := r.WithShow(false)
	rep := report.Report{
		Title: "pull-trace --client kubelet " + kr.Image, OK: res.Verdict == flow.VerdictOK,
		Verdict: string(res.Verdict), Summary: res.Summary,
		Diagnoses: append(append(append([]diagnose.Diagnosis{}, findings...), plugins.AllDiagnoses()...), res.Diagnoses...),
		JSON:      kubeletReportDoc(kr, res, findings, plugins, masked),
		Client:    "kubelet (containerd's CRI)",
	}
	for _, a := range res.Attempts {
		rep.Sections = append(rep.Sections, report.Section{Title: fmt.Sprintf("attempt %d: %s", a.Turn, a.Source), Trace: a.Trace})
	}
	if err := o.flags.Report.write(g, rep, r); err != nil {
		return err
	}
	return silentExit(verdictExit(res.Verdict))
}

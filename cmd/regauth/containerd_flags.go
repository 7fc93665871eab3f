package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/hoststoml"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

// containerdFlags are pull-trace's containerd host configuration inputs.
type containerdFlags struct {
	HostsDir string
	Config   string
	hostsSet bool
}

const containerdHostsHelp = `

--containerd-hosts-dir DIR (with --client containerd, kubelet or docker-containerd)
reads containerd's host configuration as ctr --hosts-dir and the CRI's config_path
do: DIR/HOST_PORT_, DIR/HOST:PORT, then DIR/_default, with its hosts.toml (or the
Docker certificate layout). The trace lists the hosts in containerd's order (the
[host."URL"] tables as written, then server or the registry itself), then resolves
the tag on each host with pull and resolve until one answers (a 404 or any error
moves on) and fetches the manifest by digest from each host in order; requests to a
mirror carry ?ns=REGISTRY, each host its own headers and TLS. Credentials: ctr
offers the same ones to every host, the CRI the kubelet's to every host (without
them, registry.configs."HOST".auth of the host asked), Docker's containerd store
only to the registry itself. --containerd-config FILE reads config.toml's CRI
registry section (config_path, configs, the deprecated mirrors). With --client
kubelet and --pull-secret, each credential the kubelet tries goes over the whole
host list in turn.`

const containerdHostsExample = `

  # which mirror answers, with which credentials? (ctr --hosts-dir ./certs.d)
  regauth pull-trace mirrored.example.com/app:1 --client containerd --containerd-hosts-dir ./certs.d

  # the node's own configuration, as the CRI reads it
  regauth pull-trace docker.io/library/alpine --client kubelet --containerd-config /etc/containerd/config.toml

  # the pod's pull: its Secret, the node's hosts.toml, every request, the events
  regauth pull-trace registry.example.com/app:1 --client kubelet --pull-secret regcred.yaml --containerd-hosts-dir /etc/containerd/certs.d`

func addContainerdFlags(cmd *cobra.Command, f *containerdFlags) {
	cmd.Long += containerdHostsHelp
	cmd.Example += containerdHostsExample
	fl := cmd.Flags()
	fl.StringVar(&f.HostsDir, "containerd-hosts-dir", hoststoml.DefaultDir, "with --client containerd, kubelet or docker-containerd: containerd's host directory (ctr --hosts-dir, the CRI's config_path) holding HOST/hosts.toml")
	fl.StringVar(&f.Config, "containerd-config", "", "with --client containerd or kubelet: containerd's config.toml, for the CRI registry section (config_path, configs.\"HOST\".auth/tls, mirrors)")
}

func (f *containerdFlags) used() bool { return f.hostsSet || f.Config != "" }

// checkContainerdFlags refuses the host configuration where it means
// nothing.
func (o *pullTraceOptions) checkContainerdFlags(cmd *cobra.Command) error {
	f := &o.containerd
	f.hostsSet = cmd.Flags().Changed("containerd-hosts-dir")
	if !f.used() {
		return nil
	}
	name := "--containerd-hosts-dir"
	if !f.hostsSet {
		name = "--containerd-config"
	}
	who := "docker"
	if o.flags.profile != nil {
		who = o.flags.profile.ID()
	}
	switch n := o.profileName(); {
	case n != "containerd" && n != "kubelet" && n != "docker-containerd":
		return usageErr("%s is containerd's host configuration, which %s does not read: add --client containerd, kubelet or docker-containerd", name, who)
	case n == "docker-containerd" && f.Config != "":
		return usageErr("--containerd-config is the CRI's configuration, which Docker does not read: drop it (Docker reads hosts.toml under /etc/docker/certs.d: pass --containerd-hosts-dir /etc/docker/certs.d)")
	case o.kubelet.used() && o.profileName() != "kubelet":
		return usageErr("--pull-secret/--node-config are the kubelet's: add --client kubelet")
	case o.Push:
		return usageErr("%s replays containerd's pull: drop --push", name)
	case o.CompareAnonymous:
		return usageErr("%s: drop --compare-anonymous", name)
	}
	return nil
}

func (o *pullTraceOptions) profileName() string {
	if o.flags.profile == nil {
		return "docker"
	}
	return o.flags.profile.Name
}

// runContainerdHosts is pull-trace with containerd's host configuration.
func runContainerdHosts(cmd *cobra.Command, o *pullTraceOptions, ref imageref.Ref) error {
	in, res, cri, err := o.containerdHosts(ref)
	if err != nil {
		return err
	}
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	base, r, err := o.flags.engineOptions(cmd.Context(), o.g, ref.Registry, ep)
	if err != nil {
		return err
	}
	pull := o.hostsPull(res, cri, ep.Host, r)
	hr := pull(cmd.Context(), base, flow.PullRequest{Image: ref, Blob: o.Blob})
	return emitHostsPull(o, in, hr, r)
}

// hostsPull is one pull over the host list with the options' credentials,
// as the client hands them to each host.
func (o *pullTraceOptions) hostsPull(res *hoststoml.Resolution, cri *hoststoml.CRIConfig, upstream string, r *redact.Redactor) flow.HostsPull {
	for _, h := range res.Hosts {
		for k, vs := range h.Header {
			for _, v := range vs {
				learnHeader(r, k, v)
			}
		}
	}
	return func(ctx context.Context, base flow.Options, req flow.PullRequest) *flow.HostsResult {
		env := flow.HostEnv{Credentials: o.hostCredentials(base, cri, upstream, r)}
		if o.g.deps.Transport == nil {
			env.Transport = func(h hoststoml.Host) (http.RoundTripper, error) { return o.hostTransport(h) }
		}
		return flow.PullHosts(ctx, base, req, res, env)
	}
}

// containerdHosts reads the host configuration for ref: the CRI config if
// given, then the host directory, as containerd looks them up.
func (o *pullTraceOptions) containerdHosts(ref imageref.Ref) (render.HostsInput, *hoststoml.Resolution, *hoststoml.CRIConfig, error) {
	g := o.g
	f := o.containerd
	in := render.HostsInput{Image: ref.Canonical, Client: o.flags.profile.ID()}
	var cri *hoststoml.CRIConfig
	if f.Config != "" {
		name, data, err := readInputFile(g, f.Config)
		if err != nil {
			return in, nil, nil, badInput(fmt.Errorf("--containerd-config %s", err))
		}
		if cri, err = hoststoml.ParseCRI(name, data); err != nil {
			return in, nil, nil, badInput(fmt.Errorf("--containerd-config %w", err))
		}
		in.CRIConfig = name
		in.Findings = append(in.Findings, cri.Findings...)
	}
	opts := hoststoml.Options{}
	if o.flags.PlainHTTP {
		opts.DefaultScheme = "http"
	}
	var res *hoststoml.Resolution
	switch {
	case f.hostsSet:
		res = hoststoml.Lookup(hoststoml.OS{}, []string{f.HostsDir}, ref.Domain, opts)
	case cri != nil && len(cri.Roots()) > 0:
		res = hoststoml.Lookup(hoststoml.OS{}, cri.Roots(), ref.Domain, opts)
	case cri != nil && len(cri.Mirrors) > 0:
		res = &hoststoml.Resolution{Registry: ref.Domain, Hosts: cri.LegacyHosts(ref.Domain), Findings: []diagnose.Diagnosis{}}
	default:
		res = hoststoml.Lookup(hoststoml.OS{}, []string{f.HostsDir}, ref.Domain, opts)
	}
	if cri != nil && cri.Fatal != "" {
		res.Fatal = cri.Fatal
	}
	in.Resolution = res
	in.Findings = append(in.Findings, res.Findings...)
	diagnose.Sort(in.Findings)
	return in, res, cri, nil
}

// hostCredentials is the client's credentials callback, keyed by host.
func (o *pullTraceOptions) hostCredentials(base flow.Options, cri *hoststoml.CRIConfig, upstream string, r *redact.Redactor) func(hoststoml.Host) flow.Credentials {
	c := base.Credentials
	if base.Anonymous {
		c = flow.Credentials{Source: "none (--anonymous)"}
	}
	given := c.HasSecret() || c.Username != ""
	rule := flow.HostCredsEvery
	if o.flags.profile != nil {
		rule = o.flags.profile.HostCreds
	}
	return func(h hoststoml.Host) flow.Credentials {
		switch rule {
		case flow.HostCredsRegistryOnly:
			if h.Host != upstream {
				return flow.Credentials{Source: fmt.Sprintf("none: Docker's containerd store returns credentials only for %s (\"Host doesn't match\"), so %s gets an anonymous token", upstream, h.Host)}
			}
			return c
		case flow.HostCredsCRI:
			if given {
				k := c
				k.Source += " (the CRI hands the kubelet's credentials to every host)"
				return k
			}
			if cri != nil {
				if u, s, ok := cri.Credentials(h.Host); ok {
					r.AddBasic(u, s)
					r.Add("password", s)
					if u == "" {
						return flow.Credentials{IdentityToken: s, Source: fmt.Sprintf("%s registry.configs.%q.auth (identitytoken)", cri.Source, h.Host)}
					}
					return flow.Credentials{Username: u, Password: s, Source: fmt.Sprintf("%s registry.configs.%q.auth", cri.Source, h.Host)}
				}
			}
			return flow.Credentials{Source: fmt.Sprintf("none: no kubelet credentials and no registry.configs.%q.auth", h.Host)}
		}
		k := c
		if given {
			k.Source += " (ctr offers the same credentials to every host)"
		}
		return k
	}
}

// hostTransport is the host's own TLS on top of the command's transport,
// as ConfigureHosts clones the default transport for a host with TLS keys.
func (o *pullTraceOptions) hostTransport(h hoststoml.Host) (http.RoundTripper, error) {
	res, err := o.flags.transport(o.g, h.Host)
	if err != nil {
		return nil, err
	}
	tr := res.Transport.Clone()
	cfg := tr.TLSClientConfig
	if cfg == nil {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if h.SkipVerify != nil {
		cfg.InsecureSkipVerify = *h.SkipVerify //nolint:gosec // hosts.toml's skip_verify, as containerd honours it
	}
	if len(h.CA) > 0 {
		if cfg.RootCAs == nil {
			if cfg.RootCAs, err = x509.SystemCertPool(); err != nil || cfg.RootCAs == nil {
				cfg.RootCAs = x509.NewCertPool()
			}
		}
		for _, f := range h.CA {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("unable to read CA cert %q: %w", f, unwrapPathError(err))
			}
			if !cfg.RootCAs.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("unable to load CA cert %q", f)
			}
		}
	}
	for _, p := range h.Client {
		key := p[1]
		if key == "" {
			key = p[0]
		}
		cert, err := tls.LoadX509KeyPair(p[0], key)
		if err != nil {
			return nil, fmt.Errorf("failed to load X509 key pair %s: %w", p[0], err)
		}
		cfg.Certificates = append(cfg.Certificates, cert)
	}
	tr.TLSClientConfig = cfg
	return tr, nil
}

// learnHeader teaches the redactor a static credential from hosts.toml
// ([header] Authorization = "Basic ...") so no output shows it.
func learnHeader(r *redact.Redactor, name, value string) {
	if !strings.EqualFold(name, "Authorization") {
		return
	}
	scheme, cred, ok := strings.Cut(value, " ")
	if !ok {
		r.Add("authorization", value)
		return
	}
	cred = strings.TrimSpace(cred)
	r.Add(strings.ToLower(scheme), cred)
	if b, err := base64.StdEncoding.DecodeString(cred); err == nil && strings.EqualFold(scheme, "basic") {
		if u, p, ok := strings.Cut(string(b), ":"); ok {
			r.AddBasic(u, p)
			r.Add("password", p)
		}
	}
}

func emitHostsPull(o *pullTraceOptions, in render.HostsInput, res *flow.HostsResult, r *redact.Redactor) error {
	g := o.g
	var traces []*flow.Trace
	for _, a := range res.Attempts {
		traces = append(traces, a.Trace)
	}
	if o.flags.HARFile != "" && len(traces) > 0 {
		if err := writeHAR(o.flags.HARFile, traces, r); err != nil {
			return err
		}
	}
	if g.json() {
		if err := render.JSON(g.deps.Out, render.NewHostsPullDoc(in, res, r, o.flags.Curl)); err != nil {
			return err
		}
	} else if err := render.HostsPullText(g.deps.Out, in, res, r, g.style(), g.textOptions(o.flags.Curl)); err != nil {
		return err
	}
	masked := r.WithShow(false)
	rep := report.Report{
		Title: "pull-trace " + in.Image + " over containerd's hosts", OK: res.Verdict == flow.VerdictOK,
		Verdict: string(res.Verdict), Summary: res.Summary,
		Diagnoses: append(append([]diagnose.Diagnosis{}, in.Findings...), res.Diagnoses...),
		JSON:      render.NewHostsPullDoc(in, res, masked, false),
		Client:    in.Client,
	}
	for _, a := range res.Attempts {
		rep.Sections = append(rep.Sections, report.Section{Title: fmt.Sprintf("attempt %d (%s): %s", a.Turn, a.Phase, a.Host.URL()), Trace: a.Trace})
	}
	if err := o.flags.Report.write(g, rep, r); err != nil {
		return err
	}
	return silentExit(verdictExit(res.Verdict))
}

package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/daemonjson"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

// dockerSources reads daemon.json and lists the endpoints dockerd tries
// for ref (lookupV2Endpoints): for Docker Hub each mirror, then
// registry-1.docker.io; for an insecure registry https without
// verification, then http. nil: the file changes nothing for ref.
func dockerSources(cmd *cobra.Command, o *pullTraceOptions, ref imageref.Ref) (*render.SourcesView, *redact.Redactor, error) {
	g := o.g
	path := o.sources.DaemonConfig
	explicit := cmd.Flags().Changed("daemon-config")
	data, err := readConfigFile(path, daemonjson.MaxSize)
	if errors.Is(err, os.ErrNotExist) && !explicit {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("--daemon-config %s: %w", path, unwrapPathError(err)))
	}
	cfg, err := daemonjson.Parse(path, data)
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("--daemon-config %s: %w", path, err))
	}
	containerd := profileName(o) == "docker-containerd"
	store := "classic image store"
	if containerd {
		store = "containerd image store"
	}
	ep, err := flow.ParseEndpoint(ref.Registry, o.flags.PlainHTTP)
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("image %q: %w", o.Image, err))
	}
	var findings []diagnose.Diagnosis
	mirrors := cfg.Mirrors
	if !ref.DockerHub && len(mirrors) > 0 {
		findings = append(findings, diagnose.New(diagnose.DaemonMirrorNotHub, fmt.Sprintf(
			"registry-mirrors lists %d mirror(s), but %s is not on Docker Hub: Docker uses registry-mirrors for docker.io only, so this pull goes to %s directly", len(mirrors), ref.FamiliarName, ref.Domain), ""))
		mirrors = nil
	}
	insecure, insecureWhy := cfg.Insecure(ep.Host)
	loopback := insecure && strings.Contains(insecureWhy, "loopback")
	if len(mirrors) == 0 && (!insecure || loopback || o.flags.PlainHTTP) && len(findings) == 0 {
		// Nothing in daemon.json changes this pull (loopback is insecure
		// for the plain pull too).
		return nil, nil, nil
	}
	r := g.redactor()
	creds, err := o.flags.credentials(cmd.Context(), g, ep.Host, ep.DockerHub, r)
	if err != nil {
		return nil, nil, err
	}
	var sources []flow.PullSource
	for _, m := range mirrors {
		u := trimSlash(m)
		mep, err := flow.ParseEndpoint(u, false)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("--daemon-config %s: mirror %s: %w", path, m, err))
		}
		s := flow.PullSource{Role: "mirror", Label: "mirror " + m, Registry: u, Image: ref, FailCode: diagnose.DaemonMirrorFailed}
		if containerd {
			s.Credentials = flow.Credentials{Source: "none: the containerd image store sends credentials only to registry-1.docker.io, the host of the login (\"Host doesn't match\")"}
			s.CredentialsWhy = "the containerd image store offers the mirror no credentials: its authorizer returns them only for the login's host"
		} else {
			s.Credentials = creds
			s.CredentialsWhy = "the classic image store offers the Docker Hub login to every endpoint of a Hub pull, this mirror's token service included (its credential store ignores the URL)"
		}
		if ok, why := cfg.Insecure(mep.Host); ok {
			s.Notes = append(s.Notes, fmt.Sprintf("%s is an insecure registry (%s): Docker does not verify its certificate", mep.Host, why))
			if s.Transport, err = o.skipVerify(mep.Host); err != nil {
				return nil, nil, err
			}
		}
		sources = append(sources, s)
	}
	if len(mirrors) > 0 {
		who := "offers them the Docker Hub login"
		if creds.Username == "" && !creds.HasSecret() {
			who = "would offer them the Docker Hub login, but there is none"
		}
		if containerd {
			who = "sends no credentials to them: only registry-1.docker.io gets the Docker Hub login"
		}
		findings = append(findings, diagnose.New(diagnose.DaemonMirrorCreds,
			fmt.Sprintf("Docker's %s tries %d mirror(s) before registry-1.docker.io and %s", store, len(mirrors), who), ""))
		sources = append(sources, flow.PullSource{Role: "primary", Label: flow.DockerHubRegistry, Registry: ref.Registry, Image: ref, Credentials: creds,
			CredentialsWhy: "Docker Hub gets the Docker Hub login"})
	} else {
		// An insecure registry: https without verification, then http.
		findings = append(findings, diagnose.New(diagnose.DaemonInsecureRegistry,
			fmt.Sprintf("%s is an insecure registry (%s): Docker skips TLS verification and falls back to http", ep.Host, insecureWhy), ""))
		tr, err := o.skipVerify(ep.Host)
		if err != nil {
			return nil, nil, err
		}
		host := ep.Host + ep.Prefix
		sources = append(sources,
			flow.PullSource{Role: "primary", Label: "https://" + host + " (TLS not verified)", Registry: "https://" + host, Image: ref, Credentials: creds, Transport: tr},
			flow.PullSource{Role: "http fallback", Label: "http://" + host, Registry: "http://" + host, Image: ref, Credentials: creds, AfterTransportError: true,
				Notes: []string{"credentials go over plain http here"}})
	}
	base, err := o.flags.transport(g, ep.Host)
	if err != nil {
		return nil, nil, err
	}
	opts := o.flags.flowOptions(g, ref.Registry, creds, base, r)
	res := flow.PullFromSources(cmd.Context(), opts, flow.PullRequest{Image: ref, Push: o.Push, Blob: o.Blob}, "Docker ("+store+")", sources, flow.DockerSourceErrors)
	lines := []string{fmt.Sprintf("daemon.json: %s", path)}
	lines = append(lines, "registry-mirrors: "+orNone(cfg.Mirrors)+"; used for docker.io only")
	lines = append(lines, "insecure-registries: "+orNone(append(append([]string{}, cfg.InsecureHosts...), cfg.InsecureCIDRs...))+" (loopback always)")
	for _, n := range cfg.Notes {
		lines = append(lines, "note: "+n)
	}
	return &render.SourcesView{
		Image: ref.Canonical, Title: fmt.Sprintf("Docker's sources for %s (%s)", ref.Canonical, store),
		Config: lines, ConfigDoc: cfg, Findings: findings, Result: res,
	}, r, nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

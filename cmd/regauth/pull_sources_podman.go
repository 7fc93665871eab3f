package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/registriesconf"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

// registriesPaths picks the files as containers/image's configWrapper
// does: a named file (flag, CONTAINERS_REGISTRIES_CONF), else the user's
// file with only the user's drop-ins, else the system file with the
// system's and the user's drop-ins.
func registriesPaths(cmd *cobra.Command, o *pullTraceOptions) registriesconf.Paths {
	g := o.g
	userFile := homePath(g, ".config", "containers", "registries.conf")
	userDir := homePath(g, ".config", "containers", "registries.conf.d")
	p := registriesconf.Paths{Main: registriesconf.DefaultPath, Dirs: []string{registriesconf.DefaultDirPath, userDir}}
	switch {
	case cmd.Flags().Changed("registries-conf"):
		p.Main, p.Explicit = o.sources.RegistriesConf, true
	case g.deps.getenv("CONTAINERS_REGISTRIES_CONF") != "":
		p.Main, p.Explicit = g.deps.getenv("CONTAINERS_REGISTRIES_CONF"), true
	default:
		if _, err := os.Stat(userFile); err == nil {
			p.Main, p.Dirs = userFile, []string{userDir}
		}
	}
	if d := o.sources.RegistriesConfDir; d != "" {
		p.Dirs = []string{d}
	}
	return p
}

var osReader = registriesconf.Reader{
	ReadFile: func(p string) ([]byte, error) { return readConfigFile(p, registriesconf.MaxSize) },
	ReadDir:  os.ReadDir,
}

// podmanSources reads registries.conf and lists what podman tries for
// ref: each candidate of a short name (an alias, or each search registry
// in order), and for each the matching [[registry]]'s mirrors then its
// location, with the credentials the auth files hold for each source's
// own name. nil: the configuration changes nothing for ref.
func podmanSources(cmd *cobra.Command, o *pullTraceOptions, ref imageref.Ref) (*render.SourcesView, *redact.Redactor, error) {
	g := o.g
	paths := registriesPaths(cmd, o)
	cfg, err := registriesconf.Load(paths, osReader)
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("--registries-conf %w", err))
	}
	findings := append([]diagnose.Diagnosis{}, cfg.Findings...)
	view := &render.SourcesView{Image: o.Image, Title: fmt.Sprintf("podman's sources for %s", o.Image), ConfigDoc: cfg}
	view.Config = append(view.Config, "registries.conf: "+orNone(cfg.Files))
	if cfg.Missing != "" {
		view.Config = append(view.Config, cfg.Missing+" does not exist: containers/image reads that as an empty configuration")
	}
	view.Config = append(view.Config, fmt.Sprintf("unqualified-search-registries: %s; short-name-mode: %s", orNone(cfg.Search), cfg.ShortNameMode))
	short := registriesconf.IsShortName(o.Image)
	cands, err := cfg.Resolve(o.Image)
	var rerr *registriesconf.Error
	if errors.As(err, &rerr) && rerr.Code == diagnose.RegConfNoSearch {
		view.Findings = findings
		view.Result = &flow.SourcesResult{Client: "podman", Sources: []flow.PullSource{}, Attempts: []flow.SourceAttempt{},
			Verdict: flow.VerdictRefused, Summary: rerr.Msg, Diagnoses: []diagnose.Diagnosis{diagnose.New(diagnose.RegConfNoSearch, rerr.Msg, "")}}
		return view, g.redactor(), nil
	}
	if err != nil {
		return nil, nil, badInput(fmt.Errorf("--registries-conf %w", err))
	}
	findings = append(findings, cands.Findings...)
	if cands.Description != "" {
		view.Config = append(view.Config, cands.Description)
	}
	if !short {
		// A qualified name is the reference as imageref normalises it.
		cands.Refs = []string{ref.Canonical}
	}
	r := g.redactor()
	var sources []flow.PullSource
	// A named configuration always shows its sources; the default one only
	// when it changes the pull.
	changed := short || paths.Explicit
	for ci, cand := range cands.Refs {
		cref, err := imageref.Parse(cand)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("candidate %q: %w", cand, err))
		}
		full := cref.Canonical
		ps, err := cfg.PullSources(full)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("--registries-conf %w", err))
		}
		if ps.Registry != nil {
			view.Config = append(view.Config, fmt.Sprintf("%s matches [[registry]] prefix %q (location %q, %d mirror(s)) in %s", full, ps.Registry.Prefix, ps.Registry.Location, len(ps.Registry.Mirrors), ps.Registry.Origin))
		}
		for _, sk := range ps.Skipped {
			view.Config = append(view.Config, "skipped "+sk)
		}
		if len(ps.Sources) > 1 || ps.Sources[0].Reference != full || ps.Sources[0].Insecure || ps.Sources[0].Blocked != "" {
			changed = true
		}
		for si, s := range ps.Sources {
			sref, err := imageref.Parse(s.Reference)
			if err != nil {
				return nil, nil, badInput(fmt.Errorf("--registries-conf: source %q: %w", s.Reference, err))
			}
			add, err := o.podmanSource(cmd, cref, sref, s, r)
			if err != nil {
				return nil, nil, err
			}
			for i := range add {
				if short || len(cands.Refs) > 1 {
					add[i].Candidate = cand
				}
				if cands.How == "unqualified-search" && add[i].Role == "primary" {
					add[i].Role = fmt.Sprintf("search registry %d", ci+1)
					add[i].Label = fmt.Sprintf("search registry %d: %s", ci+1, s.Reference)
				}
				switch {
				case s.Mirror:
					add[i].FailCode = diagnose.RegConfMirrorFailed
				case ci < len(cands.Refs)-1 && si == len(ps.Sources)-1:
					add[i].FailCode = diagnose.RegConfSearchFallback
				}
			}
			sources = append(sources, add...)
		}
	}
	if !changed {
		return nil, nil, nil
	}
	for _, s := range sources {
		switch {
		case s.Refused != "":
			findings = append(findings, diagnose.New(diagnose.RegConfBlocked, s.Refused, ""))
		case s.Role == "http fallback":
			findings = append(findings, diagnose.New(diagnose.RegConfInsecure, fmt.Sprintf(
				"%s has insecure = true: containers/image skips TLS verification and tries http after an https failure", s.Image.Domain), ""))
		}
	}
	first, err := imageref.Parse(sources[0].Image.Canonical)
	if err != nil {
		return nil, nil, badInput(err)
	}
	base, err := o.flags.transport(g, first.Registry)
	if err != nil {
		return nil, nil, err
	}
	opts := o.flags.flowOptions(g, first.Registry, flow.Credentials{}, base, r)
	view.Findings = findings
	view.Result = flow.PullFromSources(cmd.Context(), opts, flow.PullRequest{Image: first, Push: o.Push, Blob: o.Blob}, "podman", sources, flow.ContainersSourceErrors)
	return view, r, nil
}

// podmanSource is one pull source, with its http fallback when insecure,
// and the credentials for its own name.
func (o *pullTraceOptions) podmanSource(cmd *cobra.Command, logical, sref imageref.Ref, s registriesconf.Source, r *redact.Redactor) ([]flow.PullSource, error) {
	g := o.g
	role := "primary"
	if s.Mirror {
		role = "mirror"
	}
	label := role + " " + s.Reference
	ps := flow.PullSource{Role: role, Label: label, Registry: sref.Registry, Image: sref}
	if s.Blocked != "" {
		ps.Refused = s.Blocked
		return []flow.PullSource{ps}, nil
	}
	name := sref.Domain + "/" + sref.Repository
	switch {
	case o.flags.Anonymous:
		ps.Credentials = flow.Credentials{Source: "none (--anonymous)"}
	case o.flags.Username != "" && sref.Domain == logical.Domain:
		c, err := o.flags.credentials(cmd.Context(), g, sref.Registry, sref.DockerHub, r)
		if err != nil {
			return nil, err
		}
		ps.Credentials = c
		ps.CredentialsWhy = "the -u/--password credentials go to the registry the name is on"
	default:
		res, files, err := creds.ResolveContainers(cmd.Context(), creds.ContainersOptions{
			Getenv: g.deps.getenv, Home: g.homeDir(), UID: os.Getuid(), HelperTimeout: o.flags.HelperTimeout,
		}, name)
		if err != nil {
			return nil, badInput(err)
		}
		r.AddBasic(res.Username, res.Password)
		r.Add("identitytoken", res.IdentityToken)
		ps.Credentials = withKind(flow.Credentials{Username: res.Username, Password: res.Password, IdentityToken: res.IdentityToken, Source: res.Source}, sref.Registry, g.deps.Now)
		var searched []string
		for i, f := range files {
			searched = append(searched, fmt.Sprintf("%d. %s (%s): %s", i+1, f.Path, f.Why, f.State))
		}
		ps.CredentialsWhy = fmt.Sprintf("podman looks up %s in its auth files, in order", name)
		if s.Mirror || sref.Domain != logical.Domain {
			ps.CredentialsWhy = fmt.Sprintf("podman looks up the mirror's own name %s in its auth files, never the primary's (%s)", name, logical.Domain)
			if o.flags.Username != "" {
				ps.CredentialsWhy += "; the -u/--password credentials are for " + logical.Domain + " and containers/image does not send them to a mirror"
			}
		}
		ps.Notes = append(ps.Notes, "auth files: "+strings.Join(searched, "; "))
	}
	if !s.Insecure {
		if !strings.Contains(sref.Registry, "://") && !o.flags.PlainHTTP && !isLoopbackHost(sref.Registry) {
			ps.Registry = "https://" + sref.Registry
		}
		return []flow.PullSource{ps}, nil
	}
	tr, err := o.skipVerify(sref.Registry)
	if err != nil {
		return nil, err
	}
	ps.Registry, ps.Transport, ps.Label = "https://"+sref.Registry, tr, label+" (insecure: TLS not verified)"
	ps.Notes = append(ps.Notes, fmt.Sprintf("%s has insecure = true: containers/image skips TLS verification and tries http after an https failure", sref.Registry))
	fb := ps
	fb.Role, fb.Label, fb.Registry, fb.Transport, fb.AfterTransportError = "http fallback", "http://"+sref.Registry+" ("+s.Reference+")", "http://"+sref.Registry, nil, true
	fb.Notes = []string{"credentials go over plain http here"}
	return []flow.PullSource{ps, fb}, nil
}

func isLoopbackHost(host string) bool {
	h := host
	if i := strings.LastIndex(h, ":"); i > 0 && !strings.HasSuffix(h, "]") {
		h = h[:i]
	}
	h = strings.Trim(h, "[]")
	return h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1"
}

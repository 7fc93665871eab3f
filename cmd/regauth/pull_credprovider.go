package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/credprovider"
	cpconfig "github.com/regauth/regauth/internal/decode/credprovider"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/keyring"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

// credProviderFlags are pull-trace's kubelet credential-provider inputs:
// the kubelet's --image-credential-provider-config and
// --image-credential-provider-bin-dir.
type credProviderFlags struct {
	Config  string
	BinDir  string
	Timeout time.Duration
}

func addCredProviderFlags(cmd *cobra.Command, f *credProviderFlags) {
	fl := cmd.Flags()
	fl.StringVar(&f.Config, "credential-provider-config", "", "with --client kubelet: the kubelet's CredentialProviderConfig (its --image-credential-provider-config; a file, or a directory of *.json, *.yaml, *.yml read in order); the matching plugins are run and their credentials used")
	fl.StringVar(&f.BinDir, "credential-provider-bin", "", "with --credential-provider-config: the directory holding the plugins (the kubelet's --image-credential-provider-bin-dir)")
	fl.DurationVar(&f.Timeout, "credential-provider-timeout", credprovider.DefaultTimeout, "with --credential-provider-config: how long a plugin may run before it is killed (the kubelet's limit is 1m)")
}

func (f *credProviderFlags) used() bool { return f.Config != "" || f.BinDir != "" }

// check refuses half a pair and a limit that cannot be.
func (f *credProviderFlags) check() error {
	switch {
	case f.Config != "" && f.BinDir == "":
		return usageErr("--credential-provider-config needs --credential-provider-bin DIR, the directory the plugins are in (the kubelet's --image-credential-provider-bin-dir)")
	case f.Config == "" && f.BinDir != "":
		return usageErr("--credential-provider-bin needs --credential-provider-config FILE, the kubelet's CredentialProviderConfig")
	case f.Timeout <= 0:
		return usageErr("--credential-provider-timeout must be more than 0 (the kubelet's is 1m)")
	case f.Config == "-":
		return usageErr("--credential-provider-config reads a file or directory, not standard input")
	}
	return nil
}

// runCredProviders reads the config and does what the kubelet does with
// it for image: the start-up checks, then the matching plugins. Every
// password a plugin returns is taught to r before anything is printed.
func runCredProviders(ctx context.Context, g *GlobalOptions, f credProviderFlags, image string, noRun bool, r *redact.Redactor) (*credprovider.Result, error) {
	cfg, err := readCredProviderConfig(g, f.Config)
	if err != nil {
		return nil, badInput(fmt.Errorf("--credential-provider-config %w", err))
	}
	res := credprovider.Evaluate(ctx, cfg, image, credprovider.Options{BinDir: f.BinDir, Timeout: f.Timeout, Environ: os.Environ(), NoRun: noRun})
	for _, run := range res.Runs {
		if run.Response == nil {
			continue
		}
		for _, a := range run.Response.Auth {
			r.AddBasic(a.Username, a.Password)
			r.Add("password", a.Password)
		}
	}
	return res, nil
}

// readCredProviderConfig reads a file, or a directory's *.json, *.yaml
// and *.yml files in lexical order as the kubelet does.
func readCredProviderConfig(g *GlobalOptions, path string) (*cpconfig.Config, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	if !st.IsDir() {
		return readOneCredProviderConfig(g, path)
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, unwrapPathError(err))
	}
	var files []string
	for _, e := range entries {
		switch filepath.Ext(e.Name()) {
		case ".json", ".yaml", ".yml":
			if !e.IsDir() {
				files = append(files, filepath.Join(path, e.Name()))
			}
		}
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no configuration files found in directory (the kubelet reads *.json, *.yaml, *.yml)", path)
	}
	var cfgs []*cpconfig.Config
	for _, file := range files {
		c, err := readOneCredProviderConfig(g, file)
		if err != nil {
			return nil, err
		}
		cfgs = append(cfgs, c)
	}
	return cpconfig.Merge(path, cfgs), nil
}

func readOneCredProviderConfig(g *GlobalOptions, path string) (*cpconfig.Config, error) {
	name, data, err := readInputFile(g, path)
	if err != nil {
		return nil, err
	}
	c, err := cpconfig.Parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return c, nil
}

// kubeletReportDoc is the report's JSON: the kubelet document with its
// plugins.
func kubeletReportDoc(kr keyring.Result, res *flow.KubeletResult, findings []diagnose.Diagnosis, plugins *credprovider.Result, masked *redact.Redactor) render.KubeletPullDoc {
	doc := render.NewKubeletPullDoc(kr, res, findings, masked, false)
	doc.CredentialProviders = render.NewCredProviderDoc(plugins, masked)
	return doc
}

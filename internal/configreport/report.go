// Package configreport builds decode-config's report: every credential
// source a Docker client (or podman/skopeo) would read, one row per
// registry, with the winner under Docker's precedence and what helpers say.
package configreport

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/decode/authconfig"
	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/diagnose"
)

// Options say which files to read and whether to run helpers.
type Options struct {
	// Path is the file the user named; empty means the default search.
	Path string
	// DefaultPath is $DOCKER_CONFIG/config.json or ~/.docker/config.json.
	DefaultPath string
	Home        string
	Containers  bool
	NoHelpers   bool
	HelperTime  time.Duration
	Getenv      func(string) string
	// Now judges the expiry of tokens that carry one; nil is time.Now.
	Now func() time.Time
}

// Source is one file (or the environment) that was considered.
type Source struct {
	Path    string           `json:"path"`
	Format  string           `json:"format,omitempty"`
	Read    bool             `json:"read"`
	Skipped string           `json:"skipped,omitempty"`
	File    *authconfig.File `json:"-"`
}

// Row is one registry of one source.
type Row struct {
	Source     string               `json:"source"`
	Key        string               `json:"key"`
	Host       string               `json:"host"`
	DockerHub  bool                 `json:"docker_hub"`
	Username   string               `json:"username,omitempty"`
	SecretKind string               `json:"secret_kind,omitempty"`
	Secret     string               `json:"-"`
	Winner     string               `json:"winner"`
	Shadows    []string             `json:"shadows,omitempty"`
	Helper     *HelperResult        `json:"helper,omitempty"`
	Findings   []diagnose.Diagnosis `json:"-"`
	// Kind says what the stored secret is (credkind), never showing it.
	Kind *credkind.Kind `json:"kind,omitempty"`
}

// HelperResult is what running docker-credential-<name> get said.
type HelperResult struct {
	Name       string  `json:"name"`
	Username   string  `json:"username,omitempty"`
	SecretKind string  `json:"secret_kind,omitempty"`
	Secret     string  `json:"-"`
	LatencyMS  float64 `json:"latency_ms"`
	Error      string  `json:"error,omitempty"`
	Skipped    bool    `json:"skipped,omitempty"`
	// Kind says what the helper's secret is.
	Kind *credkind.Kind `json:"kind,omitempty"`
}

// Report is decode-config's result.
type Report struct {
	Sources   []Source             `json:"sources"`
	Rows      []Row                `json:"registries"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
	Note      string               `json:"note,omitempty"`
}

// Build reads the sources and runs helpers. Errors are for a file the user
// named or a file that exists and is broken: those are bad input.
func Build(ctx context.Context, o Options) (*Report, error) {
	rep := &Report{}
	if o.Getenv != nil {
		if env := o.Getenv("DOCKER_AUTH_CONFIG"); env != "" {
			f, err := authconfig.ParseEnvAuthConfig(env)
			if err != nil {
				return nil, fmt.Errorf("DOCKER_AUTH_CONFIG: %w", err)
			}
			rep.addFile(ctx, o, Source{Path: "env:DOCKER_AUTH_CONFIG", Format: f.Format, Read: true, File: f})
		}
	}
	switch {
	case o.Containers:
		if err := rep.readContainers(ctx, o); err != nil {
			return nil, err
		}
	case o.Path != "":
		if err := rep.readFile(ctx, o, o.Path, true, false); err != nil {
			return nil, err
		}
	default:
		if err := rep.readFile(ctx, o, o.DefaultPath, false, false); err != nil {
			return nil, err
		}
		if !rep.anyRead() {
			legacy := filepath.Join(o.Home, ".dockercfg")
			if err := rep.readFile(ctx, o, legacy, false, false); err != nil {
				return nil, err
			}
			if rep.anyRead() {
				rep.Note = fmt.Sprintf("no %s, so %s was read, as old Docker clients did", o.DefaultPath, legacy)
			}
		}
		if !rep.anyRead() {
			rep.Note = "no credentials are stored: no config file was found"
		}
	}
	rep.ecrReuse()
	diagnose.Sort(rep.Diagnoses)
	return rep, nil
}

func (rep *Report) anyRead() bool {
	for _, s := range rep.Sources {
		if s.Read && s.Path != "env:DOCKER_AUTH_CONFIG" {
			return true
		}
	}
	return false
}

// readFile reads one file; a missing file is skipped unless it was named.
func (rep *Report) readFile(ctx context.Context, o Options, path string, named, containers bool) error {
	data, err := creds.ReadConfig(path)
	if errors.Is(err, os.ErrNotExist) && !named {
		rep.Sources = append(rep.Sources, Source{Path: path, Skipped: "does not exist"})
		return nil
	}
	if err != nil {
		return err
	}
	var f *authconfig.File
	if containers {
		f, err = authconfig.ParseContainers(path, data)
	} else {
		f, err = authconfig.Parse(path, data)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	rep.addFile(ctx, o, Source{Path: path, Format: f.Format, Read: true, File: f})
	return nil
}

// readContainers searches where podman and skopeo look, in their order,
// and reads the first that exists.
func (rep *Report) readContainers(ctx context.Context, o Options) error {
	get := func(k string) string {
		if o.Getenv == nil {
			return ""
		}
		return o.Getenv(k)
	}
	var candidates []string
	if o.Path != "" {
		candidates = append(candidates, o.Path)
	}
	if p := get("REGISTRY_AUTH_FILE"); p != "" {
		candidates = append(candidates, p)
	}
	if d := get("XDG_RUNTIME_DIR"); d != "" {
		candidates = append(candidates, filepath.Join(d, "containers", "auth.json"))
	}
	candidates = append(candidates, filepath.Join(o.Home, ".config", "containers", "auth.json"))
	for _, c := range candidates {
		if rep.anyRead() {
			rep.Sources = append(rep.Sources, Source{Path: c, Skipped: "an earlier file wins"})
			continue
		}
		if err := rep.readFile(ctx, o, c, c == o.Path, true); err != nil {
			return err
		}
	}
	if !rep.anyRead() {
		rep.Note = "no containers auth.json found"
	}
	return nil
}

// addFile turns one parsed file into rows, running helpers as Docker would.
func (rep *Report) addFile(ctx context.Context, o Options, s Source) {
	rep.Sources = append(rep.Sources, s)
	f := s.File
	rep.Diagnoses = append(rep.Diagnoses, f.Findings...)
	hosts := map[string]bool{}
	var keys []string
	for _, e := range f.Entries {
		if !hosts[e.Key] {
			hosts[e.Key] = true
			keys = append(keys, e.Key)
		}
	}
	for h := range f.CredHelpers {
		if !hosts[h] {
			hosts[h] = true
			keys = append(keys, h)
		}
	}
	sort.Strings(keys)
	for _, key := range keys {
		row := Row{Source: s.Path, Key: key, Host: key}
		var entry *authconfig.Entry
		for i := range f.Entries {
			if f.Entries[i].Key == key {
				entry = &f.Entries[i]
			}
		}
		if entry != nil {
			row.Host, row.DockerHub, row.Username = entry.Host, entry.IsDockerHub, entry.Username
			row.SecretKind, row.Secret = entry.Secret()
			row.Findings = entry.Findings
			rep.Diagnoses = append(rep.Diagnoses, entry.Findings...)
		}
		res := f.Resolve(key)
		row.Winner = res.Source
		if res.Helper != "" {
			row.Winner = res.Source + ": " + res.Helper
			row.Helper = runHelper(ctx, o, res.Helper, key)
			if row.Helper.Error != "" {
				rep.Diagnoses = append(rep.Diagnoses, diagnose.New(diagnose.CredentialHelperError,
					fmt.Sprintf("%s: %s", key, row.Helper.Error), ""))
			}
		}
		row.Shadows = res.Shadows
		rep.classifyRow(o, s, &row)
		rep.Rows = append(rep.Rows, row)
	}
	diagnose.Sort(rep.Diagnoses)
}

func runHelper(ctx context.Context, o Options, name, key string) *HelperResult {
	hr := &HelperResult{Name: name}
	if o.NoHelpers {
		hr.Skipped = true
		return hr
	}
	res, err := credhelper.Get(ctx, name, key, o.HelperTime)
	hr.LatencyMS = float64(res.Latency.Microseconds()) / 1e3
	if err != nil {
		hr.Error = err.Error()
		return hr
	}
	hr.Username, hr.SecretKind, hr.Secret = res.Username, res.SecretKind, res.Secret
	return hr
}

// Package credprovider runs the kubelet's credential-provider plugins for
// one image as the kubelet does (pkg/credentialprovider/plugin): the
// start-up checks of the config and the bin dir, the providers whose
// matchImages match the image, each plugin run with a
// CredentialProviderRequest on stdin under a time limit, and the response
// checked; the credentials it returns make the kubelet's plugin keyring.
package credprovider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	cp "github.com/regauth/regauth/internal/decode/credprovider"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/keyring"
)

// DefaultTimeout is the kubelet's limit for every exec plugin.
const DefaultTimeout = time.Minute

// Options say where the plugins are and how they run.
type Options struct {
	BinDir  string
	Timeout time.Duration
	// Environ is the environment the plugin inherits before the config's
	// env: the kubelet passes its own whole environment (kubernetes#102750),
	// regauth passes its own.
	Environ []string
	// NoRun does the start-up checks only: the kubelet asks the plugins
	// only once it could read the pod's pull Secrets.
	NoRun bool
}

// Result is the plugins' part of the kubelet's pull of one image.
type Result struct {
	Config string `json:"config"`
	BinDir string `json:"bin_dir"`
	Image  string `json:"image"`
	// Providers is every provider in config order, with whether it runs.
	Providers []Provider `json:"providers"`
	Runs      []Run      `json:"runs"`
	// NotStarted is why the kubelet would not start at all ("" when it
	// does): the config is invalid or a plugin binary is missing.
	NotStarted string               `json:"kubelet_does_not_start,omitempty"`
	Diagnoses  []diagnose.Diagnosis `json:"diagnoses"`
	// Keyring holds the credentials the plugins returned, in the order
	// the kubelet adds them (one keyring for all plugins).
	Keyring *keyring.Keyring `json:"-"`
}

// Provider is one provider and its match.
type Provider struct {
	Name       string           `json:"name"`
	APIVersion string           `json:"apiVersion"`
	Path       string           `json:"path"`
	Match      cp.ProviderMatch `json:"match"`
	Why        string           `json:"why"`
	// Spec is the provider as configured.
	Spec cp.Provider `json:"-"`
}

// Run is one plugin run.
type Run struct {
	Provider string   `json:"provider"`
	Path     string   `json:"path"`
	Args     []string `json:"args,omitempty"`
	// EnvNames are the config's env names passed on top of the inherited
	// environment (values are not shown).
	EnvNames []string `json:"env,omitempty"`
	Request  string   `json:"request"`
	// ExitCode is -1 when the plugin did not exit by itself.
	ExitCode  int           `json:"exit_code"`
	TimedOut  bool          `json:"timed_out"`
	Timeout   time.Duration `json:"-"`
	Latency   time.Duration `json:"-"`
	LatencyMS int64         `json:"latency_ms"`
	Stderr    string        `json:"stderr"`
	// StdoutBytes is how much it printed; stdout itself is never shown, as
	// it may hold credentials.
	StdoutBytes int          `json:"stdout_bytes"`
	Response    *cp.Response `json:"response,omitempty"`
	// Cache says how the kubelet would cache the answer.
	Cache string `json:"cache,omitempty"`
	// OK: the kubelet takes the response's credentials.
	OK bool `json:"ok"`
	// KubeletLog is the line the kubelet logs when it drops the answer.
	KubeletLog string `json:"kubelet_log,omitempty"`
	fault      *cp.Fault
}

// Evaluate does what the kubelet does with cfg for image (a name without
// tag): refuse to start on an invalid config or missing plugin, else run
// every provider that matches the image, in config order.
func Evaluate(ctx context.Context, cfg *cp.Config, image string, o Options) *Result {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	res := &Result{Config: cfg.Path, BinDir: o.BinDir, Image: image, Providers: []Provider{}, Runs: []Run{},
		Diagnoses: append([]diagnose.Diagnosis{}, cfg.Findings...), Keyring: keyring.New("plugin")}
	for _, p := range cfg.Providers {
		m := cp.Match(p, image)
		res.Providers = append(res.Providers, Provider{Name: p.Name, APIVersion: p.APIVersion,
			Path: filepath.Join(o.BinDir, p.Name), Match: m, Why: m.Why(), Spec: p})
	}
	if errs := cfg.StartupErrors(); len(errs) > 0 {
		res.NotStarted = fmt.Sprintf("the kubelet does not start: failed to validate credential provider config (%d error(s), first: %s)", len(errs), errs[0].Message)
		return res.finish()
	}
	// RegisterCredentialProviderPlugins checks the bin dir and every
	// provider's binary before the kubelet serves any pod.
	if _, err := os.Stat(o.BinDir); err != nil {
		why := fmt.Sprintf("plugin binary directory %s did not exist", o.BinDir)
		if !os.IsNotExist(err) {
			why = fmt.Sprintf("error inspecting binary directory %s: %v", o.BinDir, err)
		}
		res.NotStarted = "the kubelet does not start: " + why
		res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.CredProviderBinDirMissing, res.NotStarted, ""))
		return res.finish()
	}
	for _, p := range res.Providers {
		if d, ok := checkBinary(p); !ok {
			res.Diagnoses = append(res.Diagnoses, d)
			if res.NotStarted == "" {
				res.NotStarted = "the kubelet does not start: " + d.Message
			}
		}
	}
	if res.NotStarted != "" {
		return res.finish()
	}
	if o.NoRun {
		return res.finish()
	}
	matched := 0
	for i := range res.Providers {
		p := &res.Providers[i]
		if !p.Match.Matched {
			continue
		}
		matched++
		run := runPlugin(ctx, p.Spec, p.Path, image, o)
		res.Runs = append(res.Runs, run)
		if d := run.diagnosis(image); d != nil {
			res.Diagnoses = append(res.Diagnoses, *d)
		}
		if run.OK {
			for _, a := range run.Response.Auth {
				res.Keyring.Add(keyring.Cred{Key: a.Key, Source: "plugin " + p.Name, Username: a.Username, Password: a.Password})
			}
			res.checkAuthMatch(run, image)
		}
	}
	if matched == 0 {
		var whys []string
		for _, p := range res.Providers {
			whys = append(whys, p.Name+": "+p.Why)
		}
		res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.CredProviderNoMatch, fmt.Sprintf(
			"no credential provider's matchImages match %s, so no plugin runs for it (%s)", image, strings.Join(whys, "; ")), ""))
	}
	return res.finish()
}

// PluginKeyring is the plugins' keyring, nil without plugins.
func (res *Result) PluginKeyring() *keyring.Keyring {
	if res == nil {
		return nil
	}
	return res.Keyring
}

// AllDiagnoses is the config's and the runs' diagnoses, none without
// plugins.
func (res *Result) AllDiagnoses() []diagnose.Diagnosis {
	if res == nil {
		return nil
	}
	return res.Diagnoses
}

// NameInNoMatch words the kubelet's KEYRING_NO_MATCH to include the
// plugins, whose answers are part of the keyring that matched nothing.
func (res *Result) NameInNoMatch(ds []diagnose.Diagnosis) {
	if res == nil {
		return
	}
	for i := range ds {
		if ds[i].Code == diagnose.KeyringNoMatch {
			ds[i].Message = strings.Replace(ds[i].Message, "in the pull Secrets or the node config matches",
				"in the pull Secrets, the node config or the credential-provider plugins' answers matches", 1)
		}
	}
}

func (res *Result) finish() *Result {
	diagnose.Sort(res.Diagnoses)
	return res
}

// checkBinary is the kubelet's exec.LookPath(BIN_DIR/NAME) at start-up,
// with its error text; it prints the path LookPath returned, which is
// empty on failure.
func checkBinary(p Provider) (diagnose.Diagnosis, bool) {
	_, err := exec.LookPath(p.Path)
	if err == nil {
		return diagnose.Diagnosis{}, true
	}
	if errors.Is(err, os.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		return diagnose.New(diagnose.CredProviderPluginMissing, fmt.Sprintf(
			"plugin %s: %s does not exist, so the kubelet does not start (it says \"plugin binary executable  did not exist\": its message leaves the path out)",
			p.Name, p.Path), ""), false
	}
	return diagnose.New(diagnose.CredProviderNotExecutable, fmt.Sprintf(
		"plugin %s: %s is not an executable file, so the kubelet does not start (it says \"error inspecting binary executable : %v\")",
		p.Name, p.Path, err), ""), false
}

// checkAuthMatch names a plugin whose credentials the keyring will not
// use for this image.
func (res *Result) checkAuthMatch(run Run, image string) {
	if len(run.Response.Auth) == 0 {
		res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.CredProviderNoAuthMatch, fmt.Sprintf(
			"plugin %s answered with an empty auth map: the kubelet gets no credentials from it for %s", run.Provider, image), ""))
		return
	}
	var keys []string
	for _, a := range run.Response.Auth {
		n, err := keyring.Normalise(a.Key)
		if err == nil {
			if ok, _ := keyring.Match(n, image); ok {
				return
			}
		}
		keys = append(keys, a.Key)
	}
	if keyring.IsDockerHubImage(image) {
		for _, a := range run.Response.Auth {
			if n, _ := keyring.Normalise(a.Key); n == keyring.HubKey {
				return
			}
		}
	}
	res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.CredProviderNoAuthMatch, fmt.Sprintf(
		"plugin %s returned credentials for %s, but no key of its auth map matches %s: the kubelet uses none of them",
		run.Provider, strings.Join(keys, ", "), image), ""))
}

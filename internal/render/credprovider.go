package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/regauth/regauth/internal/credprovider"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
)

// CredProviderDoc is the credential_providers object of pull-trace
// --client kubelet's JSON (docs/json.md): every provider and its match,
// every plugin run with its response masked.
type CredProviderDoc struct {
	Config     string                  `json:"config"`
	BinDir     string                  `json:"bin_dir"`
	Image      string                  `json:"image"`
	NotStarted string                  `json:"kubelet_does_not_start,omitempty"`
	Providers  []credprovider.Provider `json:"providers"`
	Runs       []CredProviderRunDoc    `json:"runs"`
	// Diagnoses are the config's and the runs' findings.
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
}

// CredProviderRunDoc is one run; the response's passwords are masked.
type CredProviderRunDoc struct {
	credprovider.Run
	Stderr     string                   `json:"stderr"`
	KubeletLog string                   `json:"kubelet_log,omitempty"`
	Response   *CredProviderResponseDoc `json:"response,omitempty"`
}

// CredProviderResponseDoc is the plugin's CredentialProviderResponse.
type CredProviderResponseDoc struct {
	APIVersion    string             `json:"apiVersion"`
	Kind          string             `json:"kind"`
	CacheKeyType  string             `json:"cacheKeyType"`
	CacheDuration string             `json:"cacheDuration,omitempty"`
	Auth          []CredProviderAuth `json:"auth"`
}

// CredProviderAuth is one auth entry, the password masked.
type CredProviderAuth struct {
	Key      string `json:"key"`
	Username string `json:"username"`
	Password string `json:"password"`
}

// NewCredProviderDoc builds the masked view; nil without providers.
func NewCredProviderDoc(res *credprovider.Result, r *redact.Redactor) *CredProviderDoc {
	if res == nil {
		return nil
	}
	d := &CredProviderDoc{Config: res.Config, BinDir: res.BinDir, Image: res.Image,
		NotStarted: r.String(redact.OneLine(res.NotStarted)), Providers: res.Providers, Runs: []CredProviderRunDoc{},
		Diagnoses: maskDiagnoses(res.Diagnoses, r)}
	for _, run := range res.Runs {
		rd := CredProviderRunDoc{Run: run, Stderr: r.String(redact.Printable(run.Stderr)), KubeletLog: r.String(redact.OneLine(run.KubeletLog))}
		if resp := run.Response; resp != nil {
			rd.Response = &CredProviderResponseDoc{APIVersion: resp.APIVersion, Kind: resp.Kind, CacheKeyType: resp.CacheKeyType,
				CacheDuration: resp.CacheDuration, Auth: []CredProviderAuth{}}
			for _, a := range resp.Auth {
				rd.Response.Auth = append(rd.Response.Auth, CredProviderAuth{Key: a.Key, Username: a.Username, Password: r.Value("password", a.Password)})
			}
		}
		d.Runs = append(d.Runs, rd)
	}
	return d
}

// CredProviderText writes the providers, which of them run for the image
// and why, and each run: the command, the request, exit status, latency,
// stderr and the masked response, or what the kubelet logs instead.
func CredProviderText(w io.Writer, res *credprovider.Result, r *redact.Redactor, st Style) error {
	p := &printer{w: w}
	p.line("%s %s (plugins in %s)", st.Bold("The kubelet's credential providers in"), res.Config, res.BinDir)
	if p.err != nil {
		return p.err
	}
	rows := make([][]string, 0, len(res.Providers))
	for _, pr := range res.Providers {
		runs := "-"
		switch {
		case res.NotStarted != "":
			runs = "no: the kubelet does not start"
		case pr.Match.Matched:
			runs = "yes: " + pr.Why
		default:
			runs = "no: " + pr.Why
		}
		rows = append(rows, []string{orDash(pr.Name), orDash(pr.APIVersion), orDash(strings.Join(pr.Spec.MatchImages, " ")), runs})
	}
	if len(rows) > 0 {
		if err := Table(w, []string{"PROVIDER", "API VERSION", "MATCHIMAGES", "RUNS FOR " + res.Image}, rows); err != nil {
			return err
		}
	}
	if res.NotStarted != "" {
		p.line("%s %s", st.Red("KUBELET DOES NOT START:"), r.String(redact.OneLine(strings.TrimPrefix(res.NotStarted, "the kubelet does not start: "))))
		p.line("  no plugin runs and no pod starts on this node, so nothing is pulled")
	}
	for _, run := range res.Runs {
		writeRun(p, run, r, st)
	}
	writeDiagnoses(p, res.Diagnoses, r, st)
	p.line("")
	return p.err
}

func writeRun(p *printer, run credprovider.Run, r *redact.Redactor, st Style) {
	p.line("")
	cmd := strings.Join(append([]string{run.Path}, run.Args...), " ")
	p.line("%s %s", st.Bold("Plugin "+run.Provider+":"), r.String(redact.OneLine(cmd)))
	env := "regauth's own environment (the kubelet passes its own)"
	if len(run.EnvNames) > 0 {
		env += ", then the config's " + strings.Join(run.EnvNames, ", ")
	}
	p.line("  environment: %s", env)
	p.line("  stdin:       %s", run.Request)
	status := fmt.Sprintf("exit %d", run.ExitCode)
	switch {
	case run.TimedOut:
		status = fmt.Sprintf("killed at the %s limit", run.Timeout)
	case run.ExitCode < 0:
		status = "did not exit by itself"
	}
	p.line("  result:      %s after %s; %d bytes on stdout (not shown: it may hold credentials)", status, fmtDuration(run.Latency), run.StdoutBytes)
	stderr := "(empty)"
	if run.Stderr != "" {
		stderr = r.String(redact.OneLine(run.Stderr))
	}
	p.line("  stderr:      %s", stderr)
	if resp := run.Response; resp != nil {
		dur := resp.CacheDuration
		if dur == "" {
			dur = "(not set: the provider's defaultCacheDuration)"
		}
		p.line("  response:    %s %s, cacheKeyType %s, cacheDuration %s", resp.APIVersion, resp.Kind, orDash(resp.CacheKeyType), dur)
		for _, a := range resp.Auth {
			p.line("    auth %s: user %s, password %s", r.String(redact.OneLine(a.Key)), orDash(r.String(redact.OneLine(a.Username))), r.Value("password", a.Password))
		}
		if len(resp.Auth) == 0 {
			p.line("    auth: (empty)")
		}
	}
	if run.OK {
		p.line("  %s the kubelet takes its credentials; %s", st.Green("OK"), run.Cache)
		return
	}
	p.line("  %s the kubelet logs: %s", st.Red("DROPPED"), r.String(redact.OneLine(run.KubeletLog)))
}

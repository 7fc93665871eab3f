package main

import (
	"bufio"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/transport"
)

// traceFlags are the flags every command that talks to a registry shares.
type traceFlags struct {
	Username      string
	Password      string
	PasswordStdin bool
	// stdinPassword is the password once read: a command that resolves
	// credentials more than once (each source of a registries.conf) reads
	// standard input only the first time.
	stdinPassword       *string
	Anonymous           bool
	OAuth               bool
	PlainHTTP           bool
	Insecure            bool
	CAFile              string
	CertsDir            string
	Timeout             time.Duration
	AllowPlainHTTPRealm bool
	Curl                bool
	HARFile             string
	UserAgent           string
	HelperTimeout       time.Duration
	// Client is --client; profile and clientNote what it resolved to.
	Client     string
	profile    *flow.Profile
	clientNote string
	// Report is --report and its companions.
	Report reportFlags
}

// resolveClient reads --client (and, for docker, the daemon's store).
func (f *traceFlags) resolveClient(ctx context.Context, g *GlobalOptions) error {
	p, note, err := resolveClient(ctx, g, f.Client)
	if err != nil {
		return err
	}
	f.profile, f.clientNote = p, note
	return nil
}

func addTraceFlags(cmd *cobra.Command, f *traceFlags) {
	fl := cmd.Flags()
	fl.StringVarP(&f.Username, "username", "u", "", "username (default: the credentials the Docker config holds for the registry)")
	fl.StringVarP(&f.Password, "password", "p", "", "password or access token (prefer --password-stdin: -p is visible in ps and shell history)")
	fl.BoolVar(&f.PasswordStdin, "password-stdin", false, "read the password from standard input (one trailing newline is removed)")
	fl.BoolVar(&f.Anonymous, "anonymous", false, "send no credentials, even when the config holds some")
	fl.BoolVar(&f.OAuth, "oauth", false, "request the token with the OAuth2 POST form (falls back to GET on 400/401/404/405, as containerd does)")
	addConnectionFlags(cmd, f)
	fl.BoolVar(&f.AllowPlainHTTPRealm, "allow-plain-http-realm", false, "send credentials to a plain-http token service behind an https registry")
	fl.BoolVar(&f.Curl, "curl", false, "print an equivalent curl command for each step (secrets masked unless --show-secrets)")
	fl.StringVar(&f.HARFile, "har", "", "also write the exchange as a HAR 1.2 file (secrets masked unless --show-secrets)")
	fl.DurationVar(&f.HelperTimeout, "helper-timeout", 10*time.Second, "time limit for a docker-credential-* helper")
}

// validate checks the flags that conflict.
func (f *traceFlags) validate() error {
	if f.Password != "" && f.PasswordStdin {
		return usageErr("--password and --password-stdin: give one, not both")
	}
	if (f.Password != "" || f.PasswordStdin) && f.Username == "" {
		return usageErr("a password needs a username: add -u USER")
	}
	if f.Anonymous && (f.Username != "" || f.Password != "" || f.PasswordStdin) {
		return usageErr("--anonymous sends no credentials: drop -u/-p/--password-stdin")
	}
	if f.Timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if _, err := f.Report.format(); err != nil {
		return err
	}
	return nil
}

// readPasswordStdin reads the password as docker login does: strip one
// trailing CRLF, LF or CR only.
func readPasswordStdin(in io.Reader) (string, error) {
	b, err := io.ReadAll(io.LimitReader(bufio.NewReader(in), 64<<10))
	if err != nil {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	s := string(b)
	switch {
	case strings.HasSuffix(s, "\r\n"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "\n"), strings.HasSuffix(s, "\r"):
		s = s[:len(s)-1]
	}
	if s == "" {
		return "", fmt.Errorf("--password-stdin: standard input is empty")
	}
	return s, nil
}

// credentials resolves what the trace authenticates with: flags first, then
// the Docker config as the Docker CLI resolves it for host.
func (f *traceFlags) credentials(ctx context.Context, g *GlobalOptions, host string, dockerHub bool, r *redact.Redactor) (flow.Credentials, error) {
	if f.Anonymous {
		return flow.Credentials{Source: "none (--anonymous)"}, nil
	}
	if f.Username != "" {
		pw := f.Password
		if f.PasswordStdin && f.stdinPassword == nil {
			read, err := readPasswordStdin(g.deps.In)
			if err != nil {
				return flow.Credentials{}, badInput(err)
			}
			f.stdinPassword = &read
		}
		if f.stdinPassword != nil {
			pw = *f.stdinPassword
		}
		r.AddBasic(f.Username, pw)
		src := "flags"
		if pw == "" {
			src = "flags (username only: no password given)"
		}
		return withKind(flow.Credentials{Username: f.Username, Password: pw, Source: src}, host, g.deps.Now), nil
	}
	path, explicit := g.dockerConfigPath()
	res, err := creds.Resolve(ctx, creds.Options{
		ConfigPath:     path,
		ConfigExplicit: explicit,
		Host:           host,
		DockerHub:      dockerHub,
		HelperTimeout:  f.HelperTimeout,
		Getenv:         g.deps.Getenv,
	})
	if he := (*creds.HelperError)(nil); errors.As(err, &he) {
		return flow.Credentials{Source: he.Source}, &helperFailed{failure: helperFailure(he, cmp.Or(g.deps.getenv("PATH"), os.Getenv("PATH")))}
	}
	if err != nil {
		return flow.Credentials{}, badInput(err)
	}
	r.AddBasic(res.Username, res.Password)
	r.Add("identitytoken", res.IdentityToken)
	r.Add("registrytoken", res.RegistryToken)
	return withKind(flow.Credentials{
		Username:      res.Username,
		Password:      res.Password,
		IdentityToken: res.IdentityToken,
		RegistryToken: res.RegistryToken,
		Source:        res.Source,
	}, host, g.deps.Now), nil
}

// transport builds the transport for host unless the deps inject one.
func (f *traceFlags) transport(g *GlobalOptions, host string) (*transport.Result, error) {
	if g.deps.Transport != nil {
		return &transport.Result{}, nil
	}
	res, err := transport.Build(transport.Options{
		Insecure: f.Insecure, CAFile: f.CAFile, CertsDir: f.CertsDir, Host: host,
		Timeout: f.Timeout, Getenv: g.deps.Getenv,
	})
	if err != nil {
		return nil, badInput(err)
	}
	return res, nil
}

// engineOptions resolves the credentials and the transport for ep and
// assembles the engine's options: every tracing command's first steps.
func (f *traceFlags) engineOptions(ctx context.Context, g *GlobalOptions, registry string, ep flow.Endpoint) (flow.Options, *redact.Redactor, error) {
	r := g.redactor()
	c, err := f.credentials(ctx, g, ep.Host, ep.DockerHub, r)
	var hf *helperFailed
	if errors.As(err, &hf) {
		// The trace records the failure and sends nothing, as the client.
		err = nil
	}
	if err != nil {
		return flow.Options{}, nil, err
	}
	tr, err := f.transport(g, ep.Host)
	if err != nil {
		return flow.Options{}, nil, err
	}
	o := f.flowOptions(g, registry, c, tr, r)
	if hf != nil {
		o.HelperFailure = hf.failure
	}
	return o, r, nil
}

// flowOptions assembles the engine's options.
func (f *traceFlags) flowOptions(g *GlobalOptions, registry string, c flow.Credentials, tr *transport.Result, r *redact.Redactor) flow.Options {
	o := flow.Options{
		Registry:            registry,
		Credentials:         c,
		Anonymous:           f.Anonymous,
		OAuth:               f.OAuth,
		PlainHTTP:           f.PlainHTTP,
		AllowPlainHTTPRealm: f.AllowPlainHTTPRealm,
		Timeout:             f.Timeout,
		UserAgent:           f.UserAgent,
		Now:                 g.deps.Now,
		Redactor:            r,
		Transport:           g.deps.Transport,
		Proxy:               tr.Proxy,
		Profile:             f.profile,
		ClientNote:          f.clientNote,
	}
	if o.Transport == nil && tr.Transport != nil {
		o.Transport = tr.Transport
	}
	return o
}

// emit prints a trace in the chosen format, writes the HAR file if asked,
// and turns the verdict into the exit code.
func (f *traceFlags) emit(g *GlobalOptions, t *flow.Trace, r *redact.Redactor, extra any) error {
	if f.HARFile != "" {
		if err := writeHAR(f.HARFile, []*flow.Trace{t}, r); err != nil {
			return err
		}
	}
	doc := render.NewTraceDoc(t, r)
	doc.Extra = extra
	if f.Curl {
		doc.AddCurl(t, r)
	}
	if g.json() {
		if err := render.JSON(g.deps.Out, doc); err != nil {
			return err
		}
	} else {
		if err := render.TraceText(g.deps.Out, t, r, g.style(), g.textOptions(f.Curl)); err != nil {
			return err
		}
	}
	if err := f.Report.write(g, traceReport(t, render.NewTraceDoc(t, r.WithShow(false))), r); err != nil {
		return err
	}
	return silentExit(verdictExit(t.Verdict))
}

func verdictExit(v flow.Verdict) int {
	switch v {
	case flow.VerdictOK:
		return exitOK
	case flow.VerdictTransport:
		return exitTransport
	}
	return exitRefused
}

func writeHAR(path string, ts []*flow.Trace, r *redact.Redactor) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return badInput(fmt.Errorf("--har: %w", err))
	}
	if err := render.HAR(f, ts, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/decode/authconfig"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/doctor"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

func init() { register("doctor", newDoctorCmd) }

type doctorOptions struct {
	g          *GlobalOptions
	flags      traceFlags
	Parallel   int
	Registries []string
	// PullSecrets are --pull-secret files; secretCreds their entries'
	// credentials by target.
	PullSecrets []string
	secretCreds map[doctor.Target]doctor.SecretCred
}

const doctorLong = `Check every registry the Docker config knows (auths, credHelpers, and what the
credsStore's helper lists) with login-trace's handshake, several at a time, and
give each a verdict: ok, bad credentials, helper failed, no credentials,
unreachable, TLS problem, token service broken, token rejected, not a registry.
Credentials are resolved per registry as the Docker CLI resolves them.

With --pull-secret FILE (repeatable) the registries are those of Kubernetes pull
Secrets (as kubectl get secret NAME -o yaml|json prints them) instead, each checked
with its entry's credentials, as the kubelet would hand them to the runtime; the
Secrets' own faults are listed too (SECRET_* codes).

With REGISTRY arguments only those are checked. While the checks run on a
terminal, a progress line goes to stderr (nothing when stderr is a pipe).

Exit codes: the worst verdict's: 0 all ok, 1 some refused or broken,
2 bad input, 3 some unreachable (DNS, connect, TLS, timeout).`

const doctorExample = `  regauth doctor
  regauth doctor --parallel 16 -o json | jq '.registries[] | select(.verdict != "ok")'
  regauth doctor registry.example.com ghcr.io
  regauth doctor --config ./ci-config.json --timeout 5s
  kubectl get secret regcred -o yaml > regcred.yaml && regauth doctor --pull-secret regcred.yaml`

func newDoctorCmd(g *GlobalOptions) *cobra.Command {
	o := &doctorOptions{g: g}
	cmd := &cobra.Command{
		Use:     "doctor [REGISTRY...]",
		Short:   "Check every registry the Docker config knows and give each a verdict",
		Long:    doctorLong,
		Example: doctorExample,
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Registries = args
			return runDoctor(cmd.Context(), o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.Parallel, "parallel", doctor.DefaultParallel, "how many registries to check at once")
	f.StringArrayVar(&o.PullSecrets, "pull-secret", nil, "check the registries of this Kubernetes pull Secret (kubectl get secret NAME -o yaml|json; - for stdin) with its credentials, instead of the Docker config's; repeatable")
	addConnectionFlags(cmd, &o.flags)
	addReportFlags(cmd, &o.flags.Report)
	f.DurationVar(&o.flags.HelperTimeout, "helper-timeout", credhelper.DefaultTimeout, "time limit for each docker-credential-* helper")
	return cmd
}

func runDoctor(ctx context.Context, o *doctorOptions) error {
	if o.Parallel < 1 {
		return usageErr("--parallel must be at least 1")
	}
	if err := o.flags.validate(); err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	path, explicit := o.g.dockerConfigPath()
	if len(o.PullSecrets) > 0 && len(o.Registries) > 0 {
		return usageErr("--pull-secret checks the Secrets' registries: drop the REGISTRY arguments")
	}
	src, err := creds.Load(creds.Options{ConfigPath: path, ConfigExplicit: explicit, Getenv: o.g.deps.Getenv})
	if err != nil && len(o.PullSecrets) == 0 {
		return badInput(err)
	}
	var targets []doctor.Target
	var found []diagnose.Diagnosis
	if len(o.Registries) > 0 {
		for _, reg := range o.Registries {
			if _, err := flow.ParseEndpoint(reg, false); err != nil {
				return badInput(err)
			}
			targets = append(targets, doctor.Target{Registry: reg, Found: "argument"})
		}
	} else if len(o.PullSecrets) > 0 {
		if targets, found, err = o.pullSecretTargets(); err != nil {
			return err
		}
	} else {
		targets, found = doctor.Discover(ctx, []*authconfig.File{src.Env, src.File}, o.flags.HelperTimeout)
	}

	r := o.g.redactor()
	progress := progressLine(o.g.deps.ErrOut, render.IsTerminal(o.g.deps.ErrOut))
	results := doctor.Run(ctx, targets, o.Parallel, func(ctx context.Context, t doctor.Target) doctor.Result {
		return checkRegistry(ctx, o, src, t, r)
	}, progress)
	if progress != nil {
		fmt.Fprint(o.g.deps.ErrOut, "\r\033[K")
	}

	if o.g.json() {
		if err := render.JSON(o.g.deps.Out, render.NewDoctorDoc(results, found, r)); err != nil {
			return err
		}
	} else if err := render.DoctorText(o.g.deps.Out, results, found, r, o.g.style()); err != nil {
		return err
	}
	if err := o.flags.Report.write(o.g, doctorReport(results, found, render.NewDoctorDoc(results, found, r.WithShow(false))), r); err != nil {
		return err
	}
	return silentExit(doctor.WorstExit(results))
}

// checkRegistry resolves one registry's credentials and runs the login
// handshake with them.
func checkRegistry(ctx context.Context, o *doctorOptions, src *creds.Sources, t doctor.Target, r *redact.Redactor) doctor.Result {
	res := doctor.Result{Registry: t.Registry}
	ep, err := flow.ParseEndpoint(t.Registry, o.flags.PlainHTTP)
	if err != nil {
		res.Verdict, res.Summary = doctor.ConfigError, err.Error()
		return res
	}
	c, fromSecret := o.secretCredentials(t)
	if !fromSecret {
		c, err = src.Resolve(ctx, ep.Host, ep.DockerHub, o.flags.HelperTimeout)
	}
	if err != nil {
		res.Verdict, res.Summary, res.Source = doctor.ConfigError, err.Error(), "config"
		var he *credhelper.Error
		if errors.As(err, &he) {
			res.Verdict, res.Code = doctor.HelperFailed, diagnose.CredentialHelperError
			res.Diagnoses = []diagnose.Diagnosis{diagnose.New(diagnose.CredentialHelperError, err.Error(), "")}
			res.Source = he.Helper
		}
		return res
	}
	r.AddBasic(c.Username, c.Password)
	r.Add("identitytoken", c.IdentityToken)
	r.Add("registrytoken", c.RegistryToken)
	fc := flow.Credentials{Username: c.Username, Password: c.Password, IdentityToken: c.IdentityToken, RegistryToken: c.RegistryToken, Source: c.Source}
	fc = withKind(fc, ep.Host, o.g.deps.Now)
	tr, err := o.flags.transport(o.g, ep.Host)
	if err != nil {
		res.Verdict, res.Summary = doctor.ConfigError, err.Error()
		return res
	}
	trace := flow.Login(ctx, o.flags.flowOptions(o.g, t.Registry, fc, tr, r))
	res.Trace = trace
	res.User, res.Source = c.Username, c.Source
	if res.User == "" && c.IdentityToken != "" {
		res.User = "(identity token)"
	}
	res.Verdict, res.Code = doctor.Judge(trace)
	res.Summary = trace.Summary
	res.Diagnoses = trace.Diagnoses
	res.DurationMS = float64(trace.Duration.Microseconds()) / 1e3
	return res
}

// progressLine reports progress on a terminal's stderr; nil elsewhere, so
// pipes and CI logs get nothing.
func progressLine(w io.Writer, terminal bool) func(done, total int, r doctor.Result) {
	if !terminal {
		return nil
	}
	return func(done, total int, r doctor.Result) {
		fmt.Fprintf(w, "\r\033[Kchecked %d/%d registries (last: %s %s)", done, total, r.Registry, r.Verdict)
	}
}

// doctorReport is a row per registry, then each registry's login trace.
func doctorReport(results []doctor.Result, found []diagnose.Diagnosis, doc any) report.Report {
	rep := report.Report{Title: "doctor", OK: doctor.WorstExit(results) == exitOK, JSON: doc, Diagnoses: found,
		Header: []string{"registry", "user", "verdict", "summary"}}
	rep.Verdict, rep.Summary = "ok", fmt.Sprintf("%d registries checked", len(results))
	if !rep.OK {
		rep.Verdict = "refused"
	}
	for _, res := range results {
		rep.Rows = append(rep.Rows, []string{res.Registry, res.User, string(res.Verdict), res.Summary})
		for _, d := range res.Diagnoses {
			d.Message = res.Registry + ": " + d.Message
			rep.Diagnoses = append(rep.Diagnoses, d)
		}
		if res.Trace != nil {
			rep.Sections = append(rep.Sections, report.Section{Title: res.Registry, Trace: res.Trace})
		}
	}
	return rep
}

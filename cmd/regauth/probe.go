package main

import (
	"crypto/tls"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/probe"
	"github.com/regauth/regauth/internal/render"
	"github.com/regauth/regauth/internal/report"
)

func init() { register("probe", newProbeCmd) }

type probeOptions struct {
	g        *GlobalOptions
	flags    traceFlags // the connection flags only: probe sends no credentials
	Registry string
}

const probeLong = `Look at a registry without sending any credentials, layer by layer, for the
registry and, separately, for the token service its challenge names:

  dns     what the name resolves to
  tcp     whether the port accepts a connection, and how fast
  tls     version and cipher; the certificate chain (subject, issuer, names,
          expiry) checked against the system pool, --ca-file and the certs.d
          folder each on its own; the name used against the names in the
          certificate; a missing intermediate named as such
  speaks  whether the port speaks https, plain http or both
  API     GET /v2/ (status, Docker-Distribution-API-Version, the challenge),
          GET /v1/_ping and GET /v1/users/

Then the summary ("speaks the v2 API only", "v1 only", "both", "not a
registry") and one sentence that says whether the problem is DNS, the network,
TLS, http vs https, the API version or the token service, or, when all of
those are fine, authentication (then run login-trace).

With a certificate that fails the checks, the API requests are still made,
unverified and without credentials, to show what the registry would answer
once trust is fixed.

Exit codes: 0 a v2 registry answers, 1 it answers but a current client cannot
use it (v1 only, not a registry), 2 bad input, 3 a DNS, connection, TLS or
http-vs-https failure of the registry or of its token service.`

const probeExample = `  # what is wrong, before any password is involved
  regauth probe registry.example.com

  # a private CA: check the chain as Docker would with certs.d, or with a file
  regauth probe registry.example.com:5000 --certs-dir /etc/docker/certs.d
  regauth probe registry.example.com:5000 --ca-file ca.pem

  # a registry said to speak plain http
  regauth probe http://registry.example.com:5000

  # does a proxy treat an old client differently?
  regauth probe harbor.example.com --user-agent "docker/1.9.1 go/go1.4.3 kernel/3.10.0 os/linux arch/amd64"

  # for scripts
  regauth probe registry.example.com -o json | jq -r .problem`

func newProbeCmd(g *GlobalOptions) *cobra.Command {
	o := &probeOptions{g: g}
	cmd := &cobra.Command{
		Use:     "probe REGISTRY",
		Short:   "Check DNS, TLS, http vs https and the API version of a registry, without credentials",
		Long:    probeLong,
		Example: probeExample,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Registry = args[0]
			return runProbe(cmd, o)
		},
	}
	addConnectionFlags(cmd, &o.flags)
	addReportFlags(cmd, &o.flags.Report)
	return cmd
}

func runProbe(cmd *cobra.Command, o *probeOptions) error {
	if o.flags.Timeout <= 0 {
		return usageErr("--timeout must be positive")
	}
	if _, err := o.flags.Report.format(); err != nil {
		return err
	}
	ep, err := flow.ParseEndpoint(o.Registry, o.flags.PlainHTTP)
	if err != nil {
		return badInput(err)
	}
	// The transport is built for what it checks (CA files, client
	// certificates) and the proxy it finds; the probe makes its own
	// connections so that it can look at each layer.
	tr, err := o.flags.transport(o.g, ep.Host)
	if err != nil {
		return err
	}
	trust, err := probe.LoadTrust(o.flags.CAFile, o.flags.CertsDir, ep.Host)
	if err != nil {
		return badInput(err)
	}
	var clientCerts []tls.Certificate
	if tr.Transport != nil && tr.Transport.TLSClientConfig != nil {
		clientCerts = tr.Transport.TLSClientConfig.Certificates
	}
	rep, err := probe.Run(cmd.Context(), probe.Options{
		Registry:           o.Registry,
		PlainHTTP:          o.flags.PlainHTTP,
		Insecure:           o.flags.Insecure,
		Trust:              trust,
		ClientCertificates: clientCerts,
		Timeout:            o.flags.Timeout,
		UserAgent:          o.flags.UserAgent,
		Now:                o.g.deps.Now,
		Proxy:              tr.Proxy,
	})
	if err != nil {
		return badInput(err)
	}
	r := o.g.redactor()
	if o.g.json() {
		if err := render.JSON(o.g.deps.Out, render.NewProbeDoc(rep, r)); err != nil {
			return err
		}
	} else {
		if err := render.ProbeText(o.g.deps.Out, rep, r, o.g.style(), o.g.textOptions(false)); err != nil {
			return err
		}
	}
	if err := o.flags.Report.write(o.g, probeReport(rep, render.NewProbeDoc(rep, r.WithShow(false))), r); err != nil {
		return err
	}
	return silentExit(probeExit(rep.Verdict))
}

func probeExit(v probe.Verdict) int {
	switch v {
	case probe.VerdictOK:
		return exitOK
	case probe.VerdictTransportFail:
		return exitTransport
	}
	return exitRefused
}

// probeReport is the probe's verdict and a row per request (probe sends
// no credentials, so there is no handshake to draw).
func probeReport(rep *probe.Report, doc any) report.Report {
	out := report.Report{Title: "probe " + rep.Registry, OK: probeExit(rep.Verdict) == exitOK, Verdict: string(rep.Verdict),
		Summary: rep.Summary + ". " + rep.Next, Diagnoses: rep.Diagnoses, JSON: doc,
		Header: []string{"request", "method", "URL", "status"}}
	for _, x := range rep.Requests {
		status := "no answer"
		if x.Status != 0 {
			status = fmt.Sprintf("%d %s", x.Status, x.StatusText)
		}
		out.Rows = append(out.Rows, []string{x.Name, x.Method, x.URL, status})
	}
	return out
}

package main

import (
	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/flow"
)

// addConnectionFlags binds the flags that say how to reach a registry
// (scheme, TLS trust, time limit, User-Agent): every command that talks to
// one has them, whether or not it takes credentials.
func addConnectionFlags(cmd *cobra.Command, f *traceFlags) {
	fl := cmd.Flags()
	fl.BoolVar(&f.PlainHTTP, "plain-http", false, "talk plain http to the registry (Docker does so only for insecure registries)")
	fl.BoolVar(&f.Insecure, "insecure", false, "do not verify the registry's TLS certificate")
	fl.StringVar(&f.CAFile, "ca-file", "", "PEM file of extra certificate authorities to trust")
	fl.StringVar(&f.CertsDir, "certs-dir", "/etc/docker/certs.d", "Docker certs.d folder: <host[:port]>/ca.crt, client.cert and client.key")
	fl.DurationVar(&f.Timeout, "timeout", flow.DefaultTimeout, "time limit for each request, body included")
	fl.StringVar(&f.UserAgent, "user-agent", "", "User-Agent header to send")
}

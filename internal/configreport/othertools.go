package configreport

import (
	"cmp"
	"fmt"

	"github.com/regauth/regauth/internal/decode/othertools"
	"github.com/regauth/regauth/internal/diagnose"
)

// otherToolReport is decode-config's answer for another tool's file: what
// it is, and for regctl's config.json its hosts with their logins.
func otherToolReport(o Options, name string, data []byte, ft othertools.Format) (*Report, error) {
	src := Source{Path: name, Format: ft.ID, Read: true}
	rep := &Report{Sources: []Source{src}, Note: ft.Note}
	if ft.ID == "regctl" {
		c, err := othertools.ParseRegctl(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, h := range c.Hosts {
			row := Row{Source: name, Key: h.Name, Host: h.Hostname, Username: h.User}
			row.DockerHub = h.Hostname == "docker.io" || h.Hostname == "registry-1.docker.io" || h.Hostname == "index.docker.io"
			switch {
			case h.Pass != "":
				row.SecretKind, row.Secret = "password", h.Pass
			case h.Token != "":
				row.SecretKind, row.Secret = "token", h.Token
			}
			row.Winner = fmt.Sprintf("regctl: hosts[%q], tls %s", h.Name, cmp.Or(h.TLS, "enabled"))
			if h.CredHelper != "" {
				row.Winner += ", credHelper " + h.CredHelper + " (not run: regctl's helpers take regctl's own protocol)"
			}
			if row.Secret != "" {
				d := diagnose.New(diagnose.PlaintextPassword, fmt.Sprintf("hosts[%q] in %s holds a %s in plain text (regctl registry login stores it there)", h.Name, name, row.SecretKind), "Use a credHelper for the host in regctl's config, or keep the login in the Docker config with a credential helper (regctl reads it while incDockerCred is true).")
				row.Findings = append(row.Findings, d)
				rep.Diagnoses = append(rep.Diagnoses, d)
			}
			rep.classifyRow(o, src, &row)
			rep.Rows = append(rep.Rows, row)
		}
		if c.IncDockerCred != nil && !*c.IncDockerCred {
			rep.Note += "; incDockerCred is false: regctl ignores the Docker config"
		}
	}
	rep.ecrReuse()
	diagnose.Sort(rep.Diagnoses)
	return rep, nil
}

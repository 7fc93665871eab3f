package configreport

import (
	"context"
	"fmt"
	"io"

	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/decode/authconfig"
	"github.com/regauth/regauth/internal/decode/k8ssecret"
	"github.com/regauth/regauth/internal/decode/othertools"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/keyring"
)

// StdinPath is the path that means standard input.
const StdinPath = "-"

// BuildNamed reads the file the user named when it needs more than Build
// does: a Kubernetes Secret (told apart by content), or "-" for standard
// input. handled is false for anything Build reads itself.
func BuildNamed(ctx context.Context, o Options, in io.Reader) (rep *Report, handled bool, err error) {
	if o.Path == "" || o.Containers {
		return nil, false, nil
	}
	name, data := o.Path, []byte(nil)
	if o.Path == StdinPath {
		name = "stdin"
		if in == nil {
			return nil, true, fmt.Errorf("no standard input to read")
		}
		if data, err = io.ReadAll(io.LimitReader(in, authconfig.MaxConfigSize+1)); err != nil {
			return nil, true, fmt.Errorf("reading stdin: %w", err)
		}
		if len(data) > authconfig.MaxConfigSize {
			return nil, true, fmt.Errorf("stdin: larger than the %d MiB limit for a config file", authconfig.MaxConfigSize>>20)
		}
	} else if data, err = creds.ReadConfig(o.Path); err != nil {
		return nil, false, nil // Build names the problem as it always has
	}
	if k8ssecret.Detect(data) {
		rep, err := SecretsReport(o, name, data)
		return rep, true, err
	}
	if ft := othertools.Identify(data); ft.ID != "" {
		rep, err := otherToolReport(o, name, data, ft)
		return rep, true, err
	}
	if o.Path != StdinPath {
		return nil, false, nil
	}
	f, err := authconfig.Parse(name, data)
	if err != nil {
		return nil, true, fmt.Errorf("%s: %w", name, err)
	}
	rep = &Report{}
	rep.addFile(ctx, o, Source{Path: name, Format: f.Format, Read: true, File: f})
	rep.ecrReuse()
	diagnose.Sort(rep.Diagnoses)
	return rep, true, nil
}

// SecretsReport is decode-config's report of a Kubernetes Secret file: a
// source per Secret and a row per registry, each naming its Secret and
// key, with the key as the kubelet files it.
func SecretsReport(o Options, name string, data []byte) (*Report, error) {
	f, err := k8ssecret.Parse(name, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	rep := &Report{}
	rep.Diagnoses = append(rep.Diagnoses, f.Findings...)
	for _, s := range f.Secrets {
		src := Source{Path: name + ": " + s.Label(), Format: secretFormat(f, s), Read: s.Used}
		if !s.Used {
			src.Skipped = "the kubelet ignores it: " + s.Ignored
		}
		rep.Sources = append(rep.Sources, src)
		rep.Diagnoses = append(rep.Diagnoses, s.Findings...)
		for _, e := range s.Entries {
			row := secretRow(name, s, e)
			rep.Diagnoses = append(rep.Diagnoses, e.Findings...)
			rep.classifyRow(o, src, &row)
			rep.Rows = append(rep.Rows, row)
		}
	}
	if len(rep.Rows) == 0 {
		rep.Note = "no registry credentials the kubelet would read"
	}
	rep.ecrReuse()
	diagnose.Sort(rep.Diagnoses)
	return rep, nil
}

func secretFormat(f *k8ssecret.File, s k8ssecret.Secret) string {
	out := f.Format
	if s.Type != "" {
		out += ", type " + s.Type
	}
	if s.Field != "" {
		out += ", in " + s.Field
	}
	return out
}

// secretRow is one registry of one Secret. Host is the kubelet's key for
// it; Winner says which Secret and key it comes from, or why the kubelet
// does not use it.
func secretRow(name string, s k8ssecret.Secret, e k8ssecret.Entry) Row {
	row := Row{Source: name + ": " + s.Label(), Key: e.Key, Host: e.Key, Username: e.Username, Findings: e.Findings}
	if n, err := keyring.Normalise(e.Key); err == nil {
		row.Host = n
		row.DockerHub = n == keyring.HubKey || n == "docker.io"
	}
	if e.Password != "" {
		row.SecretKind, row.Secret = "password", e.Password
	}
	switch {
	case !s.Used:
		row.Winner = "not used: the kubelet ignores " + s.Label()
	default:
		row.Winner = "kubelet: " + s.Label()
	}
	return row
}

package main

import (
	"fmt"

	"github.com/regauth/regauth/internal/creds"
	"github.com/regauth/regauth/internal/decode/k8ssecret"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/doctor"
)

// pullSecretTargets reads every --pull-secret into doctor's targets: one
// per registry entry of the Secrets the kubelet reads, with the Secrets'
// own findings.
func (o *doctorOptions) pullSecretTargets() ([]doctor.Target, []diagnose.Diagnosis, error) {
	var files []*k8ssecret.File
	var found []diagnose.Diagnosis
	for _, p := range o.PullSecrets {
		name, data, err := readInputFile(o.g, p)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("--pull-secret %s", err))
		}
		f, err := k8ssecret.Parse(name, data)
		if err != nil {
			return nil, nil, badInput(fmt.Errorf("--pull-secret %s: %w", name, err))
		}
		files = append(files, f)
		found = append(found, f.Findings...)
		for _, s := range f.Secrets {
			found = append(found, s.Findings...)
			for _, e := range s.Entries {
				found = append(found, e.Findings...)
			}
		}
	}
	targets, secretCreds, ds := doctor.DiscoverSecrets(files)
	o.secretCreds = secretCreds
	found = append(found, ds...)
	diagnose.Sort(found)
	return targets, found, nil
}

// secretCredentials is the pull Secret entry's credential for t, when t
// came from one.
func (o *doctorOptions) secretCredentials(t doctor.Target) (creds.Result, bool) {
	c, ok := o.secretCreds[t]
	if !ok {
		return creds.Result{}, false
	}
	return creds.Result{Username: c.Username, Password: c.Password, Source: t.Found}, true
}

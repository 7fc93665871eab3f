package configreport

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
)

// classifyRow says what the row's stored secret and its helper's are; the
// findings join the row's and the report's.
func (rep *Report) classifyRow(o Options, s Source, row *Row) {
	now := time.Now()
	if o.Now != nil {
		now = o.Now()
	}
	if row.Secret != "" {
		row.Kind = credkind.Classify(credkind.Input{
			Registry: row.Key, Username: row.Username, Secret: row.Secret, SecretType: row.SecretKind,
			Stored: true, Where: fmt.Sprintf("auths[%q] in %s", row.Key, s.Path), Now: now,
		})
		row.Findings = append(append([]diagnose.Diagnosis{}, row.Findings...), row.Kind.Findings...)
		rep.Diagnoses = append(rep.Diagnoses, row.Kind.Findings...)
	}
	if h := row.Helper; h != nil && h.Secret != "" {
		user, typ := h.Username, h.SecretKind
		h.Kind = credkind.Classify(credkind.Input{
			Registry: row.Key, Username: user, Secret: h.Secret, SecretType: typ,
			Stored: true, Where: fmt.Sprintf("docker-credential-%s for %s", h.Name, row.Key), Now: now,
		})
		rep.Diagnoses = append(rep.Diagnoses, h.Kind.Findings...)
	}
}

// ecrReuse reports one ECR token stored under registries of different
// accounts or regions: it is bound to one of them at most. The binding is
// encrypted in the token, so the hosts are compared.
func (rep *Report) ecrReuse() {
	hosts := map[string][]string{} // fingerprint -> keys
	for _, row := range rep.Rows {
		if row.Kind == nil || row.Kind.ID != "ecr-token" {
			continue
		}
		fp := redact.Fingerprint(row.Secret)
		if !containsHost(hosts[fp], row.Host) {
			hosts[fp] = append(hosts[fp], row.Host)
		}
	}
	fps := make([]string, 0, len(hosts))
	for fp, hs := range hosts {
		if len(hs) > 1 {
			fps = append(fps, fp)
		}
	}
	sort.Strings(fps)
	for _, fp := range fps {
		hs := hosts[fp]
		sort.Strings(hs)
		rep.Diagnoses = append(rep.Diagnoses, diagnose.New(diagnose.ECRTokenReused,
			fmt.Sprintf("the same ECR authorization token (sha256:%s) is stored for %s; it works for one of them at most", fp, strings.Join(hs, " and ")), ""))
	}
}

func containsHost(hs []string, h string) bool {
	for _, x := range hs {
		if x == h {
			return true
		}
	}
	return false
}

package render

import (
	"strings"

	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/doctor"
	"github.com/regauth/regauth/internal/redact"
)

// kindTitle names a credential kind in one phrase, with its public prefix.
func kindTitle(k *credkind.Kind, r *redact.Redactor) string {
	if k == nil {
		return ""
	}
	s := k.Title
	if k.Prefix != "" {
		s += ", " + k.Prefix + "…"
	}
	return r.String(redact.OneLine(s))
}

// kindLine is the title and the facts a reader needs first, on one line:
// the credentials line of a trace.
func kindLine(k *credkind.Kind, r *redact.Redactor) string {
	if k == nil {
		return ""
	}
	parts := []string{kindTitle(k, r)}
	for _, f := range k.Facts {
		switch f.Name {
		case "expires", "client_email", "project_id", "robot", "tenant", "registry", "account", "region":
			v := f.Value
			if f.Name == "account" {
				v, _, _ = strings.Cut(v, " ")
			}
			parts = append(parts, f.Name+" "+r.String(redact.OneLine(v)))
		}
	}
	return strings.Join(parts, "; ")
}

// maskKind is k with every printable string through the redactor, for
// JSON: facts come from decoding, but a claim may repeat a secret.
func maskKind(k *credkind.Kind, r *redact.Redactor) *credkind.Kind {
	if k == nil {
		return nil
	}
	m := *k
	m.Title = r.String(k.Title)
	m.Facts = make([]credkind.Fact, len(k.Facts))
	for i, f := range k.Facts {
		m.Facts[i] = credkind.Fact{Name: f.Name, Value: r.String(f.Value)}
	}
	m.Findings = nil
	return &m
}

// credentialKindWords is what the credentials line of a trace adds: the
// kind and its key facts, nothing for a password of no known format.
func credentialKindWords(k *credkind.Kind, r *redact.Redactor) string {
	if k == nil || k.ID == "password" || k.ID == "token" {
		return ""
	}
	return "; " + kindLine(k, r)
}

// doctorKindWords is what doctor's CREDENTIALS cell adds: the kind's title
// when it is more than a password of no known format.
func doctorKindWords(res doctor.Result, r *redact.Redactor) string {
	if res.Trace == nil {
		return ""
	}
	k := res.Trace.Credentials.Kind
	if k == nil || k.ID == "password" || k.ID == "token" {
		return ""
	}
	return " (" + kindTitle(k, r) + ")"
}

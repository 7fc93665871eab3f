package main

import (
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/flow"
)

// withKind says what c's secret is, for the trace's credentials line and
// diagnoses. The secret the client sends first is the one classified: an
// identity token, else a registry token, else the password.
func withKind(c flow.Credentials, registry string, now func() time.Time) flow.Credentials {
	if now == nil {
		now = time.Now
	}
	typ, secret := "password", c.Password
	switch {
	case c.IdentityToken != "":
		typ, secret = "identitytoken", c.IdentityToken
	case c.RegistryToken != "":
		typ, secret = "registrytoken", c.RegistryToken
	}
	fromFlags := strings.HasPrefix(c.Source, "flags")
	where := "the credentials for " + registry + " (" + c.Source + ")"
	if fromFlags {
		where = "the -u/--password credentials for " + registry
	}
	c.Kind = credkind.Classify(credkind.Input{
		Registry: registry, Username: c.Username, Secret: secret, SecretType: typ,
		Stored: !fromFlags, Where: where, Now: now(),
	})
	return c
}

// Package credkind says what a stored or given registry secret is (an ECR
// authorization token, a GitHub classic PAT, a Harbor robot's secret...)
// without showing it, and what is wrong with it where it is stored. It is
// a pure function over the host, the username and the secret: it reads the
// token's public prefix and what the secret decodes to, never prints more.
package credkind

import (
	"fmt"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
)

// Input is one credential and where it is used.
type Input struct {
	// Registry is the host or config key it is stored under, as written.
	Registry string
	Username string
	Secret   string
	// SecretType is what the secret is to the client: "password",
	// "identitytoken" or "registrytoken".
	SecretType string
	// Stored says it was read from a file or a helper: a CI job token
	// there has outlived its job.
	Stored bool
	// Where names the credential in messages, e.g. `auths["ghcr.io"] in
	// /home/u/.docker/config.json`; empty means "the credential for HOST".
	Where string
	Now   time.Time
}

// Fact is one thing the kind's decoding showed, safe to print.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Kind is what a secret is.
type Kind struct {
	// ID is stable for scripts: ecr-token, github-classic-pat, jwt,
	// password (nothing recognised)...
	ID    string `json:"id"`
	Title string `json:"title"`
	// Prefix is the token's public prefix (ghp_, glpat-): the only part
	// of the secret any output may show.
	Prefix  string     `json:"prefix,omitempty"`
	Facts   []Fact     `json:"facts,omitempty"`
	Expires *time.Time `json:"expires,omitempty"`
	// Findings are what does not fit: an expired token, a token for
	// another registry, a username that does not go with the secret.
	Findings []diagnose.Diagnosis `json:"-"`
}

// Fact returns the value of the fact called name, "" when there is none.
func (k *Kind) Fact(name string) string {
	if k == nil {
		return ""
	}
	for _, f := range k.Facts {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// Classify says what in's secret is; nil when there is no secret.
func Classify(in Input) *Kind {
	if in.Secret == "" {
		return nil
	}
	c := &classifier{in: in, host: parseHost(in.Registry), k: &Kind{}}
	if c.in.Where == "" {
		c.in.Where = "the credential for " + in.Registry
	}
	for _, try := range []func() bool{
		c.byUsername,
		c.byPrefix,
		c.ecrToken,
		c.serviceAccountKeyWithoutUsername,
		c.jwt,
		c.quayRobot,
	} {
		if try() {
			return c.k
		}
	}
	switch in.SecretType {
	case "identitytoken":
		c.set("token", "identity token (no format regauth recognises)", "")
	case "registrytoken":
		c.set("token", "registry token (no format regauth recognises)", "")
	default:
		c.set("password", "password (no token format regauth recognises)", "")
	}
	return c.k
}

type classifier struct {
	in   Input
	host host
	k    *Kind
}

func (c *classifier) set(id, title, prefix string) {
	c.k.ID, c.k.Title, c.k.Prefix = id, title, prefix
}

func (c *classifier) fact(name, value string) {
	if value != "" {
		c.k.Facts = append(c.k.Facts, Fact{Name: name, Value: value})
	}
}

func (c *classifier) find(code diagnose.Code, msg, hint string) *diagnose.Diagnosis {
	c.k.Findings = append(c.k.Findings, diagnose.New(code, c.in.Where+": "+msg, hint))
	return &c.k.Findings[len(c.k.Findings)-1]
}

// expiry records when the secret stops working and reports it when it has.
func (c *classifier) expiry(t time.Time, what string) {
	t = t.UTC()
	c.k.Expires = &t
	stamp := t.Format(time.RFC3339)
	if c.in.Now.IsZero() {
		c.fact("expires", stamp)
		return
	}
	if t.After(c.in.Now) {
		c.fact("expires", stamp+" (expires "+regtoken.Relative(c.in.Now, t)+")")
		return
	}
	ago := regtoken.Relative(c.in.Now, t)
	c.fact("expires", stamp+" (expired "+ago+")")
	c.find(diagnose.CredentialExpired, fmt.Sprintf("%s expired at %s (%s)", what, stamp, ago), "")
}

// fits reports a kind stored where it cannot work. homes are the families
// that issue it; selfHosted says it also exists on registries a host name
// does not reveal (GitLab self-managed, GitHub Enterprise, Harbor).
func (c *classifier) fits(what string, selfHosted bool, homes ...family) {
	h := c.host.family
	for _, f := range homes {
		if f == h {
			return
		}
	}
	if h == "" && selfHosted {
		return
	}
	issuer := "a self-hosted registry"
	if len(homes) > 0 {
		issuer = homes[0].String()
	}
	if h == "" {
		// The host may be a mirror or a proxy in front of the issuer.
		d := c.find(diagnose.CredentialWrongRegistry, fmt.Sprintf("%s %s, which only %s issues, is stored for %s, which does not look like %s", article(what), what, issuer, c.host.name, issuer), "")
		d.Severity = diagnose.Warning
		return
	}
	c.find(diagnose.CredentialWrongRegistry, fmt.Sprintf("%s %s, which %s issues, is stored for %s, which is %s", article(what), what, issuer, c.host.name, h), "")
}

func article(s string) string {
	if s != "" && strings.ContainsRune("AEIOU", rune(s[0])) {
		return "an"
	}
	return "a"
}

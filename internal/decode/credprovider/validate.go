package credprovider

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// validate is the kubelet's validateCredentialProviderConfig, run when it
// starts: every error here makes it exit.
func (c *Config) validate() {
	if len(c.Providers) == 0 {
		c.add(diagnose.CredProviderNoProviders, "providers is empty (\"at least 1 item in plugins is required\"): the kubelet does not start")
	}
	seen := map[string]bool{}
	for _, p := range c.Providers {
		c.validateName(p, seen)
		switch {
		case p.APIVersion == "":
			c.add(diagnose.CredProviderAPIVersion, "%s has no apiVersion: it is required (the request and response version, %s)", p.Label(), APIVersions[0])
		case !contains(APIVersions, p.APIVersion):
			c.add(diagnose.CredProviderAPIVersion, "%s apiVersion %q is not supported: the request and response apiVersion must be one of %s", p.Label(), p.APIVersion, strings.Join(APIVersions, ", "))
		}
		if len(p.MatchImages) == 0 {
			c.add(diagnose.CredProviderNoMatchImages, "%s has no matchImages (\"at least 1 item in matchImages is required\"): the kubelet does not start", p.Label())
		}
		for _, m := range p.MatchImages {
			if _, err := url.Parse("https://" + m); err != nil {
				c.add(diagnose.CredProviderBadMatchImage, "%s matchImages %q: match image is invalid: %v", p.Label(), m, unwrapURLError(err))
			}
		}
	}
}

func (c *Config) validateName(p Provider, seen map[string]bool) {
	var why string
	switch {
	case p.Name == "":
		why = "it has no name (the plugin's file name in the bin dir)"
	case strings.Contains(p.Name, "/"):
		why = "provider name cannot contain '/'"
	case strings.Contains(p.Name, " "):
		why = "provider name cannot contain spaces"
	case p.Name == "." || p.Name == "..":
		why = fmt.Sprintf("provider name cannot be '%s'", p.Name)
	case seen[p.Name]:
		why = "Duplicate value: the name is given to another provider before it"
	}
	seen[p.Name] = true
	if why != "" {
		c.add(diagnose.CredProviderBadName, "%s.name %q: %s; the kubelet does not start", fmt.Sprintf("providers[%d]", p.Index), p.Name, why)
	}
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Merge joins the configs of a directory (the kubelet reads its *.json,
// *.yaml and *.yml files in lexical order and joins their providers); a
// name given twice across files stops the kubelet.
func Merge(dir string, cfgs []*Config) *Config {
	m := &Config{Path: dir, APIVersion: "", Kind: ConfigKind, Providers: []Provider{}}
	seen := map[string]string{}
	for _, c := range cfgs {
		if m.APIVersion == "" {
			m.APIVersion = c.APIVersion
		}
		m.Findings = append(m.Findings, c.Findings...)
		for _, p := range c.Providers {
			p.Where = c.Path
			if first, ok := seen[p.Name]; ok && p.Name != "" && first != c.Path {
				m.add(diagnose.CredProviderBadName, "duplicate provider name %q found in configuration file(s) (%s and %s): the kubelet does not start", p.Name, first, c.Path)
			}
			seen[p.Name] = c.Path
			m.Providers = append(m.Providers, p)
		}
	}
	diagnose.Sort(m.Findings)
	return m
}

package credprovider

import (
	"fmt"

	"github.com/regauth/regauth/internal/keyring"
)

// GlobMatch is one matchImages entry tried against the image.
type GlobMatch struct {
	Glob    string `json:"glob"`
	Matched bool   `json:"matched"`
	Why     string `json:"why"`
}

// ProviderMatch says whether the kubelet runs a provider for an image.
type ProviderMatch struct {
	Provider string      `json:"provider"`
	Matched  bool        `json:"matched"`
	Globs    []GlobMatch `json:"globs"`
}

// Why is the match in one phrase.
func (m ProviderMatch) Why() string {
	for _, g := range m.Globs {
		if g.Matched {
			return fmt.Sprintf("matchImages %q: %s", g.Glob, g.Why)
		}
	}
	if len(m.Globs) == 1 {
		return fmt.Sprintf("matchImages %q: %s", m.Globs[0].Glob, m.Globs[0].Why)
	}
	return fmt.Sprintf("none of its %d matchImages match", len(m.Globs))
}

// Match is the kubelet's isImageAllowed: the provider runs for image (a
// name without tag, "registry.example.com/team/app") when any of its
// matchImages matches it as a pull Secret key would (URLsMatchStr: equal
// ports, as many host labels, each a glob, the path a prefix). The globs
// are used as written, not normalised like Secret keys.
func Match(p Provider, image string) ProviderMatch {
	m := ProviderMatch{Provider: p.Name, Globs: []GlobMatch{}}
	for _, g := range p.MatchImages {
		ok, why := keyring.Match(g, image)
		m.Globs = append(m.Globs, GlobMatch{Glob: g, Matched: ok, Why: why})
		m.Matched = m.Matched || ok
	}
	return m
}

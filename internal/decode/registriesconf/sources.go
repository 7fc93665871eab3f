package registriesconf

import (
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// Config is the merged configuration: the main file, then each drop-in.
type Config struct {
	// Files were read in this order.
	Files []string `json:"files"`
	// Missing names the default main file when it does not exist (which
	// containers/image accepts as an empty configuration).
	Missing      string     `json:"missing,omitempty"`
	Search       []string   `json:"unqualified_search_registries"`
	SearchOrigin string     `json:"unqualified_search_registries_origin,omitempty"`
	Registries   []Registry `json:"registries"`
	// ShortNameMode is the effective mode (containers/image's default is
	// permissive).
	ShortNameMode string               `json:"short_name_mode"`
	Aliases       map[string]Alias     `json:"aliases,omitempty"`
	Findings      []diagnose.Diagnosis `json:"-"`
	// Where is how containers/image names its configuration in errors:
	// the file, then the drop-in directory.
	Where string `json:"-"`
}

// Alias is a short-name alias and the file that set it.
type Alias struct {
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

// Merge applies drop-ins over the main file as
// updateWithConfigurationFrom does: [[registry]] tables replace those with
// the same prefix, unqualified-search-registries and short-name-mode are
// replaced when a file sets them, aliases merge (an empty value resets).
// main may be nil (no main file).
func Merge(where string, main *File, dropIns ...*File) *Config {
	c := &Config{Search: []string{}, Registries: []Registry{}, Aliases: map[string]Alias{}, Where: where}
	byPrefix := map[string]Registry{}
	for _, f := range append([]*File{main}, dropIns...) {
		if f == nil {
			continue
		}
		c.Files = append(c.Files, f.Path)
		c.Findings = append(c.Findings, f.Findings...)
		for _, r := range f.Registries {
			byPrefix[r.Prefix] = r
		}
		if f.Search != nil {
			c.Search, c.SearchOrigin = f.Search, f.Path
		}
		if f.ShortNameMode != "" {
			c.ShortNameMode = f.ShortNameMode
		}
		for k, v := range f.Aliases {
			if v == "" {
				delete(c.Aliases, k)
				continue
			}
			c.Aliases[k] = Alias{Value: v, Origin: f.Path}
		}
	}
	for _, r := range byPrefix {
		c.Registries = append(c.Registries, r)
	}
	sortRegistries(c.Registries)
	if c.ShortNameMode == "" {
		c.ShortNameMode = "permissive"
	}
	return c
}

// FindRegistry returns the [[registry]] with the longest prefix matching
// name (domain/path, optionally with tag or digest), or nil.
func (c *Config) FindRegistry(name string) *Registry {
	var best *Registry
	for i := range c.Registries {
		r := &c.Registries[i]
		if refMatchingPrefix(name, r.Prefix) != -1 && (best == nil || len(r.Prefix) > len(best.Prefix)) {
			best = r
		}
	}
	return best
}

// Candidates is how a name the user typed becomes the references podman
// tries: an alias, each search registry in order, or the name itself.
type Candidates struct {
	// Refs are fully qualified references ("docker.io/library/alpine:latest"
	// is written "docker.io/alpine:latest" here; imageref normalises it).
	Refs []string `json:"refs"`
	// How is "alias", "unqualified-search", or "" for a qualified name.
	How string `json:"how,omitempty"`
	// Description is containers/image's line for the resolution
	// (`Resolving "app" using unqualified-search registries (FILE)`).
	Description string               `json:"description,omitempty"`
	Findings    []diagnose.Diagnosis `json:"-"`
}

// Resolve turns input into pull candidates as shortnames.Resolve does
// without a terminal: an alias wins; else one candidate per search
// registry. A short name with neither is an error (REGCONF_NO_SEARCH).
func (c *Config) Resolve(input string) (Candidates, error) {
	if !IsShortName(input) {
		return Candidates{Refs: []string{input}}, nil
	}
	name, tag, digest := splitRef(input)
	suffix := ""
	if tag != "" {
		suffix = ":" + tag
	}
	if digest != "" {
		suffix += "@" + digest
	}
	if a, ok := c.Aliases[name]; ok {
		return Candidates{Refs: []string{a.Value + suffix}, How: "alias",
			Description: fmt.Sprintf("Resolved %q as an alias (%s)", name, a.Origin)}, nil
	}
	if len(c.Search) == 0 {
		msg := fmt.Sprintf("short-name %q did not resolve to an alias and no containers-registries.conf(5) was found", input)
		if c.SearchOrigin != "" || len(c.Files) > 0 {
			origin := c.SearchOrigin
			if origin == "" {
				origin = c.Files[0]
			}
			msg = fmt.Sprintf("short-name %q did not resolve to an alias and no unqualified-search registries are defined in %q", input, origin)
		}
		return Candidates{}, &Error{diagnose.RegConfNoSearch, c.Where, msg}
	}
	res := Candidates{How: "unqualified-search",
		Description: fmt.Sprintf("Resolving %q using unqualified-search registries (%s)", name, c.SearchOrigin)}
	for _, reg := range c.Search {
		res.Refs = append(res.Refs, reg+"/"+name+suffix)
	}
	if c.ShortNameMode == "enforcing" && len(res.Refs) > 1 {
		res.Findings = append(res.Findings, diagnose.New(diagnose.RegConfShortNameTTY,
			fmt.Sprintf("short-name-mode is enforcing and %q has %d candidates: podman asks which one on a terminal and fails without one (\"short-name resolution enforced but cannot prompt without a TTY\"); the replay tries each in order, as permissive mode does", name, len(res.Refs)), ""))
	}
	return res, nil
}

// Source is one place podman tries for a reference, in order.
type Source struct {
	// Reference is the rewritten reference to pull there.
	Reference string `json:"reference"`
	// Location is the endpoint's location ("" for a wildcard prefix,
	// which keeps the reference as is).
	Location string `json:"location"`
	Mirror   bool   `json:"mirror"`
	Insecure bool   `json:"insecure,omitempty"`
	// Blocked is containers/image's refusal when the registry this
	// source's reference falls under is blocked.
	Blocked string `json:"blocked,omitempty"`
}

// Sources are the pull sources for one candidate.
type Sources struct {
	// Registry is the [[registry]] that matched, or nil for none (the
	// reference is pulled as is).
	Registry *Registry `json:"registry,omitempty"`
	Sources  []Source  `json:"sources"`
	// Skipped are mirrors left out for this reference, with why.
	Skipped []string `json:"skipped,omitempty"`
}

// PullSources is PullSourcesFromReference for ref (a qualified reference,
// tag or digest included): the matching registry's mirrors first (subject
// to mirror-by-digest-only and pull-from-mirror), the primary location
// last, each with the reference rewritten from prefix to location.
func (c *Config) PullSources(ref string) (Sources, error) {
	name, _, digest := splitRef(ref)
	digested := digest != ""
	reg := c.FindRegistry(name)
	if reg == nil {
		s := Source{Reference: ref, Location: domainOf(name)}
		s.Blocked = c.blocked(name)
		return Sources{Sources: []Source{s}}, nil
	}
	out := Sources{Registry: reg}
	var eps []Endpoint
	for _, m := range reg.Mirrors {
		switch {
		case reg.MirrorByDigestOnly && !digested:
			out.Skipped = append(out.Skipped, fmt.Sprintf("mirror %s: mirror-by-digest-only is set and the reference has no digest", m.Location))
			continue
		case m.PullFromMirror == MirrorByDigestOnly && !digested:
			out.Skipped = append(out.Skipped, fmt.Sprintf("mirror %s: pull-from-mirror = \"digest-only\" and the reference has no digest", m.Location))
			continue
		case m.PullFromMirror == MirrorByTagOnly && digested:
			out.Skipped = append(out.Skipped, fmt.Sprintf("mirror %s: pull-from-mirror = \"tag-only\" and the reference has a digest", m.Location))
			continue
		}
		eps = append(eps, m)
	}
	nMirrors := len(eps)
	eps = append(eps, reg.primary())
	for i, ep := range eps {
		rewritten, err := rewrite(ref, reg.Prefix, ep.Location)
		if err != nil {
			return Sources{}, &Error{diagnose.RegConfInvalid, reg.Origin, err.Error()}
		}
		rn, _, _ := splitRef(rewritten)
		out.Sources = append(out.Sources, Source{Reference: rewritten, Location: ep.Location, Mirror: i < nMirrors,
			Insecure: ep.Insecure, Blocked: c.blocked(rn)})
	}
	return out, nil
}

// blocked is newDockerClientFromRef's check for the reference actually
// pulled (so a mirror of a blocked registry can still serve).
func (c *Config) blocked(name string) string {
	r := c.FindRegistry(name)
	if r == nil || !r.Blocked {
		return ""
	}
	return fmt.Sprintf("registry %s is blocked in %s", r.Prefix, c.Where)
}

// rewrite is rewriteReference: location replaces the matched prefix; an
// empty location (a wildcard prefix) keeps the reference.
func rewrite(ref, prefix, location string) (string, error) {
	n := refMatchingPrefix(ref, prefix)
	if n == -1 {
		return "", fmt.Errorf("invalid prefix '%v' for reference '%v'", prefix, ref)
	}
	if location == "" {
		if !strings.HasPrefix(prefix, "*.") {
			return "", fmt.Errorf("invalid prefix '%v' for empty location, should be in the format: *.example.com", prefix)
		}
		return ref, nil
	}
	return location + ref[n:], nil
}

func domainOf(name string) string {
	d, _, _ := strings.Cut(name, "/")
	return d
}

// Package registriesconf reads containers-registries.conf(5) as
// containers/image's sysregistriesv2 does: the v2 format
// (unqualified-search-registries, [[registry]] with prefix, location,
// insecure, blocked, mirror-by-digest-only and [[registry.mirror]],
// [aliases], short-name-mode), the v1 format converted, drop-ins merged in
// order; and for an image, the pull sources in containers/image's order.
//
// TOML goes through pelletier/go-toml/v2 rather than BurntSushi/toml
// (containers/image's): one TOML library for the project.
package registriesconf

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
)

// MaxSize bounds one file.
const MaxSize = 1 << 20

// Default locations, as containers/image builds them on Linux.
const (
	DefaultPath    = "/etc/containers/registries.conf"
	DefaultDirPath = "/etc/containers/registries.conf.d"
)

// pull-from-mirror values.
const (
	MirrorAll          = "all"
	MirrorByDigestOnly = "digest-only"
	MirrorByTagOnly    = "tag-only"
)

// Error is a fault containers/image refuses the configuration with.
type Error struct {
	Code diagnose.Code
	Path string
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s: %s", e.Code, e.Path, e.Msg) }

// Endpoint is a registry's or a mirror's location.
type Endpoint struct {
	Location       string `toml:"location" json:"location"`
	Insecure       bool   `toml:"insecure" json:"insecure,omitempty"`
	PullFromMirror string `toml:"pull-from-mirror" json:"pull_from_mirror,omitempty"`
}

// Registry is one [[registry]] table.
type Registry struct {
	Prefix             string     `toml:"prefix" json:"prefix"`
	Location           string     `toml:"location" json:"location"`
	Insecure           bool       `toml:"insecure" json:"insecure,omitempty"`
	Blocked            bool       `toml:"blocked" json:"blocked,omitempty"`
	MirrorByDigestOnly bool       `toml:"mirror-by-digest-only" json:"mirror_by_digest_only,omitempty"`
	PullFromMirror     string     `toml:"pull-from-mirror" json:"-"`
	Mirrors            []Endpoint `toml:"mirror" json:"mirrors,omitempty"`
	// Origin is the file that defined it.
	Origin string `toml:"-" json:"origin"`
}

func (r Registry) primary() Endpoint { return Endpoint{Location: r.Location, Insecure: r.Insecure} }

type v1List struct {
	Registries []string `toml:"registries"`
}

// rawFile is both formats at once, as containers/image decodes them.
type rawFile struct {
	Search            *[]string         `toml:"unqualified-search-registries"`
	Registries        []Registry        `toml:"registry"`
	ShortNameMode     string            `toml:"short-name-mode"`
	CredentialHelpers *[]string         `toml:"credential-helpers"`
	Aliases           map[string]string `toml:"aliases"`
	V1                *struct {
		Search   *v1List `toml:"search"`
		Insecure *v1List `toml:"insecure"`
		Block    *v1List `toml:"block"`
	} `toml:"registries"`
}

// File is one parsed file, checked as containers/image checks it.
type File struct {
	Path string
	// Search is nil when the file does not set it (a drop-in then keeps
	// the earlier value), empty when it sets [].
	Search            []string
	Registries        []Registry
	ShortNameMode     string
	CredentialHelpers []string
	// Aliases maps a short name to its value; "" resets an earlier alias.
	Aliases  map[string]string
	V1       bool
	Findings []diagnose.Diagnosis
}

// Parse reads one file. dropIn enforces the v2 format, as containers/image
// does for registries.conf.d.
func Parse(path string, data []byte, dropIn bool) (*File, error) {
	var raw rawFile
	if err := toml.Unmarshal(data, &raw); err != nil {
		return nil, &Error{diagnose.RegConfTOMLInvalid, path, tomlError(err)}
	}
	f := &File{Path: path, Registries: raw.Registries, ShortNameMode: raw.ShortNameMode, Aliases: raw.Aliases}
	if raw.Search != nil {
		f.Search = append([]string{}, (*raw.Search)...)
	}
	if raw.CredentialHelpers != nil {
		f.CredentialHelpers = append([]string{}, (*raw.CredentialHelpers)...)
	}
	if raw.V1 != nil {
		if dropIn {
			return nil, &Error{diagnose.RegConfV1, path, "registry must be in v2 format but is in v1"}
		}
		if raw.Search != nil || len(raw.Registries) > 0 || raw.ShortNameMode != "" || raw.CredentialHelpers != nil || raw.Aliases != nil {
			return nil, &Error{diagnose.RegConfV1, path, "mixing sysregistry v1/v2 is not supported"}
		}
		if err := f.convertV1(raw.V1.Search, raw.V1.Insecure, raw.V1.Block); err != nil {
			return nil, err
		}
	}
	for i := range f.Registries {
		f.Registries[i].Origin = path
	}
	if err := f.check(); err != nil {
		return nil, err
	}
	return f, nil
}

// convertV1 is ConvertToV2: blocked and insecure registries become
// [[registry]] tables (in that order of first mention), search stays.
func (f *File) convertV1(search, insecure, block *v1List) error {
	f.V1 = true
	f.Findings = append(f.Findings, diagnose.New(diagnose.RegConfV1,
		fmt.Sprintf("%s is in the v1 format ([registries.search], [registries.insecure], [registries.block]); containers/image converts it to v2", f.Path), ""))
	if search != nil {
		f.Search = append([]string{}, search.Registries...)
	}
	index := map[string]int{}
	get := func(loc string) (*Registry, error) {
		loc, err := parseLocation(loc)
		if err != nil {
			return nil, &Error{diagnose.RegConfInvalid, f.Path, err.Error()}
		}
		i, ok := index[loc]
		if !ok {
			i = len(f.Registries)
			index[loc] = i
			f.Registries = append(f.Registries, Registry{Prefix: loc, Location: loc})
		}
		return &f.Registries[i], nil
	}
	if block != nil {
		for _, b := range block.Registries {
			r, err := get(b)
			if err != nil {
				return err
			}
			r.Blocked = true
		}
	}
	if insecure != nil {
		for _, s := range insecure.Registries {
			r, err := get(s)
			if err != nil {
				return err
			}
			r.Insecure = true
		}
	}
	return nil
}

// parseLocation trims trailing slashes and refuses a scheme.
func parseLocation(in string) (string, error) {
	t := strings.TrimRight(in, "/")
	if strings.HasPrefix(t, "http://") || strings.HasPrefix(t, "https://") {
		return "", fmt.Errorf("invalid location '%s': URI schemes are not supported", in)
	}
	return t, nil
}

// check is postProcessRegistries plus the alias and short-name-mode checks
// of loadConfigFile, with containers/image's words.
func (f *File) check() error {
	bad := func(format string, a ...any) error {
		return &Error{diagnose.RegConfInvalid, f.Path, fmt.Sprintf(format, a...)}
	}
	for i := range f.Registries {
		r := &f.Registries[i]
		var err error
		if r.Location, err = parseLocation(r.Location); err != nil {
			return bad("%v", err)
		}
		if r.Prefix == "" {
			if r.Location == "" {
				return bad("invalid condition: both location and prefix are unset")
			}
			r.Prefix = r.Location
		} else {
			if r.Prefix, err = parseLocation(r.Prefix); err != nil {
				return bad("%v", err)
			}
			if !strings.HasPrefix(r.Prefix, "*.") && r.Location == "" {
				return bad("invalid condition: location is unset and prefix is not in the format: *.example.com")
			}
		}
		if strings.HasPrefix(r.Prefix, "*.") && strings.ContainsAny(r.Prefix, "/@:") {
			return bad("Wildcarded prefix should be in the format: *.example.com. Current prefix %q is incorrectly formatted", r.Prefix)
		}
		if r.PullFromMirror != "" {
			return bad("pull-from-mirror must not be set for a non-mirror registry %q", r.Prefix)
		}
		for j := range r.Mirrors {
			m := &r.Mirrors[j]
			if m.Location, err = parseLocation(m.Location); err != nil {
				return bad("%v", err)
			}
			if m.Location == "" {
				return bad("invalid condition: mirror location is unset")
			}
			if r.MirrorByDigestOnly && m.PullFromMirror != "" {
				return bad("cannot set mirror usage mirror-by-digest-only for the registry (%q) and pull-from-mirror for per-mirror (%q) at the same time", r.Prefix, m.Location)
			}
			switch m.PullFromMirror {
			case "", MirrorAll, MirrorByDigestOnly, MirrorByTagOnly:
			default:
				return bad("unsupported pull-from-mirror value %q for mirror %q", m.PullFromMirror, m.Location)
			}
		}
	}
	// The same location (or wildcard prefix) twice must agree on insecure
	// and blocked.
	key := func(r Registry) string {
		if r.Location == "" {
			return r.Prefix
		}
		return r.Location
	}
	for i, a := range f.Registries {
		for _, b := range f.Registries[:i] {
			if key(a) != key(b) {
				continue
			}
			if a.Insecure != b.Insecure {
				return bad("registry '%s' is defined multiple times with conflicting 'insecure' setting", a.Location)
			}
			if a.Blocked != b.Blocked {
				return bad("registry '%s' is defined multiple times with conflicting 'blocked' setting", a.Location)
			}
		}
	}
	for i, s := range f.Search {
		loc, err := parseLocation(s)
		if err != nil {
			return bad("%v", err)
		}
		if !imageref.IsDomain(loc) {
			return bad("Invalid unqualified-search-registries entry %q", loc)
		}
		f.Search[i] = loc
	}
	// The first table with a prefix wins; later ones with the same prefix
	// are ignored, and the list is kept sorted by prefix.
	f.Registries = uniqueSorted(f.Registries)
	switch f.ShortNameMode {
	case "", "disabled", "enforcing", "permissive":
	default:
		return bad("invalid short-name mode: %q", f.ShortNameMode)
	}
	var errs []string
	for name, value := range f.Aliases {
		if err := validateShortName(name); err != nil {
			errs = append(errs, err.Error())
		}
		if value == "" {
			continue
		}
		if err := validateAliasValue(value); err != nil {
			errs = append(errs, err.Error())
		}
	}
	if len(errs) > 0 {
		sortStrings(errs)
		return bad("validating short-name aliases: %s", strings.Join(errs, "; "))
	}
	return nil
}

func uniqueSorted(in []Registry) []Registry {
	seen := map[string]bool{}
	out := []Registry{}
	for _, r := range in {
		if !seen[r.Prefix] {
			seen[r.Prefix] = true
			out = append(out, r)
		}
	}
	sortRegistries(out)
	return out
}

// tomlError words a go-toml error with its line and column.
func tomlError(err error) string {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Sprintf("line %d, column %d: %s", row, col, strings.TrimPrefix(de.Error(), "toml: "))
	}
	var se *toml.StrictMissingError
	if errors.As(err, &se) {
		return se.Error()
	}
	return strings.TrimPrefix(err.Error(), "toml: ")
}

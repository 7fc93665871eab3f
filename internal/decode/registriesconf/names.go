package registriesconf

import (
	"fmt"
	"sort"
	"strings"
)

// splitRef cuts a reference into name, tag and digest.
func splitRef(s string) (name, tag, digest string) {
	name = s
	if i := strings.Index(name, "@"); i >= 0 {
		name, digest = name[:i], name[i+1:]
	}
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	return name, tag, digest
}

// hasDomain says whether the name starts with a registry, as the
// reference grammar decides: a first component with '.' or ':', or
// localhost.
func hasDomain(name string) bool {
	first, _, ok := strings.Cut(name, "/")
	if !ok {
		return false
	}
	return strings.ContainsAny(first, ".:") || first == "localhost"
}

// IsShortName is containers/image's test: a name without a registry
// ("alpine", "library/fedora:40").
func IsShortName(input string) bool {
	name, _, _ := splitRef(input)
	return !hasDomain(name)
}

func validName(name string) bool {
	if name == "" {
		return false
	}
	for _, c := range strings.Split(name, "/") {
		if c == "" || c != strings.ToLower(c) {
			return false
		}
	}
	return true
}

func validateShortName(name string) error {
	n, tag, digest := splitRef(name)
	switch {
	case !validName(n):
		return fmt.Errorf("cannot parse short name: %q", name)
	case digest != "":
		return fmt.Errorf("invalid short name %q: must not contain digest", name)
	case tag != "":
		return fmt.Errorf("invalid short name %q: must not contain tag", name)
	case hasDomain(n):
		return fmt.Errorf("invalid short name %q: must not contain registry", name)
	}
	return nil
}

func validateAliasValue(value string) error {
	n, tag, digest := splitRef(value)
	switch {
	case !validName(strings.ToLower(n)):
		return fmt.Errorf("parsing alias %q: invalid reference format", value)
	case digest != "":
		return fmt.Errorf("invalid alias %q: must not contain digest", value)
	case tag != "":
		return fmt.Errorf("invalid alias %q: must not contain tag", value)
	case !hasDomain(n):
		return fmt.Errorf("invalid alias %q: must contain registry and repository", value)
	}
	return nil
}

func sortStrings(s []string) { sort.Strings(s) }

func sortRegistries(rs []Registry) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].Prefix < rs[j].Prefix })
}

// refMatchingPrefix returns how much of ref the prefix matches, or -1:
// a wildcard *.example.com matches any subdomain in the registry part; a
// plain prefix matches up to ':', '/' or '@' (containers/image notes that
// "example.com" thus matches "example.com:5000", and keeps it).
func refMatchingPrefix(ref, prefix string) int {
	switch {
	case strings.HasPrefix(prefix, "*."):
		return refMatchingSubdomainPrefix(ref, prefix)
	case len(ref) < len(prefix):
		return -1
	case len(ref) == len(prefix):
		if ref == prefix {
			return len(prefix)
		}
		return -1
	}
	if !strings.HasPrefix(ref, prefix) {
		return -1
	}
	switch ref[len(prefix)] {
	case ':', '/', '@':
		return len(prefix)
	}
	return -1
}

func refMatchingSubdomainPrefix(ref, prefix string) int {
	i := strings.Index(ref, prefix[1:])
	if i == -1 || strings.Contains(ref[:i], "/") {
		return -1
	}
	i += len(prefix) - 1
	if i == len(ref) {
		return i
	}
	switch ref[i] {
	case ':', '/', '@':
		return i
	}
	return -1
}

package imageref

import (
	"errors"
	"fmt"
	"strings"
)

// This is distribution/reference's grammar and Docker's normalisation,
// written without regular expressions: that package compiles a dozen of
// them at start-up (3 ms of every regauth run, whatever the command). The
// tests hold this parser to distribution/reference, input for input.

const (
	maxNameLength     = 255
	legacyDockerHub   = "index.docker.io"
	officialNamespace = "library/"
)

// The parser's errors; explain turns them into what the user reads.
var (
	errFormat    = errors.New("invalid reference format")
	errUppercase = errors.New("repository name must be lowercase")
	errTooLong   = fmt.Errorf("repository name must not be more than %d characters", maxNameLength)
	errHexName   = errors.New("cannot specify 64-byte hexadecimal strings")
	errDigest    = errors.New("bad digest")
)

// parsed is a reference split into its parts.
type parsed struct {
	domain, path, tag, digest string
}

// parseNormalized is reference.ParseNormalizedNamed: a name without a
// registry host is Docker Hub's, and a one-part Hub name is an official
// image (library/).
func parseNormalized(s string) (parsed, error) {
	if isHex(s, 64) {
		return parsed{}, errHexName
	}
	domain, rest := splitDockerDomain(s)
	remote := rest
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		remote = rest[:i]
	}
	if strings.ToLower(remote) != remote {
		return parsed{}, errUppercase
	}
	return parse(domain + "/" + rest)
}

// splitDockerDomain decides, as Docker does, whether the first path
// element names a registry: it does when it holds '.' or ':', is
// "localhost", or has upper-case letters.
func splitDockerDomain(name string) (domain, rest string) {
	i := strings.IndexByte(name, '/')
	if i == -1 || (!strings.ContainsAny(name[:i], ".:") && name[:i] != "localhost" && strings.ToLower(name[:i]) == name[:i]) {
		domain, rest = DockerHubDomain, name
	} else {
		domain, rest = name[:i], name[i+1:]
	}
	if domain == legacyDockerHub {
		domain = DockerHubDomain
	}
	if domain == DockerHubDomain && !strings.Contains(rest, "/") {
		rest = officialNamespace + rest
	}
	return domain, rest
}

// parse reads "domain/path[:tag][@digest]" (the domain is always there
// after normalisation).
func parse(s string) (parsed, error) {
	var p parsed
	name := s
	if i := strings.IndexByte(s, '@'); i >= 0 {
		name, p.digest = s[:i], s[i+1:]
		if !isDigestShape(p.digest) {
			return parsed{}, errFormat
		}
		if err := checkDigest(p.digest); err != nil {
			return parsed{}, fmt.Errorf("%w: %v", errDigest, err)
		}
	}
	slash := strings.IndexByte(name, '/')
	if slash < 0 {
		return parsed{}, errFormat
	}
	p.domain, name = name[:slash], name[slash+1:]
	if i := strings.LastIndexByte(name, ':'); i >= 0 {
		name, p.tag = name[:i], name[i+1:]
		if !isTag(p.tag) {
			return parsed{}, errFormat
		}
	}
	p.path = name
	if !isPath(p.path) {
		return parsed{}, errFormat
	}
	if !IsDomain(p.domain) {
		// The grammar's host is optional: a first element that is no valid
		// host but a valid path component ("ho_st.com") makes a name with
		// no registry at all, which no client can pull.
		if !isPathComponent(p.domain) {
			return parsed{}, errFormat
		}
		p.domain, p.path = "", p.domain+"/"+p.path
	}
	if len(p.path) > maxNameLength {
		return parsed{}, errTooLong
	}
	return p, nil
}

// isPath: path-component ('/' path-component)*, where a component is
// [a-z0-9]+ joined by '.', '_', '__' or runs of '-'.
func isPath(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range strings.Split(s, "/") {
		if !isPathComponent(c) {
			return false
		}
	}
	return true
}

func isPathComponent(c string) bool {
	if c == "" || !isAlnumLower(c[0]) || !isAlnumLower(c[len(c)-1]) {
		return false
	}
	for i := 0; i < len(c); {
		if isAlnumLower(c[i]) {
			i++
			continue
		}
		// A separator: '.', '_', '__' or one or more '-'.
		j := i
		switch c[i] {
		case '.':
			j++
		case '_':
			j++
			if j < len(c) && c[j] == '_' {
				j++
			}
		case '-':
			for j < len(c) && c[j] == '-' {
				j++
			}
		default:
			return false
		}
		if j >= len(c) || !isAlnumLower(c[j]) {
			return false
		}
		i = j
	}
	return true
}

// isTag: [\w][\w.-]{0,127}.
func isTag(t string) bool {
	if t == "" || len(t) > 128 || !isWord(t[0]) {
		return false
	}
	for i := 1; i < len(t); i++ {
		if !isWord(t[i]) && t[i] != '.' && t[i] != '-' {
			return false
		}
	}
	return true
}

// IsDomain is distribution's domain grammar: host[:port], host a
// dot-separated run of [A-Za-z0-9-] components that neither start nor end
// with '-', or [IPv6 hex and ':']. The node-config decoders check registry
// names with it too, so one grammar (the fuzzed one) serves them all.
func IsDomain(d string) bool {
	host, port, hasPort := d, "", false
	if strings.HasPrefix(d, "[") {
		end := strings.IndexByte(d, ']')
		if end < 2 || !isIPv6Chars(d[1:end]) {
			return false
		}
		rest := d[end+1:]
		if rest == "" {
			return true
		}
		return strings.HasPrefix(rest, ":") && isDigits(rest[1:])
	}
	if i := strings.LastIndexByte(d, ':'); i >= 0 {
		host, port, hasPort = d[:i], d[i+1:], true
	}
	if hasPort && !isDigits(port) {
		return false
	}
	for _, c := range strings.Split(host, ".") {
		if c == "" || c[0] == '-' || c[len(c)-1] == '-' {
			return false
		}
		for i := 0; i < len(c); i++ {
			if !isAlnum(c[i]) && c[i] != '-' {
				return false
			}
		}
	}
	return true
}

func isIPv6Chars(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexAny(s[i:i+1]) && s[i] != ':' {
			return false
		}
	}
	return true
}

// isDigestShape is the reference grammar's digest: an algorithm, ':' and
// at least 32 hex digits of either case.
func isDigestShape(d string) bool {
	alg, hex, ok := strings.Cut(d, ":")
	return ok && isAlgorithm(alg) && len(hex) >= 32 && isHexAny(hex)
}

// checkDigest is go-digest's Parse: a known algorithm with lower-case hex
// of its size; a well-formed digest of another algorithm is unsupported.
func checkDigest(d string) error {
	alg, hex, ok := strings.Cut(d, ":")
	if !ok || alg == "" || hex == "" {
		return errors.New("invalid checksum digest format")
	}
	size := map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}[alg]
	if size == 0 {
		if isAlgorithm(alg) && isHexAny(hex) && len(hex) >= 32 {
			return errors.New("unsupported digest algorithm")
		}
		return errors.New("invalid checksum digest format")
	}
	if len(hex) != size || !isHex(hex, size) {
		return errors.New("invalid checksum digest length")
	}
	return nil
}

// isAlgorithm: [A-Za-z][A-Za-z0-9]* components joined by '+', '.', '-' or '_'.
func isAlgorithm(a string) bool {
	start := true
	for i := 0; i < len(a); i++ {
		c := a[i]
		switch {
		case start:
			if !isLetter(c) {
				return false
			}
			start = false
		case strings.IndexByte("+.-_", c) >= 0:
			start = true
		case !isAlnum(c):
			return false
		}
	}
	return !start
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !(s[i] >= '0' && s[i] <= '9' || s[i] >= 'a' && s[i] <= 'f') {
			return false
		}
	}
	return true
}

func isHexAny(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool     { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool      { return isLetter(c) || c >= '0' && c <= '9' }
func isAlnumLower(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
func isWord(c byte) bool       { return isAlnum(c) || c == '_' }

// familiarName is reference.FamiliarName: Docker Hub names lose docker.io/
// and an official image its library/.
func familiarName(domain, path string) string {
	if domain == "" {
		return path
	}
	if domain != DockerHubDomain {
		return domain + "/" + path
	}
	if strings.HasPrefix(path, officialNamespace) && strings.Count(path, "/") == 1 {
		return strings.TrimPrefix(path, officialNamespace)
	}
	return path
}

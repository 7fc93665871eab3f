// Package daemonjson reads the registry settings of Docker's daemon.json
// (registry-mirrors, insecure-registries) as dockerd validates them
// (moby daemon/pkg/registry/config.go): a value dockerd refuses stops the
// daemon from starting, so it is an error here, not a warning.
package daemonjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
)

// MaxSize bounds the file: a daemon.json is a few hundred bytes.
const MaxSize = 1 << 20

// DefaultPath is where dockerd reads its configuration on Linux.
const DefaultPath = "/etc/docker/daemon.json"

// Error is a fault dockerd refuses to start with; Code names it.
type Error struct {
	Code diagnose.Code
	Msg  string
}

func (e *Error) Error() string { return string(e.Code) + ": " + e.Msg }

// Config is what daemon.json says about registries.
type Config struct {
	Path string `json:"path"`
	// Mirrors are registry-mirrors as dockerd keeps them: validated,
	// duplicates dropped, each ending in "/".
	Mirrors []string `json:"registry_mirrors"`
	// InsecureHosts and InsecureCIDRs are insecure-registries split as
	// dockerd splits them (a scheme http:// or https:// is dropped).
	InsecureHosts []string `json:"insecure_hosts"`
	InsecureCIDRs []string `json:"insecure_cidrs"`
	// Notes say what dockerd changed on reading (a scheme dropped, a
	// duplicate mirror).
	Notes []string `json:"notes,omitempty"`

	cidrs []netip.Prefix
}

// Parse reads daemon.json. An empty file is an empty configuration, as
// dockerd treats it.
func Parse(path string, data []byte) (*Config, error) {
	c := &Config{Path: path, Mirrors: []string{}, InsecureHosts: []string{}, InsecureCIDRs: []string{}}
	if len(bytes.TrimSpace(data)) == 0 {
		return c, c.loadInsecure(nil)
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &Error{diagnose.DaemonJSONInvalid, jsonError(data, err)}
	}
	if err := unknownKeys(raw); err != nil {
		return nil, err
	}
	var mirrors, insecure []string
	if err := field(data, raw, "registry-mirrors", &mirrors); err != nil {
		return nil, err
	}
	if err := field(data, raw, "insecure-registries", &insecure); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, m := range mirrors {
		v, err := ValidateMirror(m)
		if err != nil {
			return nil, &Error{diagnose.DaemonMirrorInvalid, err.Error()}
		}
		if seen[v] {
			c.Notes = append(c.Notes, fmt.Sprintf("registry-mirrors lists %s twice: dockerd keeps it once", v))
			continue
		}
		seen[v] = true
		c.Mirrors = append(c.Mirrors, v)
	}
	return c, c.loadInsecure(insecure)
}

func field(data []byte, raw map[string]json.RawMessage, key string, into *[]string) error {
	v, ok := raw[key]
	if !ok || string(bytes.TrimSpace(v)) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		return &Error{diagnose.DaemonJSONInvalid, fmt.Sprintf("%q must be a list of strings: %s", key, strings.TrimPrefix(err.Error(), "json: "))}
	}
	return nil
}

// registryKeys are dockerd's names for the settings this package reads.
var registryKeys = []string{"registry-mirrors", "insecure-registries", "allow-nondistributable-artifacts"}

// unknownKeys names keys that look meant for the registry settings but are
// not dockerd's names: dockerd refuses every unknown key, and these are the
// ones people write by mistake (registry-mirror, insecure_registries,
// "mirrors").
func unknownKeys(raw map[string]json.RawMessage) error {
	var bad []string
	for k := range raw {
		if isKnown(k) {
			continue
		}
		l := strings.ToLower(k)
		if strings.Contains(l, "mirror") || strings.Contains(l, "insecure") || strings.Contains(l, "registr") {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	sort.Strings(bad)
	return &Error{diagnose.DaemonUnknownKey, fmt.Sprintf("the following directives don't match any configuration option: %s (dockerd's names are %s)",
		strings.Join(bad, ", "), strings.Join(registryKeys[:2], " and "))}
}

func isKnown(k string) bool {
	for _, r := range registryKeys {
		if k == r {
			return true
		}
	}
	return false
}

// ValidateMirror checks a mirror as dockerd's ValidateMirror does and
// returns it as dockerd keeps it (one trailing "/").
func ValidateMirror(mirror string) (string, error) {
	if scheme, _, ok := strings.Cut(mirror, "://"); !ok || scheme == "" {
		return "", fmt.Errorf("invalid mirror: no scheme specified for %q: must use either 'https://' or 'http://'", mirror)
	}
	u, err := url.Parse(mirror)
	if err != nil {
		return "", fmt.Errorf("invalid mirror: %q is not a valid URI: %v", mirror, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("invalid mirror: unsupported scheme %q in %q: must use either 'https://' or 'http://'", u.Scheme, u.Redacted())
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("invalid mirror: query or fragment at end of the URI %q", u.Redacted())
	}
	if u.User != nil {
		// The password never reaches the message.
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
		return "", fmt.Errorf("invalid mirror: username/password not allowed in URI %q", u.String())
	}
	if u.Host == "" {
		return "", fmt.Errorf("invalid mirror: %q has no host", mirror)
	}
	return strings.TrimSuffix(mirror, "/") + "/", nil
}

func (c *Config) loadInsecure(list []string) error {
	seenCIDR := map[netip.Prefix]bool{}
	seenHost := map[string]bool{}
	// dockerd always adds loopback: a registry on localhost is insecure.
	for _, r := range append(list, "::1/128", "127.0.0.0/8") {
		if r == "index.docker.io" {
			r = "docker.io"
		}
		if strings.HasPrefix(r, "-") || strings.HasSuffix(r, "-") {
			return &Error{diagnose.DaemonInsecureInvalid, fmt.Sprintf("invalid index name (%s). Cannot begin or end with a hyphen", r)}
		}
		if scheme, host, ok := strings.Cut(r, "://"); ok {
			switch strings.ToLower(scheme) {
			case "http", "https":
				c.Notes = append(c.Notes, fmt.Sprintf("insecure registry %[1]s should not contain '%[2]s' and '%[2]s://' has been removed from the insecure registry config", r, scheme))
				r = host
			default:
				return &Error{diagnose.DaemonInsecureInvalid, fmt.Sprintf("insecure registry %s should not contain '://'", r)}
			}
		}
		if p, err := netip.ParsePrefix(r); err == nil {
			p = p.Masked()
			if !seenCIDR[p] {
				seenCIDR[p] = true
				c.cidrs = append(c.cidrs, p)
				c.InsecureCIDRs = append(c.InsecureCIDRs, p.String())
			}
			continue
		}
		if err := validateHostPort(r); err != nil {
			return &Error{diagnose.DaemonInsecureInvalid, fmt.Sprintf("insecure registry %s is not valid: %v", r, err)}
		}
		if !seenHost[r] {
			seenHost[r] = true
			c.InsecureHosts = append(c.InsecureHosts, r)
		}
	}
	return nil
}

// validateHostPort is dockerd's check: a reference domain (host[:port])
// or an IP address, and a port in range.
func validateHostPort(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		host, port = s, ""
	}
	if !imageref.IsDomain(s) && net.ParseIP(host) == nil {
		return fmt.Errorf("invalid host %q", host)
	}
	if port != "" {
		v, err := strconv.Atoi(port)
		if err != nil {
			return err
		}
		if v < 0 || v > 65535 {
			return fmt.Errorf("invalid port %q", port)
		}
	}
	return nil
}

// Insecure says whether dockerd treats host (host[:port]) as an insecure
// registry and why. dockerd also resolves a name to match its addresses
// against the CIDRs; this pure check matches literal IP addresses only,
// and Why says so for a name.
func (c *Config) Insecure(host string) (bool, string) {
	for _, h := range c.InsecureHosts {
		if h == host {
			return true, fmt.Sprintf("insecure-registries lists %s", h)
		}
	}
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	addr, err := netip.ParseAddr(strings.Trim(h, "[]"))
	if err != nil {
		return false, ""
	}
	for _, p := range c.cidrs {
		if p.Contains(addr.Unmap()) {
			if p.String() == "127.0.0.0/8" || p.String() == "::1/128" {
				return true, fmt.Sprintf("%s is loopback, which dockerd always treats as insecure (%s)", h, p)
			}
			return true, fmt.Sprintf("%s is in %s (insecure-registries)", h, p)
		}
	}
	return false, ""
}

// jsonError words a decoding error with its line and column.
func jsonError(data []byte, err error) string {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	off := int64(-1)
	switch {
	case errors.As(err, &se):
		// Offset counts the bytes read, the bad one included.
		off = se.Offset - 1
		if off < 0 {
			off = 0
		}
	case errors.As(err, &te):
		off = te.Offset
		if te.Value != "" {
			return fmt.Sprintf("%s: the top level must be a JSON object, not %s", position(data, off), te.Value)
		}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if off < 0 {
		return msg
	}
	return position(data, off) + ": " + msg
}

func position(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line, col = line+1, 1
			continue
		}
		col++
	}
	return fmt.Sprintf("line %d, column %d", line, col)
}

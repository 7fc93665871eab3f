// Package hoststoml reads containerd's registry host configuration as
// containerd does (core/remotes/docker/config/hosts.go): a hosts.toml's
// [host."URL"] tables in file order, then `server` (or, without one, the
// registry itself) last; the directory a registry's hosts.toml lives in;
// and the CRI plugin's registry section of config.toml. The decoding is
// pure; the directory lookup goes through an FS so tests need no disk.
package hoststoml

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	tomlu "github.com/pelletier/go-toml/v2/unstable"

	"github.com/regauth/regauth/internal/diagnose"
)

// MaxSize bounds a hosts.toml or config.toml regauth reads.
const MaxSize = 1 << 20

// Capabilities in containerd's order (docker.HostCapabilities).
const (
	CapPull      = "pull"
	CapResolve   = "resolve"
	CapPush      = "push"
	CapReferrers = "referrers"
)

// AllCapabilities is what a host without `capabilities` gets.
var AllCapabilities = []string{CapPull, CapResolve, CapPush, CapReferrers}

// Host is one entry of containerd's host list.
type Host struct {
	// Scheme, Host and Path are where requests go: Path is the API root
	// ("/v2", or the URL's own path with override_path).
	Scheme string `json:"scheme"`
	Host   string `json:"host"`
	Path   string `json:"path"`
	// Written is the table's key or server's value as in the file.
	Written      string   `json:"written,omitempty"`
	Capabilities []string `json:"capabilities"`
	// CA and Client are file paths, made absolute against the host dir.
	CA           []string    `json:"ca,omitempty"`
	Client       [][2]string `json:"client,omitempty"`
	SkipVerify   *bool       `json:"skip_verify,omitempty"`
	Header       http.Header `json:"header,omitempty"`
	OverridePath bool        `json:"override_path,omitempty"`
	DialTimeout  string      `json:"dial_timeout,omitempty"`
	// Server marks the last entry: `server`, or the registry itself.
	Server bool `json:"server"`
	// Default says the entry was filled in by containerd (no server in
	// the file, or no hosts.toml), and how.
	Default string `json:"default,omitempty"`
	// HTTPFallback: an http host with TLS settings is tried over https
	// first, then http (docker.NewHTTPFallback).
	HTTPFallback bool `json:"http_fallback,omitempty"`
	// Source is the file (and line) the entry comes from.
	Source string `json:"source"`
	Line   int    `json:"line,omitempty"`
}

// URL is the host's API root as a URL.
func (h Host) URL() string { return h.Scheme + "://" + h.Host + h.Path }

// Can says whether the host has capability c.
func (h Host) Can(c string) bool {
	for _, x := range h.Capabilities {
		if x == c {
			return true
		}
	}
	return false
}

// File is one parsed hosts.toml.
type File struct {
	// Hosts are the [host] tables in file order, then the server entry
	// (Host "" when the file names no server).
	Hosts    []Host
	Findings []diagnose.Diagnosis
	// Ignored: containerd cannot use the file (it logs "failed to decode
	// hosts.toml" and falls back to the certificate files).
	Ignored bool
}

// hostFileConfig holds the keys containerd reads for a host; the types
// are containerd's (any where it accepts a string or a list).
type hostFileConfig struct {
	Capabilities []string       `toml:"capabilities"`
	CACert       any            `toml:"ca"`
	Client       any            `toml:"client"`
	SkipVerify   *bool          `toml:"skip_verify"`
	Header       map[string]any `toml:"header"`
	OverridePath bool           `toml:"override_path"`
	DialTimeout  string         `toml:"dial_timeout"`
}

type fileConfig struct {
	hostFileConfig
	Server      string                    `toml:"server"`
	HostConfigs map[string]hostFileConfig `toml:"host"`
}

// Parse reads a hosts.toml's bytes; name is its path (for messages and to
// make relative certificate paths absolute, as containerd does against the
// host directory). A file containerd refuses is returned with Ignored and
// a finding, never an error: the pull goes on without it.
func Parse(name string, data []byte) *File {
	f := &File{}
	dir := filepath.Dir(name)
	var c fileConfig
	if err := toml.Unmarshal(data, &c); err != nil {
		f.ignore(diagnose.HostsTOMLInvalid, fmt.Sprintf("%s: %s", name, tomlError(err)))
		return f
	}
	order, lines := sortedHosts(data)
	f.unknownKeys(name, data)
	for _, key := range order {
		h, err := parseHost(key, dir, c.HostConfigs[key])
		if err != nil {
			f.ignore(diagnose.HostsBadValue, fmt.Sprintf("%s line %d, [host.%q]: %s", name, lines[key], key, err))
			return f
		}
		h.Source, h.Line, h.Written = name, lines[key], key
		f.Hosts = append(f.Hosts, h)
	}
	srv, err := parseHost(c.Server, dir, c.hostFileConfig)
	if err != nil {
		f.ignore(diagnose.HostsBadValue, fmt.Sprintf("%s, top level (server %q): %s", name, c.Server, err))
		return f
	}
	srv.Server, srv.Source, srv.Written = true, name, c.Server
	f.Hosts = append(f.Hosts, srv)
	f.pathFindings(name)
	return f
}

func (f *File) ignore(code diagnose.Code, msg string) {
	f.Ignored, f.Hosts = true, nil
	f.Findings = append(f.Findings, diagnose.New(code, msg+"; containerd logs \"failed to decode hosts.toml\" and ignores the whole file: no mirrors, the registry itself", ""))
}

// tomlError is go-toml's error with its line, on one line.
func tomlError(err error) string {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		return fmt.Sprintf("line %d, column %d: %s", row, col, de.Error())
	}
	return err.Error()
}

// parseHost is containerd's parseHostConfig: the URL's scheme (https when
// none), host and path (/v2 appended unless the path ends in /v2 or
// override_path is set), then each key's value.
func parseHost(server, dir string, c hostFileConfig) (Host, error) {
	var h Host
	if server != "" {
		if !strings.HasPrefix(server, "http") {
			server = "https://" + server
		}
		u, err := url.Parse(server)
		if err != nil {
			return Host{}, fmt.Errorf("unable to parse server %v: %w", server, err)
		}
		h.Scheme, h.Host = u.Scheme, u.Host
		switch {
		case u.Path != "":
			u.Path = path.Clean(u.Path)
			if !strings.HasSuffix(u.Path, "/v2") && !c.OverridePath {
				u.Path += "/v2"
			}
		case !c.OverridePath:
			u.Path = "/v2"
		}
		h.Path = u.Path
	}
	h.SkipVerify, h.OverridePath = c.SkipVerify, c.OverridePath
	if len(c.Capabilities) == 0 {
		h.Capabilities = append([]string(nil), AllCapabilities...)
	} else {
		seen := map[string]bool{}
		for _, cp := range c.Capabilities {
			l := strings.ToLower(cp)
			switch l {
			case CapPull, CapResolve, CapPush, CapReferrers:
				seen[l] = true
			default:
				return Host{}, fmt.Errorf("unknown capability %v", cp)
			}
		}
		for _, cp := range AllCapabilities {
			if seen[cp] {
				h.Capabilities = append(h.Capabilities, cp)
			}
		}
	}
	var err error
	switch ca := c.CACert.(type) {
	case nil:
	case string:
		h.CA = []string{absPath(ca, dir)}
	case []any:
		if h.CA, err = stringSlice(ca, dir); err != nil {
			return Host{}, err
		}
	default:
		return Host{}, fmt.Errorf("invalid type %v for \"ca\"", ca)
	}
	switch cl := c.Client.(type) {
	case nil:
	case string:
		h.Client = [][2]string{{absPath(cl, dir), ""}}
	case []any:
		for _, p := range cl {
			switch p := p.(type) {
			case string:
				h.Client = append(h.Client, [2]string{absPath(p, dir), ""})
			case []any:
				s, err := stringSlice(p, dir)
				if err != nil {
					return Host{}, err
				}
				if len(s) != 2 {
					return Host{}, fmt.Errorf("invalid pair %v for \"client\"", p)
				}
				h.Client = append(h.Client, [2]string{s[0], s[1]})
			default:
				return Host{}, fmt.Errorf("invalid type %T for \"client\"", p)
			}
		}
	default:
		return Host{}, fmt.Errorf("invalid type %v for \"client\"", cl)
	}
	if c.Header != nil {
		h.Header = http.Header{}
		keys := make([]string, 0, len(c.Header))
		for k := range c.Header {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			switch v := c.Header[k].(type) {
			case string:
				h.Header[k] = []string{v}
			case []any:
				s, err := stringSlice(v, "")
				if err != nil {
					return Host{}, err
				}
				h.Header[k] = s
			default:
				return Host{}, fmt.Errorf("invalid type %v for header %q", v, k)
			}
		}
	}
	if c.DialTimeout != "" {
		if _, err := time.ParseDuration(c.DialTimeout); err != nil {
			return Host{}, err
		}
		h.DialTimeout = c.DialTimeout
	}
	return h, nil
}

// stringSlice is containerd's makeStringSlice; a non-empty dir makes each
// path absolute against it ("" in a client pair stays "": the key is in
// the certificate's file).
func stringSlice(vs []any, dir string) ([]string, error) {
	out := make([]string, len(vs))
	for i, v := range vs {
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("unable to cast %v to string", v)
		}
		if dir != "" && s != "" {
			s = absPath(s, dir)
		}
		out[i] = s
	}
	return out, nil
}

func absPath(p, dir string) string {
	if filepath.IsAbs(p) || dir == "" {
		return p
	}
	return filepath.Join(dir, p)
}

// sortedHosts is containerd's getSortedHosts: the [host."..."] tables in
// the order they appear (a sub-table such as [host."x".header] right after
// its host adds nothing), with each one's line.
func sortedHosts(data []byte) ([]string, map[string]int) {
	var order []string
	lines := map[string]int{}
	p := tomlu.Parser{}
	p.Reset(data)
	last := ""
	for p.NextExpression() {
		e := p.Expression()
		if e.Kind != tomlu.Table {
			continue
		}
		var parts []string
		var first []byte
		for it := e.Key(); it.Next(); {
			if first == nil {
				first = it.Node().Data
			}
			parts = append(parts, string(it.Node().Data))
		}
		if len(parts) < 2 || parts[0] != "host" || parts[1] == last {
			continue
		}
		last = parts[1]
		order = append(order, last)
		if _, ok := lines[last]; !ok {
			lines[last] = p.Shape(p.Range(first)).Start.Line
		}
	}
	return order, lines
}

// unknownKeys names every key containerd does not read: go-toml's strict
// mode lists them with their lines, where containerd's decoder drops them
// without a word.
func (f *File) unknownKeys(name string, data []byte) {
	var c fileConfig
	d := toml.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	err := d.Decode(&c)
	var sm *toml.StrictMissingError
	if !errors.As(err, &sm) {
		return
	}
	for _, e := range sm.Errors {
		key := strings.Join(e.Key(), ".")
		row, _ := e.Position()
		last := e.Key()[len(e.Key())-1]
		why := "containerd does not read it"
		switch strings.ToLower(last) {
		case "username", "password", "auth", "token", "identitytoken", "credentials":
			why = "hosts.toml holds no credentials (containerd's own TODO: \"Credentials: helper? name? username?\"); the credentials come from the client or, for the CRI, the kubelet or registry.configs"
		case "capability", "capabilites", "capabilties":
			why = "did you mean capabilities? without it the host gets every capability"
		case "insecure", "insecure_skip_verify", "skip-verify", "skipverify":
			why = "did you mean skip_verify?"
		case "headers":
			why = "did you mean header?"
		case "mirrors", "endpoint":
			why = "mirrors are [host.\"URL\"] tables in hosts.toml"
		}
		f.Findings = append(f.Findings, diagnose.New(diagnose.HostsUnknownKey,
			fmt.Sprintf("%s line %d: key %q is not one containerd reads (%s)", name, row, key, why), ""))
	}
}

// pathFindings explains what containerd makes of each URL's path.
func (f *File) pathFindings(name string) {
	for _, h := range f.Hosts {
		if h.Written == "" {
			continue
		}
		where := fmt.Sprintf("%s line %d, [host.%q]", name, h.Line, h.Written)
		if h.Server {
			where = fmt.Sprintf("%s, server %q", name, h.Written)
		}
		u, err := url.Parse(withScheme(h.Written))
		if err != nil {
			continue
		}
		raw := strings.TrimSuffix(path.Clean("/"+u.Path), "/")
		switch {
		case h.OverridePath && raw == "":
			f.Findings = append(f.Findings, diagnose.New(diagnose.HostsOverridePath,
				fmt.Sprintf("%s: override_path = true on a URL without a path: containerd sends /NAME/manifests/... at the server's root, with no /v2", where), ""))
		case h.OverridePath && strings.HasSuffix(raw, "/v2"):
			f.Findings = append(f.Findings, diagnose.New(diagnose.HostsOverridePath,
				fmt.Sprintf("%s: override_path = true changes nothing here: the path already ends in /v2", where),
				"Drop override_path; it is for an API root that is not .../v2 (Harbor's proxy cache: https://harbor/v2/PROJECT with override_path = true)."))
		case !h.OverridePath && raw != "" && !strings.HasSuffix(raw, "/v2"):
			f.Findings = append(f.Findings, diagnose.New(diagnose.HostsPathAppended,
				fmt.Sprintf("%s: the path %s does not end in /v2, so containerd appends it: requests go to %s/NAME/manifests/...", where, raw, raw+"/v2"), ""))
		}
	}
}

func withScheme(s string) string {
	if !strings.HasPrefix(s, "http") {
		return "https://" + s
	}
	return s
}

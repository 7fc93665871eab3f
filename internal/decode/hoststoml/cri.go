package hoststoml

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/pelletier/go-toml/v2"

	"github.com/regauth/regauth/internal/diagnose"
)

// CRI plugin names whose registry section containerd reads: 1.x
// (config version 2, and version 1's short "cri"), 2.x (version 3).
var criSections = []string{"io.containerd.grpc.v1.cri", "io.containerd.cri.v1.images", "cri"}

// CRIAuth is registry.configs."HOST".auth.
type CRIAuth struct {
	Username      string `toml:"username" json:"username,omitempty"`
	Password      string `toml:"password" json:"-"`
	Auth          string `toml:"auth" json:"-"`
	IdentityToken string `toml:"identitytoken" json:"-"`
}

// CRITLS is registry.configs."HOST".tls.
type CRITLS struct {
	InsecureSkipVerify bool   `toml:"insecure_skip_verify" json:"insecure_skip_verify,omitempty"`
	CAFile             string `toml:"ca_file" json:"ca_file,omitempty"`
	CertFile           string `toml:"cert_file" json:"cert_file,omitempty"`
	KeyFile            string `toml:"key_file" json:"key_file,omitempty"`
}

type criRegistry struct {
	ConfigPath string `toml:"config_path"`
	Mirrors    map[string]struct {
		Endpoints []string `toml:"endpoint"`
	} `toml:"mirrors"`
	Configs map[string]struct {
		Auth *CRIAuth `toml:"auth"`
		TLS  *CRITLS  `toml:"tls"`
	} `toml:"configs"`
	Auths   map[string]CRIAuth  `toml:"auths"`
	Headers map[string][]string `toml:"headers"`
}

// CRIConfig is the registry section of containerd's config.toml.
type CRIConfig struct {
	Source  string `json:"source"`
	Section string `json:"section,omitempty"`
	// ConfigPath is config_path as written (roots separated by ':').
	ConfigPath string              `json:"config_path,omitempty"`
	Mirrors    map[string][]string `json:"mirrors,omitempty"`
	Auth       map[string]CRIAuth  `json:"auth,omitempty"`
	TLS        map[string]CRITLS   `json:"tls,omitempty"`
	Headers    map[string][]string `json:"headers,omitempty"`
	// Fatal is containerd's refusal to load the CRI plugin.
	Fatal    string               `json:"fatal,omitempty"`
	Findings []diagnose.Diagnosis `json:"findings"`
}

// Roots are config_path's directories.
func (c *CRIConfig) Roots() []string {
	if c.ConfigPath == "" {
		return nil
	}
	var out []string
	for _, r := range strings.Split(c.ConfigPath, ":") {
		if r != "" {
			out = append(out, r)
		}
	}
	return out
}

// ParseCRI reads config.toml's CRI registry section. A file that is not
// TOML is an error (containerd does not start with it).
func ParseCRI(name string, data []byte) (*CRIConfig, error) {
	var doc struct {
		Plugins map[string]struct {
			Registry *criRegistry `toml:"registry"`
		} `toml:"plugins"`
	}
	if err := toml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", name, tomlError(err))
	}
	c := &CRIConfig{Source: name, Findings: []diagnose.Diagnosis{}}
	var reg *criRegistry
	for _, s := range criSections {
		if p, ok := doc.Plugins[s]; ok && p.Registry != nil {
			reg, c.Section = p.Registry, s
			break
		}
	}
	if reg == nil {
		c.Findings = append(c.Findings, diagnose.New(diagnose.CRINoRegistry,
			fmt.Sprintf("%s has no [plugins.\"io.containerd.grpc.v1.cri\".registry] or [plugins.\"io.containerd.cri.v1.images\".registry] section", name), ""))
		return c, nil
	}
	c.ConfigPath, c.Headers = reg.ConfigPath, reg.Headers
	where := fmt.Sprintf("%s [plugins.%q.registry]", name, c.Section)
	if len(reg.Mirrors) > 0 {
		c.Mirrors = map[string][]string{}
		for h, m := range reg.Mirrors {
			c.Mirrors[h] = m.Endpoints
		}
		if c.ConfigPath != "" {
			c.Fatal = "`mirrors` cannot be set when `config_path` is provided"
			c.Findings = append(c.Findings, diagnose.New(diagnose.CRIMirrorsWithConfigPath,
				fmt.Sprintf("%s sets both mirrors (%s) and config_path %q: containerd refuses the CRI plugin's configuration (\"%s\"), so the node pulls nothing", where, strings.Join(sortedKeys(c.Mirrors), ", "), c.ConfigPath, c.Fatal), ""))
		} else {
			c.Findings = append(c.Findings, diagnose.New(diagnose.CRIDeprecated,
				fmt.Sprintf("%s uses mirrors, deprecated since containerd 1.5 and gone from hosts.toml setups", where), ""))
		}
	}
	for h, a := range reg.Auths {
		// containerd maps auths."URL" to configs."HOST" (the URL's host).
		if u, err := url.Parse(h); err == nil && u.Scheme != "" {
			h = u.Host
		}
		if c.Auth == nil {
			c.Auth = map[string]CRIAuth{}
		}
		c.Auth[h] = a
	}
	for h, cfg := range reg.Configs {
		if cfg.Auth != nil {
			if c.Auth == nil {
				c.Auth = map[string]CRIAuth{}
			}
			c.Auth[h] = *cfg.Auth
		}
		if cfg.TLS != nil {
			if c.TLS == nil {
				c.TLS = map[string]CRITLS{}
			}
			c.TLS[h] = *cfg.TLS
		}
	}
	if len(c.TLS) > 0 && c.ConfigPath != "" {
		c.Findings = append(c.Findings, diagnose.New(diagnose.CRITLSWithConfigPath,
			fmt.Sprintf("%s sets configs.%q.tls and config_path %q: containerd 1.6 refuses it (\"`configs.tls` cannot be set when `config_path` is provided\"), containerd 2 never uses it; TLS goes in the hosts.toml", where, sortedKeys(c.TLS)[0], c.ConfigPath), ""))
	}
	if len(c.Auth) > 0 {
		c.Findings = append(c.Findings, diagnose.New(diagnose.CRIConfigsAuth,
			fmt.Sprintf("%s holds credentials for %s: the CRI uses them only when the kubelet sends none, keyed by the host each request goes to (a mirror's own host, registry-1.docker.io for Docker Hub)", where, strings.Join(sortedKeys(c.Auth), ", ")), ""))
	}
	return c, nil
}

// Credentials is the CRI's ParseAuth over configs."host".auth: username and
// password, else ("", identitytoken), else auth decoded.
func (c *CRIConfig) Credentials(host string) (user, secret string, ok bool) {
	a, found := c.Auth[host]
	if !found {
		return "", "", false
	}
	switch {
	case a.Username != "":
		return a.Username, a.Password, true
	case a.IdentityToken != "":
		return "", a.IdentityToken, true
	case a.Auth != "":
		b, err := base64.StdEncoding.DecodeString(a.Auth)
		if err != nil {
			return "", "", false
		}
		u, p, cut := strings.Cut(string(b), ":")
		if !cut {
			return "", "", false
		}
		return u, strings.Trim(p, "\x00"), true
	}
	return "", "", false
}

// LegacyHosts is the CRI's host list from registry.mirrors when no
// config_path is set (registryEndpoints): the mirrors of the registry (or
// of "*"), then the registry itself unless listed; each with pull and
// resolve, and configs."HOST".tls for its TLS.
func (c *CRIConfig) LegacyHosts(registry string) []Host {
	eps, ok := c.Mirrors[registry]
	if !ok {
		eps = c.Mirrors["*"]
	}
	def := registry
	if registry == "docker.io" {
		def = "registry-1.docker.io"
	}
	var out []Host
	listed := false
	for _, e := range eps {
		if !strings.Contains(e, "://") {
			e = legacyScheme(e) + "://" + e
		}
		u, err := url.Parse(e)
		if err != nil {
			continue
		}
		out = append(out, c.legacyHost(u, fmt.Sprintf("%s mirrors.%q", c.Source, registry), e))
		if u.Host == registry {
			listed = true
		}
	}
	if !listed {
		u := &url.URL{Scheme: legacyScheme(def), Host: def}
		h := c.legacyHost(u, "containerd's default", "")
		h.Default = "the registry itself, appended after the mirrors"
		out = append(out, h)
	}
	out[len(out)-1].Server = true
	return out
}

func (c *CRIConfig) legacyHost(u *url.URL, source, written string) Host {
	p := u.Path
	if p == "" {
		p = "/v2"
	}
	h := Host{Scheme: u.Scheme, Host: u.Host, Path: p, Written: written, Capabilities: []string{CapPull, CapResolve}, Source: source}
	if t, ok := c.TLS[u.Host]; ok {
		if t.CAFile != "" {
			h.CA = []string{t.CAFile}
		}
		if t.CertFile != "" {
			h.Client = [][2]string{{t.CertFile, t.KeyFile}}
		}
		if t.InsecureSkipVerify {
			v := true
			h.SkipVerify = &v
		}
	} else if IsLocalhost(u.Host) && u.Scheme == "http" {
		v := true
		h.SkipVerify = &v
	}
	return h
}

func legacyScheme(host string) string {
	if IsLocalhost(host) {
		return "http"
	}
	return "https"
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

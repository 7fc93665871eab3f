// Package credprovider reads the kubelet's CredentialProviderConfig (the
// file behind --image-credential-provider-config) and the JSON a
// credential-provider plugin exchanges with the kubelet, as the kubelet
// reads and validates them (pkg/credentialprovider/plugin: config.go,
// plugin.go). Pure: bytes in, typed values and findings out.
package credprovider

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/regauth/regauth/internal/diagnose"
)

// MaxSize bounds a config file; real ones are a few hundred bytes.
const MaxSize = 1 << 20

// ConfigKind is the kind the kubelet decodes the config file as.
const ConfigKind = "CredentialProviderConfig"

// configVersions are the config file's apiVersions the kubelet decodes,
// the stable one first.
var configVersions = []string{"kubelet.config.k8s.io/v1", "kubelet.config.k8s.io/v1beta1", "kubelet.config.k8s.io/v1alpha1"}

// APIVersions are the request/response versions a provider may speak
// (plugin.go's apiVersions), the stable one first.
var APIVersions = []string{"credentialprovider.kubelet.k8s.io/v1", "credentialprovider.kubelet.k8s.io/v1beta1", "credentialprovider.kubelet.k8s.io/v1alpha1"}

// Config is one CredentialProviderConfig as the kubelet reads it.
type Config struct {
	Path       string     `json:"path"`
	APIVersion string     `json:"apiVersion"`
	Kind       string     `json:"kind"`
	Providers  []Provider `json:"providers"`
	// Findings are the config's faults; an Error among them stops the
	// kubelet from starting (StartupErrors).
	Findings []diagnose.Diagnosis `json:"findings"`
}

// Provider is one providers[] entry.
type Provider struct {
	Name        string   `json:"name"`
	MatchImages []string `json:"matchImages"`
	// DefaultCacheDuration is as written; CacheDuration its value when it
	// parses.
	DefaultCacheDuration string        `json:"defaultCacheDuration,omitempty"`
	CacheDuration        time.Duration `json:"-"`
	// APIVersion is the request and response version the plugin speaks.
	APIVersion string   `json:"apiVersion"`
	Args       []string `json:"args,omitempty"`
	// Env is passed to the plugin; values may be secret-ish, so only the
	// names are shown (EnvNames).
	Env      []EnvVar `json:"-"`
	EnvNames []string `json:"env,omitempty"`
	// TokenAudience is tokenAttributes.serviceAccountTokenAudience.
	TokenAudience string `json:"tokenAudience,omitempty"`
	// Index is the provider's place in providers[].
	Index int `json:"-"`
	// Where names the file it came from when a directory was read.
	Where string `json:"file,omitempty"`
}

// EnvVar is one env entry.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Label names the provider in messages: providers[0] (ecr).
func (p Provider) Label() string {
	l := fmt.Sprintf("providers[%d]", p.Index)
	if p.Name != "" {
		l += " (" + p.Name + ")"
	}
	return l
}

// StartupErrors are the findings that stop the kubelet at start-up.
func (c *Config) StartupErrors() []diagnose.Diagnosis {
	var out []diagnose.Diagnosis
	for _, f := range c.Findings {
		if f.Severity == diagnose.Error {
			out = append(out, f)
		}
	}
	return out
}

// Known field names, matched exactly: the kubelet's strict decoder refuses
// an unknown field and a case-insensitive near miss alike.
var (
	configFields   = []string{"apiVersion", "kind", "providers"}
	providerFields = []string{"name", "matchImages", "defaultCacheDuration", "apiVersion", "args", "env", "tokenAttributes"}
	envFields      = []string{"name", "value"}
)

// Parse reads a config file (YAML or JSON, through sigs.k8s.io/yaml as the
// kubelet's decoder does). An error is a file no Kubernetes tool could
// read; what the kubelet refuses is a finding.
func Parse(path string, data []byte) (*Config, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than the %d MiB limit for a credential provider config", MaxSize>>20)
	}
	js, err := yaml.YAMLToJSON(data)
	if err != nil {
		s := strings.TrimPrefix(err.Error(), "error converting YAML to JSON: ")
		return nil, errors.New("not YAML or JSON: " + strings.TrimPrefix(s, "yaml: "))
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil || top == nil {
		return nil, errors.New("not a Kubernetes object (the file is not a YAML or JSON map)")
	}
	c := &Config{Path: path, Providers: []Provider{}}
	if err := str(top, "apiVersion", &c.APIVersion); err != nil {
		return nil, err
	}
	if err := str(top, "kind", &c.Kind); err != nil {
		return nil, err
	}
	c.checkVersion()
	c.unknown("the file", top, configFields)
	var raws []json.RawMessage
	if v, ok := top["providers"]; ok && string(v) != "null" {
		if err := json.Unmarshal(v, &raws); err != nil {
			return nil, errors.New("providers is not a list")
		}
	}
	for i, raw := range raws {
		p, err := c.provider(i, raw)
		if err != nil {
			return nil, err
		}
		c.Providers = append(c.Providers, p)
	}
	c.validate()
	return c, nil
}

func (c *Config) add(code diagnose.Code, format string, a ...any) {
	c.Findings = append(c.Findings, diagnose.New(code, c.Path+": "+fmt.Sprintf(format, a...), ""))
}

func (c *Config) checkVersion() {
	switch {
	case c.APIVersion == "" || c.Kind == "":
		c.add(diagnose.CredProviderConfigVersion, "no apiVersion or kind (\"Object 'Kind' is missing\"): the kubelet does not start; want apiVersion %s, kind %s", configVersions[0], ConfigKind)
	case c.Kind != ConfigKind:
		c.add(diagnose.CredProviderConfigVersion, "kind %q is not %s: the kubelet does not start", c.Kind, ConfigKind)
	case !contains(configVersions, c.APIVersion):
		c.add(diagnose.CredProviderConfigVersion, "apiVersion %q is not a %s version (%s): the kubelet does not start", c.APIVersion, ConfigKind, strings.Join(configVersions, ", "))
	case c.APIVersion != configVersions[0]:
		c.add(diagnose.CredProviderConfigOld, "apiVersion %s is read, but %s is the stable version since Kubernetes 1.26", c.APIVersion, configVersions[0])
	}
}

// unknown names the keys of m that are not in known.
func (c *Config) unknown(where string, m map[string]json.RawMessage, known []string) {
	var keys []string
	for k := range m {
		if !contains(known, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		near := ""
		for _, f := range known {
			if strings.EqualFold(f, k) {
				near = fmt.Sprintf(" (the field is %q: names are matched exactly, case included)", f)
			}
		}
		c.add(diagnose.CredProviderUnknownField, "%s has a field %q the kubelet does not know%s: its strict decoder refuses the file and the kubelet does not start", where, k, near)
	}
}

func (c *Config) provider(i int, raw json.RawMessage) (Provider, error) {
	p := Provider{Index: i}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return p, fmt.Errorf("providers[%d] is not a map", i)
	}
	where := fmt.Sprintf("providers[%d]", i)
	if err := str(m, "name", &p.Name); err != nil {
		return p, fmt.Errorf("%s.%w", where, err)
	}
	if err := str(m, "apiVersion", &p.APIVersion); err != nil {
		return p, fmt.Errorf("%s.%w", where, err)
	}
	if err := list(m, "matchImages", &p.MatchImages); err != nil {
		return p, fmt.Errorf("%s.%w", where, err)
	}
	if err := list(m, "args", &p.Args); err != nil {
		return p, fmt.Errorf("%s.%w", where, err)
	}
	c.unknown(p.Label(), m, providerFields)
	if v, ok := m["env"]; ok && string(v) != "null" {
		var envs []map[string]json.RawMessage
		if err := json.Unmarshal(v, &envs); err != nil {
			return p, fmt.Errorf("%s.env is not a list of name/value maps", where)
		}
		for j, e := range envs {
			var ev EnvVar
			if str(e, "name", &ev.Name) != nil || str(e, "value", &ev.Value) != nil {
				return p, fmt.Errorf("%s.env[%d]: name and value must be strings", where, j)
			}
			c.unknown(fmt.Sprintf("%s env[%d]", p.Label(), j), e, envFields)
			p.Env = append(p.Env, ev)
			p.EnvNames = append(p.EnvNames, ev.Name)
		}
	}
	if v, ok := m["tokenAttributes"]; ok && string(v) != "null" {
		var ta struct {
			Audience string `json:"serviceAccountTokenAudience"`
		}
		_ = json.Unmarshal(v, &ta)
		p.TokenAudience = ta.Audience
		c.add(diagnose.CredProviderTokenAttributes, "%s has tokenAttributes (audience %q): on the node the kubelet adds the pod's service account token to the request; the replay sends none", p.Label(), ta.Audience)
	}
	c.duration(&p, m["defaultCacheDuration"])
	return p, nil
}

// duration reads defaultCacheDuration as metav1.Duration does: a string
// time.ParseDuration accepts.
func (c *Config) duration(p *Provider, raw json.RawMessage) {
	if raw == nil || string(raw) == "null" {
		c.add(diagnose.CredProviderBadDuration, "%s has no defaultCacheDuration: it is required, the kubelet does not start", p.Label())
		return
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		c.add(diagnose.CredProviderBadDuration, "%s defaultCacheDuration %s is not a duration string such as \"12h\": the kubelet cannot decode the file and does not start", p.Label(), string(raw))
		return
	}
	p.DefaultCacheDuration = s
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		c.add(diagnose.CredProviderBadDuration, "%s defaultCacheDuration %q is not a duration (Go syntax: \"12h\", \"30m\", \"0s\"): the kubelet cannot decode the file and does not start", p.Label(), s)
	case d < 0:
		c.add(diagnose.CredProviderBadDuration, "%s defaultCacheDuration %s: \"defaultCacheDuration must be greater than or equal to 0\", the kubelet does not start", p.Label(), s)
	default:
		p.CacheDuration = d
	}
}

func str(m map[string]json.RawMessage, key string, into *string) error {
	v, ok := m[key]
	if !ok || string(v) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		return fmt.Errorf("%s is not a string", key)
	}
	return nil
}

func list(m map[string]json.RawMessage, key string, into *[]string) error {
	v, ok := m[key]
	if !ok || string(v) == "null" {
		return nil
	}
	if err := json.Unmarshal(v, into); err != nil {
		return fmt.Errorf("%s is not a list of strings", key)
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

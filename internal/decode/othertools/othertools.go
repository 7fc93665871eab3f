// Package othertools recognises the files people hand to decode-config that
// are not a Docker config: another tool's credentials (regctl's config.json,
// decoded) or a configuration that holds none (podman's containers.conf,
// registries.conf, containerd's config.toml, Docker's daemon.json), so the
// answer says what the file is instead of "no registries in the file".
package othertools

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Format is what a file looks like.
type Format struct {
	// ID is "regctl", "containers.conf", "registries.conf",
	// "containerd-config", "daemon.json"; "" when nothing matched.
	ID string
	// Note says what the file is and where that tool keeps credentials.
	Note string
}

// Identify names the tool whose file data is, when it is not a Docker
// config. It reads at most what it is given and never fails.
func Identify(data []byte) Format {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return Format{}
	}
	if trimmed[0] == '{' {
		return identifyJSON(trimmed)
	}
	return identifyTOML(trimmed)
}

func identifyJSON(data []byte) Format {
	var top map[string]json.RawMessage
	if json.Unmarshal(data, &top) != nil {
		return Format{}
	}
	if _, ok := top["auths"]; ok {
		return Format{}
	}
	if h, ok := top["hosts"]; ok && len(h) > 0 && h[0] == '{' {
		return Format{ID: "regctl", Note: "regctl's config.json (hosts): regctl keeps its own logins here and reads the Docker config too unless incDockerCred is false"}
	}
	for _, k := range []string{"registry-mirrors", "insecure-registries", "storage-driver", "data-root", "log-driver", "features"} {
		if _, ok := top[k]; ok {
			return Format{ID: "daemon.json", Note: "Docker's daemon.json: it holds no credentials (mirrors and insecure registries: pull-trace --client docker --daemon-config FILE); the CLI's logins are in ~/.docker/config.json"}
		}
	}
	return Format{}
}

// identifyTOML looks at table headers and top-level keys only: enough to
// tell the files apart without a TOML parser at start-up.
func identifyTOML(data []byte) Format {
	var tables, keys []string
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.HasPrefix(line, "["):
			tables = append(tables, strings.Trim(line, "[] \t"))
		case len(tables) == 0:
			if k, _, ok := strings.Cut(line, "="); ok {
				keys = append(keys, strings.TrimSpace(k))
			}
		}
	}
	has := func(list []string, pred func(string) bool) bool {
		for _, s := range list {
			if pred(s) {
				return true
			}
		}
		return false
	}
	eq := func(w string) func(string) bool { return func(s string) bool { return s == w } }
	prefix := func(w string) func(string) bool { return func(s string) bool { return strings.HasPrefix(s, w) } }
	switch {
	case has(tables, prefix("plugins")) || has(keys, eq("version")) && has(tables, prefix("grpc")):
		return Format{ID: "containerd-config", Note: "containerd's config.toml: credentials here live in the CRI's registry.configs.\"HOST\".auth (pull-trace --client containerd --containerd-config FILE reads them); hosts.toml files in config_path hold none"}
	case has(tables, eq("registry")) || has(tables, prefix("registry.")) || has(keys, eq("unqualified-search-registries")) || has(tables, prefix("registries.")) || has(tables, eq("aliases")):
		return Format{ID: "registries.conf", Note: "containers' registries.conf: it holds no credentials (search registries and mirrors: pull-trace --client podman --registries-conf FILE); podman's logins are in auth.json (decode-config --containers)"}
	case has(tables, eq("containers")) || has(tables, eq("engine")) || has(tables, eq("network")) || has(tables, prefix("engine.")):
		return Format{ID: "containers.conf", Note: "podman's containers.conf: it holds no credentials; podman's logins are in auth.json ($REGISTRY_AUTH_FILE, $XDG_RUNTIME_DIR/containers/auth.json, ~/.config/containers/auth.json: decode-config --containers)"}
	}
	return Format{}
}

// RegctlHost is one hosts entry of regctl's config.json (regclient
// config/host.go). Pass and Token are secrets.
type RegctlHost struct {
	Name       string   `json:"-"`
	Hostname   string   `json:"hostname"`
	User       string   `json:"user"`
	Pass       string   `json:"pass"`
	Token      string   `json:"token"`
	CredHelper string   `json:"credHelper"`
	TLS        string   `json:"tls"`
	Mirrors    []string `json:"mirrors"`
	PathPrefix string   `json:"pathPrefix"`
}

// RegctlConfig is regctl's config.json.
type RegctlConfig struct {
	Hosts         []RegctlHost
	IncDockerCred *bool
}

// ParseRegctl decodes regctl's config.json; hosts come sorted by name.
func ParseRegctl(data []byte) (*RegctlConfig, error) {
	var raw struct {
		Hosts         map[string]RegctlHost `json:"hosts"`
		IncDockerCred *bool                 `json:"incDockerCred"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("not regctl's config.json: %v", err)
	}
	c := &RegctlConfig{IncDockerCred: raw.IncDockerCred}
	for name, h := range raw.Hosts {
		h.Name = name
		if h.Hostname == "" {
			h.Hostname = name
		}
		c.Hosts = append(c.Hosts, h)
	}
	sort.Slice(c.Hosts, func(i, j int) bool { return c.Hosts[i].Name < c.Hosts[j].Name })
	return c, nil
}

package authconfig

import (
	"net"
	"net/url"
	"strings"
)

// dockerHostname reduces a stored key as the Docker CLI's ConvertToHostname
// does when an exact lookup fails: a URL becomes host[:port], anything else
// is cut at the first '/'. Case is kept, as the CLI keeps it.
func dockerHostname(key string) string {
	if strings.Contains(key, "://") {
		if u, err := url.Parse(key); err == nil && u.Hostname() != "" {
			if u.Port() == "" {
				return u.Hostname()
			}
			return net.JoinHostPort(u.Hostname(), u.Port())
		}
	}
	host, _, _ := strings.Cut(key, "/")
	return host
}

// hostOf is the Entry.Host of a key in a Docker-format file.
func hostOf(key string) string {
	if key == HubKey {
		return "docker.io"
	}
	return strings.ToLower(dockerHostname(key))
}

// isHubAlias reports a host name that means Docker Hub to some client.
func isHubAlias(host string) bool {
	switch host {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		return true
	}
	return false
}

// dockerLookupKey maps the name of a registry to the key the Docker CLI
// looks it up under: docker.io and index.docker.io are Hub, which lives at
// HubKey; registry-1.docker.io is not mapped (the CLI treats it as any
// other host).
func dockerLookupKey(key string) string {
	switch strings.ToLower(dockerHostname(key)) {
	case "docker.io", "index.docker.io":
		return HubKey
	}
	return key
}

// containersHost normalises a key as containers/image does when an exact
// match fails: http(s):// and any path are dropped and every Hub alias
// becomes index.docker.io.
func containersHost(key string) string {
	host := containersRegistry(key)
	if isHubAlias(host) {
		return "index.docker.io"
	}
	return host
}

// containersRegistry is the registry part of a containers auth.json key
// (which may name a namespace, quay.io/org/repo): what credHelpers is
// looked up by.
func containersRegistry(key string) string {
	s := strings.TrimPrefix(strings.TrimPrefix(key, "http://"), "https://")
	host, _, _ := strings.Cut(s, "/")
	return host
}

// HostOf is the registry host a Docker config key names, as the Docker CLI
// reduces it ("https://reg:5000/v1/" -> "reg:5000"); Docker Hub's key gives
// "docker.io".
func HostOf(key string) string { return hostOf(key) }

package flow

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// Endpoint is where the registry's API lives.
type Endpoint struct {
	// Host is host[:port] as given (lower-cased).
	Host string `json:"host"`
	// Schemes are tried in order: https, then http for a loopback host, as
	// the Docker client does; just one when the user chose.
	Schemes []string `json:"schemes"`
	// Prefix is a path before /v2/ (a registry behind a path on a proxy).
	Prefix string `json:"prefix,omitempty"`
	// DockerHub is set when the name means Docker Hub.
	DockerHub bool `json:"docker_hub,omitempty"`
}

// DockerHubRegistry is where Docker Hub's registry API answers.
const DockerHubRegistry = "registry-1.docker.io"

// ParseEndpoint reads what the user typed the way `docker login` does:
// Docker Hub names map to registry-1.docker.io; a scheme, when given, is
// kept; a path is a prefix. plainHTTP forces http.
func ParseEndpoint(s string, plainHTTP bool) (Endpoint, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Endpoint{}, fmt.Errorf("no registry given")
	}
	scheme := ""
	rest := in
	if i := strings.Index(in, "://"); i >= 0 {
		scheme = strings.ToLower(in[:i])
		rest = in[i+3:]
		if scheme != "http" && scheme != "https" {
			return Endpoint{}, fmt.Errorf("registry %q: scheme %q is not http or https", in, scheme)
		}
	}
	host, path, _ := strings.Cut(rest, "/")
	host = strings.ToLower(host)
	if host == "" {
		return Endpoint{}, fmt.Errorf("registry %q has no host", in)
	}
	u, err := url.Parse("//" + host)
	if err != nil || u.Host != host || strings.ContainsAny(host, "@?# ") {
		return Endpoint{}, fmt.Errorf("registry %q: %q is not a host[:port]", in, host)
	}
	if p := u.Port(); p == "" && strings.HasSuffix(host, ":") {
		return Endpoint{}, fmt.Errorf("registry %q: empty port", in)
	}
	ep := Endpoint{Host: host}
	switch host {
	case "docker.io", "index.docker.io", "registry-1.docker.io":
		ep.Host, ep.DockerHub, path = DockerHubRegistry, true, ""
	}
	// Docker's own key for Hub is https://index.docker.io/v1/: its path is
	// not a prefix.
	path = strings.Trim(path, "/")
	if path == "v1" || path == "v2" {
		path = ""
	}
	if path != "" {
		ep.Prefix = "/" + path
	}
	switch {
	case plainHTTP:
		ep.Schemes = []string{"http"}
	case scheme != "":
		ep.Schemes = []string{scheme}
	case isLoopback(ep.Host):
		ep.Schemes = []string{"https", "http"}
	default:
		ep.Schemes = []string{"https"}
	}
	return ep, nil
}

// URL is the endpoint's base for scheme, with its prefix.
func (ep Endpoint) URL(scheme string) string {
	return scheme + "://" + ep.Host + ep.Prefix
}

// isLoopback says whether host is on 127.0.0.0/8 or ::1, which the Docker
// daemon always treats as an insecure registry (http allowed).
func isLoopback(hostport string) bool {
	h := hostport
	if sh, _, err := net.SplitHostPort(hostport); err == nil {
		h = sh
	}
	h = strings.Trim(h, "[]")
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

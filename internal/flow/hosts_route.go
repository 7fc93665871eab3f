package flow

import (
	"net/http"
	"path"
	"strings"
)

// HostRoute is what one host of containerd's host list changes on the
// requests sent to it (resolver.go dockerBase.request, addNamespace;
// hosts.go WithAuthHeader).
type HostRoute struct {
	// Root is the host's API root ("/v2", or override_path's path): it
	// replaces /v2 in every registry request's path.
	Root string
	// NS is the image's registry, sent as ?ns= to a mirror ("" for the
	// registry itself).
	NS string
	// Header is hosts.toml's [header]: on registry requests and, as the
	// authorizer's headers, on token requests.
	Header http.Header
}

// routeRegistry applies the route to a registry request before the
// client's Authorization (which replaces a static one) is set.
func (e *engine) routeRegistry(req *http.Request) {
	r := e.opts.Route
	if r == nil {
		return
	}
	if r.Root != "" && r.Root != "/v2" {
		if rest, ok := strings.CutPrefix(req.URL.Path, "/v2/"); ok {
			req.URL.Path = path.Join("/", r.Root, rest)
			req.URL.RawPath = ""
		}
	}
	if r.NS != "" {
		q := req.URL.Query()
		q.Add("ns", r.NS)
		req.URL.RawQuery = q.Encode()
	}
	addHeaders(req, r.Header)
}

// routeToken adds the host's headers to a token request; credentials the
// client sets afterwards (Basic) replace a static Authorization.
func (e *engine) routeToken(req *http.Request) {
	if r := e.opts.Route; r != nil {
		addHeaders(req, r.Header)
	}
}

func addHeaders(req *http.Request, h http.Header) {
	for k, vs := range h {
		req.Header[k] = append(req.Header[k], vs...)
	}
}

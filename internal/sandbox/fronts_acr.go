package sandbox

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// acrAuthRequired is the message of ACR's 401s.
const acrAuthRequired = "authentication required, visit https://aka.ms/acr/authorization for more information."

// acrFront answers as Azure Container Registry: realm /oauth2/token on the
// registry host, service the host name, Server: openresty and
// X-Ms-Correlation-Request-Id on every answer, error="invalid_token" on
// every 401 challenge (also to a request that sent no token), and 400 to
// an OAuth2 POST with grant_type=password (containerd then falls back to
// GET).
func (s *Sandbox) acrFront() http.Handler {
	return withHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/oauth2/token":
			if r.Method == http.MethodPost && postGrant(r) == "password" {
				writeJSON(w, http.StatusBadRequest, errorsBody("UNSUPPORTED", "grant_type password is not supported"))
				return
			}
			s.ts.ServeHTTP(w, r)
		case isV2(r.URL.Path):
			c := serveCaptured(s.app, r)
			if c.status == http.StatusUnauthorized {
				for i, v := range c.header.Values("Www-Authenticate") {
					if strings.HasPrefix(v, "Bearer ") && !strings.Contains(v, "error=") {
						c.header["Www-Authenticate"][i] = v + `,error="invalid_token"`
					}
				}
				c.setBody("application/json; charset=utf-8", jsonBytes(errorsBody("UNAUTHORIZED", acrAuthRequired)))
			}
			c.send(w, r)
		default:
			http.NotFound(w, r)
		}
	}), func(h http.Header) {
		h.Set("Server", "openresty")
		h.Set("X-Ms-Correlation-Request-Id", requestID())
		h.Set("Access-Control-Expose-Headers", "Docker-Content-Digest, WWW-Authenticate, Link, X-Ms-Correlation-Request-Id")
	})
}

// postGrant reads a form POST's grant_type and leaves the body readable
// for the token service.
func postGrant(r *http.Request) string {
	b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
	if err != nil {
		return ""
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	q, err := url.ParseQuery(string(b))
	if err != nil {
		return ""
	}
	return q.Get("grant_type")
}

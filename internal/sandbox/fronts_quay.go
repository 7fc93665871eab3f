package sandbox

import (
	"net/http"
	"strings"
)

// quayFront answers as Quay: realm /v2/auth on the registry host, service
// the host name, Server: nginx/1.12.1, the /v2/ 401 body text/html "true",
// 400 INVALID_REQUEST for a scope that is not repository:, and "Invalid
// bearer token format" to Basic on a repository path. The grant is cut
// down silently to what the user may do (the token service grants so).
func (s *Sandbox) quayFront() http.Handler {
	return withHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == "/v2/auth":
			for _, sc := range r.URL.Query()["scope"] {
				if !strings.HasPrefix(sc, "repository:") {
					writeJSON(w, http.StatusBadRequest, map[string]any{"errors": []map[string]any{{"code": "INVALID_REQUEST", "detail": map[string]any{}, "message": "Unable to decode repository and actions: " + sc}}})
					return
				}
			}
			s.ts.ServeHTTP(w, r)
		case isV2(p) && p != "/v2/" && strings.HasPrefix(r.Header.Get("Authorization"), "Basic "):
			writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "Invalid bearer token format"})
		case isV2(p):
			c := serveCaptured(s.app, r)
			if c.status == http.StatusUnauthorized && p == "/v2/" {
				c.setBody("text/html; charset=utf-8", []byte("true"))
			}
			c.send(w, r)
		default:
			http.NotFound(w, r)
		}
	}), func(h http.Header) { h.Set("Server", "nginx/1.12.1") })
}

package sandbox

import (
	"encoding/json"
	"net/http"
)

// gitlabDenied is GitLab's answer to bad credentials at /jwt/auth.
const gitlabDenied = "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. If a token was provided, it was either incorrect, expired, or improperly scoped."

// gitlabFront is the registry host of a self-managed GitLab: nginx in
// front of the registry; the token realm is on another host (the GitLab
// host: /jwt/auth, service container_registry).
func (s *Sandbox) gitlabFront() http.Handler {
	return withHeaders(s.app, func(h http.Header) { h.Set("Server", "nginx") })
}

// gitlabTokenHost is the GitLab host's /jwt/auth. The grant is cut down
// silently to what the user may do (the sandbox's token service already
// grants so); bad credentials get GitLab's "HTTP Basic: Access denied";
// GitLab hands out no refresh token.
func (s *Sandbox) gitlabTokenHost() http.Handler {
	return withHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/jwt/auth" {
			http.NotFound(w, r)
			return
		}
		c := serveCaptured(s.ts, r)
		switch c.status {
		case http.StatusUnauthorized:
			c.setBody("application/json", jsonBytes(errorsBody("UNAUTHORIZED", gitlabDenied)))
		case http.StatusOK:
			var rep tokenResponse
			if json.Unmarshal(c.body.Bytes(), &rep) == nil {
				c.setBody("application/json", jsonBytes(map[string]any{tokenField(r): cmpOr(rep.Token, rep.AccessToken), "expires_in": rep.ExpiresIn, "issued_at": rep.IssuedAt}))
			}
		}
		c.send(w, r)
	}), func(h http.Header) { h.Set("Server", "nginx") })
}

package sandbox

import (
	"net/http"
	"strings"
)

// artifactoryVersion is what its Server and X-JFrog-Version headers say.
const artifactoryVersion = "Artifactory/7.77.3 77703900"

// artifactoryRemoteError is what a remote repository answers when its own
// credentials for the upstream are wrong.
const artifactoryRemoteError = "Invalid username/password configured for Remote Docker repository: " + "remote"

// artifactoryFront answers as JFrog Artifactory: the realm
// /artifactory/api/docker/docker-local/v2/token on the registry host,
// service artifactory, Server and X-JFrog-Version headers with
// X-Artifactory-Id, error bodies of its own shape ({"errors":[{"status":
// 401,"message":...}]}, no code), 401 to the OAuth2 POST (clients fall
// back to GET), and under remote/ a remote repository whose upstream
// credentials are wrong (the status is a sandbox guess: the sources quote
// only the text).
func (s *Sandbox) artifactoryFront() http.Handler {
	nodeID := randomHex(20)
	return withHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == artifactoryRealm:
			if r.Method == http.MethodPost {
				writeJSON(w, http.StatusUnauthorized, artifactoryErrors(http.StatusUnauthorized, "Unauthorized"))
				return
			}
			c := serveCaptured(s.ts, r)
			if c.status == http.StatusUnauthorized {
				c.setBody("application/json;charset=ISO-8859-1", jsonBytes(artifactoryErrors(http.StatusUnauthorized, "Bad credentials")))
			}
			c.send(w, r)
		case strings.HasPrefix(p, "/v2/remote/") && (strings.Contains(p, "/manifests/") || strings.Contains(p, "/blobs/")):
			c := serveCaptured(s.app, r)
			if c.status != http.StatusUnauthorized && c.status != http.StatusForbidden {
				// The token was good, so the remote asks its upstream, which
				// refuses the remote's own credentials.
				c = newCapture()
				c.status = http.StatusUnauthorized
				c.header.Set("Www-Authenticate", `Bearer realm="`+s.tokenURL+`",service="`+s.service+`",scope="repository:`+repoOf(p)+`:pull"`)
				c.setBody("application/json;charset=ISO-8859-1", jsonBytes(artifactoryErrors(http.StatusUnauthorized, artifactoryRemoteError)))
			}
			artifactoryBody(c)
			c.send(w, r)
		case isV2(p):
			c := serveCaptured(s.app, r)
			artifactoryBody(c)
			c.send(w, r)
		default:
			http.NotFound(w, r)
		}
	}), func(h http.Header) {
		h.Set("Server", artifactoryVersion)
		h.Set("X-JFrog-Version", artifactoryVersion)
		h.Set("X-Artifactory-Id", nodeID)
		h.Set("X-Artifactory-Node-Id", "regauth-sandbox")
	})
}

func artifactoryErrors(status int, msg string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"status": status, "message": msg}}}
}

// artifactoryBody rewrites a registry error body into Artifactory's shape.
func artifactoryBody(c *capture) {
	if c.status < 400 {
		return
	}
	errs := ociErrors(c.body.Bytes())
	if len(errs) == 0 {
		return
	}
	var out []map[string]any
	for _, e := range errs {
		out = append(out, map[string]any{"status": c.status, "message": e.Message})
	}
	c.setBody("application/json;charset=ISO-8859-1", jsonBytes(map[string]any{"errors": out}))
}

// repoOf is the repository name of a /v2/NAME/{manifests,blobs}/... path.
func repoOf(p string) string {
	p = strings.TrimPrefix(p, "/v2/")
	for _, part := range []string{"/manifests/", "/blobs/"} {
		if i := strings.LastIndex(p, part); i > 0 {
			return p[:i]
		}
	}
	return p
}

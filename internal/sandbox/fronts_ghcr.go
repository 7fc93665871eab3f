package sandbox

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
)

// ghcrFront answers as ghcr.io: realm /token on the registry host, service
// ghcr.io, x-github-request-id on every answer, tokens that are not JWTs
// but base64 "v1:<name>:<n>" (the front keeps the JWT the registry checks
// behind each one), and the same 403 "denied" from /token for a package
// that is private and one that does not exist.
func (s *Sandbox) ghcrFront() http.Handler {
	g := &opaqueTokens{jwt: map[string]string{}}
	return withHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/token":
			g.serveToken(w, r, s.ts)
		case isV2(r.URL.Path):
			g.swap(r)
			c := serveCaptured(s.app, r)
			if c.status == http.StatusUnauthorized {
				// GHCR's body has no detail key.
				c.setBody("application/json", jsonBytes(errorsBody("UNAUTHORIZED", "authentication required")))
			}
			c.send(w, r)
		default:
			http.NotFound(w, r)
		}
	}), func(h http.Header) {
		h.Set("X-GitHub-Request-Id", strings.ToUpper(randomHex(4)+":"+randomHex(6)))
		h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	})
}

// opaqueTokens maps the opaque tokens handed out to the JWTs behind them.
type opaqueTokens struct {
	mu  sync.Mutex
	jwt map[string]string
}

func (g *opaqueTokens) serveToken(w http.ResponseWriter, r *http.Request, ts http.Handler) {
	c := serveCaptured(ts, r)
	switch {
	case c.status == http.StatusUnauthorized:
		c.setBody("application/json", jsonBytes(errorsBody("UNAUTHORIZED", "unauthenticated: User cannot be authenticated with the token provided.")))
	case c.status == http.StatusOK:
		jwt := tokenOf(c.body.Bytes())
		access := grantedAccess(jwt)
		name := ""
		for _, a := range access {
			if a.Type == "repository" && len(a.Actions) == 0 {
				// Private or absent: GHCR does not say which.
				c.status = http.StatusForbidden
				c.setBody("application/json", jsonBytes(errorsBody("DENIED", "denied")))
				c.send(w, r)
				return
			}
			if name == "" && a.Type == "repository" {
				name = a.Name
			}
		}
		opaque := base64.StdEncoding.EncodeToString(fmt.Appendf(nil, "v1:%s:%d", name, rand.Int64N(1<<40)))
		g.mu.Lock()
		g.jwt[opaque] = jwt
		g.mu.Unlock()
		// An OAuth2 POST is answered in its own field (containerd reads
		// access_token from it).
		c.setBody("application/json", jsonBytes(map[string]string{tokenField(r): opaque}))
	}
	c.send(w, r)
}

// swap puts the JWT behind an opaque token into the request, so the
// registry checks the real thing; other values pass as they are.
func (g *opaqueTokens) swap(r *http.Request) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return
	}
	g.mu.Lock()
	jwt, ok := g.jwt[tok]
	g.mu.Unlock()
	if ok {
		r.Header.Set("Authorization", "Bearer "+jwt)
	}
}

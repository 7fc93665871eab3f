package sandbox

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
)

func isV2(path string) bool { return path == "/v2" || strings.HasPrefix(path, "/v2/") }

// distributionFront: registry and token service on one host, token service
// at /auth/token (the layout of distribution's own docs and docker_auth).
func distributionFront(reg, tok http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/auth/token" {
			tok.ServeHTTP(w, r)
			return
		}
		reg.ServeHTTP(w, r)
	})
}

// nginx404 is the page nginx sends for "return 404;".
const nginx404 = "<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"

const harborUI = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Harbor</title></head>
<body><harbor-app>Loading...</harbor-app>
<!-- regauth sandbox: the "portal" Harbor's nginx serves for every path it does not route elsewhere -->
</body>
</html>
`

// harborFront lays paths out like Harbor's nginx: /v2/ to the registry (in
// Harbor, via core), /service/token to the token service, every /v1/ path a
// 404, anything else the web UI (HTML, 200).
func harborFront(reg, tok http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "nginx")
		p := r.URL.Path
		switch {
		case isV2(p):
			reg.ServeHTTP(w, r)
		case p == "/service/token":
			tok.ServeHTTP(w, r)
		case strings.HasPrefix(p, "/v1/"):
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, nginx404)
		default:
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				fmt.Fprint(w, harborUI)
			}
		}
	})
}

// tokenHostFront serves the token service at path on its own host
// (auth.docker.io's /token).
func tokenHostFront(path string, tok http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == path {
			tok.ServeHTTP(w, r)
			return
		}
		http.NotFound(w, r)
	})
}

// rateLimit adds Docker Hub's pull-limit headers to manifest responses (GET
// and HEAD); a successful GET counts as a pull, a HEAD does not.
type rateLimit struct {
	mu        sync.Mutex
	limit     int
	remaining int
	window    int // seconds
	source    string
}

func (rl *rateLimit) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method != http.MethodGet && r.Method != http.MethodHead) || !isManifestPath(r.URL.Path) {
			h.ServeHTTP(w, r)
			return
		}
		get := r.Method == http.MethodGet
		hw := &hookWriter{ResponseWriter: w, onHeader: func(code int) {
			if code >= 400 {
				return
			}
			rl.mu.Lock()
			if get && rl.remaining > 0 {
				rl.remaining--
			}
			remaining := rl.remaining
			rl.mu.Unlock()
			hd := w.Header()
			hd.Set("ratelimit-limit", fmt.Sprintf("%d;w=%d", rl.limit, rl.window))
			hd.Set("ratelimit-remaining", fmt.Sprintf("%d;w=%d", remaining, rl.window))
			hd.Set("docker-ratelimit-source", rl.source)
		}}
		h.ServeHTTP(hw, r)
	})
}

func isManifestPath(p string) bool {
	return strings.HasPrefix(p, "/v2/") && strings.Contains(p, "/manifests/")
}

// readOnly refuses writes from clients as a registry in read-only mode
// does (distribution: storage.maintenance.readonly); the sandbox's own
// pusher is let through so the sample images exist.
func readOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		write := r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch || r.Method == http.MethodDelete
		if write && isV2(r.URL.Path) && r.UserAgent() != pushUserAgent {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
			w.WriteHeader(http.StatusMethodNotAllowed)
			_, _ = w.Write([]byte(`{"errors":[{"code":"UNSUPPORTED","message":"The operation is unsupported."}]}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

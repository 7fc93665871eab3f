package flow

// A scripted fake registry, for faults the real distribution registry cannot
// be made to show (odd challenges, HTML token replies, stalls, huge bodies,
// skewed clocks). Everything else is tested against the real registry in
// the sandbox tests.

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

type seenRequest struct {
	Method, Path, RawQuery, Auth, Body string
}

type scripted struct {
	*httptest.Server
	mu     sync.Mutex
	seen   []seenRequest
	routes map[string]http.HandlerFunc // "GET /v2/"
}

func newScripted(t *testing.T, tls bool) *scripted {
	s := &scripted{routes: map[string]http.HandlerFunc{}}
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.mu.Lock()
		s.seen = append(s.seen, seenRequest{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(body)})
		route := s.routes[r.Method+" "+r.URL.Path]
		s.mu.Unlock()
		if route == nil {
			http.NotFound(w, r)
			return
		}
		route(w, r)
	})
	if tls {
		s.Server = httptest.NewTLSServer(h)
	} else {
		s.Server = httptest.NewServer(h)
	}
	t.Cleanup(s.Close)
	return s
}

func (s *scripted) on(method, path string, h http.HandlerFunc) { s.routes[method+" "+path] = h }

func (s *scripted) requests() []seenRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]seenRequest(nil), s.seen...)
}

func (s *scripted) host() string {
	return strings.TrimPrefix(strings.TrimPrefix(s.URL, "http://"), "https://")
}

// challenge answers 401 with the given WWW-Authenticate lines.
func challengeWith(lines ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
			w.Write([]byte("{}"))
			return
		}
		for _, l := range lines {
			w.Header().Add("WWW-Authenticate", l)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]}`))
	}
}

// testJWT is a well-formed (HS256) registry token: the fake does not verify.
func testJWT(t *testing.T, now time.Time, access []map[string]any) string {
	claims := jwt.MapClaims{"iss": "fake-issuer", "sub": "alice", "aud": "fake.registry", "exp": now.Add(5 * time.Minute).Unix(), "nbf": now.Unix(), "iat": now.Unix(), "jti": "j1", "access": access}
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("k"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func jsonReply(body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(body))
	}
}

func plainOpts(s *scripted) Options {
	return Options{Registry: s.host(), PlainHTTP: true, Transport: s.Client().Transport, Timeout: 5 * time.Second,
		Credentials: Credentials{Username: "alice", Password: "pw-alice-123", Source: "test"}}
}

package sandbox

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/distribution/distribution/v3/registry/auth/token"
	"github.com/golang-jwt/jwt/v5"
)

// tokenService is the sandbox's token service. style selects how it answers
// (Harbor core, Docker Hub's auth.docker.io, or a plain spec-following
// service for the distribution front).
type tokenService struct {
	style    Like
	signer   *signer
	kidStyle string
	// service is the name the registry challenges with; requests naming
	// another service are refused (Harbor) or answered anyway.
	service string
	// issuer and audience go into the tokens; normally the registry's issuer
	// and service, overridable to make the registry reject them.
	issuer, audience string
	expiry           time.Duration
	skew             time.Duration
	users            map[string]string
	rules            []Rule

	// postStatus, when set, is the answer to every POST.
	postStatus int

	mu      sync.Mutex
	refresh map[string]string // refresh token -> user
}

func (ts *tokenService) now() time.Time { return time.Now().Add(ts.skew) }

// tokenResponse is the JSON a token request gets. Harbor sends an empty
// access_token next to token, so access_token has no omitempty.
type tokenResponse struct {
	Token        string `json:"token"`
	AccessToken  string `json:"access_token"`
	ExpiresIn    int    `json:"expires_in"`
	IssuedAt     string `json:"issued_at"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

func (ts *tokenService) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := ts.now()
	w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
	switch {
	case r.Method == http.MethodGet:
		ts.serveGET(w, r, now)
	case r.Method == http.MethodPost && ts.postStatus != 0:
		ts.refusePOST(w)
	case r.Method == http.MethodPost && ts.style != LikeHarbor:
		ts.servePOST(w, r, now)
	default:
		// Harbor core only routes GET to its token controller.
		w.WriteHeader(http.StatusMethodNotAllowed)
	}
}

func (ts *tokenService) serveGET(w http.ResponseWriter, r *http.Request, now time.Time) {
	q := r.URL.Query()
	if !ts.checkService(w, q.Get("service")) {
		return
	}
	user, anonymous := "", true
	if r.Header.Get("Authorization") != "" {
		u, p, ok := r.BasicAuth()
		if !ok || !ts.checkPassword(u, p) {
			ts.refuse(w, "incorrect username or password")
			return
		}
		user, anonymous = u, false
	}
	refresh := ""
	if !anonymous && ts.style != LikeHarbor && q.Get("offline_token") == "true" {
		refresh = ts.newRefreshToken(user)
	}
	ts.issue(w, user, anonymous, parseScopes(q["scope"]), refresh, now)
}

func (ts *tokenService) servePOST(w http.ResponseWriter, r *http.Request, now time.Time) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		ts.badRequest(w, "invalid_request", "cannot parse the form body")
		return
	}
	f := r.PostForm
	if !ts.checkService(w, f.Get("service")) {
		return
	}
	var user, refresh string
	switch f.Get("grant_type") {
	case "password":
		user = f.Get("username")
		if !ts.checkPassword(user, f.Get("password")) {
			ts.refuse(w, "incorrect username or password")
			return
		}
		if f.Get("access_type") == "offline" {
			refresh = ts.newRefreshToken(user)
		}
	case "refresh_token":
		rt := f.Get("refresh_token")
		ts.mu.Lock()
		u, ok := ts.refresh[rt]
		ts.mu.Unlock()
		if rt == "" || !ok {
			ts.refuse(w, "invalid refresh token")
			return
		}
		user = u
		if f.Get("access_type") == "offline" {
			refresh = rt
		}
	default:
		ts.badRequest(w, "unsupported_grant_type", fmt.Sprintf("unsupported grant_type %q", f.Get("grant_type")))
		return
	}
	ts.issue(w, user, false, parseScopes(f["scope"]), refresh, now)
}

// checkService answers a request for another service. Harbor refuses any
// name but its own (also an empty one); the others only a non-empty
// different name.
func (ts *tokenService) checkService(w http.ResponseWriter, svc string) bool {
	if svc == ts.service || (svc == "" && ts.style != LikeHarbor) {
		return true
	}
	switch ts.style {
	case LikeHarbor:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "Unable to handle service: %s", svc)
	default:
		ts.badRequest(w, "invalid_request", fmt.Sprintf("unknown service %q", svc))
	}
	return false
}

func (ts *tokenService) checkPassword(user, pass string) bool {
	want, ok := ts.users[user]
	if user == "" || !ok {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(pass)) == 1
}

// refuse answers bad credentials the way the imitated service does.
func (ts *tokenService) refuse(w http.ResponseWriter, msg string) {
	switch ts.style {
	case LikeHarbor:
		// Harbor core: 401 with an empty body.
		w.WriteHeader(http.StatusUnauthorized)
	case LikeDockerHub:
		writeJSON(w, http.StatusUnauthorized, map[string]string{"details": msg})
	default:
		writeJSON(w, http.StatusUnauthorized, errorsBody("UNAUTHORIZED", msg))
	}
}

func (ts *tokenService) badRequest(w http.ResponseWriter, code, msg string) {
	switch ts.style {
	case LikeDockerHub:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": code, "details": msg})
	default:
		writeJSON(w, http.StatusBadRequest, errorsBody("UNSUPPORTED", msg))
	}
}

func (ts *tokenService) issue(w http.ResponseWriter, user string, anonymous bool, requested []scope, refresh string, now time.Time) {
	access := grant(ts.rules, user, anonymous, requested)
	tok, err := mintToken(ts.signer, ts.kidStyle, ts.issuer, ts.audience, user, access, now, ts.expiry)
	if err != nil {
		http.Error(w, "token signing failed: "+err.Error(), http.StatusInternalServerError)
		return
	}
	resp := tokenResponse{
		Token:        tok,
		AccessToken:  tok,
		ExpiresIn:    int(ts.expiry / time.Second),
		IssuedAt:     now.UTC().Format(time.RFC3339Nano),
		RefreshToken: refresh,
	}
	if ts.style == LikeHarbor {
		resp.AccessToken = ""
		resp.IssuedAt = now.UTC().Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, resp)
}

func (ts *tokenService) newRefreshToken(user string) string {
	rt := randomHex(24)
	ts.mu.Lock()
	ts.refresh[rt] = user
	ts.mu.Unlock()
	return rt
}

// mintToken signs a registry token (RS256). kidStyle picks the key hint in
// the JWS header.
func mintToken(s *signer, kidStyle, issuer, audience, subject string, access []scope, now time.Time, expiry time.Duration) (string, error) {
	if access == nil {
		access = []scope{}
	}
	claims := jwt.MapClaims{
		"iss":    issuer,
		"sub":    subject,
		"aud":    audience,
		"exp":    now.Add(expiry).Unix(),
		"nbf":    now.Unix(),
		"iat":    now.Unix(),
		"jti":    randomHex(8),
		"access": access,
	}
	t := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	switch kidStyle {
	case KidLibtrust:
		kid, err := libtrustKeyID(s.key.Public())
		if err != nil {
			return "", err
		}
		t.Header["kid"] = kid
	case KidX5C:
		t.Header["x5c"] = []string{base64.StdEncoding.EncodeToString(s.cert.Raw)}
	default:
		t.Header["kid"] = token.GetJWKThumbprint(s.key.Public())
	}
	return t.SignedString(s.key)
}

func errorsBody(code, msg string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"code": code, "message": msg}}}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// authScheme is the scheme word of an Authorization header, canonicalised
// for Basic and Bearer.
func authScheme(h string) string {
	if h == "" {
		return ""
	}
	word, _, _ := strings.Cut(h, " ")
	switch {
	case strings.EqualFold(word, "basic"):
		return "Basic"
	case strings.EqualFold(word, "bearer"):
		return "Bearer"
	}
	return word
}

// refusePOST answers a POST the way a token service that only knows GET
// does: a short error, or for a 5xx a proxy's HTML page.
func (ts *tokenService) refusePOST(w http.ResponseWriter) {
	code := ts.postStatus
	if code >= 500 {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(code)
		fmt.Fprintf(w, "<html>\r\n<head><title>%d %s</title></head>\r\n<body>\r\n<center><h1>%d %s</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n", code, http.StatusText(code), code, http.StatusText(code))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	fmt.Fprintf(w, `{"errors":[{"code":"UNSUPPORTED","message":"%s: this token service takes GET only"}]}`+"\n", strings.ToLower(http.StatusText(code)))
}

// Package redact masks secrets in everything regauth prints. A masked secret
// keeps its kind, length and a short fingerprint so that two secrets can be
// compared without being shown.
package redact

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
)

// Fingerprint is the first 8 hex digits of the SHA-256 of secret.
func Fingerprint(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:4])
}

// Mask describes secret without showing it: <kind len=N sha256:xxxxxxxx>.
func Mask(kind, secret string) string {
	if secret == "" {
		return "<empty " + kind + ">"
	}
	return fmt.Sprintf("<%s len=%d sha256:%s>", kind, len(secret), Fingerprint(secret))
}

// minSecretLen keeps one-letter "secrets" from masking every letter of the output.
const minSecretLen = 3

// Redactor replaces every registered secret in the strings it is given. It is
// safe for concurrent use: doctor traces several registries at once.
type Redactor struct {
	show    bool
	mu      sync.RWMutex
	secrets map[string]string // secret -> mask
	order   []string          // longest first, so a secret inside another is not half-masked
}

// New returns a Redactor; with show set it leaves everything as it is
// (--show-secrets).
func New(show bool) *Redactor {
	return &Redactor{show: show, secrets: map[string]string{}}
}

// Showing reports whether secrets are shown in full.
func (r *Redactor) Showing() bool { return r != nil && r.show }

// Add registers secret under kind. Its base64 and URL-encoded forms are
// registered too, since they travel in headers and query strings.
func (r *Redactor) Add(kind, secret string) {
	if r == nil || len(secret) < minSecretLen {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.addLocked(secret, Mask(kind, secret))
	r.addLocked(base64.StdEncoding.EncodeToString([]byte(secret)), Mask(kind+"-base64", secret))
	if esc := url.QueryEscape(secret); esc != secret {
		r.addLocked(esc, Mask(kind, secret))
	}
	r.sortLocked()
}

// AddBasic registers a username/password pair: the password and the Basic
// value base64(user:password) that carries it.
func (r *Redactor) AddBasic(user, password string) {
	if r == nil || password == "" {
		return
	}
	r.Add("password", password)
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
	r.mu.Lock()
	r.addLocked(basic, Mask("basic", basic))
	r.sortLocked()
	r.mu.Unlock()
}

func (r *Redactor) addLocked(secret, mask string) {
	if _, ok := r.secrets[secret]; ok || len(secret) < minSecretLen {
		return
	}
	r.secrets[secret] = mask
	r.order = append(r.order, secret)
}

func (r *Redactor) sortLocked() {
	sort.SliceStable(r.order, func(i, j int) bool { return len(r.order[i]) > len(r.order[j]) })
}

// String masks every registered secret in s.
func (r *Redactor) String(s string) string {
	if r == nil || r.show || s == "" {
		return s
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for _, secret := range r.order {
		if strings.Contains(s, secret) {
			s = strings.ReplaceAll(s, secret, r.secrets[secret])
		}
	}
	return s
}

// Value masks one known secret of the given kind, whether or not it was
// registered: the form used for fields that are secret by definition.
func (r *Redactor) Value(kind, secret string) string {
	if r.Showing() {
		return secret
	}
	return Mask(kind, secret)
}

// credentialHeaders carry secrets whole, whatever their value looks like.
var credentialHeaders = map[string]bool{
	"authorization":        true,
	"proxy-authorization":  true,
	"cookie":               true,
	"set-cookie":           true,
	"x-registry-auth":      true,
	"x-auth-token":         true,
	"x-amz-security-token": true,
}

// urlHeaders hold a URL whose query may carry a signature.
var urlHeaders = map[string]bool{"location": true, "content-location": true}

// Header masks the value of a credential header, keeping the scheme word of
// an Authorization value so the reader still sees Basic or Bearer.
func (r *Redactor) Header(name, value string) string {
	if r.Showing() {
		return value
	}
	if urlHeaders[strings.ToLower(name)] {
		// A redirect to object storage carries its signature in the query.
		return r.URL(value)
	}
	if !credentialHeaders[strings.ToLower(name)] {
		return r.String(value)
	}
	if scheme, cred, ok := strings.Cut(value, " "); ok && isAuthScheme(scheme) {
		kind := strings.ToLower(scheme)
		return scheme + " " + Mask(kind, strings.TrimSpace(cred))
	}
	return Mask(strings.ToLower(name), value)
}

func isAuthScheme(s string) bool {
	switch strings.ToLower(s) {
	case "basic", "bearer", "digest", "token", "negotiate":
		return true
	}
	return false
}

// secretQueryKeys are query parameters that carry signatures or tokens
// (presigned object-storage URLs, token endpoints).
var secretQueryKeys = []string{
	"signature", "sig", "x-amz-signature", "x-amz-credential", "x-amz-security-token",
	"x-goog-signature", "x-goog-credential", "token", "access_token", "refresh_token",
	"password", "se", "sp", "sv", "skoid", "sktid", "skt", "ske", "sks", "skv", "key-pair-id", "policy", "expires",
	"x-amz-date", "x-goog-date",
}

func isSecretQueryKey(k string) bool {
	k = strings.ToLower(k)
	for _, s := range secretQueryKeys {
		if k == s {
			return true
		}
	}
	return false
}

// URL masks a URL's userinfo password and the values of query parameters
// that carry signatures or tokens, then any registered secret. The query
// keeps its order and encoding so the reader sees what was sent.
func (r *Redactor) URL(raw string) string {
	if r.Showing() {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return r.String(raw)
	}
	if u.User != nil {
		if p, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), Mask("password", p))
		}
	}
	if u.RawQuery != "" {
		parts := strings.Split(u.RawQuery, "&")
		for i, p := range parts {
			k, v, ok := strings.Cut(p, "=")
			if !ok || v == "" {
				continue
			}
			if key, err := url.QueryUnescape(k); err == nil && isSecretQueryKey(key) {
				val, _ := url.QueryUnescape(v)
				parts[i] = k + "=" + url.QueryEscape(Mask("signature", val))
			}
		}
		u.RawQuery = strings.Join(parts, "&")
	}
	return r.String(u.String())
}

// WithShow is a copy that knows the same secrets and shows them or not:
// a report is masked unless asked for twice (--show-secrets and
// --report-show-secrets), whatever the terminal output does.
func (r *Redactor) WithShow(show bool) *Redactor {
	c := New(show)
	if r == nil {
		return c
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	for k, v := range r.secrets {
		c.secrets[k] = v
	}
	c.order = append([]string(nil), r.order...)
	return c
}

package sandbox

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// The account and region the ECR front's messages name.
const (
	ecrAccount = "123456789012"
	ecrRegion  = "us-east-1"
)

// ecrFront answers as Amazon ECR: Basic only (no token step), the
// challenge Basic realm="https://HOST/",service="ecr.amazonaws.com", a
// plain-text "Not Authorized" body, IAM-style 403s for what the identity
// may not do, and ECR's "does not exist in the registry with id" 404.
// Underneath, each request's Basic credentials become a token for just
// that request, so the registry still checks real tokens.
func (s *Sandbox) ecrFront() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !isV2(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") && r.UserAgent() == pushUserAgent {
			s.app.ServeHTTP(w, r) // the sandbox's own pushes
			return
		}
		user, pass, ok := r.BasicAuth()
		if !ok || !s.ts.checkPassword(user, pass) {
			s.ecrChallenge(w)
			return
		}
		sc, action, named := ecrScope(r)
		var access []scope
		if named {
			access = grant(s.rules, user, false, []scope{sc})
		}
		tok, err := mintToken(s.signer, KidThumbprint, s.issuer, s.service, user, access, time.Now(), 5*time.Minute)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		r.Header.Set("Authorization", "Bearer "+tok)
		c := serveCaptured(s.app, r)
		errs := ociErrors(c.body.Bytes())
		switch {
		case c.status == http.StatusUnauthorized || c.status == http.StatusForbidden:
			c.status = http.StatusForbidden
			c.header.Del("Www-Authenticate")
			msg := fmt.Sprintf("User: arn:aws:iam::%s:user/%s is not authorized to perform: %s on resource: arn:aws:ecr:%s:%s:repository/%s because no identity-based policy allows the %s action", ecrAccount, user, action, ecrRegion, ecrAccount, sc.Name, action)
			c.setBody("application/json; charset=utf-8", jsonBytes(errorsBody("DENIED", msg)))
		case c.status == http.StatusNotFound && len(errs) > 0 && (errs[0].Code == "NAME_UNKNOWN" || s.ecrNoRepository(r, sc.Name)):
			msg := fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", sc.Name, ecrAccount)
			c.setBody("application/json; charset=utf-8", jsonBytes(errorsBody("NAME_UNKNOWN", msg)))
		}
		c.send(w, r)
	})
}

func (s *Sandbox) ecrChallenge(w http.ResponseWriter) {
	h := w.Header()
	h.Set("WWW-Authenticate", fmt.Sprintf("Basic realm=%q,service=%q", s.reg.url()+"/", s.service))
	h.Set("Docker-Distribution-Api-Version", "registry/2.0")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	_, _ = w.Write([]byte("Not Authorized\n"))
}

// ecrScope is the repository scope a request needs, and the IAM action
// ECR would name for it; named is false for /v2/ itself.
func ecrScope(r *http.Request) (sc scope, action string, named bool) {
	p := strings.TrimPrefix(r.URL.Path, "/v2/")
	if p == "_catalog" {
		return scope{Type: "registry", Name: "catalog", Actions: []string{"*"}}, "ecr:DescribeRepositories", true
	}
	for _, part := range []string{"/manifests/", "/blobs/", "/tags/"} {
		i := strings.LastIndex(p, part)
		if i <= 0 {
			continue
		}
		sc = scope{Type: "repository", Name: p[:i], Actions: []string{"pull"}}
		write := r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch
		switch {
		case r.Method == http.MethodDelete:
			sc.Actions, action = []string{"delete"}, "ecr:BatchDeleteImage"
		case write && part == "/manifests/":
			sc.Actions, action = []string{"pull", "push"}, "ecr:PutImage"
		case write:
			sc.Actions, action = []string{"pull", "push"}, "ecr:InitiateLayerUpload"
		case part == "/manifests/":
			action = "ecr:BatchGetImage"
		case part == "/tags/":
			action = "ecr:ListImages"
		default:
			action = "ecr:GetDownloadUrlForLayer"
		}
		return sc, action, true
	}
	return scope{}, "", false
}

// ecrPassword is shaped like the password `aws ecr get-login-password`
// prints: base64 of a JSON envelope whose expiration says when it dies
// (the other fields are random here).
func ecrPassword(expires time.Time) string {
	rnd := func(n int) string {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	env := fmt.Sprintf(`{"payload":%q,"datakey":%q,"version":"2","type":"DATA_KEY","expiration":%d}`, rnd(96), rnd(48), expires.Unix())
	return base64.StdEncoding.EncodeToString([]byte(env))
}

// ecrNoRepository asks the registry whether name has no tags at all
// (distribution says MANIFEST_UNKNOWN for a tag of a repository it has
// never seen; ECR says the repository does not exist).
func (s *Sandbox) ecrNoRepository(r *http.Request, name string) bool {
	if name == "" {
		return false
	}
	q, err := http.NewRequestWithContext(r.Context(), http.MethodGet, "/v2/"+name+"/tags/list", nil)
	if err != nil {
		return false
	}
	access := []scope{{Type: "repository", Name: name, Actions: []string{"pull"}}}
	tok, err := mintToken(s.signer, KidThumbprint, s.issuer, s.service, adminUser, access, time.Now(), time.Minute)
	if err != nil {
		return false
	}
	q.Header.Set("Authorization", "Bearer "+tok)
	c := serveCaptured(s.app, q)
	errs := ociErrors(c.body.Bytes())
	return c.status == http.StatusNotFound && len(errs) > 0 && errs[0].Code == "NAME_UNKNOWN"
}

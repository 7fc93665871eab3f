// Package sandbox runs a throwaway container registry on loopback: the real
// CNCF distribution registry, in-process, with token (or htpasswd) auth and a
// token service of ours, behind "fronts" laid out like real deployments
// (plain distribution, Harbor, Docker Hub, Basic-auth registry). regauth's
// tests and the regauth-sandbox command use it; nothing listens beyond
// loopback.
package sandbox

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"golang.org/x/crypto/bcrypt"
)

// Like names the deployment a sandbox imitates.
type Like string

// The fronts.
const (
	LikeDistribution Like = "distribution" // registry and token service (/auth/token) on one host
	LikeHarbor       Like = "harbor"       // Harbor's nginx layout: /v2/, /service/token, /v1/ -> 404, UI
	LikeDockerHub    Like = "dockerhub"    // registry and auth.docker.io-like token service on a second host
	LikeBasic        Like = "basic"        // htpasswd Basic auth, no token service
)

// Likes lists the fronts in a stable order (the vendor fronts are in
// fronts_vendor.go).
var Likes = append([]Like{LikeDistribution, LikeHarbor, LikeDockerHub, LikeBasic}, vendorLikes...)

// ParseLike checks a front name ("" means harbor).
func ParseLike(s string) (Like, error) {
	if s == "" {
		return LikeHarbor, nil
	}
	for _, l := range Likes {
		if string(l) == s {
			return l, nil
		}
	}
	return "", fmt.Errorf("unknown sandbox front %q (want one of %s)", s, likeNames())
}

// Options configure a sandbox. The zero value is a Harbor-like sandbox with
// DefaultUsers and DefaultAccess.
type Options struct {
	Like        Like              // default harbor
	Users       map[string]string // user -> password; default DefaultUsers
	Access      []Rule            // default DefaultAccess
	TokenExpiry time.Duration     // default 5m
	// ClockSkew offsets the token service's clock: iat/nbf/exp, issued_at
	// and its Date header. Beyond the registry's 60 s leeway it makes the
	// registry reject the tokens.
	ClockSkew time.Duration
	// Issuer and Service override what the token service writes into iss
	// and aud (the registry keeps the right ones), so the registry rejects
	// the tokens. The token service still answers requests for the
	// registry's service name.
	Issuer, Service string
	// KidStyle is the JWS key hint: "thumbprint" (default), "libtrust"
	// (which distribution v3 does not know: tokens are rejected) or "x5c".
	KidStyle string
	// TLS serves https with certificates made at start (see tls.go); nil
	// serves plain http.
	TLS *TLSOptions
	// TokenPOSTStatus makes the token service answer every OAuth2 POST
	// with this status (GET keeps working), as token services and the
	// proxies in front of them do that never learnt the POST form; 500
	// comes with an HTML page. 0 answers the POST normally (Harbor: 405).
	TokenPOSTStatus int
	// ReadOnly answers every write to the registry API (POST, PUT, PATCH,
	// DELETE under /v2/) as the distribution registry's read-only
	// maintenance mode does: 405 UNSUPPORTED. The sandbox's own pushes
	// still go through.
	ReadOnly bool
}

// Front defaults: service and issuer names as the real deployments use them.
const (
	distributionService = "regauth-sandbox"
	distributionIssuer  = "regauth-sandbox-issuer"
	harborService       = "harbor-registry"
	harborIssuer        = "harbor-token-issuer"
	hubService          = "registry.docker.io"
	hubIssuer           = "auth.docker.io"
	basicRealm          = "regauth-sandbox"
	adminUser           = "regauth-sandbox-admin"
)

// Sandbox is a running sandbox registry. Close it.
type Sandbox struct {
	like     Like
	users    map[string]string
	rules    []Rule
	signer   *signer
	service  string // the registry's (challenge) service; "" for basic
	issuer   string // the registry's trusted issuer
	tokenURL string
	dir      string
	notes    []string

	reg     *endpoint // the registry (and, for distribution/harbor, the token service)
	tok     *endpoint // dockerhub's separate token host
	app     *handlers.App
	rec     *recorder
	ts      *tokenService
	pki     *PKI        // with TLS: the CA that signed the certificates
	tok2TLS *tls.Config // with TLS: the separate token host's configuration

	adminPass string // basic: the hidden account PushImage uses
	client    *http.Client

	closeOnce sync.Once
	closeErr  error
}

// Start starts a sandbox. ctx bounds the start only; the sandbox runs until
// Close.
func Start(ctx context.Context, o Options) (s *Sandbox, err error) {
	if ctx == nil {
		ctx = context.Background()
	}
	like, err := ParseLike(string(o.Like))
	if err != nil {
		return nil, err
	}
	switch o.KidStyle {
	case "":
		o.KidStyle = KidThumbprint
	case KidThumbprint, KidLibtrust, KidX5C:
	default:
		return nil, fmt.Errorf("unknown kid style %q (want thumbprint, libtrust or x5c)", o.KidStyle)
	}
	if o.Users == nil {
		o.Users = frontUsers(like, time.Now())
	}
	if o.Access == nil {
		o.Access = frontAccess(like)
	}
	if o.TokenExpiry <= 0 {
		o.TokenExpiry = 5 * time.Minute
	}
	quietRegistryLogs()

	s = &Sandbox{
		like:   like,
		users:  maps.Clone(o.Users),
		rules:  slices.Clone(o.Access),
		rec:    &recorder{},
		client: newLoopbackClient(),
	}
	defer func() {
		if err != nil {
			_ = s.Close()
			s = nil
		}
	}()
	if s.dir, err = os.MkdirTemp("", "regauth-sandbox-"); err != nil {
		return s, fmt.Errorf("creating the sandbox directory: %w", err)
	}
	var regTLS *tls.Config
	if o.TLS != nil {
		if regTLS, s.tok2TLS, err = s.tlsConfigs(o.TLS); err != nil {
			return s, err
		}
		// The sandbox reaches its own listener to push images; the faults
		// are for the client under test.
		s.client.Transport.(*http.Transport).TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // loopback, to itself
	}
	if s.reg, err = listen("127.0.0.1", regTLS); err != nil {
		return s, fmt.Errorf("listening on loopback: %w", err)
	}
	if err = ctx.Err(); err != nil {
		return s, err
	}

	var auth configuration.Auth
	if like == LikeBasic {
		if auth, err = s.basicAuth(); err != nil {
			return s, err
		}
	} else {
		if auth, err = s.tokenAuth(o); err != nil {
			return s, err
		}
	}
	appCtx := context.WithoutCancel(ctx)
	if s.app, err = newRegistryApp(appCtx, registryConfig(s.reg.host(), auth)); err != nil {
		return s, err
	}
	if err = ctx.Err(); err != nil {
		return s, err
	}

	var front http.Handler
	switch like {
	case LikeDistribution:
		front = distributionFront(s.app, s.ts)
	case LikeHarbor:
		front = harborFront(s.app, s.ts)
	case LikeDockerHub:
		rl := &rateLimit{limit: 100, remaining: 100, window: 21600, source: "127.0.0.1"}
		front = rl.wrap(s.app)
		s.tok.serve(s.rec.wrap(tokenHostFront("/token", s.ts)))
	case LikeBasic:
		front = s.app
	default:
		front = s.vendorFront()
	}
	if o.ReadOnly {
		front = readOnly(front)
	}
	s.reg.serve(s.rec.wrap(front))
	return s, nil
}

// tokenAuth sets up the signing key, the token service and the registry's
// token auth section for the front.
func (s *Sandbox) tokenAuth(o Options) (configuration.Auth, error) {
	sg, err := newSigner(time.Now())
	if err != nil {
		return nil, err
	}
	s.signer = sg
	bundle := filepath.Join(s.dir, "rootcertbundle.pem")
	if err := os.WriteFile(bundle, sg.certPEM, 0o600); err != nil {
		return nil, fmt.Errorf("writing the root certificate bundle: %w", err)
	}
	switch s.like {
	case LikeDistribution:
		s.service, s.issuer = distributionService, distributionIssuer
		s.tokenURL = s.reg.url() + "/auth/token"
	case LikeHarbor:
		s.service, s.issuer = harborService, harborIssuer
		s.tokenURL = s.reg.url() + "/service/token"
	case LikeDockerHub:
		s.service, s.issuer = hubService, hubIssuer
		tok, err := listen("127.0.0.2", s.tok2TLS)
		if err != nil {
			// Some systems route only 127.0.0.1; keep the two-host shape on
			// a second port instead.
			s.notes = append(s.notes, fmt.Sprintf("cannot bind 127.0.0.2 (%v); the token service runs on another port of 127.0.0.1", err))
			if tok, err = listen("127.0.0.1", s.tok2TLS); err != nil {
				return nil, fmt.Errorf("listening on loopback for the token service: %w", err)
			}
		}
		s.tok = tok
		s.tokenURL = tok.url() + "/token"
	default:
		if err := s.vendorTokenAuth(); err != nil {
			return nil, err
		}
	}
	s.ts = &tokenService{
		style:      s.like,
		signer:     sg,
		kidStyle:   o.KidStyle,
		service:    s.service,
		issuer:     cmpOr(o.Issuer, s.issuer),
		audience:   cmpOr(o.Service, s.service),
		expiry:     o.TokenExpiry,
		skew:       o.ClockSkew,
		users:      s.users,
		rules:      s.rules,
		refresh:    map[string]string{},
		postStatus: o.TokenPOSTStatus,
	}
	return configuration.Auth{"token": configuration.Parameters{
		"realm":          s.tokenURL,
		"service":        s.service,
		"issuer":         s.issuer,
		"rootcertbundle": bundle,
	}}, nil
}

// basicAuth writes the htpasswd file (bcrypt, cost 5 like `htpasswd -B`)
// with the users and a hidden account for PushImage.
func (s *Sandbox) basicAuth() (configuration.Auth, error) {
	s.adminPass = randomHex(16)
	users := maps.Clone(s.users)
	users[adminUser] = s.adminPass
	var buf []byte
	for _, u := range slices.Sorted(maps.Keys(users)) {
		h, err := bcrypt.GenerateFromPassword([]byte(users[u]), 5)
		if err != nil {
			return nil, fmt.Errorf("hashing the password of %s: %w", u, err)
		}
		buf = fmt.Appendf(buf, "%s:%s\n", u, h)
	}
	path := filepath.Join(s.dir, "htpasswd")
	if err := os.WriteFile(path, buf, 0o600); err != nil {
		return nil, fmt.Errorf("writing htpasswd: %w", err)
	}
	return configuration.Auth{"htpasswd": configuration.Parameters{"realm": basicRealm, "path": path}}, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// URL is the registry base URL as a client reaches it ("http://127.0.0.1:PORT").
func (s *Sandbox) URL() string { return s.reg.url() }

// Host is the registry's host:port, what `docker login` takes.
func (s *Sandbox) Host() string { return s.reg.host() }

// TokenURL is the realm of the Bearer challenge ("" for basic).
func (s *Sandbox) TokenURL() string { return s.tokenURL }

// Service is the service name of the challenge ("" for basic).
func (s *Sandbox) Service() string { return s.service }

// Issuer is the issuer the registry trusts ("" for basic).
func (s *Sandbox) Issuer() string { return s.issuer }

// Users returns a copy of the accounts (user -> password).
func (s *Sandbox) Users() map[string]string { return maps.Clone(s.users) }

// Access returns a copy of the access rules the token service applies.
func (s *Sandbox) Access() []Rule { return slices.Clone(s.rules) }

// Like is the front.
func (s *Sandbox) Like() Like { return s.like }

// CertPEM is the token signing certificate, the registry's rootcertbundle
// (nil for basic).
func (s *Sandbox) CertPEM() []byte {
	if s.signer == nil {
		return nil
	}
	return slices.Clone(s.signer.certPEM)
}

// Notes are remarks about how this sandbox deviates from the intended
// layout (e.g. 127.0.0.2 could not be bound).
func (s *Sandbox) Notes() []string { return slices.Clone(s.notes) }

// Requests returns every request that reached any sandbox listener, in
// arrival order.
func (s *Sandbox) Requests() []Request { return s.rec.list() }

// ResetRequests forgets the recorded requests.
func (s *Sandbox) ResetRequests() { s.rec.reset() }

// Close stops every listener and the registry and removes the temporary
// files. It is safe to call more than once.
func (s *Sandbox) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		errs = append(errs, s.reg.close(), s.tok.close())
		if s.client != nil {
			s.client.CloseIdleConnections()
		}
		if s.app != nil {
			errs = append(errs, s.app.Shutdown())
		}
		if s.dir != "" {
			errs = append(errs, os.RemoveAll(s.dir))
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

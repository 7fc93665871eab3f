package sandbox

import (
	"fmt"
	"maps"
	"slices"
	"time"
)

// TokenServiceOptions configure a token service that runs on its own, for a
// registry outside this process (the end-to-end tests put Debian's
// registry 2.8 behind nginx and point its realm here).
type TokenServiceOptions struct {
	// Like picks the token service's manners: harbor (the default: GET
	// only, Harbor's refusals), dockerhub or distribution.
	Like Like
	// Service and Issuer default to the front's (harbor-registry,
	// harbor-token-issuer for harbor).
	Service, Issuer string
	// KidStyle defaults to libtrust: what registry 2.x expects.
	KidStyle    string
	Users       map[string]string
	Access      []Rule
	TokenExpiry time.Duration
}

// TokenService is a running standalone token service. It answers on every
// path, so a proxy can forward /service/token or /token to it as it is.
type TokenService struct {
	ep  *endpoint
	ts  *tokenService
	rec *recorder
}

// StartTokenService starts a token service on a loopback port.
func StartTokenService(o TokenServiceOptions) (*TokenService, error) {
	like, err := ParseLike(string(o.Like))
	if err != nil {
		return nil, err
	}
	if like == LikeBasic {
		return nil, fmt.Errorf("a basic front has no token service")
	}
	service, issuer := harborService, harborIssuer
	switch like {
	case LikeDistribution:
		service, issuer = distributionService, distributionIssuer
	case LikeDockerHub:
		service, issuer = hubService, hubIssuer
	}
	if o.KidStyle == "" {
		o.KidStyle = KidLibtrust
	}
	if o.Users == nil {
		o.Users = DefaultUsers
	}
	if o.Access == nil {
		o.Access = DefaultAccess
	}
	if o.TokenExpiry <= 0 {
		o.TokenExpiry = 5 * time.Minute
	}
	sg, err := newSigner(time.Now())
	if err != nil {
		return nil, err
	}
	ep, err := listen("127.0.0.1", nil)
	if err != nil {
		return nil, fmt.Errorf("listening on loopback: %w", err)
	}
	t := &TokenService{ep: ep, rec: &recorder{}, ts: &tokenService{
		style:    like,
		signer:   sg,
		kidStyle: o.KidStyle,
		service:  cmpOr(o.Service, service),
		issuer:   cmpOr(o.Issuer, issuer),
		audience: cmpOr(o.Service, service),
		expiry:   o.TokenExpiry,
		users:    maps.Clone(o.Users),
		rules:    slices.Clone(o.Access),
		refresh:  map[string]string{},
	}}
	ep.serve(t.rec.wrap(t.ts))
	return t, nil
}

// URL is the service's base URL, "http://127.0.0.1:PORT".
func (t *TokenService) URL() string { return t.ep.url() }

// Service and Issuer are what the registry's auth.token section must name.
func (t *TokenService) Service() string { return t.ts.service }
func (t *TokenService) Issuer() string  { return t.ts.issuer }

// CertPEM is the signing certificate: the registry's rootcertbundle.
func (t *TokenService) CertPEM() []byte { return append([]byte(nil), t.ts.signer.certPEM...) }

// Requests are the requests that reached the service.
func (t *TokenService) Requests() []Request { return t.rec.list() }

// AdminAuthorization is a Bearer value granting pull and push on repo, for
// pushing test images.
func (t *TokenService) AdminAuthorization(repo string) (string, error) {
	access := []scope{{Type: "repository", Name: repo, Actions: []string{"pull", "push"}}}
	tok, err := mintToken(t.ts.signer, t.ts.kidStyle, t.ts.issuer, t.ts.audience, adminUser, access, time.Now(), 5*time.Minute)
	if err != nil {
		return "", err
	}
	return "Bearer " + tok, nil
}

// Close stops the service.
func (t *TokenService) Close() error { return t.ep.close() }

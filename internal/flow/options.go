package flow

import (
	"net/http"
	"time"

	"github.com/regauth/regauth/internal/redact"
)

// DefaultMaxBody bounds every response body the engine reads.
const DefaultMaxBody = 1 << 20

// DefaultTimeout bounds each request, body included.
const DefaultTimeout = 30 * time.Second

// Options configure a handshake.
type Options struct {
	// Registry is host[:port], or a URL whose scheme forces http or https
	// and whose path is a prefix before /v2/.
	Registry    string
	Credentials Credentials
	// Anonymous sends no credentials even when some are known.
	Anonymous bool
	// HelperFailure, when set, is a credential helper that failed: the
	// trace records it and sends nothing.
	HelperFailure *HelperFailure
	// OAuth uses the OAuth2 POST token request with a password, falling back
	// to GET the way containerd does.
	OAuth bool
	// PlainHTTP talks http from the start; Docker only does that for
	// insecure registries.
	PlainHTTP bool
	// AllowPlainHTTPRealm sends credentials to an http realm behind an
	// https registry.
	AllowPlainHTTPRealm bool
	Timeout             time.Duration
	MaxBody             int64
	UserAgent           string
	Transport           http.RoundTripper
	Now                 func() time.Time
	// Redactor learns every secret the trace sees (tokens it obtains
	// included) so renderers can mask them.
	Redactor *redact.Redactor
	// Proxy describes the proxy in use, for the trace; empty for none.
	Proxy string
	// Profile is the client whose handshake is replayed; nil is Docker
	// (classic store).
	Profile *Profile
	// ClientNote says why this profile was chosen ("Docker 20.10.24 at
	// unix:///var/run/docker.sock uses the classic image store").
	ClientNote string
	// Route is one host of containerd's host list (hosts.toml): its API
	// root, ?ns= and static headers go on the requests (hosts_route.go).
	Route *HostRoute
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Transport == nil {
		o.Transport = http.DefaultTransport
	}
	if o.Redactor == nil {
		o.Redactor = redact.New(false)
	}
	if o.Profile == nil {
		o.Profile, _ = LookupProfile(DefaultClient)
	}
	if o.UserAgent == "" {
		o.UserAgent = o.Profile.UserAgent
	}
	if o.UserAgent == "" {
		o.UserAgent = "regauth (docker-compatible)"
	}
}

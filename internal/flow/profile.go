package flow

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Profile is one client's handshake as data: the choices in which clients
// differ, read by the engine instead of `if client == ...` branches. The
// facts behind each value are in ../shared/reference/clients.md and
// docs/clients.md, with the source file and function they come from.
type Profile struct {
	// Name is the canonical name (--client NAME); Version is the release
	// the profile follows. Legacy profiles replay an older release and are
	// chosen with NAME@VERSION only.
	Name, Version string
	Legacy        bool
	// Variant profiles share another's handshake and differ in what the
	// user sees (the kubelet's events); compare leaves them out.
	Variant bool
	Aliases []string
	// Title names the client and version the profile replays; Display is
	// its name in sentences when that is not Name ("Docker").
	Title, Display string
	// Basis says how the profile is known: checked on the wire against the
	// real client, or followed from its source only.
	Basis    string
	Verified bool

	// Login is nil for a client without a login command; NoLogin says
	// when it authenticates instead.
	Login   *LoginRule
	NoLogin string

	Ping     PingRule
	Token    TokenRule
	Manifest ManifestRule
	// Headers are added to every registry request (not token requests).
	Headers   http.Header
	UserAgent string
	// Wording is the client's own error text.
	Wording Wording
	// Push is how the client starts a push.
	Push PushRule
	// Redirect is how the client follows 3xx answers.
	Redirect RedirectRule
	// HostCreds is which credentials each host of containerd's host list
	// (hosts.toml) is offered.
	HostCreds HostCredRule
}

// HostCredRule is a containerd-based client's credentials callback over
// its host list.
type HostCredRule int

const (
	// HostCredsEvery: the same credentials to every host (ctr --user).
	HostCredsEvery HostCredRule = iota
	// HostCredsRegistryOnly: only the registry's own host; mirrors ask
	// anonymously (Docker's containerd store: "Host doesn't match").
	HostCredsRegistryOnly
	// HostCredsCRI: the kubelet's credentials to every host, else the CRI
	// config's registry.configs."HOST".auth of the host asked.
	HostCredsCRI
)

// RedirectRule is how a client follows redirects. Every client here is a
// Go program, so Go's net/http rules hold for all (10 requests at most,
// POST turned into a bodiless GET by 301/302/303, Authorization dropped
// for good at a hop that leaves the first request's host and its
// subdomains); they differ in who adds credentials again on a hop, and in
// what they refuse to follow.
type RedirectRule struct {
	ReAuth ReAuth
	// RefuseDowngrade: a registry request redirected from https to http is
	// refused (regclient's regnet.AllowRedirect).
	RefuseDowngrade bool
	// PrivateHopGuard, when set, refuses a registry request's hop to
	// another host that is a private or loopback address, and says so in
	// the client's words (go-containerregistry's checkRedirectSSRF).
	PrivateHopGuard func(from, to string) string
	// TokenHopGuard, when set, checks each hop of a token request as the
	// realm is checked (Token.RealmGuard) and words the refusal of the hop
	// (go-containerregistry's realmRedirectCheck, oras-go's
	// realmRedirectGuard).
	TokenHopGuard func(hopURL, why string) string
	// DropAtOriginChange: Authorization is dropped once the chain leaves the
	// first request's scheme://host:port, port included (oras-go's
	// sendRedirectSafe), not only at a hostname change as Go does.
	DropAtOriginChange bool
	// IgnoreOtherOrigin401: a 401 from a hop on another origin is taken as
	// the answer; no credentials are resolved for it (oras-go Client.Do).
	IgnoreOtherOrigin401 bool
	// HandlerPer401Host: the client keeps its auth handler under the host
	// that answered 401 (the chain's last hop), and authorises requests to
	// that host only (containerd's AddResponses; regclient's auth per host).
	HandlerPer401Host bool
	// Attempts is how many times the client sends a request whose redirect
	// chain failed (0 and 1: once); Backoff is the wait before attempt n+1,
	// named in the trace but not slept (regclient: 5 attempts, 100 ms
	// doubling from the second).
	Attempts int
	Backoff  func(n int) time.Duration
	// CredsForRegistryHostOnly: credentials are offered only to the
	// registry's own host; a handler for another host asks anonymously
	// (regclient's AuthCreds; Docker's containerd store).
	CredsForRegistryHostOnly bool
}

// ReAuth is who puts credentials on a registry request's redirect hop.
type ReAuth int

const (
	// ReAuthGo: nothing but Go's copy of the first request's headers
	// (containers/image, oras-go).
	ReAuthGo ReAuth = iota
	// ReAuthPingedV2: the Docker engine's authorising transport adds
	// Authorization inside RoundTrip on every hop whose path has /v2/ and
	// whose scheme://host is where the ping found the challenge; Go's copy
	// never sees it (moby registry/auth.go, endpointAuthorizer).
	ReAuthPingedV2
	// ReAuthRegistryHost: after Go's copy, the client authorises a hop to a
	// host it holds a handler for, the registry's (containerd's
	// CheckRedirect calling r.authorize; regclient's checkRedirect; ggcr's
	// bearer transport on a matching host).
	ReAuthRegistryHost
)

// PushRule is a client's push up to its first upload session.
type PushRule struct {
	// Actions is the scope's action list in the client's order
	// ("push,pull" for Docker and crane, "pull,push" for the others).
	Actions string
	// HeadManifest: the client asks whether the tag exists first (crane).
	HeadManifest bool
	// HeadBlob: the client asks whether a blob exists before uploading it.
	HeadBlob bool
	// MountFallback says what the client does when a cross-repository
	// mount is refused.
	MountFallback string
}

// ID is NAME or NAME@VERSION.
func (p *Profile) ID() string {
	if p.Legacy {
		return p.Name + "@" + p.Version
	}
	return p.Name
}

// Short is the client's name for messages ("containerd", "Docker").
func (p *Profile) Short() string {
	if p.Display != "" {
		return p.Display
	}
	return p.Name
}

// LoginRule is what the client's login command sends after the ping.
type LoginRule struct {
	// Fields are added to the login's token GET (Docker: client_id=docker
	// and offline_token=true, so the token service may return a refresh
	// token).
	Fields map[string]string
	// RepeatPingWhenOpen: when /v2/ answers 200 to the ping, the login
	// still sends its own GET /v2/ (Docker's loginV2 goes through its
	// authorising transport, which has nothing to add).
	RepeatPingWhenOpen bool
	// Via is the profile whose login this client's login is: Docker's
	// containerd store logs in through the daemon's classic registry code.
	Via *Profile
}

// PingRule is the first, unauthenticated GET /v2/.
type PingRule struct {
	// Send is false for clients that go straight to the manifest and learn
	// the challenge from its 401 (containerd).
	Send bool
	// Accepts lists the only statuses the client goes on from; empty
	// means any (Docker stores whatever challenge there is).
	Accepts []int
	// V1ProbeOnFailure: a ping that gets no usable answer is followed by
	// GET /v1/_ping on each scheme, to tell a v1 registry apart
	// (containers/image detectPropertiesHelper).
	V1ProbeOnFailure bool
}

// accepts reports whether the client goes on after a ping status.
func (r PingRule) accepts(status int) bool {
	if len(r.Accepts) == 0 {
		return true
	}
	for _, s := range r.Accepts {
		if s == status {
			return true
		}
	}
	return false
}

// PostWhen says when a client asks for its token with the OAuth2 POST.
type PostWhen int

const (
	// PostWithIdentityToken: only to exchange a stored identity token
	// (Docker classic, containers/image).
	PostWithIdentityToken PostWhen = iota
	// PostWithSecret: whenever there is a password or identity token
	// (containerd), with a password grant for a username.
	PostWithSecret
)

// BasicWhen says when the token GET carries Basic credentials.
type BasicWhen int

const (
	// BasicWithUserAndPassword needs both (Docker, containers/image).
	BasicWithUserAndPassword BasicWhen = iota
	// BasicWithSecret needs only a secret: containerd sends ":"+token for
	// an identity token without a username.
	BasicWithSecret
)

// TokenRule is how the client asks the token service.
type TokenRule struct {
	Post PostWhen
	// ClientID is the POST's client_id.
	ClientID string
	// PostContentType is the POST's Content-Type.
	PostContentType string
	// ScopeEach sends one scope field per scope in the POST form; false
	// joins them with spaces in one field (the OAuth2 way).
	ScopeEach bool
	// OmitEmptyScope leaves the POST's scope field out when there is none.
	OmitEmptyScope bool
	// PasswordGrantOffline adds access_type=offline to a password grant.
	PasswordGrantOffline bool
	// Fallback says on which POST answers the client retries with GET
	// (nil: it never does). hasUsername is false for an identity token.
	Fallback func(status int, hasUsername bool) bool
	// FallbackText describes Fallback for notes and hints.
	FallbackText string
	// Account sends account=USER on the GET; AccountNeedsPassword only
	// when a password goes with it (Docker).
	Account, AccountNeedsPassword bool
	Basic                         BasicWhen
	// MergeChallengeScope adds the challenge's scope to the client's own
	// (containerd); false ignores it (Docker).
	MergeChallengeScope bool
	// ChallengeScope asks for the scope the 401's challenge names, in its
	// order, instead of the client's own (regclient).
	ChallengeScope bool
	// PostServiceAlways sends service= in the POST form even when the
	// challenge named none (containerd).
	PostServiceAlways bool
	// GetFields are added to every token GET.
	GetFields map[string]string
	// RealmGuard, when set, is the client's refusal of a realm on a
	// private, loopback or link-local address other than the registry's
	// (crane, oras: SSRF protection); "" when it has none.
	RealmGuard func(realmHost, addr string, resolved bool) string
	// RealmMatchPort: only a realm on the registry's host:port is exempt
	// (go-containerregistry validateRealmURL); otherwise the hostname.
	RealmMatchPort bool
	// RealmResolves: a realm host that is a name is resolved and refused
	// when an address is private (oras-go validateRealm).
	RealmResolves bool
}

// ManifestSequence is how a client resolves a tag.
type ManifestSequence int

const (
	// HeadThenGetByDigest: HEAD the tag, then GET the digest it names.
	HeadThenGetByDigest ManifestSequence = iota
	// GetTag: GET the tag's manifest (no HEAD).
	GetTag
)

// AuthTiming says when the client authenticates registry requests.
type AuthTiming int

const (
	// AuthFromPing: the ping's challenge gives the token before the first
	// manifest request (Docker classic, containers/image, crane).
	AuthFromPing AuthTiming = iota
	// AuthOn401: the request goes without credentials, and its 401 gives
	// the challenge; the request is then repeated with the token
	// (containerd, oras).
	AuthOn401
)

// RetryKind is a client's answer to a 401 on a request with its token.
type RetryKind int

const (
	RetryNone RetryKind = iota
	// RetryWidenScope: on insufficient_scope with a scope, one more token
	// with that scope added, then the request once more (containers/image).
	RetryWidenScope
	// RetryRefresh: a new token for the same scope, then the request once
	// more (go-containerregistry's bearer transport).
	RetryRefresh
)

// ManifestRule is how the client asks for the manifest.
type ManifestRule struct {
	Sequence ManifestSequence
	Auth     AuthTiming
	// Accept is the list of media types; AcceptJoin, when set, sends them
	// in one header joined by it, otherwise one header value each.
	Accept     []string
	AcceptJoin string
	// DigestAcceptFromHead sends the media type the HEAD answered (and
	// "*/*") on the GET by digest, as containerd's fetcher does.
	DigestAcceptFromHead bool
	// HeadErrorGET lists the HEAD statuses after which the client repeats
	// the request as GET (0 in the list: any status >= 400).
	HeadErrorGET []int
	// Retry401 is what the client does when a request that carried its
	// token gets 401 (clients that authenticate from the ping).
	Retry401 RetryKind
	// FreshAuthPerFetch: the resolve and the fetch each get a new
	// authorizer, so the GET by digest goes without credentials first and
	// learns the challenge again (containerd's ConfigureHosts, as ctr and
	// the CRI use it).
	FreshAuthPerFetch bool
	// Max401 is how many requests containerd sends on repeated 401s
	// without an error parameter before it gives up.
	Max401 int
}

func (r ManifestRule) headErrorGET(status int) bool {
	for _, s := range r.HeadErrorGET {
		if s == status || (s == 0 && status >= 400) {
			return true
		}
	}
	return false
}

// setAccept puts the profile's Accept values on a request.
func (r ManifestRule) setAccept(h http.Header, types []string) {
	if len(types) == 0 {
		return
	}
	if r.AcceptJoin != "" {
		h.Set("Accept", strings.Join(types, r.AcceptJoin))
		return
	}
	for _, mt := range types {
		h.Add("Accept", mt)
	}
}

// DefaultClient is the profile used without --client.
const DefaultClient = "docker"

// LookupProfile finds a profile by name or alias, with an optional
// @VERSION ("containerd@1.6").
func LookupProfile(s string) (*Profile, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	if in == "" {
		in = DefaultClient
	}
	name, version, _ := strings.Cut(in, "@")
	for _, p := range profiles() {
		if p.Name != name && !contains(p.Aliases, name) {
			continue
		}
		switch {
		case version == "" || version == "latest":
			if !p.Legacy {
				return p, nil
			}
		case p.Version == version || strings.HasPrefix(p.Version, version+"."):
			return p, nil
		}
	}
	for _, p := range profiles() {
		if p.Name == name || contains(p.Aliases, name) {
			return nil, fmt.Errorf("client %q has no profile for version %q (known: %s)", name, version, strings.Join(versionsOf(p.Name), ", "))
		}
	}
	return nil, fmt.Errorf("unknown client %q (known: %s)", s, strings.Join(ClientNames(), ", "))
}

func versionsOf(name string) []string {
	var out []string
	for _, p := range profiles() {
		if p.Name == name {
			out = append(out, p.ID())
		}
	}
	return out
}

// ClientNames lists every profile id and alias, for help and errors.
func ClientNames() []string {
	var out []string
	for _, p := range profiles() {
		out = append(out, p.ID())
		if !p.Legacy {
			out = append(out, p.Aliases...)
		}
	}
	sort.Strings(out)
	return out
}

// Profiles lists the current profile of every client, in the order compare
// shows them.
func Profiles() []*Profile {
	var out []*Profile
	for _, p := range profiles() {
		if !p.Legacy && !p.Variant {
			out = append(out, p)
		}
	}
	return out
}

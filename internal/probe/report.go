// Package probe looks at a registry without credentials: DNS, TCP, TLS and
// the certificate chain, which of http and https the port speaks, and what
// /v2/, /v1/_ping and /v1/users/ answer; then the same transport checks for
// the token service named in the challenge. It tells DNS from TLS from
// http-vs-https from the API version, so that a login failure left over is
// about authentication. Like flow, it returns data and never prints.
package probe

import (
	"net/http"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// API says which registry APIs answered.
type API string

const (
	APIV2      API = "v2"   // the v2 API only
	APIV1      API = "v1"   // the v1 API only
	APIBoth    API = "both" // both
	APINone    API = "none" // answers, but not as a registry
	APIUnknown API = ""     // could not be asked
)

// Verdict is the probe's conclusion; the exit code follows it.
type Verdict string

const (
	VerdictOK            Verdict = "ok"              // a v2 registry answers
	VerdictNotARegistry  Verdict = "not-a-registry"  // answers, but not usable by a current client
	VerdictTransportFail Verdict = "transport-error" // DNS, connection, TLS or http-vs-https
)

// Problem names the layer that is wrong, first one first.
type Problem string

const (
	ProblemNone         Problem = "none" // transport and API fine: left over is authentication
	ProblemDNS          Problem = "dns"
	ProblemConnection   Problem = "connection"
	ProblemTLS          Problem = "tls"
	ProblemScheme       Problem = "http-vs-https"
	ProblemAPI          Problem = "api-version"
	ProblemTokenService Problem = "token-service"
)

// Report is everything the probe saw.
type Report struct {
	Registry string        `json:"registry"`
	Endpoint string        `json:"endpoint"` // base URL the API requests used, "" if none
	Hosts    []*HostReport `json:"hosts"`    // the registry first, then the token service's host
	Requests []*Exchange   `json:"requests"`
	API      API           `json:"api"`
	Verdict  Verdict       `json:"verdict"`
	Summary  string        `json:"summary"` // "speaks the v2 API only", ...
	Problem  Problem       `json:"problem"`
	Next     string        `json:"next"` // one sentence: where the problem is and what to do
	// Realm is the token service URL from the challenge, if any.
	Realm     string               `json:"realm,omitempty"`
	Flavour   *flavour.Match       `json:"flavour,omitempty"` // the registry product the /v2/ answer shows
	Proxy     string               `json:"proxy,omitempty"`
	Notes     []string             `json:"notes,omitempty"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
	Started   time.Time            `json:"started"`
	Duration  time.Duration        `json:"duration"`
}

// HostReport is the transport seen for one host:port.
type HostReport struct {
	Role string `json:"role"` // "registry" or "token service"
	Host string `json:"host"` // host:port as addressed
	// Want is the scheme the client would use first (https unless told).
	Want string     `json:"want"`
	DNS  DNSResult  `json:"dns"`
	TCP  *TCPResult `json:"tcp,omitempty"`
	TLS  *TLSResult `json:"tls,omitempty"`
	HTTP *HTTPCheck `json:"http,omitempty"`
	// Speaks is "https", "http", "both" or "neither"; "" when the port was
	// not reached.
	Speaks string `json:"speaks"`
	// SameAs is set when this host:port was already checked ("registry").
	SameAs string `json:"same_as,omitempty"`
}

// DNSResult is the name lookup.
type DNSResult struct {
	Name      string        `json:"name"`
	Addresses []string      `json:"addresses,omitempty"`
	Literal   bool          `json:"literal,omitempty"` // an IP address: nothing to look up
	Duration  time.Duration `json:"duration"`
	Err       string        `json:"error,omitempty"`
}

// TCPResult is the connection to the first address.
type TCPResult struct {
	Address  string        `json:"address"`
	Duration time.Duration `json:"duration"`
	Err      string        `json:"error,omitempty"`
}

// TLSResult is the handshake (made without verification, so that the
// chain can be shown) and the verification done afterwards.
type TLSResult struct {
	Version  string         `json:"version,omitempty"`
	Cipher   string         `json:"cipher,omitempty"`
	ALPN     string         `json:"alpn,omitempty"`
	Duration time.Duration  `json:"duration"`
	Chain    []tlsinfo.Cert `json:"chain,omitempty"` // as the server sent it, its own first
	// Trust is the chain checked against each trust source separately.
	Trust []TrustCheck `json:"trust,omitempty"`
	// Trusted: the chain leads to a CA in at least one source.
	Trusted bool `json:"trusted"`
	NameOK  bool `json:"name_ok"`
	// NameDetail says which names the certificate carries when it does
	// not name the host.
	NameDetail string `json:"name_detail,omitempty"`
	// Verified: trusted, named and in date; what a verifying client needs.
	Verified bool `json:"verified"`
	// Skipped: --insecure, nothing verified.
	Skipped bool   `json:"skipped,omitempty"`
	Err     string `json:"error,omitempty"`
	// PlainHTTP: the port answered the TLS hello with plain http.
	PlainHTTP bool `json:"plain_http,omitempty"`

	findings []tlsinfo.Finding
}

// TrustCheck is the chain against one trust source.
type TrustCheck struct {
	Source  string `json:"source"` // "system pool", "--ca-file", "certs.d"
	Path    string `json:"path,omitempty"`
	Trusted bool   `json:"trusted"`
	Detail  string `json:"detail"` // "trusted", "not trusted: ...", "not given", "no such folder"
}

// HTTPCheck is a plain-http request to the same port.
type HTTPCheck struct {
	URL      string        `json:"url"`
	Status   int           `json:"status,omitempty"`
	Duration time.Duration `json:"duration"`
	Err      string        `json:"error,omitempty"`
	// HTTPSOnly: the answer a TLS port gives to plain http.
	HTTPSOnly bool   `json:"https_only,omitempty"`
	Body      string `json:"body,omitempty"` // the first line, for the reader
}

// Exchange is one API request the probe made, without credentials.
type Exchange struct {
	Name          string                 `json:"name"` // "/v2/", "/v1/_ping", "/v1/users/"
	Method        string                 `json:"method"`
	URL           string                 `json:"url"`
	UserAgent     string                 `json:"user_agent"`
	Status        int                    `json:"status,omitempty"`
	StatusText    string                 `json:"status_text,omitempty"`
	Headers       http.Header            `json:"headers,omitempty"`
	Body          []byte                 `json:"-"`
	BodyTruncated bool                   `json:"body_truncated,omitempty"`
	APIVersion    string                 `json:"api_version,omitempty"` // Docker-Distribution-API-Version
	V1Version     string                 `json:"v1_version,omitempty"`  // X-Docker-Registry-Version
	Challenges    []challenge.Challenge  `json:"challenges,omitempty"`
	Misreadings   []challenge.Difference `json:"misreadings,omitempty"`
	Duration      time.Duration          `json:"duration"`
	Err           string                 `json:"error,omitempty"`
	// Unverified: sent without checking the certificate, because it failed
	// the checks (or --insecure).
	Unverified bool     `json:"unverified,omitempty"`
	Notes      []string `json:"notes,omitempty"`
}

// ContentType is the answer's media type without parameters.
func (x *Exchange) ContentType() string {
	ct := x.Headers.Get("Content-Type")
	for i := 0; i < len(ct); i++ {
		if ct[i] == ';' {
			return ct[:i]
		}
	}
	return ct
}

// Host returns the report of the given role, nil if absent.
func (r *Report) Host(role string) *HostReport {
	for _, h := range r.Hosts {
		if h.Role == role {
			return h
		}
	}
	return nil
}

// Request returns the exchange of the given name, nil if absent.
func (r *Report) Request(name string) *Exchange {
	for _, x := range r.Requests {
		if x.Name == name {
			return x
		}
	}
	return nil
}

// Role names.
const (
	RoleRegistry     = "registry"
	RoleTokenService = "token service"
)

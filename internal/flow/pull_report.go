package flow

import (
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/manifest"
	"github.com/regauth/regauth/internal/decode/ratelimit"
)

// PullRequest says what pull-trace replays.
type PullRequest struct {
	Image imageref.Ref
	// Push asks for pull,push (as docker push does) and judges the grant;
	// nothing is ever written.
	Push bool
	// Blob also fetches the image config blob, following redirects.
	Blob bool
	// CompareAnonymous runs the pull again without credentials.
	CompareAnonymous bool
	// OS and Arch choose the entry of an index --blob follows (a daemon
	// picks its own platform); default linux and this machine's arch.
	OS, Arch string
	// ResolveOnly stops after a HEAD that names the digest (containerd's
	// resolve, host by host); FetchAccept is the Accept of a GET by
	// digest when another host resolved it (hosts_pull.go).
	ResolveOnly bool
	FetchAccept []string
}

// PullReport is what a pull trace found beyond its steps.
type PullReport struct {
	Image imageref.Ref `json:"image"`
	// Actions are the ones requested: [pull] or [pull push].
	Actions []string `json:"actions"`
	// Scopes is the scope analysis: challenge, request and grant side by side.
	Scopes []ScopeRow `json:"scopes"`
	// GrantNote says why the grant is unknown, when it is.
	GrantNote     string          `json:"grant_note,omitempty"`
	Manifest      *ManifestResult `json:"manifest,omitempty"`
	RateLimits    []RateLimitSeen `json:"rate_limits,omitempty"`
	RegistryError *RegistryError  `json:"registry_error,omitempty"`
	Blob          *BlobResult     `json:"blob,omitempty"`
	Anonymous     *Comparison     `json:"anonymous,omitempty"`
}

// ScopeRow is one resource: what the registry's challenge asked for, what
// regauth requested and what the token granted. A nil list is "not known"
// (no challenge named it, or the token could not be read); an empty one is
// "nothing".
type ScopeRow struct {
	Resource  string   `json:"resource"`
	Challenge []string `json:"challenge"`
	Requested []string `json:"requested"`
	Granted   []string `json:"granted"`
	Missing   []string `json:"missing,omitempty"`
}

// ManifestResult describes the manifest the pull got.
type ManifestResult struct {
	Step      int    `json:"step"`
	MediaType string `json:"media_type"`
	Kind      string `json:"kind"`
	// Digest is the one the pull goes on with; DigestSource says where it
	// came from ("Docker-Content-Digest" or "sha256 of the body").
	Digest       string `json:"digest"`
	DigestSource string `json:"digest_source"`
	// BodyDigest is the sha256 of the body, when the body was fetched whole.
	BodyDigest string `json:"body_digest,omitempty"`
	// Verified is set when the body's sha256 equals Digest.
	Verified  bool                 `json:"verified"`
	Size      int64                `json:"size"`
	Platforms []string             `json:"platforms,omitempty"`
	Config    *manifest.Descriptor `json:"config,omitempty"`
	Layers    int                  `json:"layers"`
}

// RateLimitSeen is one manifest response's pull-limit headers.
type RateLimitSeen struct {
	Step   int            `json:"step"`
	Method string         `json:"method"`
	Status int            `json:"status"`
	Counts bool           `json:"counts_as_pull"`
	Info   ratelimit.Info `json:"info"`
}

// RegistryError is the registry's refusal of the manifest request.
type RegistryError struct {
	Step   int      `json:"step"`
	Status int      `json:"status"`
	Codes  []string `json:"codes"`
	// EngineText is the Docker engine's error; DaemonText the daemon's
	// rewrite of it (what `docker pull` prints after "Error response from
	// daemon: ").
	EngineText string `json:"engine_text"`
	DaemonText string `json:"daemon_text"`
}

// BlobResult is the --blob fetch of the config blob.
type BlobResult struct {
	Digest   string    `json:"digest"`
	Platform string    `json:"platform,omitempty"`
	Hops     []BlobHop `json:"hops"`
	Status   int       `json:"status"`
	Verified bool      `json:"verified"`
	Size     int       `json:"size"`
}

// BlobHop is one request of the blob fetch (the first, then each redirect).
type BlobHop struct {
	Step     int    `json:"step"`
	Host     string `json:"host"`
	AuthSent bool   `json:"authorization_sent"`
	Status   int    `json:"status"`
}

// Comparison is --compare-anonymous: the same pull without credentials.
type Comparison struct {
	// Effect is "helps", "hurts", "same", "none" (nothing to compare) or
	// "unknown" (a run did not get an answer).
	Effect  string `json:"effect"`
	Message string `json:"message"`
	// Trace is the anonymous run (nil when none was made).
	Trace  *Trace      `json:"-"`
	Report *PullReport `json:"-"`
}

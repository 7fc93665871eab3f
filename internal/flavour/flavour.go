// Package flavour recognises which registry product answers (Harbor, GHCR,
// ECR, ...) from what a handshake saw on the wire: headers, challenges,
// error bodies and tokens. Knowledge is data: one table of fingerprints
// (fingerprints.go) and one of flavour-specific hints (hints.go), read by
// one matcher. It is pure: no network, no printing, nothing built at init.
package flavour

import (
	"net/http"

	"github.com/regauth/regauth/internal/decode/challenge"
)

// Unknown is the ID of a registry no fingerprint matched.
const Unknown = "unknown"

// Confidence says how much evidence stands behind a match.
type Confidence string

const (
	High   Confidence = "high"   // several signals only this flavour shows
	Medium Confidence = "medium" // one strong signal, or a few weak ones
	Low    Confidence = "low"    // a fallback: nothing more specific matched
)

// Match is the flavour recognised and why.
type Match struct {
	ID   string `json:"id"`   // "harbor", "ghcr", ..., "unknown"
	Name string `json:"name"` // "Harbor", "GitHub Container Registry"
	// Why lists the evidence, most telling first ("realm /service/token,
	// service harbor-registry").
	Why        string     `json:"why"`
	Confidence Confidence `json:"confidence,omitempty"`
}

// Known reports whether a fingerprint matched.
func (m Match) Known() bool { return m.ID != "" && m.ID != Unknown }

// Response is one answer the handshake got, from the registry or its token
// service.
type Response struct {
	Status     int
	Headers    http.Header
	Challenges []challenge.Challenge
	// Body is the answer's body (the matcher reads its first 4 KiB).
	Body []byte
	// SentAuth says the request carried an Authorization header.
	SentAuth bool
}

// Evidence is everything a recognition may look at.
type Evidence struct {
	// Host is the registry's host[:port] as addressed.
	Host string
	// Responses are every answer, the ping first.
	Responses []Response
	// Tokens are the tokens obtained. Raw is read only for its shape;
	// nothing of it reaches Why.
	Tokens []Token
}

// Token is one token the handshake obtained.
type Token struct {
	Raw    string
	Issuer string // the iss claim, "" when not a JWT
}

// Flavours lists every flavour the table knows, in table order (for
// documentation and tests).
func Flavours() []Match {
	var out []Match
	for _, f := range fingerprints() {
		out = append(out, Match{ID: f.id, Name: f.name})
	}
	return out
}

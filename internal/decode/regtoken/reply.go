package regtoken

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/regauth/regauth/internal/diagnose"
)

// Reply is a token service's JSON answer, reduced to what clients use.
type Reply struct {
	Token              string `json:"-"`          // the token clients use
	FromField          string `json:"from_field"` // "access_token" or "token"
	ExpiresIn          int    `json:"expires_in"` // as sent (0 when missing)
	EffectiveExpiresIn int    `json:"effective_expires_in"`
	IssuedAt           string `json:"issued_at,omitempty"`
	HasRefreshToken    bool   `json:"has_refresh_token"`
	RefreshToken       string `json:"-"`
}

// minExpiresIn is the floor Docker and containers/image apply to expires_in.
const minExpiresIn = 60

// ReplyError says why a token-service body is not a usable reply. Kind is
// "not-json" (HTML, text, a JSON non-object), "no-token" (neither non-empty
// token nor access_token) or "bad-field" (a field clients cannot decode,
// e.g. expires_in as a string, which makes their JSON decoding fail).
type ReplyError struct {
	Kind   string
	Detail string
}

func (e *ReplyError) Error() string { return "token reply: " + e.Detail }

// Diagnosis maps the error onto the catalogue: no token is TokenMissing,
// anything else means the realm answered with something that is not a token.
func (e *ReplyError) Diagnosis() diagnose.Diagnosis {
	if e.Kind == "no-token" {
		return diagnose.New(diagnose.TokenMissing, e.Detail, "")
	}
	return diagnose.New(diagnose.TokenEndpointError, e.Detail, "")
}

// ParseReply parses a token-service reply body. Like the clients, it takes
// access_token when non-empty, else token (Harbor sends "access_token":"").
func ParseReply(body []byte) (*Reply, error) {
	body = bytes.TrimSpace(body)
	v, err := parseJSON(body)
	if err != nil {
		return nil, &ReplyError{Kind: "not-json", Detail: notJSONDetail(body, err)}
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, &ReplyError{Kind: "not-json", Detail: fmt.Sprintf("the body is JSON %s, not an object", kindOf(v))}
	}
	field := func(name string) (string, error) {
		s, err := optString(m, name, "the JSON")
		if err != nil {
			return "", &ReplyError{Kind: "bad-field", Detail: err.Error()}
		}
		return s, nil
	}
	r := &Reply{}
	tok, err := field("token")
	if err != nil {
		return nil, err
	}
	at, err := field("access_token")
	if err != nil {
		return nil, err
	}
	switch {
	case at != "":
		r.Token, r.FromField = at, "access_token"
	case tok != "":
		r.Token, r.FromField = tok, "token"
	default:
		return nil, &ReplyError{Kind: "no-token", Detail: `the JSON has neither a non-empty "token" nor "access_token"`}
	}
	if r.RefreshToken, err = field("refresh_token"); err != nil {
		return nil, err
	}
	r.HasRefreshToken = r.RefreshToken != ""
	if r.IssuedAt, err = field("issued_at"); err != nil {
		return nil, err
	}
	if r.IssuedAt != "" {
		// Clients decode issued_at into a time.Time; anything else fails them.
		if _, perr := time.Parse(time.RFC3339, r.IssuedAt); perr != nil {
			return nil, &ReplyError{Kind: "bad-field", Detail: fmt.Sprintf("issued_at %q is not an RFC 3339 time", r.IssuedAt)}
		}
	}
	if e, ok := m["expires_in"]; ok && e != nil {
		n, ok := e.(json.Number)
		i, perr := strconv.Atoi(string(n))
		if !ok || perr != nil {
			return nil, &ReplyError{Kind: "bad-field", Detail: fmt.Sprintf("expires_in is %s, want a whole number of seconds", describe(e))}
		}
		r.ExpiresIn = i
	}
	r.EffectiveExpiresIn = max(r.ExpiresIn, minExpiresIn)
	return r, nil
}

func describe(v any) string {
	if n, ok := v.(json.Number); ok {
		return string(n)
	}
	return kindOf(v)
}

// notJSONDetail names what the body looks like instead: a proxy or UI page
// returned with 200 is the usual cause.
func notJSONDetail(body []byte, err error) string {
	if len(body) == 0 {
		return "the body is empty, not JSON"
	}
	start := body[:min(len(body), 60)]
	for len(start) > 0 && !utf8.Valid(start) {
		start = start[:len(start)-1]
	}
	if body[0] == '<' {
		return fmt.Sprintf("the body looks like HTML or XML (starts %q), not JSON", start)
	}
	return fmt.Sprintf("the body is not JSON (starts %q): %v", start, err)
}

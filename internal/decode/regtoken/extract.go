package regtoken

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode"
)

// expected is what ExtractJWT accepts, for its error messages.
const expected = `want a JWT (header.claims.signature), "Bearer <jwt>", an "Authorization: Bearer <jwt>" line or a token service's JSON reply`

// ExtractJWT finds the JWT in what a user pasted: a bare JWT, "Bearer <jwt>",
// an "Authorization: Bearer <jwt>" line (also among other header lines, as
// curl -v prints them), or a token service's JSON reply (then reply != nil).
// When a reply holds a token that is not a JWT, raw and reply are returned
// along with the error, so the reply can still be shown.
func ExtractJWT(in []byte) (raw string, reply *Reply, err error) {
	s := strings.TrimSpace(strings.TrimPrefix(string(bytes.TrimSpace(in)), "\ufeff"))
	if s == "" {
		return "", nil, errors.New("empty input: " + expected)
	}
	if s[0] == '{' {
		reply, err := ParseReply([]byte(s))
		if err != nil {
			return "", nil, err
		}
		if err := looksLikeJWT(reply.Token); err != nil {
			return reply.Token, reply, fmt.Errorf("the reply's %q is not a JWT (an opaque token cannot be decoded): %w", reply.FromField, err)
		}
		return reply.Token, reply, nil
	}
	if v, ok := authorizationLine(s); ok {
		s = v
	}
	if scheme, rest, ok := strings.Cut(s, " "); ok {
		switch {
		case strings.EqualFold(scheme, "Bearer"):
			s = strings.TrimSpace(rest)
		case strings.EqualFold(scheme, "Basic"):
			return "", nil, errors.New("this is Basic authentication (base64 of user:password), not a Bearer token: " + expected)
		}
	}
	s = strings.Trim(s, `"'`)
	// Tokens copied from a terminal are often wrapped; join the lines.
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	if err := looksLikeJWT(s); err != nil {
		return "", nil, fmt.Errorf("%w; %s", err, expected)
	}
	return s, nil, nil
}

// authorizationLine returns the value of the first "Authorization:" line,
// header name case-insensitive, allowing curl -v's "> " prefix.
func authorizationLine(s string) (string, bool) {
	for line := range strings.Lines(s) {
		line = strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(line), "><"))
		name, value, ok := strings.Cut(line, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Authorization") {
			return strings.TrimSpace(value), true
		}
	}
	return "", false
}

// looksLikeJWT checks the shape only; Decode reports anything deeper.
func looksLikeJWT(s string) error {
	if s == "" {
		return errors.New("not a JWT: nothing left after removing the wrapping")
	}
	if n := strings.Count(s, ".") + 1; n != 3 {
		return fmt.Errorf("not a JWT: want 3 dot-separated segments, got %d", n)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' || c == '-' || c == '_' || c == '=' || c == '+' || c == '/' ||
			'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
			continue
		}
		return fmt.Errorf("not a JWT: byte %d (%q) is not a base64url character", i, c)
	}
	return nil
}

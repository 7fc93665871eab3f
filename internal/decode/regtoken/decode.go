package regtoken

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Token is a decoded, unverified registry token.
type Token struct {
	Raw    string         `json:"-"`
	Header Header         `json:"header"`
	Claims Claims         `json:"claims"`
	Access []Access       `json:"access"`
	Other  map[string]any `json:"other_claims,omitempty"` // every claim not in Claims or access
	Certs  []CertInfo     `json:"certificates,omitempty"` // from the header's x5c, leaf first
}

// LoginOnly reports a token that grants nothing: access missing, null or
// empty. docker login gets such a token; it is valid only for GET /v2/.
func (t *Token) LoginOnly() bool { return t == nil || len(t.Access) == 0 }

// segmentNames are used in errors so the user knows which part is broken.
var segmentNames = [3]string{"JWT header", "JWT claims", "JWT signature"}

// Decode splits and decodes a compact JWS without verifying it. Surrounding
// whitespace is ignored; anything else malformed is an error that names the
// segment and the problem.
func Decode(raw string) (*Token, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return nil, errors.New("not a JWT: the input is empty")
	}
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		msg := fmt.Sprintf("not a JWT: want 3 dot-separated segments, got %d", len(parts))
		if len(parts) == 5 {
			// Five segments is JWE; registries only use signed tokens.
			msg += " (5 segments is an encrypted JWE, which registries do not accept)"
		}
		return nil, errors.New(msg)
	}
	var segs [3][]byte
	for i, p := range parts {
		b, err := decodeSegment(i, p)
		if err != nil {
			return nil, err
		}
		segs[i] = b
	}
	t := &Token{Raw: raw}
	if err := decodeHeader(segs[0], t); err != nil {
		return nil, err
	}
	if err := decodeClaims(segs[1], t); err != nil {
		return nil, err
	}
	return t, nil
}

// decodeSegment decodes one base64url segment. Padding and the standard
// alphabet get their own messages because go-jose (the registry) rejects
// both, and "invalid byte" alone would not say why.
func decodeSegment(i int, s string) ([]byte, error) {
	name := segmentNames[i]
	if s == "" {
		if i == 2 {
			// An empty signature is alg "none"; Verify reports it.
			return nil, nil
		}
		return nil, fmt.Errorf("%s: segment %d is empty", name, i+1)
	}
	if j := strings.IndexByte(s, '='); j >= 0 {
		return nil, fmt.Errorf("%s: segment %d is padded with '=' at byte %d; JWTs use base64url without padding and registries reject padding", name, i+1, j)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			at := int(ce)
			if at < len(s) && (s[at] == '+' || s[at] == '/') {
				return nil, fmt.Errorf("%s: segment %d is not valid base64url at byte %d (%q is standard base64, not base64url)", name, i+1, at, s[at])
			}
			return nil, fmt.Errorf("%s: segment %d is not valid base64url at byte %d", name, i+1, at)
		}
		return nil, fmt.Errorf("%s: segment %d is not valid base64url: %v", name, i+1, err)
	}
	return b, nil
}

// decodeObject parses segment i (header or claims), which must be a JSON
// object.
func decodeObject(i int, b []byte) (map[string]any, error) {
	subject := segmentNames[i] + [3]string{" is", " are"}[i]
	v, err := parseJSON(b)
	if err != nil {
		return nil, fmt.Errorf("%s not JSON: %v", subject, err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s not a JSON object (got %s)", subject, kindOf(v))
	}
	return m, nil
}

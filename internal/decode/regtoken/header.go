package regtoken

import "fmt"

// Header is the JOSE header. At least one of kid, jwk or x5c tells the
// registry which key signed the token.
type Header struct {
	Alg   string         `json:"alg"`
	Typ   string         `json:"typ,omitempty"`
	Kid   string         `json:"kid,omitempty"`
	JWK   map[string]any `json:"jwk,omitempty"`
	X5C   []string       `json:"x5c,omitempty"` // standard base64 DER, leaf first
	Other map[string]any `json:"other,omitempty"`
}

func decodeHeader(b []byte, t *Token) error {
	m, err := decodeObject(0, b)
	if err != nil {
		return err
	}
	const where = "JWT header"
	h := &t.Header
	if h.Alg, err = optString(m, "alg", where); err != nil {
		return err
	}
	if h.Typ, err = optString(m, "typ", where); err != nil {
		return err
	}
	if h.Kid, err = optString(m, "kid", where); err != nil {
		return err
	}
	if v, ok := m["jwk"]; ok && v != nil {
		jwk, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s: jwk is %s, want an object", where, kindOf(v))
		}
		h.JWK = jwk
	}
	if v, ok := m["x5c"]; ok && v != nil {
		arr, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s: x5c is %s, want an array of base64 certificates", where, kindOf(v))
		}
		// A bad entry is recorded on its CertInfo, not fatal: the rest of
		// the token is still worth showing.
		h.X5C, t.Certs = parseX5C(arr)
	}
	for k, v := range m {
		switch k {
		case "alg", "typ", "kid", "jwk", "x5c":
			continue
		}
		if h.Other == nil {
			h.Other = map[string]any{}
		}
		h.Other[k] = v
	}
	return nil
}

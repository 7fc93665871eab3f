package regtoken

import "testing"

func TestDecodeHeader(t *testing.T) {
	tok := mustDecode(t, handToken(`{"alg":"ES256","typ":"JWT","kid":"K","jwk":{"kty":"EC","kid":"J"},"x5c":[],"crit":["b64"],"kid2":null}`, `{}`))
	h := tok.Header
	if h.Alg != "ES256" || h.Typ != "JWT" || h.Kid != "K" || h.JWK["kid"] != "J" {
		t.Errorf("header = %+v", h)
	}
	if len(h.X5C) != 0 || len(tok.Certs) != 0 {
		t.Errorf("empty x5c: %v %v", h.X5C, tok.Certs)
	}
	if _, ok := h.Other["crit"]; !ok || len(h.Other) != 2 {
		t.Errorf("other = %v", h.Other)
	}
	// null members are as good as absent.
	tok = mustDecode(t, handToken(`{"alg":null,"kid":null,"jwk":null,"x5c":null}`, `{}`))
	if tok.Header.Alg != "" || tok.Header.JWK != nil || tok.Header.X5C != nil || tok.Header.Other != nil {
		t.Errorf("null header members: %+v", tok.Header)
	}
}

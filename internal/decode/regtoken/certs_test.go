package regtoken

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestDecodeX5C(t *testing.T) {
	p := newPKI(t, testNow.Add(time.Hour))
	chain := x5c(p.leaf, p.ca)
	// Entry 3 starts with 0xfb 0xff so its base64url has '-' and '_'.
	entries := []any{chain[0], chain[1], "not base64!", base64.RawURLEncoding.EncodeToString(append([]byte{0xfb, 0xff}, p.leaf.Raw...)), base64.StdEncoding.EncodeToString([]byte("nope")), 5}
	hdr, _ := json.Marshal(map[string]any{"alg": "ES256", "x5c": entries})
	tok := mustDecode(t, handToken(string(hdr), `{}`))
	if len(tok.Certs) != 6 || len(tok.Header.X5C) != 6 {
		t.Fatalf("certs = %d, x5c = %d", len(tok.Certs), len(tok.Header.X5C))
	}
	leaf, ca := tok.Certs[0], tok.Certs[1]
	if leaf.Subject != "CN=token-signer" || leaf.Issuer != "CN=test-ca" || leaf.Error != "" || leaf.Cert == nil || !leaf.NotAfter.Equal(p.leaf.NotAfter) || len(leaf.SHA256) != 64 {
		t.Errorf("leaf = %+v", leaf)
	}
	if ca.Subject != "CN=test-ca" {
		t.Errorf("ca = %+v", ca)
	}
	for i, want := range map[int]string{2: "not valid standard base64", 3: "base64url", 4: "not a DER certificate", 5: "is a number"} {
		if !strings.Contains(tok.Certs[i].Error, want) || tok.Certs[i].Cert != nil {
			t.Errorf("certs[%d].Error = %q, want %q", i, tok.Certs[i].Error, want)
		}
	}
	// The JSON form must marshal (time fields of a broken entry are omitted).
	b, err := json.Marshal(tok)
	if err != nil || strings.Contains(string(b), "0001-01-01") {
		t.Errorf("json: %v %s", err, b)
	}
}

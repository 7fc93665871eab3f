package regtoken

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/regauth/regauth/internal/diagnose"
)

func selfSigned(t *testing.T, cn string, key crypto.Signer) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: cn},
		NotBefore: testNow.Add(-time.Hour), NotAfter: testNow.Add(time.Hour)}
	return mustCert(t, tmpl, tmpl, key.Public(), key)
}

func certKeys(t *testing.T, certs ...*x509.Certificate) []Key {
	t.Helper()
	keys, err := ParseKeys(certPEM(certs...), "cert")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func pubKeys(t *testing.T, pubs ...crypto.PublicKey) []Key {
	t.Helper()
	var data []byte
	for _, p := range pubs {
		data = append(data, pubPEM(t, p)...)
	}
	keys, err := ParseKeys(data, "key")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func jwksKeys(t *testing.T, kid string, pub crypto.PublicKey) []Key {
	t.Helper()
	b64 := base64.RawURLEncoding.EncodeToString
	var jwk map[string]any
	switch k := pub.(type) {
	case ed25519.PublicKey:
		jwk = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": b64(k)}
	default:
		t.Fatalf("jwksKeys: %T", pub)
	}
	jwk["kid"] = kid
	data, _ := json.Marshal(map[string]any{"keys": []any{jwk}})
	keys, err := ParseKeys(data, "jwks")
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

var defaultOpts = VerifyOptions{Issuer: "token-issuer", Service: "my.registry", Now: testNow}

func TestVerifyKid(t *testing.T) {
	rsaCert := selfSigned(t, "rsa-signer", testRSA)
	ecCert := selfSigned(t, "ec-signer", testEC)
	edPub, edPriv, _ := ed25519.GenerateKey(rand.Reader)
	tests := []struct {
		name      string
		signer    crypto.Signer
		kid       string // header kid; "-" for none
		keys      []Key
		verified  bool
		matched   string
		matchKind string // KidMatches[0].Matches (when keys)
		want      []diagnose.Code
		msgHas    string
	}{
		{name: "RSA key, libtrust kid", signer: testRSA, kid: libtrust(t, testRSA.Public()), keys: pubKeys(t, testRSA.Public()),
			verified: true, matched: "key[0] RSA 2048", matchKind: matchLibtrust},
		{name: "RSA cert, thumbprint kid", signer: testRSA, kid: thumb(t, testRSA.Public()), keys: certKeys(t, rsaCert),
			verified: true, matched: "cert[0] CN=rsa-signer", matchKind: matchThumbprint},
		{name: "EC cert, libtrust kid", signer: testEC, kid: libtrust(t, testEC.Public()), keys: certKeys(t, ecCert),
			verified: true, matched: "cert[0] CN=ec-signer", matchKind: matchLibtrust},
		{name: "second of two keys", signer: testEC, kid: thumb(t, testEC.Public()), keys: append(certKeys(t, rsaCert), certKeys(t, ecCert)...),
			verified: true, matched: "cert[0] CN=ec-signer", want: []diagnose.Code{}},
		{name: "Ed25519 JWKS kid", signer: edPriv, kid: "my-kid", keys: jwksKeys(t, "my-kid", edPub),
			verified: true, matched: "jwks kid=my-kid", matchKind: matchJWKS},
		{name: "JWKS key is found by kid only", signer: edPriv, kid: thumb(t, edPub), keys: jwksKeys(t, "other", edPub),
			want: []diagnose.Code{diagnose.TokenKeyIDUnknown}, msgHas: "thumbprint format"},
		{name: "unknown kid", signer: testRSA, kid: "ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP", keys: pubKeys(t, testRSA.Public()),
			want: []diagnose.Code{diagnose.TokenKeyIDUnknown}, msgHas: `kid "ABCD:EFGH:IJKL:MNOP:QRST:UVWX:YZ23:4567:ABCD:EFGH:IJKL:MNOP" (libtrust format, for registry 2.x) matches none of the keys' IDs: key[0] RSA 2048: libtrust ` + libtrust(t, testRSA.Public()) + ", thumbprint " + thumb(t, testRSA.Public())},
		{name: "no kid", signer: testRSA, kid: "-", keys: pubKeys(t, testRSA.Public()),
			want: []diagnose.Code{diagnose.TokenKeyIDUnknown}, msgHas: "no kid, jwk or x5c"},
		{name: "kid names another key", signer: testRSA, kid: libtrust(t, testEC.Public()), keys: pubKeys(t, testRSA.Public(), testEC.Public()),
			want: []diagnose.Code{diagnose.TokenKeyIDUnknown}, msgHas: "names key[1] EC P-256 (libtrust (registry 2.x)), but the signature verifies only with key[0] RSA 2048"},
		{name: "wrong key", signer: testRSA, kid: libtrust(t, testRSA2.Public()), keys: pubKeys(t, testRSA2.Public(), testEC.Public()),
			want: []diagnose.Code{diagnose.TokenBadSignature}, msgHas: "the RS256 signature verifies with none of the 2 key(s) tried (key[0] RSA 2048: signature does not match; key[1] EC P-256: EC P-256 key cannot check RS256)"},
		{name: "EC key on the wrong curve", signer: testEC, kid: "x", keys: pubKeys(t, testEC2.Public()),
			want: []diagnose.Code{diagnose.TokenBadSignature}, msgHas: "ES256"},
		{name: "no keys", signer: testRSA, kid: "x", keys: nil,
			want: []diagnose.Code{diagnose.TokenUnverified}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hdr := map[string]any{"kid": tt.kid}
			if tt.kid == "-" {
				hdr = nil
			}
			tok := mustDecode(t, sign(t, tt.signer, baseClaims(), hdr))
			v := Verify(tok, tt.keys, defaultOpts)
			if v.Verified != tt.verified {
				t.Errorf("Verified = %v, want %v (%+v)", v.Verified, tt.verified, v.Diagnoses)
			}
			if tt.matched != "" && v.MatchedKey != tt.matched {
				t.Errorf("MatchedKey = %q, want %q", v.MatchedKey, tt.matched)
			}
			if len(v.KidMatches) != len(tt.keys) {
				t.Errorf("KidMatches = %d entries for %d keys", len(v.KidMatches), len(tt.keys))
			}
			if tt.matchKind != "" && v.KidMatches[0].Matches != tt.matchKind {
				t.Errorf("Matches = %q, want %q", v.KidMatches[0].Matches, tt.matchKind)
			}
			if tt.want == nil {
				tt.want = []diagnose.Code{}
			}
			if got := toStrings(codes(v.Diagnoses)); strings.Join(got, ",") != strings.Join(toStrings(tt.want), ",") {
				t.Fatalf("diagnoses = %v, want %v (%+v)", got, tt.want, v.Diagnoses)
			}
			if tt.msgHas != "" && !strings.Contains(v.Diagnoses[0].Message, tt.msgHas) {
				t.Errorf("message = %q\nwant it to contain %q", v.Diagnoses[0].Message, tt.msgHas)
			}
		})
	}
}

func TestVerifyKidMatchIDs(t *testing.T) {
	keys := pubKeys(t, testEC.Public())
	tok := mustDecode(t, sign(t, testEC, baseClaims(), map[string]any{"kid": "x"}))
	m := Verify(tok, keys, defaultOpts).KidMatches[0]
	if m.LibtrustID != libtrust(t, testEC.Public()) || m.Thumbprint != thumb(t, testEC.Public()) || m.Matches != "" {
		t.Errorf("KidMatch = %+v", m)
	}
}

// An EC key whose coordinate starts with a zero byte: distribution v3 files
// it under its own (non-RFC) thumbprint.
func TestVerifyRegistryThumbprint(t *testing.T) {
	k := ecKeyWhere(t, testEC.Curve, true)
	keys := certKeys(t, selfSigned(t, "zero", k))
	rfc, reg := thumb(t, k.Public()), mustRegistryThumbprint(t, k.Public())

	v := Verify(mustDecode(t, sign(t, k, baseClaims(), map[string]any{"kid": reg})), keys, defaultOpts)
	if !v.Verified || v.KidMatches[0].Matches != matchThumbprint || v.KidMatches[0].RegistryThumbprint != reg {
		t.Errorf("registry thumbprint kid: %+v", v)
	}
	v = Verify(mustDecode(t, sign(t, k, baseClaims(), map[string]any{"kid": rfc})), keys, defaultOpts)
	d := find(v.Diagnoses, diagnose.TokenKeyIDUnknown)
	if v.Verified || d == nil || !strings.Contains(d.Message, "distribution v3 computes") {
		t.Errorf("RFC thumbprint kid: %+v", v)
	}
}

func TestVerifyX5C(t *testing.T) {
	good := newPKI(t, testNow.Add(time.Hour))
	expired := newPKI(t, testNow.Add(-time.Minute))
	other := newPKI(t, testNow.Add(time.Hour))
	tests := []struct {
		name     string
		pki      *testPKI
		signer   crypto.Signer
		chain    []string
		keys     []Key
		verified bool
		matched  string
		msgHas   string
	}{
		{name: "chain to the CA", pki: good, chain: x5c(good.leaf, good.ca), keys: certKeys(t, good.ca),
			verified: true, matched: "x5c leaf CN=token-signer (chain to cert[0] CN=test-ca)"},
		{name: "leaf only, CA in the bundle", pki: good, chain: x5c(good.leaf), keys: certKeys(t, good.ca), verified: true},
		{name: "leaf itself in the bundle", pki: good, chain: x5c(good.leaf), keys: certKeys(t, good.leaf), verified: true},
		{name: "another CA", pki: good, chain: x5c(good.leaf, good.ca), keys: certKeys(t, other.ca),
			msgHas: "the x5c chain (leaf CN=token-signer) does not verify against the 1 certificate(s) given: x509: certificate signed by unknown authority"},
		{name: "expired leaf", pki: expired, chain: x5c(expired.leaf, expired.ca), keys: certKeys(t, expired.ca),
			msgHas: "expired"},
		{name: "no certificates given", pki: good, chain: x5c(good.leaf), keys: pubKeys(t, good.leafKey.Public()),
			msgHas: "no certificate was given"},
		{name: "signed by another key", pki: good, signer: other.leafKey, chain: x5c(good.leaf, good.ca), keys: certKeys(t, good.ca),
			msgHas: "does not verify with the key of the x5c leaf"},
		{name: "broken entry", pki: good, chain: []string{"AAAA"}, keys: certKeys(t, good.ca),
			msgHas: "x5c[0] cannot be used"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			signer := crypto.Signer(tt.pki.leafKey)
			if tt.signer != nil {
				signer = tt.signer
			}
			// kid is deliberately unknown: with x5c the registry ignores it.
			tok := mustDecode(t, sign(t, signer, baseClaims(), map[string]any{"x5c": tt.chain, "kid": "unknown"}))
			v := Verify(tok, tt.keys, defaultOpts)
			if v.Verified != tt.verified {
				t.Fatalf("Verified = %v, want %v (%+v)", v.Verified, tt.verified, v.Diagnoses)
			}
			if tt.matched != "" && v.MatchedKey != tt.matched {
				t.Errorf("MatchedKey = %q, want %q", v.MatchedKey, tt.matched)
			}
			if tt.verified {
				if len(v.Diagnoses) != 0 {
					t.Errorf("diagnoses = %+v", v.Diagnoses)
				}
				return
			}
			d := find(v.Diagnoses, diagnose.TokenBadSignature)
			if d == nil || !strings.Contains(d.Message, tt.msgHas) {
				t.Fatalf("diagnoses = %+v, want SIGNATURE_INVALID containing %q", v.Diagnoses, tt.msgHas)
			}
		})
	}
}

func TestVerifyJWKWithChain(t *testing.T) {
	p := newPKI(t, testNow.Add(time.Hour))
	tok := mustDecode(t, sign(t, p.leafKey, baseClaims(), map[string]any{"jwk": map[string]any{"kty": "EC", "x5c": x5c(p.leaf)}}))
	if v := Verify(tok, certKeys(t, p.ca), defaultOpts); !v.Verified {
		t.Errorf("jwk with x5c: %+v", v)
	}
	// A jwk without a chain is looked up by its own kid.
	kid := thumb(t, testEC.Public())
	tok = mustDecode(t, sign(t, testEC, baseClaims(), map[string]any{"kid": "ignored", "jwk": map[string]any{"kty": "EC", "kid": kid}}))
	if v := Verify(tok, pubKeys(t, testEC.Public()), defaultOpts); !v.Verified {
		t.Errorf("jwk with kid: %+v", v)
	}
}

func TestVerifyClaims(t *testing.T) {
	unix := func(d time.Duration) int64 { return testNow.Add(d).Unix() }
	tests := []struct {
		name     string
		edit     func(jwt.MapClaims)
		opts     VerifyOptions
		verified bool
		want     diagnose.Code
		msgHas   string
	}{
		{name: "all good", verified: true},
		{name: "checks off", opts: VerifyOptions{Now: testNow}, edit: func(c jwt.MapClaims) { c["iss"] = "x"; c["aud"] = "y" }, verified: true},
		{name: "aud array containing service", edit: func(c jwt.MapClaims) { c["aud"] = []string{"a", "my.registry"} }, verified: true},
		{name: "issuer mismatch", edit: func(c jwt.MapClaims) { c["iss"] = "Token-Issuer/" },
			want: diagnose.TokenIssuer, msgHas: `iss is "Token-Issuer/", the registry's issuer is "token-issuer" (they differ only in case`},
		{name: "audience mismatch", edit: func(c jwt.MapClaims) { c["aud"] = []string{"a", "b"} },
			want: diagnose.TokenAudience, msgHas: `aud is ["a" "b"], which does not contain the registry's service "my.registry"`},
		{name: "no aud", edit: func(c jwt.MapClaims) { delete(c, "aud") }, want: diagnose.TokenAudience},
		{name: "expired within leeway", edit: func(c jwt.MapClaims) { c["exp"] = unix(-59 * time.Second) }, verified: true},
		{name: "expired beyond leeway", edit: func(c jwt.MapClaims) { c["exp"] = unix(-61 * time.Second) },
			want: diagnose.TokenExpired, msgHas: "expired 1m1s ago at 2025-06-01T11:58:59Z, beyond the registry's 60 s leeway"},
		{name: "no exp", edit: func(c jwt.MapClaims) { delete(c, "exp") }, want: diagnose.TokenExpired, msgHas: "1970"},
		{name: "nbf within leeway", edit: func(c jwt.MapClaims) { c["nbf"] = unix(59 * time.Second) }, verified: true},
		{name: "nbf beyond leeway", edit: func(c jwt.MapClaims) { c["nbf"] = unix(2 * time.Minute) },
			want: diagnose.ClockSkew, msgHas: "not valid for another 2m0s"},
		{name: "zero Now means the real clock", opts: VerifyOptions{}, want: diagnose.TokenExpired},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseClaims()
			if tt.edit != nil {
				tt.edit(c)
			}
			opts := tt.opts
			if opts == (VerifyOptions{}) && tt.name != "zero Now means the real clock" {
				opts = defaultOpts
			}
			if tt.name == "zero Now means the real clock" {
				c["exp"] = time.Now().Add(-time.Hour).Unix()
			}
			tok := mustDecode(t, sign(t, testEC, c, map[string]any{"kid": libtrust(t, testEC.Public())}))
			v := Verify(tok, pubKeys(t, testEC.Public()), opts)
			if v.Verified != tt.verified {
				t.Fatalf("Verified = %v, want %v (%+v)", v.Verified, tt.verified, v.Diagnoses)
			}
			if tt.want == "" {
				if len(v.Diagnoses) != 0 {
					t.Errorf("diagnoses = %+v", v.Diagnoses)
				}
				return
			}
			d := find(v.Diagnoses, tt.want)
			if d == nil || !strings.Contains(d.Message, tt.msgHas) {
				t.Fatalf("diagnoses = %+v, want %s containing %q", v.Diagnoses, tt.want, tt.msgHas)
			}
			if v.MatchedKey == "" {
				t.Error("the signature verified, so MatchedKey should be set")
			}
		})
	}
}

func TestVerifyAlgorithms(t *testing.T) {
	keys := pubKeys(t, testRSA.Public())
	hs, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, baseClaims()).SignedString([]byte("secret"))
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, baseClaims()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	ps := jwt.NewWithClaims(jwt.SigningMethodPS256, baseClaims())
	ps.Header["kid"] = libtrust(t, testRSA.Public())
	psRaw, _ := ps.SignedString(testRSA)
	for _, tt := range []struct {
		name, raw, msgHas string
		verified          bool
	}{
		{"HS256", hs, "shared-secret HMAC", false},
		{"none", none, `alg "none" means the token is unsigned`, false},
		{"no alg", handToken(`{"kid":"x"}`, `{}`), "no alg", false},
		{"odd alg", handToken(`{"alg":"ES256K"}`, `{}`), `alg "ES256K" is not one registries accept`, false},
		{"PS256", psRaw, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(mustDecode(t, tt.raw), keys, defaultOpts)
			if v.Verified != tt.verified {
				t.Fatalf("Verified = %v (%+v)", v.Verified, v.Diagnoses)
			}
			if tt.msgHas == "" {
				return
			}
			d := find(v.Diagnoses, diagnose.TokenBadSignature)
			if d == nil || !strings.Contains(d.Message, tt.msgHas) {
				t.Errorf("diagnoses = %+v, want %q", v.Diagnoses, tt.msgHas)
			}
		})
	}
}

func TestVerifyTamperedClaims(t *testing.T) {
	raw := sign(t, testEC, baseClaims(), map[string]any{"kid": libtrust(t, testEC.Public())})
	parts := strings.Split(raw, ".")
	c := baseClaims()
	c["sub"] = "mallory"
	b, _ := json.Marshal(c)
	parts[1] = base64.RawURLEncoding.EncodeToString(b)
	v := Verify(mustDecode(t, strings.Join(parts, ".")), pubKeys(t, testEC.Public()), defaultOpts)
	if v.Verified || find(v.Diagnoses, diagnose.TokenBadSignature) == nil {
		t.Errorf("tampered token: %+v", v)
	}
}

func TestVerifyNilAndJSON(t *testing.T) {
	v := Verify(nil, nil, VerifyOptions{})
	if v.Verified || v.KidMatches == nil {
		t.Errorf("Verify(nil) = %+v", v)
	}
	b, _ := json.Marshal(v)
	if !strings.Contains(string(b), `"kid_matches":[]`) {
		t.Errorf("JSON = %s", b)
	}
}

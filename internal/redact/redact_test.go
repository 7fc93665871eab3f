package redact

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestMaskShowsKindLengthFingerprint(t *testing.T) {
	m := Mask("password", "hunter22")
	if !strings.HasPrefix(m, "<password len=8 sha256:") || strings.Contains(m, "hunter22") {
		t.Fatalf("mask %q", m)
	}
	if Mask("password", "hunter22") != m || Mask("password", "hunter23") == m {
		t.Errorf("fingerprints must compare secrets: same secret same mask, other secret other mask")
	}
	if Mask("token", "") != "<empty token>" {
		t.Errorf("empty: %q", Mask("token", ""))
	}
}

func TestRedactorMasksEveryForm(t *testing.T) {
	r := New(false)
	r.AddBasic("alice", "s3cr3t:with/colon+plus")
	basic := base64.StdEncoding.EncodeToString([]byte("alice:s3cr3t:with/colon+plus"))
	in := "pw=s3cr3t:with/colon+plus q=" + "s3cr3t%3Awith%2Fcolon%2Bplus" + " basic=" + basic
	out := r.String(in)
	for _, leak := range []string{"s3cr3t", basic} {
		if strings.Contains(out, leak) {
			t.Errorf("leaked %q in %q", leak, out)
		}
	}
	if !strings.Contains(out, "<basic len=") || !strings.Contains(out, "<password len=22") {
		t.Errorf("masks should say what they hide: %q", out)
	}
	if New(true).String(in) != in {
		t.Errorf("--show-secrets shows everything")
	}
}

func TestShortSecretsAreNotMasked(t *testing.T) {
	r := New(false)
	r.Add("password", "ab")
	if got := r.String("about a cab"); got != "about a cab" {
		t.Errorf("a two-letter secret must not mask every 'ab': %q", got)
	}
}

func TestHeader(t *testing.T) {
	r := New(false)
	cases := map[string]string{
		"Bearer eyJhbGciOi.abc.def": "Bearer <bearer len=",
		"Basic YWxpY2U6cHc=":        "Basic <basic len=",
		"opaque-value-123":          "<authorization len=",
	}
	for in, want := range cases {
		got := r.Header("Authorization", in)
		if !strings.HasPrefix(got, want) || strings.Contains(got, strings.TrimPrefix(strings.TrimPrefix(in, "Bearer "), "Basic ")) {
			t.Errorf("Header(%q) = %q, want prefix %q", in, got, want)
		}
	}
	if got := r.Header("Content-Type", "application/json"); got != "application/json" {
		t.Errorf("ordinary headers pass: %q", got)
	}
	if got := r.Header("X-Registry-Auth", "eyJ1c2VybmFtZSI6ImEifQ=="); strings.Contains(got, "eyJ1") {
		t.Errorf("X-Registry-Auth carries credentials: %q", got)
	}
}

func TestURL(t *testing.T) {
	r := New(false)
	r.Add("token", "tok-secret-value")
	got := r.URL("https://bob:pw123@s3.example/blob?X-Amz-Signature=abcdef&X-Amz-Expires=300&scope=repository%3Aa%3Apull&t=tok-secret-value")
	for _, leak := range []string{"pw123", "abcdef", "tok-secret-value"} {
		if strings.Contains(got, leak) {
			t.Errorf("leaked %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "scope=repository%3Aa%3Apull") || !strings.Contains(got, "X-Amz-Expires=300") {
		t.Errorf("non-secret query values stay as sent: %s", got)
	}
}

func TestPrintable(t *testing.T) {
	if got := Printable("ok\x1b[31mred\x07\nnext\tx"); got != `ok\x1b[31mred\x07`+"\nnext\tx" {
		t.Errorf("Printable: %q", got)
	}
	// Bidi controls, C1 controls and bytes that are not UTF-8 are shown
	// escaped, never raw.
	if got := Printable("a\u202eb\u2066c\u0085d\xffe"); got != `a\u202eb\u2066c\u0085d\xffe` {
		t.Errorf("Printable: %q", got)
	}
	if got := OneLine(" a\r\nb\tc \n"); got != "a b c" {
		t.Errorf("OneLine: %q", got)
	}
}

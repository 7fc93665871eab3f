package redact

import (
	"strings"
	"testing"
)

// A blob redirect's Location is a presigned URL: its signature must be
// masked wherever headers are shown (text -v, JSON, HAR).
func TestHeaderMasksLocationSignature(t *testing.T) {
	loc := "https://bucket.s3.example/blobs/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=Sig-Secret-0042&X-Amz-Credential=AKIA%2F1"
	got := New(false).Header("Location", loc)
	if strings.Contains(got, "Sig-Secret-0042") || strings.Contains(got, "AKIA") || !strings.Contains(got, "X-Amz-Algorithm=AWS4-HMAC-SHA256") {
		t.Errorf("Location %q: the signature and credential must be masked, the rest kept", got)
	}
	if got := New(true).Header("Location", loc); got != loc {
		t.Errorf("--show-secrets shows it as it is: %q", got)
	}
}

func TestAddURLSecretsMasksEchoes(t *testing.T) {
	r := New(false)
	r.AddURLSecrets("https://s3.example/b?X-Amz-Date=20260101T000000Z&X-Amz-Expires=300&X-Amz-Credential=AKIA%2F20260101&X-Amz-Signature=Sig-Secret-0042")
	body := `<a href="https://s3.example/b?X-Amz-Expires=300&amp;X-Amz-Credential=AKIA%2F20260101&amp;X-Amz-Signature=Sig-Secret-0042">Temporary Redirect</a>`
	got := r.String(body)
	if strings.Contains(got, "Sig-Secret-0042") || strings.Contains(got, "AKIA") {
		t.Errorf("the signature echoed in a body must be masked: %s", got)
	}
	if !strings.Contains(r.String("expires_in 300s"), "300") {
		t.Errorf("short, non-secret values must not be registered")
	}
}

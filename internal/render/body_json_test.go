package render

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/redact"
)

func TestMaskBodyJSON(t *testing.T) {
	r := redact.New(false)
	pw := `p<w>&"x`
	body := `{"username":"alice","password":"p\u003cw\u003e\u0026\"x","auth":"","email":""}`
	got := maskBody([]byte(body), r)
	want := `{"username":"alice","password":"` + redact.Mask("password", pw) + `","auth":"","email":""}`
	if got != want {
		t.Errorf("masked body\n got %s\nwant %s", got, want)
	}
	if strings.Contains(got, `p\u003cw`) {
		t.Errorf("the escaped password leaked: %s", got)
	}
	// Forms keep working, and --show-secrets shows the body as sent.
	if got := maskBody([]byte("grant_type=password&password=pw-123"), r); !strings.Contains(got, "password=<password len=6") {
		t.Errorf("form body: %s", got)
	}
	if got := maskBody([]byte(body), redact.New(true)); got != body {
		t.Errorf("--show-secrets: %s", got)
	}
}

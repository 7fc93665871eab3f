package regtoken

import (
	"strings"
	"testing"
	"time"
)

func TestDecodeAudience(t *testing.T) {
	tok := mustDecode(t, handToken(`{}`, `{"aud":["a","b"]}`))
	if !tok.Claims.AudIsArray || strings.Join(tok.Claims.Aud, ",") != "a,b" {
		t.Errorf("array aud: %+v", tok.Claims)
	}
	tok = mustDecode(t, handToken(`{}`, `{"aud":"a"}`))
	if tok.Claims.AudIsArray || strings.Join(tok.Claims.Aud, ",") != "a" {
		t.Errorf("string aud: %+v", tok.Claims)
	}
	tok = mustDecode(t, handToken(`{}`, `{}`))
	if tok.Claims.Aud != nil || tok.Claims.Exp != nil || tok.Claims.Nbf != nil || tok.Claims.Iat != nil {
		t.Errorf("absent claims not nil: %+v", tok.Claims)
	}
}

func TestDecodeLoginOnly(t *testing.T) {
	for _, claims := range []string{`{}`, `{"access":null}`, `{"access":[]}`} {
		tok := mustDecode(t, handToken(`{}`, claims))
		if !tok.LoginOnly() {
			t.Errorf("%s: LoginOnly = false", claims)
		}
	}
	var nilTok *Token
	if !nilTok.LoginOnly() {
		t.Error("nil token should be login-only, not panic")
	}
}

func TestDecodeActionSingular(t *testing.T) {
	tok := mustDecode(t, handToken(`{}`, `{"access":[
		{"type":"repository","name":"a","action":"pull"},
		{"type":"repository","name":"b","action":["pull","push"]},
		{"type":"repository","name":"c","action":"pull","actions":["push"]},
		{"type":"repository","name":"d","action":7}]}`))
	a := tok.Access
	if !a[0].UsedAction || strings.Join(a[0].Action, ",") != "pull" || len(a[0].Actions) != 0 || a[0].Actions == nil {
		t.Errorf("access[0] = %+v", a[0])
	}
	if !a[1].UsedAction || strings.Join(a[1].Action, ",") != "pull,push" {
		t.Errorf("access[1] = %+v", a[1])
	}
	if a[2].UsedAction || strings.Join(a[2].Actions, ",") != "push" {
		t.Errorf("access[2]: with both keys only \"actions\" counts: %+v", a[2])
	}
	if !a[3].UsedAction || a[3].Other["action"] == nil {
		t.Errorf("access[3]: odd action kept in Other: %+v", a[3])
	}
}

func TestNumericDate(t *testing.T) {
	tests := []struct {
		json    string
		want    time.Time
		wantErr string
	}{
		{`{"exp":0}`, time.Unix(0, 0), ""},
		{`{"exp":1748782800}`, time.Unix(1748782800, 0), ""},
		{`{"exp":1748782800.25}`, time.Unix(1748782800, 25e7), ""},
		{`{"exp":1.7487828e9}`, time.Unix(1748782800, 0), ""},
		{`{"exp":-1}`, time.Unix(-1, 0), ""},
		{`{"exp":253402300800}`, time.Time{}, "outside the years 0-9999"},
		{`{"exp":true}`, time.Time{}, "exp is a boolean"},
	}
	for _, tt := range tests {
		tok, err := Decode(handToken(`{}`, tt.json))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want %q", tt.json, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		if !tok.Claims.Exp.Equal(tt.want) || tok.Claims.Exp.Location() != time.UTC {
			t.Errorf("%s: exp = %v, want %v in UTC", tt.json, tok.Claims.Exp, tt.want)
		}
	}
}

package regtoken

import (
	"errors"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name          string
		body          string
		want          Reply
		wantKind      string
		wantDetailHas string
	}{
		{name: "expires_in missing", body: `{"token":"T"}`,
			want: Reply{Token: "T", FromField: "token", ExpiresIn: 0, EffectiveExpiresIn: 60}},
		{name: "expires_in 30", body: `{"token":"T","expires_in":30}`,
			want: Reply{Token: "T", FromField: "token", ExpiresIn: 30, EffectiveExpiresIn: 60}},
		{name: "expires_in 300", body: `{"access_token":"A","expires_in":300}`,
			want: Reply{Token: "A", FromField: "access_token", ExpiresIn: 300, EffectiveExpiresIn: 300}},
		{name: "expires_in negative", body: `{"token":"T","expires_in":-5}`,
			want: Reply{Token: "T", FromField: "token", ExpiresIn: -5, EffectiveExpiresIn: 60}},
		{name: "access_token wins", body: `{"token":"T","access_token":"A"}`,
			want: Reply{Token: "A", FromField: "access_token", EffectiveExpiresIn: 60}},
		{name: "refresh_token", body: `{"access_token":"A","refresh_token":"R","expires_in":60}`,
			want: Reply{Token: "A", FromField: "access_token", ExpiresIn: 60, EffectiveExpiresIn: 60, HasRefreshToken: true, RefreshToken: "R"}},
		{name: "empty refresh_token", body: `{"access_token":"A","refresh_token":""}`,
			want: Reply{Token: "A", FromField: "access_token", EffectiveExpiresIn: 60}},
		{name: "harbor", body: `{"token":"H","access_token":"","expires_in":1800,"issued_at":"2025-06-01T12:00:00Z"}`,
			want: Reply{Token: "H", FromField: "token", ExpiresIn: 1800, EffectiveExpiresIn: 1800, IssuedAt: "2025-06-01T12:00:00Z"}},
		{name: "surrounding whitespace", body: "\n {\"token\":\"T\"}\n",
			want: Reply{Token: "T", FromField: "token", EffectiveExpiresIn: 60}},
		{name: "html", body: "<html><head><title>Login</title></head></html>", wantKind: "not-json", wantDetailHas: "HTML"},
		{name: "text", body: "404 page not found", wantKind: "not-json", wantDetailHas: "not JSON"},
		{name: "empty body", body: "", wantKind: "not-json", wantDetailHas: "empty"},
		{name: "json array", body: `["token"]`, wantKind: "not-json", wantDetailHas: "an array"},
		{name: "trailing garbage", body: `{"token":"T"} x`, wantKind: "not-json"},
		{name: "no token", body: `{"expires_in":300}`, wantKind: "no-token", wantDetailHas: `the JSON has neither a non-empty "token" nor "access_token"`},
		{name: "both empty", body: `{"token":"","access_token":""}`, wantKind: "no-token"},
		{name: "token not a string", body: `{"token":42}`, wantKind: "bad-field", wantDetailHas: "token is a number"},
		{name: "expires_in string", body: `{"token":"T","expires_in":"300"}`, wantKind: "bad-field", wantDetailHas: "expires_in"},
		{name: "expires_in float", body: `{"token":"T","expires_in":1.5}`, wantKind: "bad-field", wantDetailHas: "1.5"},
		{name: "bad issued_at", body: `{"token":"T","issued_at":"yesterday"}`, wantKind: "bad-field", wantDetailHas: "issued_at"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReply([]byte(tt.body))
			if tt.wantKind != "" {
				var re *ReplyError
				if !errors.As(err, &re) {
					t.Fatalf("err = %v (%T), want *ReplyError", err, err)
				}
				if re.Kind != tt.wantKind || !strings.Contains(re.Detail, tt.wantDetailHas) {
					t.Fatalf("got %+v, want kind %q with detail containing %q", re, tt.wantKind, tt.wantDetailHas)
				}
				if r != nil {
					t.Errorf("reply = %+v, want nil on error", r)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if *r != tt.want {
				t.Errorf("got %+v\nwant %+v", *r, tt.want)
			}
		})
	}
}

func TestReplyErrorDiagnosis(t *testing.T) {
	_, err := ParseReply([]byte(`{}`))
	var re *ReplyError
	if !errors.As(err, &re) || re.Diagnosis().Code != diagnose.TokenMissing {
		t.Fatalf("no-token should map to %s, got %v", diagnose.TokenMissing, err)
	}
	_, err = ParseReply([]byte(`<html>`))
	if !errors.As(err, &re) || re.Diagnosis().Code != diagnose.TokenEndpointError || re.Diagnosis().Hint == "" {
		t.Fatalf("not-json should map to %s with the catalogue hint, got %v", diagnose.TokenEndpointError, err)
	}
	if !strings.HasPrefix(re.Error(), "token reply: ") {
		t.Errorf("Error() = %q", re.Error())
	}
}

package regtoken

import (
	"strings"
	"testing"
)

func TestExtractJWT(t *testing.T) {
	jwt := handToken(`{"alg":"RS256"}`, `{"iss":"x"}`)
	tests := []struct {
		name      string
		in        string
		want      string
		wantField string // reply.FromField; "" means no reply
		wantErr   string
	}{
		{name: "bare", in: jwt, want: jwt},
		{name: "bare with newlines", in: "\n\n  " + jwt + "  \r\n", want: jwt},
		{name: "wrapped over lines", in: jwt[:20] + "\n" + jwt[20:], want: jwt},
		{name: "quoted", in: `"` + jwt + `"`, want: jwt},
		{name: "bearer", in: "Bearer " + jwt, want: jwt},
		{name: "bearer lower case", in: "bearer " + jwt, want: jwt},
		{name: "authorization line", in: "Authorization: Bearer " + jwt, want: jwt},
		{name: "authorization any case", in: "AUTHORIZATION:   bearer " + jwt + "\n", want: jwt},
		{name: "curl -v headers", in: "> GET /v2/ HTTP/1.1\n> Host: r\n> authorization: Bearer " + jwt + "\n> Accept: */*\n", want: jwt},
		{name: "reply access_token", in: `{"token":"other","access_token":"` + jwt + `"}`, want: jwt, wantField: "access_token"},
		{name: "reply token", in: `{"token":"` + jwt + `","access_token":"","expires_in":1800}`, want: jwt, wantField: "token"},
		{name: "reply without token", in: `{"expires_in":300}`, wantErr: `neither a non-empty "token" nor "access_token"`},
		{name: "reply with opaque token", in: `{"token":"ya29.opaque"}`, want: "ya29.opaque", wantField: "token", wantErr: "not a JWT"},
		{name: "empty", in: "", wantErr: "empty input"},
		{name: "whitespace only", in: " \n\t ", wantErr: "empty input"},
		{name: "garbage", in: "hello world", wantErr: "want 3 dot-separated segments, got 1"},
		{name: "two segments", in: "aaa.bbb", wantErr: "want 3 dot-separated segments, got 2"},
		{name: "bad character", in: "aa$.bb.cc", wantErr: "byte 2"},
		{name: "basic auth", in: "Authorization: Basic dXNlcjpwYXNz", wantErr: "Basic authentication"},
		{name: "bearer nothing", in: "Bearer   ", wantErr: "not a JWT"},
		{name: "html", in: "<html><body>login</body></html>", wantErr: "not a JWT"},
		{name: "binary", in: "\x00\xff\xfe.\x01.\x02", wantErr: "not a base64url character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			raw, reply, err := ExtractJWT([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
			} else if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if raw != tt.want {
				t.Errorf("raw = %q, want %q", raw, tt.want)
			}
			switch {
			case tt.wantField == "" && reply != nil:
				t.Errorf("reply = %+v, want nil", reply)
			case tt.wantField != "" && (reply == nil || reply.FromField != tt.wantField):
				t.Errorf("reply = %+v, want FromField %q", reply, tt.wantField)
			}
		})
	}
}

func TestExtractJWTErrorsSayWhatWasExpected(t *testing.T) {
	_, _, err := ExtractJWT([]byte("nonsense"))
	if err == nil || !strings.Contains(err.Error(), "Authorization: Bearer") {
		t.Fatalf("err = %v, want the accepted forms listed", err)
	}
}

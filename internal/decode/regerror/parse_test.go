package regerror

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/decode/challenge"
)

// The engine texts below are the ones recorded in the protocol reference
// (section 10) from the Docker engine's own error handling.
func TestEngineText(t *testing.T) {
	cases := []struct {
		name   string
		status int
		ct     string
		body   string
		chal   string
		want   string
	}{
		{"hub token service", 401, "application/json", `{"details":"incorrect username or password"}`, "", "unauthorized: incorrect username or password"},
		{"html 401", 401, "text/html", `<html>nope</html>`, "", "unauthorized: <html>nope</html>"},
		{"denied with default message", 403, "application/json", `{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}`, "", "denied"},
		{"manifest unknown with detail", 404, "application/json", `{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}`, "", "manifest unknown: manifest unknown"},
		{"name unknown with detail", 404, "application/json; charset=utf-8", `{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry","detail":{"name":"a"}}]}`, "", "name unknown: repository name not known to registry"},
		{"hub rate limit", 429, "application/json", `{"errors":[{"code":"TOOMANYREQUESTS","message":"You have reached your pull rate limit."}]}`, "", "toomanyrequests: You have reached your pull rate limit."},
		{"wrong token URL html", 404, "text/html", `<html>404</html>`, "", "unknown: <html>404</html>"},
		{"harbor bad service", 400, "text/plain; charset=utf-8", `Unable to handle service: bogus`, "", "unknown: Unable to handle service: bogus"},
		{"harbor empty 401", 401, "", ``, "", "unauthorized: "},
		{"insufficient scope first", 401, "application/json", `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[{"Type":"repository","Name":"a","Action":"pull"}]}]}`,
			`Bearer realm="r",service="s",scope="repository:a:pull",error="insufficient_scope"`,
			"errors:\ndenied: requested access to the resource is denied\nunauthorized: authentication required\n"},
		{"invalid token with description", 401, "application/json", `{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`,
			`Bearer realm="r",error="invalid_token",error_description="token expired"`, "errors:\nunauthorized: token expired\nunauthorized\n"},
		{"unreadable json 401", 401, "application/json", `{"errors":[]}`, "", "unauthorized: authentication required"},
		{"unreadable json 404", 404, "application/json", `not json`, "", `error parsing HTTP 404 response body: invalid character 'o' in literal null (expecting 'u'): "not json"`},
		{"empty errors 400", 400, "application/json", `{"errors":[]}`, "", `error parsing HTTP 400 response body: no error details found in HTTP response body: "{\"errors\":[]}"`},
		{"unknown code", 400, "application/json", `{"errors":[{"code":"WHATEVER","message":"odd"}]}`, "", "unknown: odd"},
		{"server error", 502, "text/html", `<html>bad gateway</html>`, "", "received unexpected HTTP status: 502 Bad Gateway"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var chs []challenge.Challenge
			if c.chal != "" {
				chs = challenge.ParseEngine([]string{c.chal})
			}
			got := Parse(c.status, c.ct, []byte(c.body), chs)
			if got.EngineText != c.want {
				t.Errorf("engine text\n got %q\nwant %q", got.EngineText, c.want)
			}
		})
	}
}

func TestParseKeepsCodes(t *testing.T) {
	r := Parse(401, "application/json", []byte(`{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}`),
		challenge.ParseEngine([]string{`Bearer realm="r",error="insufficient_scope"`}))
	if got := strings.Join(r.Codes(), ","); got != "DENIED,UNAUTHORIZED" {
		t.Errorf("codes %s", got)
	}
	if !r.Errors[0].FromChallenge || !r.Has("UNAUTHORIZED") || r.Has("NAME_UNKNOWN") {
		t.Errorf("%+v", r)
	}
	if long := Parse(401, "text/html", []byte(strings.Repeat("x", 5000)), nil); len(long.EngineText) > 600 {
		t.Errorf("a text body must be clipped, got %d bytes", len(long.EngineText))
	}
}

func FuzzParse(f *testing.F) {
	f.Add(401, "application/json", []byte(`{"errors":[{"code":"X"}]}`))
	f.Add(429, "text/html", []byte(`<html>`))
	f.Add(404, "application/json;;", []byte(`{"details":1}`))
	f.Fuzz(func(t *testing.T, status int, ct string, body []byte) {
		Parse(status, ct, body, nil)
	})
}

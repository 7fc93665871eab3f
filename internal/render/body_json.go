package render

import (
	"encoding/json"
	"regexp"
	"strings"
	"sync"

	"github.com/regauth/regauth/internal/redact"
)

// jsonStringField matches "key": "value" with JSON escapes inside the value.
var jsonStringField = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`"([A-Za-z_]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"`)
})

// maskJSONSecrets masks the secret fields of a JSON object body (the v1
// login posts {"username","password",...}) in place, keeping the rest as it
// was sent. The mask is computed from the decoded value, so it matches the
// mask of the same password everywhere else.
func maskJSONSecrets(s string) (string, bool) {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return "", false
	}
	return jsonStringField().ReplaceAllStringFunc(s, func(m string) string {
		sub := jsonStringField().FindStringSubmatch(m)
		key, sep, raw := sub[1], sub[2], sub[3]
		if !isSecretField(key) || raw == "" {
			return m
		}
		var val string
		if json.Unmarshal([]byte(`"`+raw+`"`), &val) != nil {
			val = raw
		}
		return `"` + key + `"` + sep + `"` + redact.Mask(key, val) + `"`
	}), true
}

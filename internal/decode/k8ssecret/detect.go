package k8ssecret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
)

// Detect reports input that is a Kubernetes object (JSON or YAML with
// apiVersion and kind) or the bare base64 value of a pull Secret, so
// decode-config can tell it from a Docker config file without being told.
func Detect(data []byte) bool {
	if _, ok := bareValue(data); ok {
		return true
	}
	t := bytes.TrimSpace(data)
	if len(t) > 0 && t[0] == '{' {
		var top map[string]json.RawMessage
		if json.Unmarshal(t, &top) != nil {
			return false
		}
		_, k := top["kind"]
		_, v := top["apiVersion"]
		return k && v
	}
	// YAML: top-level apiVersion: and kind: lines, before any parsing.
	var kind, api bool
	for _, line := range bytes.Split(data, []byte("\n")) {
		switch {
		case bytes.HasPrefix(line, []byte("kind:")):
			kind = true
		case bytes.HasPrefix(line, []byte("apiVersion:")):
			api = true
		}
	}
	return kind && api
}

// bareValue recognises a base64 string (possibly wrapped over lines) that
// decodes to a JSON object: what `kubectl get secret -o
// jsonpath='{.data.\.dockerconfigjson}'` prints.
func bareValue(data []byte) ([]byte, bool) {
	t := bytes.TrimSpace(data)
	if len(t) < 4 || t[0] == '{' {
		return nil, false
	}
	for _, c := range t {
		ok := c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/' || c == '=' || c == '\n' || c == '\r'
		if !ok {
			return nil, false
		}
	}
	raw, err := base64.StdEncoding.DecodeString(string(t))
	if err != nil {
		if raw, err = base64.RawStdEncoding.DecodeString(string(t)); err != nil {
			return nil, false
		}
	}
	if r := bytes.TrimSpace(raw); len(r) == 0 || r[0] != '{' || !json.Valid(r) {
		return nil, false
	}
	return raw, true
}

// looksLikeConfigJSON tells a .dockerconfigjson value ({"auths": ...}) from
// a .dockercfg one (registries at the top level).
func looksLikeConfigJSON(raw []byte) bool {
	var top map[string]json.RawMessage
	if json.Unmarshal(raw, &top) != nil {
		return true
	}
	_, ok := lookupFold(top, "auths")
	return ok
}

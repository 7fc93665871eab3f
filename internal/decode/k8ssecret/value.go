package k8ssecret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// rawEntry is a DockerConfigEntry as JSON holds it. encoding/json matches
// names case-insensitively, as it does for the kubelet.
type rawEntry struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
	Auth     string `json:"auth"`
}

// readValue decodes the value of the Secret's key the way the kubelet
// does: .dockerconfigjson is {"auths": {...}}, .dockercfg the bare map.
func (s *Secret) readValue(path string, v []byte) {
	at := located(path, s.Label())
	if len(bytes.TrimSpace(v)) == 0 {
		s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
			fmt.Sprintf("%s is empty: the kubelet skips the Secret", at), ""))
		s.Used = false
		s.Ignored = "its " + s.Key + " is empty"
		return
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(v, &top); err != nil {
		s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
			fmt.Sprintf("%s is not a JSON object (%s): the API server refuses a %s Secret whose value is not JSON, and a kubelet handed one fails every pull of the pod", at, jsonError(err), s.Type), ""))
		s.Used, s.Ignored = false, "its "+s.Key+" is not JSON"
		return
	}
	auths := top
	if s.Key == KeyDockerConfigJSON {
		a, ok := lookupFold(top, "auths")
		switch {
		case !ok && looksLikeRegistryMap(top):
			s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
				fmt.Sprintf("%s has registries at the top level, the .dockercfg shape, but %s is read as {\"auths\": {...}}: the kubelet finds no credentials in it", at, KeyDockerConfigJSON),
				fmt.Sprintf("Wrap the registries in \"auths\", or make the Secret type %s with key %s.", TypeDockercfg, KeyDockercfg)))
			return
		case !ok:
			s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
				fmt.Sprintf("%s has no \"auths\": it is not a Docker config, and the kubelet finds no credentials in it", at), ""))
			return
		}
		auths = nil
		if err := json.Unmarshal(a, &auths); err != nil {
			s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
				fmt.Sprintf("%s: \"auths\" is not an object of registries (%s); a kubelet handed it fails every pull of the pod", at, jsonError(err)), ""))
			s.Used, s.Ignored = false, "its auths is not an object"
			return
		}
	} else if _, ok := lookupFold(top, "auths"); ok {
		s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
			fmt.Sprintf("%s holds {\"auths\": ...}, the config.json shape, but %s is read as a bare map of registries: the kubelet sees one registry named \"auths\", which no image matches", at, KeyDockercfg),
			fmt.Sprintf("Make the Secret type %s with key %s, or drop the \"auths\" wrapper.", TypeDockerConfigJSON, KeyDockerConfigJSON)))
	}
	if len(auths) == 0 {
		s.Findings = append(s.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
			fmt.Sprintf("%s names no registries: the kubelet finds no credentials in it", at), ""))
		return
	}
	for _, key := range sortedKeys(auths) {
		s.Entries = append(s.Entries, s.entry(at, key, auths[key]))
	}
	for _, e := range s.Entries {
		if e.Broken {
			s.Used, s.Ignored = false, "an entry's auth cannot be parsed"
		}
	}
}

// entry decodes one registry's entry: a non-empty auth wins over username
// and password (DockerConfigEntry.UnmarshalJSON).
func (s *Secret) entry(at, key string, raw json.RawMessage) Entry {
	e := Entry{Key: key}
	where := fmt.Sprintf("%s, registry %q", at, key)
	var r rawEntry
	if err := json.Unmarshal(raw, &r); err != nil {
		e.Broken = true
		e.Findings = append(e.Findings, diagnose.New(diagnose.SecretNotDockerConfig,
			fmt.Sprintf("%s: not an entry of username, password, email and auth (%s); a kubelet handed it fails every pull of the pod", where, jsonError(err)), ""))
		return e
	}
	e.Username, e.Password, e.Email = r.Username, r.Password, r.Email
	if r.Auth != "" {
		u, p, err := decodeAuth(r.Auth)
		if err != nil {
			e.Broken = true
			e.Findings = append(e.Findings, diagnose.New(diagnose.SecretAuthInvalid,
				fmt.Sprintf("%s: auth %s; the kubelet fails to read the pod's pull Secrets (\"unable to parse auth field, must be formatted as base64(username:password)\"), so every pull of the pod fails", where, err), ""))
			return e
		}
		e.Username, e.Password, e.FromAuth = u, p, true
		if d, ok := authDisagrees(where, r, u, p); ok {
			e.Findings = append(e.Findings, d)
		}
	}
	if r.Auth == "" && r.Username == "" && r.Password == "" {
		what := "nothing the kubelet can use"
		if r.Email != "" {
			what = "only an email"
		}
		e.Findings = append(e.Findings, diagnose.New(diagnose.SecretEmailOnly,
			fmt.Sprintf("%s holds %s (no username, password or auth): the kubelet still counts it as a match and hands the runtime empty credentials, so that attempt is anonymous", where, what), ""))
	}
	if d, ok := hubKeyFinding(where, key); ok {
		e.Findings = append(e.Findings, d)
	}
	return e
}

// authDisagrees reports literal fields that say something else than auth.
func authDisagrees(where string, r rawEntry, u, p string) (diagnose.Diagnosis, bool) {
	var parts []string
	if r.Username != "" && r.Username != u {
		parts = append(parts, fmt.Sprintf("auth names user %q but username is %q", u, r.Username))
	}
	if r.Password != "" && r.Password != p {
		parts = append(parts, "auth's password differs from password")
	}
	if len(parts) == 0 {
		return diagnose.Diagnosis{}, false
	}
	return diagnose.New(diagnose.SecretAuthMismatch,
		fmt.Sprintf("%s: %s; the kubelet uses auth (a non-empty auth wins)", where, strings.Join(parts, ", and ")), ""), true
}

// decodeAuth is the kubelet's reading of auth: padded base64 when the value
// ends in '=', unpadded otherwise, split at the first ':'. An empty
// username is accepted.
func decodeAuth(auth string) (user, pass string, err error) {
	enc := base64.RawStdEncoding
	if strings.HasSuffix(strings.TrimSpace(auth), "=") {
		enc = base64.StdEncoding
	}
	b, err := enc.DecodeString(auth)
	if err != nil {
		return "", "", fmt.Errorf("is %s", base64Where(auth, err))
	}
	u, p, ok := strings.Cut(string(b), ":")
	if !ok {
		return "", "", fmt.Errorf("decodes to no ':' between username and password")
	}
	return u, p, nil
}

// looksLikeRegistryMap tells the .dockercfg shape: every member an object.
func looksLikeRegistryMap(top map[string]json.RawMessage) bool {
	if len(top) == 0 {
		return false
	}
	for _, v := range top {
		if t := bytes.TrimSpace(v); len(t) == 0 || t[0] != '{' {
			return false
		}
	}
	return true
}

// lookupFold finds a member as encoding/json would: exact name first,
// then any case.
func lookupFold(m map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	for _, k := range sortedKeys(m) {
		if strings.EqualFold(k, name) {
			return m[k], true
		}
	}
	return nil, false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func located(path, what string) string {
	if path == "" {
		return what
	}
	return path + ": " + what
}

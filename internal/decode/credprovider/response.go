package credprovider

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// The request and response kinds of the exec protocol.
const (
	RequestKind  = "CredentialProviderRequest"
	ResponseKind = "CredentialProviderResponse"
)

// The cacheKeyType values the kubelet accepts.
const (
	CacheImage    = "Image"
	CacheRegistry = "Registry"
	CacheGlobal   = "Global"
)

// Request is the CredentialProviderRequest the kubelet writes on the
// plugin's stdin, in its field order and with its trailing newline: image
// is the name without tag ("registry.example.com/team/app").
func Request(apiVersion, image string) []byte {
	b, _ := json.Marshal(struct {
		Kind       string `json:"kind"`
		APIVersion string `json:"apiVersion"`
		Image      string `json:"image"`
	}{RequestKind, apiVersion, image})
	return append(b, '\n')
}

// Response is a CredentialProviderResponse as the kubelet decoded it.
type Response struct {
	APIVersion   string `json:"apiVersion"`
	Kind         string `json:"kind"`
	CacheKeyType string `json:"cacheKeyType"`
	// CacheDuration is as written ("" when absent); Duration its value,
	// nil when absent (the provider's defaultCacheDuration applies).
	CacheDuration string         `json:"cacheDuration,omitempty"`
	Duration      *time.Duration `json:"-"`
	// Auth is the auth map sorted by key.
	Auth []Auth `json:"auth"`
}

// Auth is one auth entry: the key it is filed under in the keyring and
// the credentials (the password is never rendered from here).
type Auth struct {
	Key      string `json:"key"`
	Username string `json:"username"`
	Password string `json:"-"`
}

// Fault is why the kubelet drops a plugin's answer: the code, the
// kubelet's own error text (what it logs) and regauth's explanation.
type Fault struct {
	Code    diagnose.Code
	Kubelet string
	Detail  string
}

var (
	responseFields = []string{"apiVersion", "kind", "cacheKeyType", "cacheDuration", "auth"}
	authFields     = []string{"username", "password"}
)

// ParseResponse reads the plugin's stdout as ExecPlugin and provide do:
// the apiVersion must be the provider's, the kind CredentialProviderResponse,
// the JSON decode strictly, and cacheKeyType be Image, Registry or Global.
// Error texts never quote the output, which may hold credentials.
func ParseResponse(data []byte, want string) (*Response, *Fault) {
	var gvk struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := json.Unmarshal(data, &gvk); err != nil {
		return nil, &Fault{diagnose.CredProviderResponseInvalid, "error reading GVK from response: " + safeJSONError(err),
			fmt.Sprintf("%d bytes on stdout that are not a JSON object", len(data))}
	}
	if gvk.APIVersion != want {
		return nil, &Fault{diagnose.CredProviderResponseVersion,
			fmt.Sprintf("apiVersion from credential plugin response did not match expected apiVersion:%s, actual apiVersion:%s", want, gvk.APIVersion),
			fmt.Sprintf("the response's apiVersion is %q, the provider's apiVersion in the config is %s", gvk.APIVersion, want)}
	}
	const decodeErr = "error decoding credential provider plugin response from stdout"
	if gvk.Kind != ResponseKind {
		return nil, &Fault{diagnose.CredProviderResponseVersion, decodeErr,
			fmt.Sprintf("the response's kind is %q, not %s", gvk.Kind, ResponseKind)}
	}
	bad := func(format string, a ...any) *Fault {
		return &Fault{diagnose.CredProviderResponseInvalid, decodeErr, fmt.Sprintf(format, a...)}
	}
	var top map[string]json.RawMessage
	_ = json.Unmarshal(data, &top)
	if k := unknownKey(top, responseFields); k != "" {
		return nil, bad("the response has a field %q the kubelet's strict decoder refuses", k)
	}
	r := &Response{APIVersion: gvk.APIVersion, Kind: gvk.Kind, Auth: []Auth{}}
	if str(top, "cacheKeyType", &r.CacheKeyType) != nil {
		return nil, bad("cacheKeyType is not a string")
	}
	if v, ok := top["cacheDuration"]; ok && string(v) != "null" {
		if json.Unmarshal(v, &r.CacheDuration) != nil {
			return nil, bad("cacheDuration is not a duration string such as \"5m\"")
		}
		d, err := time.ParseDuration(r.CacheDuration)
		if err != nil {
			return nil, bad("cacheDuration %q is not a duration", r.CacheDuration)
		}
		r.Duration = &d
	}
	if v, ok := top["auth"]; ok && string(v) != "null" {
		var auth map[string]map[string]json.RawMessage
		if json.Unmarshal(v, &auth) != nil {
			return nil, bad("auth is not a map of registry keys to username and password")
		}
		for key, e := range auth {
			if k := unknownKey(e, authFields); k != "" {
				return nil, bad("auth[%q] has a field %q the kubelet's strict decoder refuses", key, k)
			}
			a := Auth{Key: key}
			if str(e, "username", &a.Username) != nil || str(e, "password", &a.Password) != nil {
				return nil, bad("auth[%q]: username and password must be strings", key)
			}
			r.Auth = append(r.Auth, a)
		}
		sort.Slice(r.Auth, func(i, j int) bool { return r.Auth[i].Key < r.Auth[j].Key })
	}
	switch r.CacheKeyType {
	case CacheImage, CacheRegistry, CacheGlobal:
	default:
		return r, &Fault{diagnose.CredProviderCacheKeyType,
			fmt.Sprintf("credential provider plugin did not return a valid cacheKeyType: %q", r.CacheKeyType),
			fmt.Sprintf("cacheKeyType %q is not Image, Registry or Global, so the kubelet drops the response and its %d credentials", r.CacheKeyType, len(r.Auth))}
	}
	return r, nil
}

// Cache says how the kubelet caches the answer: for how long, under which
// key (the image, its registry host, or every image).
func (r *Response) Cache(p Provider, image string) string {
	d, from := p.CacheDuration, "the provider's defaultCacheDuration"
	if r.Duration != nil {
		d, from = *r.Duration, "the response's cacheDuration"
	}
	if d == 0 {
		return fmt.Sprintf("not cached (%s is 0): the kubelet runs the plugin for every pull", from)
	}
	key := map[string]string{
		CacheImage:    "for " + image + " only",
		CacheRegistry: "for every image on " + strings.SplitN(image, "/", 2)[0],
		CacheGlobal:   "for every image the provider matches",
	}[r.CacheKeyType]
	return fmt.Sprintf("cached %s (%s), %s: a fixed plugin is not run again until then", d, from, key)
}

func unknownKey(m map[string]json.RawMessage, known []string) string {
	var keys []string
	for k := range m {
		if !contains(known, k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	if len(keys) == 0 {
		return ""
	}
	return keys[0]
}

// safeJSONError is the decoder's error as the kubelet logs it; a syntax
// error quotes one character at most, a type error is worded without the
// value.
func safeJSONError(err error) string {
	if se, ok := err.(*json.SyntaxError); ok {
		return se.Error()
	}
	if _, ok := err.(*json.UnmarshalTypeError); ok {
		return "the output is JSON but not an object"
	}
	return "not JSON"
}

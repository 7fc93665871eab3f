package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
)

// capture holds a handler's answer so a front can rewrite it before it
// goes out (another challenge, a vendor's error body, an opaque token).
// The sandbox's images are tiny, so holding a whole body is fine.
type capture struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newCapture() *capture { return &capture{header: http.Header{}} }

func (c *capture) Header() http.Header { return c.header }

func (c *capture) WriteHeader(code int) {
	if c.status == 0 && code >= 200 {
		c.status = code
	}
}

func (c *capture) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// serveCaptured runs h on r and returns its answer, not yet sent.
func serveCaptured(h http.Handler, r *http.Request) *capture {
	c := newCapture()
	h.ServeHTTP(c, r)
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c
}

// setBody replaces the body (and its length and type).
func (c *capture) setBody(contentType string, b []byte) {
	c.body.Reset()
	c.body.Write(b)
	c.header.Set("Content-Type", contentType)
	c.header.Set("Content-Length", strconv.Itoa(len(b)))
}

// send writes the answer to w. A HEAD answer keeps the Content-Length the
// handler set for the body it did not send.
func (c *capture) send(w http.ResponseWriter, r *http.Request) {
	for k, v := range c.header {
		w.Header()[k] = v
	}
	if c.body.Len() > 0 || r.Method != http.MethodHead {
		w.Header().Set("Content-Length", strconv.Itoa(c.body.Len()))
	}
	w.WriteHeader(c.status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(c.body.Bytes())
	}
}

// ociError is one entry of a registry's {"errors":[...]} body.
type ociError struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Detail  json.RawMessage `json:"detail,omitempty"`
}

// ociErrors reads a registry error body; nil when it is not one.
func ociErrors(b []byte) []ociError {
	var doc struct {
		Errors []ociError `json:"errors"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	return doc.Errors
}

func jsonBytes(v any) []byte {
	b, _ := json.Marshal(v)
	return append(b, '\n')
}

// tokenField is where a token reply puts the token: access_token for an
// OAuth2 POST, token for the token GET.
func tokenField(r *http.Request) string {
	if r.Method == http.MethodPost {
		return "access_token"
	}
	return "token"
}

// tokenOf reads the token of a token service's JSON reply.
func tokenOf(b []byte) string {
	var rep tokenResponse
	if json.Unmarshal(b, &rep) != nil {
		return ""
	}
	return cmpOr(rep.Token, rep.AccessToken)
}

// grantedAccess reads the access claim of one of the sandbox's own JWTs
// (no verification: it was minted here a moment ago).
func grantedAccess(tok string) []scope {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil
	}
	var claims struct {
		Access []scope `json:"access"`
	}
	if json.Unmarshal(payload, &claims) != nil {
		return nil
	}
	return claims.Access
}

// withHeaders sets fixed headers on every answer of h (a vendor's Server
// line and its request IDs).
func withHeaders(h http.Handler, set func(http.Header)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		set(w.Header())
		h.ServeHTTP(w, r)
	})
}

// requestID is a fresh UUID-shaped ID, as vendors put in their headers.
func requestID() string {
	h := randomHex(16)
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

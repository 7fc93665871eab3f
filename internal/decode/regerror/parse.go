package regerror

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
)

// Error is one entry of a registry error body.
type Error struct {
	Code    string          `json:"code"`
	Message string          `json:"message"`
	Detail  json.RawMessage `json:"detail,omitempty"`
	// FromChallenge marks the error the engine derives from a Bearer
	// challenge's error parameter.
	FromChallenge bool `json:"from_challenge,omitempty"`
	// built marks an error the engine builds itself (from a challenge, a
	// text body or Hub's details): it always prints "code: message", even
	// an empty message (Harbor's empty 401 shows as "unauthorized: ").
	built bool
}

// Text is the entry as the engine prints it.
func (e Error) Text() string {
	word := strings.ToLower(strings.ReplaceAll(e.Code, "_", " "))
	if !e.built && !hasDetail(e.Detail) && (e.Message == "" || e.Message == defaultMessages[e.Code]) {
		return word
	}
	return word + ": " + e.Message
}

func hasDetail(d json.RawMessage) bool {
	t := bytes.TrimSpace(d)
	return len(t) > 0 && !bytes.Equal(t, []byte("null"))
}

// Result is a parsed error answer.
type Result struct {
	Status int     `json:"status"`
	Errors []Error `json:"errors"`
	// Details is a Docker Hub-style {"details": "..."} message.
	Details string `json:"details,omitempty"`
	// NotJSON is set when the body was taken as text (HTML, plain text).
	NotJSON bool `json:"not_json,omitempty"`
	// EngineText is the error the Docker engine would report.
	EngineText string `json:"engine_text"`
}

// Codes lists the error codes in order.
func (r Result) Codes() []string {
	out := make([]string, 0, len(r.Errors))
	for _, e := range r.Errors {
		out = append(out, e.Code)
	}
	return out
}

// Has reports whether code is among the errors.
func (r Result) Has(code string) bool {
	for _, e := range r.Errors {
		if e.Code == code {
			return true
		}
	}
	return false
}

// maxText bounds how much of a text body goes into a message.
const maxText = 512

// Parse reads an error answer as the engine's HandleErrorResponse does:
// a Bearer challenge's error parameter first, then the body (JSON errors,
// Hub's "details", or text taken whole for non-JSON content types).
func Parse(status int, contentType string, body []byte, challenges []challenge.Challenge) Result {
	res := Result{Status: status}
	if status < 400 || status > 499 {
		res.EngineText = fmt.Sprintf("received unexpected HTTP status: %d %s", status, http.StatusText(status))
		res.Errors, res.Details, res.NotJSON = readBody(status, contentType, body)
		return res
	}
	for _, c := range challenges {
		if c.Scheme != "bearer" {
			continue
		}
		code := ""
		switch c.Params["error"] {
		case "invalid_token":
			code = "UNAUTHORIZED"
		case "insufficient_scope":
			code = "DENIED"
		}
		if code != "" {
			msg := c.Params["error_description"]
			if msg == "" {
				msg = defaultMessages[code]
			}
			res.Errors = append(res.Errors, Error{Code: code, Message: msg, FromChallenge: true, built: true})
			// The engine uses the first Bearer challenge with an error only.
			break
		}
	}
	bodyErrs, details, notJSON := readBody(status, contentType, body)
	res.Details, res.NotJSON = details, notJSON
	res.Errors = append(res.Errors, bodyErrs...)
	res.EngineText = engineText(status, body, res.Errors, bodyErrs == nil)
	return res
}

// readBody returns the body's errors; a body that holds none yields nil.
func readBody(status int, contentType string, body []byte) ([]Error, string, bool) {
	if !isJSONType(contentType) {
		return []Error{{Code: codeForStatus(status), Message: clip(string(body)), built: true}}, "", true
	}
	var hub struct {
		Details any `json:"details"`
	}
	if json.Unmarshal(body, &hub) == nil {
		if s, ok := hub.Details.(string); ok && s != "" {
			return []Error{{Code: codeForStatus(status), Message: s, built: true}}, s, false
		}
	}
	var doc struct {
		Errors []Error `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil || len(doc.Errors) == 0 {
		return nil, "", false
	}
	for i := range doc.Errors {
		if !Known(doc.Errors[i].Code) {
			doc.Errors[i].Code = "UNKNOWN"
		}
	}
	return doc.Errors, "", false
}

// engineText writes the errors as the engine's error value prints them.
// bodyUnread means the body was JSON the engine could not read errors from.
func engineText(status int, body []byte, errs []Error, bodyUnread bool) string {
	var lines []string
	for _, e := range errs {
		lines = append(lines, e.Text())
	}
	if bodyUnread {
		switch {
		case len(errs) == 0 && status == http.StatusUnauthorized:
			// The engine turns an unreadable 401 body into the plain code.
			return "unauthorized: authentication required"
		default:
			lines = append(lines, parseFailure(status, body))
		}
	}
	if len(lines) == 1 {
		return lines[0]
	}
	return "errors:\n" + strings.Join(lines, "\n") + "\n"
}

func parseFailure(status int, body []byte) string {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return fmt.Sprintf("error parsing HTTP %d response body: %s: %q", status, err, clip(string(body)))
	}
	return fmt.Sprintf("error parsing HTTP %d response body: no error details found in HTTP response body: %q", status, clip(string(body)))
}

func isJSONType(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return false
	}
	return mt == "application/json" || mt == "application/vnd.api+json"
}

func clip(s string) string {
	if len(s) > maxText {
		return s[:maxText] + "…"
	}
	return s
}

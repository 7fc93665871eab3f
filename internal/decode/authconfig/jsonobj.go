package authconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// member is one name/value pair of a JSON object. Objects are walked in
// document order with duplicates kept, so that the later of two duplicates
// wins as it does in encoding/json, which every client reading these files
// uses.
type member struct {
	name  string
	value json.RawMessage
}

// firstValue returns the first JSON value in data, as the Docker CLI's
// json.Decoder reads it: whatever follows that value is never looked at.
func firstValue(data []byte) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&raw); err != nil {
		return nil, notJSON(data, err)
	}
	return raw, nil
}

// wholeValue returns data as one JSON value, as json.Unmarshal (used by
// containers/image) reads it: trailing data is an error.
func wholeValue(data []byte) (json.RawMessage, error) {
	var raw json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, notJSON(data, err)
	}
	return raw, nil
}

// notJSON words a JSON syntax error with the byte (0-based) and line it is
// at, so the user can find it in an editor.
func notJSON(data []byte, err error) error {
	at := len(data)
	msg := err.Error()
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se) && msg == "unexpected end of JSON input":
		msg = "unexpected end of input" // as the Decoder words it
	case errors.As(err, &se):
		at = int(se.Offset) - 1
		if at < 0 {
			at = 0
		}
		if at > len(data) {
			at = len(data)
		}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		msg = "unexpected end of input"
	}
	line := 1 + bytes.Count(data[:at], []byte("\n"))
	return fmt.Errorf("not JSON: %s at byte %d (line %d)", msg, at, line)
}

// members lists an object's members in order; where names the value in the
// error when it is not an object.
func members(raw json.RawMessage, where string) ([]member, error) {
	if k := kind(raw); k != "an object" {
		return nil, fmt.Errorf("%s is %s, not an object", where, k)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the '{'
		return nil, fmt.Errorf("%s: %v", where, err)
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", where, err)
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, fmt.Errorf("%s[%q]: %v", where, name, err)
		}
		out = append(out, member{name: name, value: v})
	}
	return out, nil
}

// kind names the JSON type of raw for messages.
func kind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	if len(t) == 0 {
		return "empty"
	}
	switch t[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// stringValue decodes a JSON string; null reads as "" since encoding/json
// leaves a string field untouched for null.
func stringValue(raw json.RawMessage, where string) (string, error) {
	if kind(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", fmt.Errorf("%s is %s, want a string", where, kind(raw))
	}
	return s, nil
}

// isNull reports a JSON null, which encoding/json treats as "leave as is".
func isNull(raw json.RawMessage) bool { return kind(raw) == "null" }

// quoteKey renders a member name for messages: auths["reg.example"].
func quoteKey(parent, name string) string {
	return parent + "[" + strconv.Quote(name) + "]"
}

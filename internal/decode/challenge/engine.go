// Package challenge reads WWW-Authenticate headers. It has two readers: the
// one the Docker engine uses (the distribution client's parser, quirks
// included) and a lenient RFC 7235 reader, so a trace can say where the two
// disagree: that difference is often the bug a user is chasing.
package challenge

import "strings"

// Challenge is one authentication challenge: a lower-cased scheme
// ("bearer", "basic") and its lower-cased parameter names.
type Challenge struct {
	Scheme string            `json:"scheme"`
	Params map[string]string `json:"params"`
	// Raw is the header line the challenge came from.
	Raw string `json:"raw,omitempty"`
}

// ParseEngine reads each header line as exactly one challenge, as the Docker
// engine does. Lines with no scheme are dropped.
func ParseEngine(headers []string) []Challenge {
	var out []Challenge
	for _, h := range headers {
		scheme, params := parseEngineLine(h)
		if scheme == "" {
			continue
		}
		out = append(out, Challenge{Scheme: scheme, Params: params, Raw: h})
	}
	return out
}

// parseEngineLine mirrors the distribution client's parseValueAndParams:
// no spaces around '=', an unquoted value stops at any separator (so an
// unquoted URL is cut at ':'), an empty quoted value or an unterminated
// quote ends parsing, and ';' (or anything but ',') after a value stops it.
func parseEngineLine(header string) (string, map[string]string) {
	params := map[string]string{}
	value, s := expectToken(header)
	if value == "" {
		return "", params
	}
	value = strings.ToLower(value)
	s = "," + skipSpace(s)
	for strings.HasPrefix(s, ",") {
		var key string
		key, s = expectToken(skipSpace(s[1:]))
		if key == "" || !strings.HasPrefix(s, "=") {
			break
		}
		var v string
		v, s = expectTokenOrQuoted(s[1:])
		if v == "" {
			break
		}
		params[strings.ToLower(key)] = v
		s = skipSpace(s)
	}
	return value, params
}

// RFC 2616 separators: these end an unquoted token.
const separators = "()<>@,;:\\\"/[]?={} \t"

func isTokenChar(c byte) bool {
	return c > 0x20 && c < 0x7f && !strings.ContainsRune(separators, rune(c))
}

func skipSpace(s string) string {
	i := 0
	for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
		i++
	}
	return s[i:]
}

func expectToken(s string) (token, rest string) {
	i := 0
	for i < len(s) && isTokenChar(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// expectTokenOrQuoted reads a token or a quoted string; a backslash escapes
// the next byte. An unterminated quote yields "".
func expectTokenOrQuoted(s string) (value, rest string) {
	if !strings.HasPrefix(s, `"`) {
		return expectToken(s)
	}
	v, rest, terminated := readQuoted(s)
	if !terminated {
		return "", ""
	}
	return v, rest
}

// readQuoted reads the quoted string s starts with, unescaping backslash
// escapes, and says whether its closing quote was found.
func readQuoted(s string) (value, rest string, terminated bool) {
	var b strings.Builder
	escape := false
	for i := 1; i < len(s); i++ {
		c := s[i]
		switch {
		case escape:
			escape = false
			b.WriteByte(c)
		case c == '\\':
			escape = true
		case c == '"':
			return b.String(), s[i+1:], true
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), "", false
}

package challenge

import "strings"

// ParseLenient reads header lines the way a person (and RFC 7235) would:
// several challenges per line, spaces around '=', empty quoted values kept,
// and an unquoted value running up to the next ',' or space, so an unquoted
// URL stays whole.
func ParseLenient(headers []string) []Challenge {
	var out []Challenge
	for _, h := range headers {
		out = append(out, parseLenientLine(h)...)
	}
	return out
}

func parseLenientLine(h string) []Challenge {
	var out []Challenge
	s := h
	for {
		s = strings.TrimLeft(s, " \t,")
		if s == "" {
			return out
		}
		scheme, rest := expectToken(s)
		if scheme == "" {
			// Not a scheme: skip one byte and resynchronise.
			s = s[1:]
			continue
		}
		ch := Challenge{Scheme: strings.ToLower(scheme), Params: map[string]string{}, Raw: h}
		s = readLenientParams(rest, &ch)
		out = append(out, ch)
	}
}

// readLenientParams fills ch's params from s and returns what follows them:
// the start of the next challenge, or "".
func readLenientParams(s string, ch *Challenge) string {
	for {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			return ""
		}
		if s[0] == ',' {
			s = strings.TrimLeft(s[1:], " \t")
		}
		key, rest := expectToken(s)
		if key == "" {
			if s == "" {
				return ""
			}
			// A stray separator: skip it.
			s = s[1:]
			continue
		}
		after := strings.TrimLeft(rest, " \t")
		if !strings.HasPrefix(after, "=") {
			// A token not followed by '=' starts the next challenge (or is a
			// token68, which registries do not use).
			return s
		}
		after = strings.TrimLeft(after[1:], " \t")
		var v string
		if strings.HasPrefix(after, `"`) {
			// An unterminated quote runs to the end of the line.
			v, rest, _ = readQuoted(after)
		} else {
			i := strings.IndexAny(after, ", \t")
			if i < 0 {
				i = len(after)
			}
			v, rest = after[:i], after[i:]
		}
		ch.Params[strings.ToLower(key)] = v
		s = rest
	}
}

package challenge

import (
	"fmt"
	"sort"
	"strings"
)

// Difference is one place where the Docker engine reads a header line
// differently from RFC 7235.
type Difference struct {
	Header      string `json:"header"`
	Param       string `json:"param,omitempty"`
	Engine      string `json:"engine"`
	RFC         string `json:"rfc"`
	Explanation string `json:"explanation"`
}

// Compare lists, for each header line, where the engine's reading differs
// from the lenient one: values cut short, parameters lost, challenges
// ignored. A well-formed header gives none.
func Compare(headers []string) []Difference {
	var out []Difference
	for _, h := range headers {
		out = append(out, compareLine(h)...)
	}
	return out
}

func compareLine(h string) []Difference {
	rfc := parseLenientLine(h)
	scheme, eng := parseEngineLine(h)
	if len(rfc) == 0 {
		return nil
	}
	var out []Difference
	first := rfc[0]
	if scheme != first.Scheme {
		return []Difference{{Header: h, Engine: scheme, RFC: first.Scheme,
			Explanation: fmt.Sprintf("the Docker engine cannot read a scheme from %q", h)}}
	}
	keys := make([]string, 0, len(first.Params))
	for k := range first.Params {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var lost []string
	for _, k := range keys {
		want := first.Params[k]
		got, ok := eng[k]
		switch {
		case !ok:
			lost = append(lost, k)
		case got != want:
			out = append(out, Difference{Header: h, Param: k, Engine: got, RFC: want,
				Explanation: fmt.Sprintf("the Docker engine reads %s=%q from %s=%s (an unquoted value stops at ':' '/' '?' '=' and other separators): quote the value", k, got, k, want)})
		}
	}
	if len(lost) > 0 {
		out = append(out, Difference{Header: h, Param: strings.Join(lost, ","), RFC: strings.Join(lost, ","),
			Explanation: fmt.Sprintf("the Docker engine stops reading %q %s and never sees %s", h, stopReason(h), strings.Join(lost, ", "))})
	}
	if len(rfc) > 1 {
		var others []string
		for _, c := range rfc[1:] {
			others = append(others, c.Scheme)
		}
		out = append(out, Difference{Header: h, Engine: scheme, RFC: first.Scheme + "," + strings.Join(others, ","),
			Explanation: fmt.Sprintf("the header line holds %d challenges (%s, %s); the Docker engine reads one challenge per line and ignores %s: send each on its own WWW-Authenticate line", len(rfc), first.Scheme, strings.Join(others, ", "), strings.Join(others, ", "))})
	}
	return out
}

// stopReason guesses why the engine's parser stopped, from the raw line.
func stopReason(h string) string {
	switch {
	case strings.Contains(h, `=""`):
		return `at an empty quoted value ("")`
	case strings.Contains(h, " =") || strings.Contains(h, "= "):
		return "at a space around '='"
	case strings.Count(h, `"`)%2 == 1:
		return "at an unterminated quote"
	case strings.Contains(h, ";"):
		return "at ';'"
	}
	return "early"
}

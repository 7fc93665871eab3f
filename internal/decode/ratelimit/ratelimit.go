// Package ratelimit reads Docker Hub's pull-limit headers:
// ratelimit-limit and ratelimit-remaining ("N;w=SECONDS") and
// docker-ratelimit-source.
package ratelimit

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Value is one header's "N;w=SECONDS".
type Value struct {
	N int `json:"n"`
	// Window is the w= parameter in seconds; 0 when absent.
	Window int    `json:"window_seconds,omitempty"`
	Raw    string `json:"raw"`
}

// WindowText is the window as a duration ("6h0m0s"), or "" without one.
func (v Value) WindowText() string {
	if v.Window <= 0 {
		return ""
	}
	return (time.Duration(v.Window) * time.Second).String()
}

// ParseValue reads "100;w=21600". Unknown parameters are ignored; a value
// without a number is not a value.
func ParseValue(s string) (Value, bool) {
	v := Value{Raw: s}
	parts := strings.Split(s, ";")
	n, err := strconv.Atoi(strings.TrimSpace(parts[0]))
	if err != nil || n < 0 {
		return v, false
	}
	v.N = n
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(k, "w") {
			if w, err := strconv.Atoi(val); err == nil && w > 0 {
				v.Window = w
			}
		}
	}
	return v, true
}

// Info is what one response said about the pull limit.
type Info struct {
	Limit     *Value `json:"limit,omitempty"`
	Remaining *Value `json:"remaining,omitempty"`
	// Source is docker-ratelimit-source: the IP or account the limit counts.
	Source string `json:"source,omitempty"`
}

// FromHeaders returns the limit headers of a response, or nil when it has
// none (the pull is not limited).
func FromHeaders(h http.Header) *Info {
	in := &Info{Source: h.Get("Docker-Ratelimit-Source")}
	if v, ok := ParseValue(h.Get("Ratelimit-Limit")); ok {
		in.Limit = &v
	}
	if v, ok := ParseValue(h.Get("Ratelimit-Remaining")); ok {
		in.Remaining = &v
	}
	if in.Limit == nil && in.Remaining == nil && in.Source == "" {
		return nil
	}
	return in
}

// String is one line: "99 of 100 pulls left per 6h0m0s (counted for 1.2.3.4)".
func (in *Info) String() string {
	if in == nil {
		return "no limit headers"
	}
	var b strings.Builder
	switch {
	case in.Remaining != nil && in.Limit != nil:
		fmt.Fprintf(&b, "%d of %d pulls left", in.Remaining.N, in.Limit.N)
	case in.Limit != nil:
		fmt.Fprintf(&b, "limit %d pulls", in.Limit.N)
	case in.Remaining != nil:
		fmt.Fprintf(&b, "%d pulls left", in.Remaining.N)
	default:
		b.WriteString("limit not stated")
	}
	w := ""
	if in.Limit != nil {
		w = in.Limit.WindowText()
	}
	if w == "" && in.Remaining != nil {
		w = in.Remaining.WindowText()
	}
	if w != "" {
		b.WriteString(" per " + w)
	}
	if in.Source != "" {
		fmt.Fprintf(&b, " (counted for %s)", in.Source)
	}
	return b.String()
}

package ratelimit

import (
	"net/http"
	"testing"
)

func TestParseValue(t *testing.T) {
	cases := []struct {
		in     string
		n, w   int
		ok     bool
		window string
	}{
		{"100;w=21600", 100, 21600, true, "6h0m0s"},
		{"0;w=3600", 0, 3600, true, "1h0m0s"},
		{" 76 ; w=60 ;comment=x", 76, 60, true, "1m0s"},
		{"5000", 5000, 0, true, ""},
		{"", 0, 0, false, ""},
		{"many;w=1", 0, 0, false, ""},
		{"-1;w=5", 0, 0, false, ""},
	}
	for _, c := range cases {
		v, ok := ParseValue(c.in)
		if ok != c.ok || (ok && (v.N != c.n || v.Window != c.w || v.WindowText() != c.window)) {
			t.Errorf("%q: %+v %v", c.in, v, ok)
		}
	}
}

func TestFromHeaders(t *testing.T) {
	if FromHeaders(http.Header{"Content-Type": {"x"}}) != nil {
		t.Error("no limit headers means not limited")
	}
	h := http.Header{}
	h.Set("ratelimit-limit", "100;w=21600")
	h.Set("ratelimit-remaining", "0;w=21600")
	h.Set("docker-ratelimit-source", "203.0.113.9")
	in := FromHeaders(h)
	if in == nil || in.Limit.N != 100 || in.Remaining.N != 0 || in.Source != "203.0.113.9" {
		t.Fatalf("%+v", in)
	}
	if got := in.String(); got != "0 of 100 pulls left per 6h0m0s (counted for 203.0.113.9)" {
		t.Errorf("%q", got)
	}
}

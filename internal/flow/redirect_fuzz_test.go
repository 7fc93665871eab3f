package flow

import (
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// The engine's copy of Go's redirect rules against Go itself: for any first
// URL and Location, net/http's own client (over a transport that answers
// without a network) sends the hop with Authorization and Referer exactly
// when the engine's copyHeaders/sameDomainOrSub/refererFor say it does.
func FuzzRedirectHeadersMatchGo(f *testing.F) {
	for _, seed := range [][2]string{
		{"https://reg.example:5000/v2/", "https://cdn.reg.example/blob"},
		{"https://reg.example/v2/", "https://reg.example.evil.com/v2/"},
		{"https://reg.example/v2/", "//other.example/x"},
		{"http://127.0.0.1:5000/v2/", "http://localhost:5000/v2/"},
		{"https://user:pw@reg.example/token", "http://REG.example/token?x=1"},
		{"https://[::1]:5000/v2/", "https://[::1]:6000/v2/"},
		{"https://reg.example/v2/", "/relative/path?q#frag"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, first, loc string) {
		u, err := url.Parse(first)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		next, err := u.Parse(loc)
		if err != nil || next.Host == "" || strings.ContainsAny(loc, "\r\n") {
			return
		}
		var hop *http.Request
		calls := 0
		client := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			calls++
			if calls == 1 {
				return &http.Response{StatusCode: http.StatusFound, Header: http.Header{"Location": {loc}}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
			}
			hop = r
			return &http.Response{StatusCode: http.StatusOK, Header: http.Header{}, Body: io.NopCloser(strings.NewReader("")), Request: r}, nil
		})}
		req, err := http.NewRequest(http.MethodGet, first, nil)
		if err != nil {
			return
		}
		req.Header.Set("Authorization", "Bearer fuzz")
		req.Header.Set("Accept", "application/json")
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
		}
		if hop == nil {
			return // Go did not follow it
		}
		// The engine, like Go, starts from the request's URL (NewRequest
		// drops an empty port).
		u = req.URL
		ours := http.Header{}
		stripped := u.Host != hop.URL.Host && !sameDomainOrSub(u, hop.URL)
		copyHeaders(ours, req.Header, "Bearer fuzz", stripped, true)
		userinfoAuth(ours, hop.URL)
		if (ours.Get("Authorization") != "") != (hop.Header.Get("Authorization") != "") {
			t.Errorf("%s -> %s: Go sends Authorization=%v, the engine says %v", first, hop.URL, hop.Header.Get("Authorization") != "", ours.Get("Authorization") != "")
		}
		if ours.Get("Accept") != hop.Header.Get("Accept") {
			t.Errorf("Accept: Go %q, engine %q", hop.Header.Get("Accept"), ours.Get("Accept"))
		}
		if got, want := refererFor(u, hop.URL), hop.Header.Get("Referer"); got != want {
			t.Errorf("%s -> %s: Referer: Go %q, engine %q", first, hop.URL, want, got)
		}
	})
}

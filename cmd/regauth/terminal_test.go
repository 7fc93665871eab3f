package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// A fake server, because no real registry sends these: a header with a
// bidi override and a body with escape sequences and bytes that are not
// UTF-8. None of it may reach the terminal raw, the -v header dump
// included; JSON stays valid UTF-8.
func TestServerTextIsEscaped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Evil", "safe\u202eelif.exe")
		w.Header().Set("Docker-Distribution-Api-Version", "registry/2.0")
		w.Header().Set("WWW-Authenticate", `Basic realm="x`+"\u2066"+`"`)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte("\x1b]0;pwned\x07\x1b[2J\xff\xfe oops"))
	}))
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, args := range [][]string{{"-v", "--no-color"}, {"-o", "json"}} {
		r := traceCLI(t).run(append([]string{"login-trace", host, "--plain-http", "--anonymous"}, args...)...)
		out := r.out + r.err
		for _, raw := range []string{"\u202e", "\u2066", "\x1b", "\x07"} {
			// JSON carries header values as sent, as valid UTF-8 strings.
			if args[0] == "-v" && strings.Contains(out, raw) {
				t.Errorf("%v: raw %q reached the output", args, raw)
			}
		}
		if !utf8.ValidString(out) {
			t.Errorf("%v: the output is not valid UTF-8", args)
		}
		if args[0] == "-v" && (!strings.Contains(out, `safe\u202eelif.exe`) || !strings.Contains(out, `\x1b`) || !strings.Contains(out, `\xff\xfe oops`)) {
			t.Errorf("the header dump should show the escapes:\n%s", out)
		}
	}
}

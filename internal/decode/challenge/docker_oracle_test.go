package challenge

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	dockerchallenge "github.com/docker/distribution/registry/client/auth/challenge"
)

// ParseEngine is the Docker engine's reading of WWW-Authenticate; the
// oracle is the parser the engine vendors (github.com/docker/distribution
// v2.8.3, registry/client/auth/challenge), used here in tests only.
func FuzzParseEngineMatchesDocker(f *testing.F) {
	for _, s := range []string{
		`Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`,
		`Basic realm="Registry Realm"`, `Bearer realm=https://a/b`, `Bearer realm="a\"b"`, `BEARER Realm="x"`,
		`Bearer realm="r", error="insufficient_scope"`, `Bearer realm="r",,service="s"`, `Bearer`, `a="\`, `,,,=`, ``,
		`Bearer realm="x" Basic realm="y"`, "Bearer realm=\"x\"\t,service=y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		if strings.ContainsAny(h, "\r\n") {
			return // not a header value
		}
		theirs := dockerchallenge.ResponseChallenges(&http.Response{StatusCode: http.StatusUnauthorized, Header: http.Header{"Www-Authenticate": {h}}})
		ours := ParseEngine([]string{h})
		var want []Challenge
		for _, c := range theirs {
			if c.Scheme == "" {
				continue
			}
			want = append(want, Challenge{Scheme: c.Scheme, Params: c.Parameters})
		}
		got := make([]Challenge, 0, len(ours))
		for _, c := range ours {
			got = append(got, Challenge{Scheme: c.Scheme, Params: c.Params})
		}
		if len(want) == 0 && len(got) == 0 {
			return
		}
		if !reflect.DeepEqual(normal(got), normal(want)) {
			t.Errorf("header %q:\n ours   %+v\n docker %+v", h, got, want)
		}
	})
}

func normal(cs []Challenge) []Challenge {
	for i := range cs {
		if cs[i].Params == nil {
			cs[i].Params = map[string]string{}
		}
	}
	return cs
}

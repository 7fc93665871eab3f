package challenge

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseEngine(t *testing.T) {
	cases := []struct {
		name   string
		header string
		scheme string
		params map[string]string
	}{
		{"registry bearer", `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"`,
			"bearer", map[string]string{"realm": "https://auth.example/token", "service": "registry.example", "scope": "repository:a/b:pull"}},
		{"case-insensitive scheme and names", `BEARER Realm="r",SERVICE="s"`, "bearer", map[string]string{"realm": "r", "service": "s"}},
		{"comma inside quotes", `Bearer realm="r",scope="repository:a/b:pull,push"`, "bearer", map[string]string{"realm": "r", "scope": "repository:a/b:pull,push"}},
		{"escaped quote and backslash", `Basic realm="say \"hi\" \\ there"`, "basic", map[string]string{"realm": `say "hi" \ there`}},
		{"unquoted token value", `Bearer realm="r",service=reg.example`, "bearer", map[string]string{"realm": "r", "service": "reg.example"}},
		{"unquoted URL realm is cut to its scheme", `Bearer realm=https://a/token,service="s"`, "bearer", map[string]string{"realm": "https"}},
		{"space after comma", "Bearer realm=\"r\",\t service=\"s\"", "bearer", map[string]string{"realm": "r", "service": "s"}},
		{"spaces around = give no params", `Bearer realm = "r"`, "bearer", map[string]string{}},
		{"empty quoted value stops parsing", `Bearer realm="r",service="",scope="x"`, "bearer", map[string]string{"realm": "r"}},
		{"unterminated quote drops the rest", `Bearer realm="r",service="s`, "bearer", map[string]string{"realm": "r"}},
		{"semicolon ends parsing", `Bearer realm="r";service="s"`, "bearer", map[string]string{"realm": "r"}},
		{"two challenges in one line: only the first", `Bearer realm="x",service="y", Basic realm="z"`, "bearer", map[string]string{"realm": "x", "service": "y"}},
		{"duplicate: last wins", `Bearer realm="a",realm="b"`, "bearer", map[string]string{"realm": "b"}},
		{"scope with a port", `Bearer realm="r",scope="repository:host:5000/a/b:pull"`, "bearer", map[string]string{"realm": "r", "scope": "repository:host:5000/a/b:pull"}},
		{"realm with a query", `Bearer realm="https://a/token?x=1",service="s"`, "bearer", map[string]string{"realm": "https://a/token?x=1", "service": "s"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ParseEngine([]string{c.header})
			if len(got) != 1 {
				t.Fatalf("want one challenge, got %+v", got)
			}
			if got[0].Scheme != c.scheme || !reflect.DeepEqual(got[0].Params, c.params) {
				t.Errorf("got %s %v, want %s %v", got[0].Scheme, got[0].Params, c.scheme, c.params)
			}
		})
	}
}

func TestParseEngineKeepsEachLine(t *testing.T) {
	got := ParseEngine([]string{`Bearer realm="x"`, `Basic realm="y"`, ``, `"quoted"`})
	if len(got) != 2 || got[0].Scheme != "bearer" || got[1].Scheme != "basic" {
		t.Fatalf("separate header lines are separate challenges; got %+v", got)
	}
}

func TestParseLenient(t *testing.T) {
	got := ParseLenient([]string{`Bearer realm=https://a/token,service="s", Basic realm="z"`})
	if len(got) != 2 {
		t.Fatalf("want 2 challenges, got %+v", got)
	}
	if got[0].Params["realm"] != "https://a/token" || got[0].Params["service"] != "s" || got[1].Scheme != "basic" || got[1].Params["realm"] != "z" {
		t.Errorf("got %+v", got)
	}
	got = ParseLenient([]string{`Bearer realm = "r" , service=""`})
	if got[0].Params["realm"] != "r" || got[0].Params["service"] != "" {
		t.Errorf("spaces around = and empty values: %+v", got)
	}
	if _, ok := got[0].Params["service"]; !ok {
		t.Errorf("empty quoted value should be kept")
	}
}

func TestCompare(t *testing.T) {
	cases := []struct {
		header string
		want   []string // substrings of the explanations; none means no difference
	}{
		{`Bearer realm="https://a/token",service="s",scope="repository:a:pull"`, nil},
		{`Basic realm="Registry Realm"`, nil},
		{`Bearer realm=https://a/token,service="s"`, []string{`realm="https"`, "quote the value", `never sees service`}},
		{`Bearer realm="x",service="y", Basic realm="z"`, []string{"2 challenges", "ignores basic"}},
		{`Bearer realm="r",service="",scope="x"`, []string{"empty quoted value", "never sees scope, service"}},
		{`Bearer realm = "r"`, []string{"space around '='", "never sees realm"}},
	}
	for _, c := range cases {
		got := Compare([]string{c.header})
		if c.want == nil {
			if len(got) != 0 {
				t.Errorf("%s: want no difference, got %+v", c.header, got)
			}
			continue
		}
		var all []string
		for _, d := range got {
			all = append(all, d.Explanation)
		}
		text := strings.Join(all, "\n")
		for _, w := range c.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s: explanations should mention %q:\n%s", c.header, w, text)
			}
		}
	}
}

func TestParseScope(t *testing.T) {
	cases := []struct {
		in   string
		want Scope
		ok   bool
	}{
		{"repository:library/alpine:pull", Scope{Type: "repository", Name: "library/alpine", Actions: []string{"pull"}}, true},
		{"repository:host:5000/a/b:pull,push", Scope{Type: "repository", Name: "host:5000/a/b", Actions: []string{"pull", "push"}}, true},
		{"repository(plugin):a/b:pull", Scope{Type: "repository", Class: "plugin", Name: "a/b", Actions: []string{"pull"}}, true},
		{"registry:catalog:*", Scope{Type: "registry", Name: "catalog", Actions: []string{"*"}}, true},
		{"repository:a/b:", Scope{Type: "repository", Name: "a/b", Actions: []string{}}, true},
		{"nonsense", Scope{}, false},
		{":a:pull", Scope{}, false},
	}
	for _, c := range cases {
		got, ok := ParseScope(c.in)
		if ok != c.ok || !reflect.DeepEqual(got, c.want) {
			t.Errorf("ParseScope(%q) = %+v, %v; want %+v, %v", c.in, got, ok, c.want, c.ok)
		}
		if ok && got.String() != c.in {
			t.Errorf("String() = %q, want %q", got.String(), c.in)
		}
	}
	ch := ParseEngine([]string{`Bearer realm="r",scope="repository:a:pull repository:b:push"`})[0]
	if s := ch.Scopes(); len(s) != 2 || s[1].Name != "b" {
		t.Errorf("space-separated scopes: %+v", s)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`Bearer realm="r",service="s"`, `Basic realm="x`, `Bearer realm=https://a/b`, `a="\`, `,,,=`, ``} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		ParseEngine([]string{h})
		ParseLenient([]string{h})
		Compare([]string{h})
	})
}

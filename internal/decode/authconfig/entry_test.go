package authconfig

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestReadEntryObject(t *testing.T) {
	o, err := readEntryObject(json.RawMessage(`{"Auth":"x","auth":"y","email":null,"comment":5,"passwd":"p"}`), `auths["r"]`, dockerEntryFields)
	if err != nil {
		t.Fatal(err)
	}
	if o.vals["auth"] != "y" {
		t.Errorf("auth = %q; the later of Auth/auth wins as in encoding/json", o.vals["auth"])
	}
	if _, ok := o.vals["email"]; !ok || o.vals["password"] != "" {
		t.Errorf("presence: %v", o.vals)
	}
	var odd []string
	for _, n := range o.odd {
		odd = append(odd, n.name)
	}
	if strings.Join(odd, ",") != "Auth,comment,passwd" {
		t.Errorf("odd names = %v", odd)
	}

	if _, err := readEntryObject(json.RawMessage(`{"auth":1}`), `auths["r"]`, dockerEntryFields); err == nil || err.Error() != `auths["r"].auth is a number, want a string` {
		t.Errorf("wrong type: %v", err)
	}
	if _, err := readEntryObject(json.RawMessage(`"str"`), `auths["r"]`, dockerEntryFields); err == nil || err.Error() != `auths["r"] is a string, not an object` {
		t.Errorf("not an object: %v", err)
	}
	if o, err := readEntryObject(json.RawMessage(`null`), `auths["r"]`, dockerEntryFields); err != nil || len(o.vals) != 0 {
		t.Errorf("null: %v %v", o, err)
	}
}

func TestNameFindings(t *testing.T) {
	b := newBuilder("/cfg", FormatConfig)
	odd := []oddName{
		{name: "Auth", meant: "auth", how: nameFolded},
		{name: "passwd", meant: "password", how: nameTypo},
		{name: "emial", meant: "email", how: nameTypo},
		{name: "comment", how: nameUnknown},
	}
	ds := nameFindings(b, `auths["r"]`, odd, "the Docker CLI", quoteList(credentialFields), credentialFields)
	want := []string{
		`auths["r"].Auth in /cfg should be spelled "auth": the Docker CLI reads it anyway (Go's JSON decoding ignores case), but tools that match names exactly do not`,
		`auths["r"].passwd in /cfg is not a field the Docker CLI reads, so it is ignored; it was probably meant to be "password"`,
		`auths["r"].emial in /cfg is not a field the Docker CLI reads, so it is ignored (it reads "auth", "username", "password", "identitytoken" and "registrytoken")`,
		`auths["r"].comment in /cfg is not a field the Docker CLI reads, so it is ignored (it reads "auth", "username", "password", "identitytoken" and "registrytoken")`,
	}
	if len(ds) != len(want) {
		t.Fatalf("got %d findings: %+v", len(ds), ds)
	}
	for i, d := range ds {
		if d.Code != diagnose.UnknownConfigKey || d.Message != want[i] {
			t.Errorf("finding %d:\n got %s %q\nwant %q", i, d.Code, d.Message, want[i])
		}
	}
	if ds[0].Hint != `Rename it to "auth".` {
		t.Errorf("case-variant hint = %q", ds[0].Hint)
	}
}

func TestQuoteList(t *testing.T) {
	for in, want := range map[string]string{"": "", "a": `"a"`, "a,b": `"a" and "b"`, "a,b,c": `"a", "b" and "c"`} {
		var names []string
		if in != "" {
			names = strings.Split(in, ",")
		}
		if got := quoteList(names); got != want {
			t.Errorf("quoteList(%v) = %s, want %s", names, got, want)
		}
	}
}

package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestInspectTokenGolden(t *testing.T) {
	c := newCLI(t)
	c.in = readTestdata(t, "token-reply.json")
	r := c.run("inspect-token", "--no-color").wantCode(t, 0)
	golden(t, "inspect-token.golden", r.out)

	c.in = readTestdata(t, "token-reply.json")
	r = c.run("inspect-token", "-o", "json").wantCode(t, 0)
	golden(t, "inspect-token.json.golden", r.out)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["schemaVersion"].(float64) != 1 {
		t.Errorf("schemaVersion: %v", doc["schemaVersion"])
	}
}

func TestInspectTokenInputForms(t *testing.T) {
	tok := readTestdata(t, "token.jwt")
	dir := t.TempDir()
	file := writeFile(t, dir, "tok.txt", "Authorization: Bearer "+tok+"\n")
	forms := []struct {
		stdin string
		args  []string
	}{
		{"", []string{tok}},
		{"", []string{"Bearer " + tok}},
		{tok + "\n", []string{"-"}},
		{tok, nil},
		{"", []string{"@" + file}},
	}
	for _, f := range forms {
		c := newCLI(t)
		c.in = f.stdin
		r := c.run(append([]string{"inspect-token"}, f.args...)...).wantCode(t, 0)
		if !strings.Contains(r.out, "library/hello") || !strings.Contains(r.out, "pull,push") {
			t.Errorf("%v: access list missing:\n%s", f.args, r.out)
		}
		if !strings.Contains(r.out, "signature not verified") {
			t.Errorf("an unverified token must say so:\n%s", r.out)
		}
	}
}

func TestInspectTokenTimesAndLoginToken(t *testing.T) {
	r := newCLI(t).run("inspect-token", readTestdata(t, "token.jwt")).wantCode(t, 0)
	for _, w := range []string{"exp: 2026-11-24T10:30:00Z (in 28m0s)", "iat: 2026-11-24T10:00:00Z (2m0s ago)", "lifetime: 30m0s"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("want %q in:\n%s", w, r.out)
		}
	}
	r = newCLI(t).run("inspect-token", readTestdata(t, "login-token.jwt")).wantCode(t, 0)
	if !strings.Contains(r.out, "no access granted: a login token") {
		t.Errorf("login token:\n%s", r.out)
	}
	r = newCLI(t).run("inspect-token", readTestdata(t, "expired.jwt")).wantCode(t, 1)
	if !strings.Contains(r.out, "TOKEN_EXPIRED") {
		t.Errorf("expired token:\n%s", r.out)
	}
}

func TestInspectTokenVerify(t *testing.T) {
	tok := readTestdata(t, "token.jwt")
	r := newCLI(t).run("inspect-token", tok, "--cert", "testdata/signer.crt", "--issuer", "harbor-token-issuer", "--service", "harbor-registry").wantCode(t, 0)
	if !strings.Contains(r.out, "verified") || !strings.Contains(r.out, "thumbprint") || strings.Contains(r.out, "signature not verified") {
		t.Errorf("verification against the signer:\n%s", r.out)
	}
	r = newCLI(t).run("inspect-token", tok, "--key", "testdata/other.pub").wantCode(t, 1)
	if !strings.Contains(r.out, "SIGNATURE_INVALID") {
		t.Errorf("wrong key must fail:\n%s", r.out)
	}
	r = newCLI(t).run("inspect-token", tok, "--cert", "testdata/signer.crt", "--issuer", "someone-else").wantCode(t, 1)
	if !strings.Contains(r.out, "ISSUER_MISMATCH") {
		t.Errorf("issuer mismatch:\n%s", r.out)
	}
	r = newCLI(t).run("inspect-token", tok, "--cert", "testdata/signer.crt", "--service", "other-service").wantCode(t, 1)
	if !strings.Contains(r.out, "AUDIENCE_MISMATCH") {
		t.Errorf("audience mismatch:\n%s", r.out)
	}
}

func TestInspectTokenBadInput(t *testing.T) {
	dir := t.TempDir()
	huge := writeFile(t, dir, "huge", strings.Repeat("A", 100<<20))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"two segments", []string{"abc.def"}, "segment"},
		{"truncated", []string{readTestdata(t, "token.jwt")[:40]}, "segment"},
		{"non-base64", []string{"!!!.###.$$$"}, "base64"},
		{"payload not an object", []string{"eyJhbGciOiJSUzI1NiJ9.WzEsMl0.c2ln"}, "object"},
		{"binary garbage", []string{"\x00\x01\xff\xfe"}, ""},
		{"missing file", []string{"@" + dir + "/nope"}, "nope"},
		{"huge file", []string{"@" + huge}, "larger than"},
		{"bad cert file", []string{readTestdata(t, "token.jwt"), "--cert", huge}, "--cert"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newCLI(t).run(append([]string{"inspect-token"}, c.args...)...).wantCode(t, 2)
			r.wantOneLineError(t, "inspect-token", c.want)
		})
	}
}

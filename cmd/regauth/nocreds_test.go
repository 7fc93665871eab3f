package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// Nothing in the config and no --anonymous: the trace still runs, and
// says up front that it ran without credentials and where it looked.
func TestNoCredentialsWarning(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	codes := func(args ...string) map[string]string {
		r := traceCLI(t).run(append(args, "-o", "json")...)
		var doc struct {
			Diagnoses []struct{ Code, Severity, Message string }
		}
		if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
			t.Fatalf("%v: %v\n%s%s", args, err, r.out, r.err)
		}
		m := map[string]string{}
		for _, d := range doc.Diagnoses {
			if d.Severity == "warning" {
				m[d.Code] = d.Message
			}
		}
		return m
	}
	got := codes("pull-trace", sb.Host()+"/public/hello", "--plain-http")
	if msg := got["NO_CREDENTIALS"]; !strings.Contains(msg, "no config file at") || !strings.Contains(msg, "prompt for a username") {
		t.Errorf("warning %q", msg)
	}
	if _, ok := codes("pull-trace", sb.Host()+"/public/hello", "--plain-http", "--anonymous")["NO_CREDENTIALS"]; ok {
		t.Error("--anonymous means it: no warning")
	}
}

// -o json with --curl carries each step's curl command, masked.
func TestJSONCarriesCurl(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	r := c.run("pull-trace", sb.Host()+"/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "-o", "json", "--curl").wantCode(t, 0)
	var doc struct{ Steps []struct{ Curl string } }
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	for i, s := range doc.Steps {
		if !strings.HasPrefix(s.Curl, "curl ") {
			t.Errorf("step %d has no curl command: %q", i+1, s.Curl)
		}
	}
	if strings.Contains(r.out, sb.Users()["alice"]) {
		t.Error("the curl lines show the password")
	}
}

// A command's flags work before its name too.
func TestFlagsBeforeTheCommand(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	r := traceCLI(t).run("--plain-http", "--anonymous", "-o", "json", "login-trace", sb.Host())
	if r.code == 2 || !strings.Contains(r.out, `"command": "login-trace"`) {
		t.Fatalf("exit %d\n%s%s", r.code, r.out, r.err)
	}
	r = traceCLI(t).run("--bogus", "login-trace", sb.Host())
	r.wantCode(t, 2)
	if !strings.Contains(r.err, "unknown flag: --bogus") {
		t.Errorf("the error should name the flag: %q", r.err)
	}
}

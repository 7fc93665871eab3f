package main

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// pullSandbox is a Harbor-like sandbox with library/hello:latest (alice and
// bob may pull) and private/secret:v1 (only alice), pushed by the test.
func pullSandbox(t *testing.T, like sandbox.Like) *sandbox.Sandbox {
	t.Helper()
	sb := startSandbox(t, like)
	for _, img := range [][2]string{{"library/hello", "latest"}, {"private/secret", "v1"}, {"public/hello", "latest"}} {
		if _, err := sb.PushImage(context.Background(), img[0], img[1]); err != nil {
			t.Fatal(err)
		}
	}
	sb.ResetRequests()
	return sb
}

// digestRE masks content digests: the sandbox image's config names this
// machine's architecture, so its digests differ from one machine to another.
var digestRE = regexp.MustCompile(`sha256:[0-9a-f]{64}`)

func normalisePull(s string) string {
	return digestRE.ReplaceAllString(normalise(s, true), "sha256:DIGEST")
}

func TestPullTraceGolden(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"] + "\n"
	r := c.run("pull-trace", sb.Host()+"/library/hello", "-u", "alice", "--password-stdin", "--plain-http", "--blob", "--no-color").wantCode(t, 0)
	golden(t, "pull-trace.golden", normalisePull(r.out))

	c.in = sb.Users()["alice"] + "\n"
	r = c.run("pull-trace", sb.Host()+"/library/hello", "-u", "alice", "--password-stdin", "--plain-http", "--compare-anonymous", "-o", "json").wantCode(t, 0)
	var doc struct {
		Command string
		Details struct {
			Scopes []struct {
				Resource  string
				Requested []string
				Granted   []string
			}
			Manifest  struct{ Digest string }
			Anonymous struct{ Effect string }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if doc.Command != "pull-trace" || len(doc.Details.Scopes) != 1 || doc.Details.Scopes[0].Granted[0] != "pull" || !digestRE.MatchString(doc.Details.Manifest.Digest) || doc.Details.Anonymous.Effect != "helps" {
		t.Errorf("details: %+v", doc.Details)
	}
	golden(t, "pull-trace.json.golden", normalisePull(r.out))

	c.in = sb.Users()["bob"] + "\n"
	r = c.run("pull-trace", sb.Host()+"/private/secret:v1", "-u", "bob", "--password-stdin", "--plain-http", "--no-color").wantCode(t, 1)
	golden(t, "pull-trace-refused.golden", normalisePull(r.out))
}

func TestPullTraceTellsTheUser(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	cases := []struct {
		name string
		args []string
		code int
		says []string
	}{
		{"scope table and digest", []string{host + "/library/hello", "-u", "alice", "-p", sb.Users()["alice"]}, 0,
			[]string{"│ repository:library/hello │ -         │ pull      │ pull    │", "OK the pull would succeed: " + host + "/library/hello:latest is sha256:"}},
		{"no role", []string{host + "/private/secret:v1", "-u", "bob", "-p", sb.Users()["bob"]}, 1,
			[]string{"│ nothing │ pull", "REFUSED pull access denied for " + host + "/private/secret, repository does not exist or may require 'docker login'", "INSUFFICIENT_SCOPE"}},
		{"missing tag", []string{host + "/library/hello:nope", "-u", "alice", "-p", sb.Users()["alice"]}, 1,
			[]string{"docker pull prints: Error response from daemon: manifest for " + host + "/library/hello:nope not found: manifest unknown: manifest unknown", "MANIFEST_NOT_FOUND"}},
		{"push refused", []string{host + "/library/hello", "-u", "bob", "-p", sb.Users()["bob"], "--push"}, 1,
			[]string{"│ pull,push │ pull    │ push", "push would be refused", "nothing is written"}},
		{"stale credentials", []string{host + "/public/hello", "-u", "alice", "-p", "Old-Password-1", "--compare-anonymous"}, 1,
			[]string{"Anonymous comparison: hurts", "STALE_CREDENTIALS: this succeeds anonymously; the credentials given for " + host + " are rejected"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := traceCLI(t).run(append([]string{"pull-trace", "--plain-http", "--no-color"}, c.args...)...).wantCode(t, c.code)
			for _, s := range c.says {
				if !strings.Contains(r.out, s) {
					t.Errorf("output should contain %q:\n%s", s, r.out)
				}
			}
		})
	}
}

func TestPullTraceBadInput(t *testing.T) {
	cases := []struct {
		args     []string
		mentions []string
	}{
		{[]string{"pull-trace", "Alpine"}, []string{"invalid reference format", "must be lowercase"}},
		{[]string{"pull-trace", "alpine@sha256:abc"}, []string{"bad digest"}},
		{[]string{"pull-trace", "https://reg.example/a"}, []string{"no scheme"}},
		{[]string{"pull-trace", "alpine", "--anonymous", "--compare-anonymous"}, []string{"--compare-anonymous"}},
		{[]string{"pull-trace", "alpine", "-p", "x"}, []string{"needs a username"}},
	}
	for _, c := range cases {
		r := newCLI(t).run(c.args...).wantCode(t, 2)
		r.wantOneLineError(t, "pull-trace", c.mentions...)
		if r.out != "" {
			t.Errorf("%v: nothing on stdout for bad input: %q", c.args, r.out)
		}
	}
	r := newCLI(t).run("pull-trace").wantCode(t, 2)
	if !strings.Contains(r.err, "accepts 1 arg") {
		t.Errorf("missing IMAGE: %q", r.err)
	}
}

func TestPullTraceUnreachable(t *testing.T) {
	r := traceCLI(t).run("pull-trace", "127.0.0.9:1/library/hello", "--anonymous", "--timeout", "2s").wantCode(t, 3)
	if !strings.Contains(r.out, "REGISTRY_UNREACHABLE") || !strings.Contains(r.out, "UNREACHABLE") {
		t.Errorf("unreachable registry:\n%s", r.out)
	}
}

func TestPullTraceHelp(t *testing.T) {
	r := newCLI(t).run("pull-trace", "--help").wantCode(t, 0)
	for _, want := range []string{"Exit codes: 0 the pull would succeed, 1 refused", "regauth pull-trace alpine", "--compare-anonymous", "--push", "--blob", "a HEAD does not count as a pull"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("--help should mention %q", want)
		}
	}
	if r := newCLI(t).run("--help").wantCode(t, 0); !strings.Contains(r.out, "regauth pull-trace") {
		t.Errorf("the root examples should show pull-trace:\n%s", r.out)
	}
}

package main

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

func TestPushTraceCLI(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	r := c.run("push-trace", sb.Host()+"/library/new:1", "--plain-http", "-u", "alice", "--password-stdin", "-o", "json").wantCode(t, 0)
	var doc struct {
		Command string
		OK      bool
		Client  struct{ ID string }
		Details struct {
			Blob   string
			Upload struct {
				UUID      string
				Cancelled bool
			}
			Scopes []struct{ Granted []string }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if doc.Command != "push-trace" || !doc.OK || doc.Client.ID != "docker" || !doc.Details.Upload.Cancelled || doc.Details.Upload.UUID == "" {
		t.Errorf("document %+v", doc)
	}

	c.in = sb.Users()["bob"]
	r = c.run("push-trace", sb.Host()+"/library/new:1", "--plain-http", "-u", "bob", "--password-stdin", "--no-color").wantCode(t, 1)
	for _, s := range []string{"PUSH_DENIED", "REFUSED denied: requested access to the resource is denied", "replaying docker"} {
		if !strings.Contains(r.out, s) {
			t.Errorf("bob's push lacks %q:\n%s", s, r.out)
		}
	}

	// Bad input, one line, exit 2.
	for _, args := range [][]string{
		{"push-trace", sb.Host() + "/library/new@sha256:" + strings.Repeat("a", 64)},
		{"push-trace", sb.Host() + "/library/new:1", "--allow-write"},
		{"push-trace", sb.Host() + "/library/new:1", "--client", "nosuch"},
	} {
		r := traceCLI(t).run(args...)
		r.wantCode(t, 2)
		if strings.Count(strings.TrimSpace(r.err), "\n") > 0 || r.err == "" {
			t.Errorf("%v: stderr %q", args, r.err)
		}
	}

	// The mount: without --allow-write no mount request is sent.
	c.in = sb.Users()["alice"]
	sb.ResetRequests()
	r = c.run("push-trace", sb.Host()+"/library/new:1", "--plain-http", "-u", "alice", "--password-stdin", "--mount-from", "library/hello:latest", "--no-color").wantCode(t, 0)
	for _, req := range sb.Requests() {
		if strings.Contains(req.RawQuery, "mount=") {
			t.Errorf("a mount was sent without --allow-write")
		}
	}
	if !strings.Contains(r.out, "repository:library/hello") || !strings.Contains(r.out, "not-sent") {
		t.Errorf("the mount's scopes and outcome:\n%s", r.out)
	}
}

func TestSecretHygienePushTrace(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeDistribution)
	pw := sb.Users()["alice"]
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	chk := leakCheck{name: "push", secrets: []string{pw, basic}, jwt: true}
	for _, client := range []string{"docker", "containerd"} {
		for _, v := range [][]string{{"-v", "--curl"}, {"-o", "json"}} {
			har := filepath.Join(t.TempDir(), "x.har")
			c := traceCLI(t)
			c.in = pw
			r := c.run(append([]string{"push-trace", sb.Host() + "/library/new:1", "--plain-http", "-u", "alice", "--password-stdin", "--client", client, "--har", har}, v...)...).wantCode(t, 0)
			chk.assertHidden(t, client+" "+strings.Join(v, " "), r.out, r.err, readHAR(t, har))
		}
	}
}

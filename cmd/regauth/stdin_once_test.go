package main

import (
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// --password-stdin with --client podman: the registries.conf lookup and the
// pull both need the credentials, and standard input is read once.
func TestPasswordStdinReadOnceForPodman(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	if _, err := sb.PushImage(t.Context(), "library/hello", "1"); err != nil {
		t.Fatal(err)
	}
	c := traceCLI(t)
	c.in = sb.Users()["alice"] + "\n"
	c.run("pull-trace", sb.Host()+"/library/hello:1", "--client", "podman", "--plain-http", "-u", "alice", "--password-stdin").wantCode(t, 0)
}

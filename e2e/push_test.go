package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// push-trace through the Harbor-like nginx front of Debian's registry 2.8:
// alice may push (the session is opened and cancelled, and storage keeps
// nothing of it), bob may only pull.
func TestPushTraceThroughHarborProxy(t *testing.T) {
	s := start(t)
	home := t.TempDir()
	n := len(settledLines(t, s.accessLog, 0))
	r := runTool(t, home, s.users["alice"], s.regauth, "push-trace", s.harbor+"/library/pushed:1", "-u", "alice", "--password-stdin", "-o", "json")
	if r.code != 0 {
		t.Fatalf("alice's push-trace: exit %d\n%s%s", r.code, r.out, r.err)
	}
	var doc struct {
		Details struct {
			Upload struct {
				UUID      string
				Cancelled bool
			}
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	up := doc.Details.Upload
	if up.UUID == "" || !up.Cancelled {
		t.Fatalf("upload %+v", up)
	}
	wire := strings.Join(settledLines(t, s.accessLog, n), "\n")
	for _, want := range []string{
		"POST /v2/library/pushed/blobs/uploads/ 202 Bearer",
		"DELETE /v2/library/pushed/blobs/uploads/" + up.UUID,
	} {
		if !strings.Contains(wire, want) {
			t.Errorf("nginx should have logged %q:\n%s", want, wire)
		}
	}
	for _, l := range strings.Split(wire, "\n") {
		if strings.HasPrefix(l, "PATCH ") || strings.HasPrefix(l, "PUT ") {
			t.Errorf("push-trace wrote: %s", l)
		}
	}
	// registry 2.8's filesystem: a live session has data and startedat; a
	// cancelled one has neither (an empty hashstates tree may remain).
	session := filepath.Join(s.dir, "token-data", "docker", "registry", "v2", "repositories", "library", "pushed", "_uploads", up.UUID)
	if _, err := os.Stat(filepath.Dir(session)); err != nil {
		t.Fatalf("the repository's _uploads directory should exist after the POST: %v", err)
	}
	for _, f := range []string{"data", "startedat"} {
		if _, err := os.Stat(filepath.Join(session, f)); err == nil {
			t.Errorf("the cancelled session still has %s", f)
		}
	}

	r = runTool(t, home, s.users["bob"], s.regauth, "push-trace", s.harbor+"/library/pushed:1", "-u", "bob", "--password-stdin")
	if r.code != 1 || !strings.Contains(r.out, "PUSH_DENIED") {
		t.Errorf("bob's push-trace: exit %d, want 1 with PUSH_DENIED\n%s", r.code, r.out)
	}
}

package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

type compareDoc struct {
	Command string
	OK      bool
	Image   struct{ Canonical string }
	Clients []struct {
		Client     string
		OK         bool
		Verdict    string
		Requests   int
		Error      string
		DivergesAt int `json:"diverges_at"`
		Divergence string
		Diagnoses  []struct{ Code string }
		Trace      struct {
			Command string
			Client  struct{ ID string }
			Steps   []struct{ Request struct{ Method, URL string } }
		}
	}
}

func runCompareJSON(t *testing.T, c *cli, code int, args ...string) compareDoc {
	t.Helper()
	r := c.run(append([]string{"compare"}, append(args, "-o", "json")...)...).wantCode(t, code)
	var doc compareDoc
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	return doc
}

func TestCompareAllClientsSucceed(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	doc := runCompareJSON(t, c, 0, sb.Host()+"/library/hello", "--plain-http", "-u", "alice", "--password-stdin")
	if doc.Command != "compare" || !doc.OK || len(doc.Clients) < 4 {
		t.Fatalf("document %+v", doc)
	}
	byName := map[string]int{}
	for i, cl := range doc.Clients {
		byName[cl.Client] = i
		if !cl.OK || cl.Trace.Command != "pull-trace" || cl.Trace.Client.ID != cl.Client || cl.Requests != len(cl.Trace.Steps) {
			t.Errorf("client %s: %+v", cl.Client, cl)
		}
	}
	if doc.Clients[0].Client != "docker" || doc.Clients[0].Requests != 4 {
		t.Errorf("docker first with 4 requests: %+v", doc.Clients[0])
	}
	ctr := doc.Clients[byName["containerd"]]
	// No ping, HEAD first; the fetcher learns the challenge again.
	if ctr.Requests != 8 || ctr.DivergesAt != 1 || ctr.Trace.Steps[0].Request.Method != "HEAD" {
		t.Errorf("containerd: no ping, HEAD first, 8 requests: %+v", ctr)
	}
	if want := "docker sends GET /v2/ (anonymous) -> 401; containerd sends HEAD /v2/library/hello/manifests/latest (anonymous) -> 401"; ctr.Divergence != want {
		t.Errorf("divergence\n got %s\nwant %s", ctr.Divergence, want)
	}
}

func TestCompareExitCodes(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	c.in = "not-the-password"
	doc := runCompareJSON(t, c, 1, sb.Host()+"/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "--client", "docker,containerd")
	if doc.OK || len(doc.Clients) != 2 {
		t.Fatalf("%+v", doc)
	}
	for _, cl := range doc.Clients {
		if cl.OK || cl.Error == "" {
			t.Errorf("%s should fail with its own error line: %+v", cl.Client, cl)
		}
	}
	if want := "ctr: failed to resolve reference"; !strings.HasPrefix(doc.Clients[1].Error, want) {
		t.Errorf("containerd error %q, want ctr's wording", doc.Clients[1].Error)
	}

	// Nothing listens: every client is unreachable, exit 3.
	dead := deadAddr(t)
	runCompareJSON(t, traceCLI(t), 3, dead+"/x/y:1", "--plain-http", "--anonymous", "--client", "docker,podman,containerd")

	// Bad input: exit 2 with one line naming the problem.
	r := traceCLI(t).run("compare", sb.Host()+"/library/hello", "--client", "docker,nosuch")
	r.wantCode(t, 2)
	if !strings.Contains(r.err, `unknown client "nosuch"`) || strings.Count(strings.TrimSpace(r.err), "\n") > 0 {
		t.Errorf("stderr %q", r.err)
	}
}

// The distribution front takes containerd's OAuth POST: the password goes
// in a form body as well as in Basic headers.
func TestCompareSecretHygiene(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeDistribution)
	pw := sb.Users()["alice"]
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	chk := leakCheck{name: "compare", secrets: []string{pw, basic}, jwt: true}
	for _, v := range [][]string{{"-v", "--curl"}, {"-o", "json"}} {
		har := filepath.Join(t.TempDir(), "x.har")
		c := traceCLI(t)
		c.in = pw
		r := c.run(append([]string{"compare", sb.Host() + "/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "--har", har}, v...)...).wantCode(t, 0)
		chk.assertHidden(t, strings.Join(v, " "), r.out, r.err, readHAR(t, har))
	}
}

func TestLoginTraceClient(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	r := traceCLI(t).run("login-trace", sb.Host(), "--client", "kubelet", "--anonymous")
	r.wantCode(t, 2)
	if !strings.Contains(r.err, "containerd has no login; it authenticates at pull time") {
		t.Errorf("stderr %q", r.err)
	}
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	r = c.run("login-trace", sb.Host(), "--client", "podman", "-u", "alice", "--password-stdin", "--no-color").wantCode(t, 0)
	if first := strings.SplitN(r.out, "\n", 2)[0]; !strings.Contains(first, "replaying podman") {
		t.Errorf("first line %q does not name the client", first)
	}
	if got := sb.Requests(); len(got) != 3 || strings.Contains(got[1].RawQuery, "client_id") || !strings.Contains(got[1].RawQuery, "account=alice") {
		t.Errorf("podman login wire %+v: ping, token GET with account and no client_id, /v2/ with the token", got)
	}
}

// deadAddr is a loopback port nothing listens on: taken, then released.
func deadAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// Plain --client docker means what the local daemon does: its containerd
// image store replays docker-containerd, and the trace says why.
func TestDockerClientFollowsDaemonStore(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	for _, c := range []struct{ store, want string }{{"containerd", "docker-containerd"}, {"classic", "docker"}} {
		cl := traceCLI(t)
		cl.dockerStore = &DockerStore{Store: c.store, Reason: "Docker 29.1.2 at unix:///test.sock uses the " + c.store + " image store"}
		r := cl.run("pull-trace", sb.Host()+"/public/hello", "--plain-http", "--anonymous", "-o", "json").wantCode(t, 0)
		var doc struct{ Client struct{ ID, Why string } }
		if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Client.ID != c.want || !strings.Contains(doc.Client.Why, "uses the "+c.store+" image store") {
			t.Errorf("%s store: client %+v", c.store, doc.Client)
		}
		// An explicit profile is never second-guessed.
		r = cl.run("pull-trace", sb.Host()+"/public/hello", "--plain-http", "--anonymous", "--client", "podman", "-o", "json").wantCode(t, 0)
		var explicit struct{ Client struct{ ID, Why string } }
		if err := json.Unmarshal([]byte(r.out), &explicit); err != nil {
			t.Fatal(err)
		}
		if explicit.Client.ID != "podman" || explicit.Client.Why != "" {
			t.Errorf("--client podman: %+v", explicit.Client)
		}
	}
}

// The headline case: a token service that refuses the OAuth2 POST
// with 403. Docker and podman ask with GET and pull; containerd posts, does
// not fall back on 403, and fails with its own error line and the reason.
func TestCompareTokenPOSTRefused(t *testing.T) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Like: sandbox.LikeDistribution, TokenPOSTStatus: 403})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	if _, err := sb.PushImage(context.Background(), "library/hello", "latest"); err != nil {
		t.Fatal(err)
	}
	c := traceCLI(t)
	c.in = sb.Users()["alice"]
	doc := runCompareJSON(t, c, 1, sb.Host()+"/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "--client", "docker,podman,containerd")
	got := map[string]bool{}
	for _, cl := range doc.Clients {
		got[cl.Client] = cl.OK
	}
	if !got["docker"] || !got["podman"] || got["containerd"] {
		t.Fatalf("docker and podman succeed, containerd fails: %+v", got)
	}
	ctr := doc.Clients[2]
	want := `ctr: failed to resolve reference "` + sb.Host() + `/library/hello:latest": failed to authorize: failed to fetch oauth token: unexpected status from POST request to ` + sb.TokenURL() + `: 403 Forbidden`
	if ctr.Error != want {
		t.Errorf("containerd's line\n got %s\nwant %s", ctr.Error, want)
	}
	codes := map[string]bool{}
	for _, d := range ctr.Diagnoses {
		codes[d.Code] = true
	}
	if !codes["TOKEN_POST_REFUSED"] || codes["BAD_CREDENTIALS"] {
		t.Errorf("containerd's diagnoses %v: the POST was refused, not the password", ctr.Diagnoses)
	}

	c.in = sb.Users()["alice"]
	r := c.run("compare", sb.Host()+"/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "--client", "docker,podman,containerd", "--no-color").wantCode(t, 1)
	for _, s := range []string{"TOKEN_POST_REFUSED", "403 Forbidden", "│ docker ", "│ ok "} {
		if !strings.Contains(r.out, s) {
			t.Errorf("text output lacks %q:\n%s", s, r.out)
		}
	}
}

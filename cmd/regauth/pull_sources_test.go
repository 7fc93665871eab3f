package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// mirrorSandbox is a registry holding library/alpine:latest; anonymous
// pulls are allowed when anon is set.
func mirrorSandbox(t *testing.T, anon bool, images ...string) *sandbox.Sandbox {
	t.Helper()
	o := sandbox.Options{Like: sandbox.LikeDistribution}
	if anon {
		o.Access = append(append([]sandbox.Rule{}, sandbox.DefaultAccess...), sandbox.Rule{User: "*", Repo: "*", Actions: []string{"pull"}})
	}
	sb, err := sandbox.Start(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Close() })
	for _, img := range images {
		repo, tag, _ := strings.Cut(img, ":")
		if _, err := sb.PushImage(context.Background(), repo, tag); err != nil {
			t.Fatal(err)
		}
	}
	sb.ResetRequests()
	return sb
}

// hubLogin writes a Docker config holding a Docker Hub login, as docker
// login writes it.
func hubLogin(t *testing.T, c *cli, user, pw string) {
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))
	writeFile(t, c.env["HOME"], ".docker/config.json", fmt.Sprintf(`{"auths":{"https://index.docker.io/v1/":{"auth":%q}}}`, auth))
}

func TestPullTraceDaemonMirrorClassicOffersHubLogin(t *testing.T) {
	mirror := mirrorSandbox(t, false, "library/alpine:latest")
	pw := mirror.Users()["alice"]
	c := traceCLI(t)
	hubLogin(t, c, "alice", pw)
	daemon := writeFile(t, t.TempDir(), "daemon.json", `{"registry-mirrors": ["http://`+mirror.Host()+`"]}`)

	r := c.run("pull-trace", "alpine", "--client", "docker", "--daemon-config", daemon, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw, "alice:"+pw)
	for _, want := range []string{
		"Docker's sources for docker.io/library/alpine:latest (classic image store)",
		"registry-mirrors: http://" + mirror.Host() + "/; used for docker.io only",
		"DAEMON_MIRROR_CREDENTIALS: Docker's classic image store tries 1 mirror(s) before registry-1.docker.io and offers them the Docker Hub login",
		"│ 1 │ mirror  │ mirror",
		"answered: served the image",
		"not tried: an earlier source",
		"Attempt 1 of 1: mirror http://" + mirror.Host() + "/",
		"OK the pull would succeed from mirror http://" + mirror.Host() + "/ (attempt 1 of 1)",
	} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
	// The mirror's token service got the Hub login.
	if got := basicUsers(mirror); len(got) != 1 || got[0] != "alice" {
		t.Errorf("the mirror got Basic users %q, want alice", got)
	}

	r = c.run("pull-trace", "alpine", "--client", "docker", "--daemon-config", daemon, "-o", "json").wantCode(t, 0)
	noSecrets(t, r, pw)
	var doc struct {
		Answered int
		Sources  []struct{ Role, Credentials, Result string }
		Attempts []struct{ Trace struct{ Steps []any } }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Answered != 1 || len(doc.Sources) != 2 || doc.Sources[0].Role != "mirror" || !strings.HasPrefix(doc.Sources[0].Credentials, "alice (") || len(doc.Attempts) != 1 || len(doc.Attempts[0].Trace.Steps) == 0 {
		t.Errorf("json: %+v", doc)
	}
}

func TestPullTraceDaemonMirrorContainerdStoreSendsNone(t *testing.T) {
	mirror := mirrorSandbox(t, true, "library/alpine:latest")
	c := traceCLI(t)
	pw := mirror.Users()["alice"]
	hubLogin(t, c, "alice", pw)
	daemon := writeFile(t, t.TempDir(), "daemon.json", `{"registry-mirrors": ["http://`+mirror.Host()+`/"]}`)
	r := c.run("pull-trace", "alpine", "--client", "docker-containerd", "--daemon-config", daemon, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw)
	if got := basicUsers(mirror); len(got) != 0 {
		t.Errorf("the containerd store sent the mirror Basic %q", got)
	}
	for _, q := range mirror.Requests() {
		if q.AuthScheme == "Basic" {
			t.Errorf("Basic at the mirror: %s %s", q.Method, q.Path)
		}
	}
	for _, want := range []string{"(containerd image store)", "sends no credentials to them: only registry-1.docker.io gets the Docker Hub login", "none: the containerd image store sends credentials only to registry-1.docker.io"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

func TestPullTraceDaemonConfigFaults(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	tests := []struct {
		name, content string
		says          []string
	}{
		{"comma.json", "{\n  \"registry-mirrors\": [\"https://m.example.com\"],\n}\n", []string{"DAEMON_JSON_INVALID", "line 3, column 1"}},
		{"noscheme.json", `{"registry-mirrors": ["mirror.gcr.io"]}`, []string{"DAEMON_MIRROR_INVALID", "no scheme specified"}},
		{"singular.json", `{"registry-mirror": ["https://mirror.gcr.io"]}`, []string{"DAEMON_UNKNOWN_KEY", "registry-mirror"}},
		{"pw.json", `{"registry-mirrors": ["https://bob:Synth3tic-pw@m.example.com"]}`, []string{"DAEMON_MIRROR_INVALID", "bob:xxxxx@"}},
	}
	for _, tt := range tests {
		p := writeFile(t, dir, tt.name, tt.content)
		r := c.run("pull-trace", "alpine", "--client", "docker", "--daemon-config", p).wantCode(t, 2)
		r.wantOneLineError(t, "pull-trace", tt.says...)
		noSecrets(t, r, "Synth3tic-pw")
	}
	c.run("pull-trace", "alpine", "--daemon-config", filepath.Join(dir, "absent.json")).wantCode(t, 2).wantOneLineError(t, "pull-trace", "absent.json")
	c.run("pull-trace", "alpine", "--client", "podman", "--daemon-config", filepath.Join(dir, "pw.json")).wantCode(t, 2).wantOneLineError(t, "pull-trace", "--client docker")
	c.run("pull-trace", "alpine", "--client", "crane", "--registries-conf", filepath.Join(dir, "pw.json")).wantCode(t, 2).wantOneLineError(t, "pull-trace", "--client podman")
}

func TestPullTraceDaemonMirrorNotHub(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeDistribution)
	daemon := writeFile(t, t.TempDir(), "daemon.json", `{"registry-mirrors": ["https://mirror.invalid"]}`)
	r := traceCLI(t).run("pull-trace", sb.Host()+"/public/hello", "--client", "docker", "--daemon-config", daemon, "--no-color").wantCode(t, 0)
	if !strings.Contains(r.out, "DAEMON_MIRROR_NOT_HUB") || strings.Contains(r.out, "mirror.invalid/ ") {
		t.Errorf("output:\n%s", r.out)
	}
}

// podman: a short name tried against each search registry in order; the
// auth file that holds the second registry's login is named.
func TestPullTracePodmanSearchRegistriesInOrder(t *testing.T) {
	first := mirrorSandbox(t, false)
	second := mirrorSandbox(t, false, "private/app:latest")
	pw := second.Users()["alice"]
	c := traceCLI(t)
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	authFile := writeFile(t, dir, "auth.json", fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, second.Host(), auth))
	c.env["REGISTRY_AUTH_FILE"] = authFile
	conf := writeFile(t, dir, "registries.conf", fmt.Sprintf("unqualified-search-registries = [%q, %q]\n", first.Host(), second.Host()))
	drop := t.TempDir()

	r := c.run("pull-trace", "private/app", "--client", "podman", "--registries-conf", conf, "--registries-conf-dir", drop, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw, "alice:"+pw)
	order := []string{
		"podman's sources for private/app",
		"unqualified-search-registries: " + first.Host() + ", " + second.Host(),
		`Resolving "private/app" using unqualified-search registries (` + conf + ")",
		"Attempt 1 of 2: search registry 1: " + first.Host() + "/private/app:latest",
		"Attempt 2 of 2: search registry 2: " + second.Host() + "/private/app:latest",
		"auth files: 1. " + authFile + " (REGISTRY_AUTH_FILE (podman searches no further)): used",
		"OK the pull would succeed from search registry 2: " + second.Host() + "/private/app:latest (attempt 2 of 2)",
		"REGCONF_SEARCH_EARLIER_FAILED",
	}
	at := 0
	for _, want := range order {
		i := strings.Index(r.out[at:], want)
		if i < 0 {
			t.Fatalf("output lacks %q after byte %d:\n%s", want, at, r.out)
		}
		at += i
	}
	if len(first.Requests()) == 0 || basicUsers(first) != nil {
		t.Errorf("the first search registry: %d requests, Basic %q (it has no entry in the auth file)", len(first.Requests()), basicUsers(first))
	}
	if got := basicUsers(second); len(got) != 1 || got[0] != "alice" {
		t.Errorf("the second got Basic %q", got)
	}
}

// podman: a [[registry.mirror]] is tried first with the credentials of its
// own host; the primary answers when the mirror lacks the image.
func TestPullTracePodmanMirrorOwnCredentials(t *testing.T) {
	mirror := mirrorSandbox(t, false)
	primary := mirrorSandbox(t, false, "private/app:1")
	pw := primary.Users()["alice"]
	c := traceCLI(t)
	dir := t.TempDir()
	// Only the primary has a login: the mirror must get none.
	auth := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	writeFile(t, c.env["HOME"], ".config/containers/auth.json", fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, primary.Host(), auth))
	conf := writeFile(t, dir, "registries.conf", fmt.Sprintf("[[registry]]\nlocation = %q\n\n[[registry.mirror]]\nlocation = %q\n", primary.Host(), mirror.Host()))
	r := c.run("pull-trace", primary.Host()+"/private/app:1", "--client", "podman", "--registries-conf", conf, "--registries-conf-dir", t.TempDir(), "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw)
	if basicUsers(mirror) != nil || len(mirror.Requests()) == 0 {
		t.Errorf("mirror: %d requests, Basic %q", len(mirror.Requests()), basicUsers(mirror))
	}
	if got := basicUsers(primary); len(got) != 1 || got[0] != "alice" {
		t.Errorf("primary Basic %q", got)
	}
	for _, want := range []string{"podman looks up the mirror's own name " + mirror.Host() + "/private/app in its auth files, never the primary's", "REGCONF_MIRROR_FAILED", "~/.config/containers/auth.json): used"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

func TestPullTracePodmanBlockedAndNoSearch(t *testing.T) {
	c := traceCLI(t)
	dir := t.TempDir()
	conf := writeFile(t, dir, "registries.conf", "[[registry]]\nlocation = \"registry.example.com\"\nblocked = true\n")
	r := c.run("pull-trace", "registry.example.com/private/app", "--client", "podman", "--registries-conf", conf, "--registries-conf-dir", t.TempDir(), "--no-color").wantCode(t, 1)
	if !strings.Contains(r.out, "registry registry.example.com is blocked in "+conf) || !strings.Contains(r.out, "REGCONF_BLOCKED") || strings.Contains(r.out, "GET ") {
		t.Errorf("output:\n%s", r.out)
	}
	r = c.run("pull-trace", "app", "--client", "podman", "--registries-conf", conf, "--registries-conf-dir", t.TempDir(), "--no-color").wantCode(t, 1)
	if !strings.Contains(r.out, `short-name "app" did not resolve to an alias and no unqualified-search registries are defined in "`+conf+`"`) || !strings.Contains(r.out, "REGCONF_NO_SEARCH") {
		t.Errorf("output:\n%s", r.out)
	}
	bad := writeFile(t, dir, "bad.conf", "[[registry]]\nlocation = \"https://quay.io\"\n")
	c.run("pull-trace", "quay.io/a/b", "--client", "podman", "--registries-conf", bad).wantCode(t, 2).wantOneLineError(t, "pull-trace", "REGCONF_INVALID", "URI schemes are not supported")
}

// CONTAINERS_REGISTRIES_CONF names the file; insecure = true tries https
// without verification, then http.
func TestPullTracePodmanEnvConfInsecure(t *testing.T) {
	sb := mirrorSandbox(t, true, "library/hello:latest")
	c := traceCLI(t)
	dir := t.TempDir()
	c.env["CONTAINERS_REGISTRIES_CONF"] = writeFile(t, dir, "registries.conf", fmt.Sprintf("[[registry]]\nlocation = %q\ninsecure = true\n", sb.Host()))
	r := c.run("pull-trace", sb.Host()+"/library/hello", "--client", "podman", "--registries-conf-dir", t.TempDir(), "--no-color").wantCode(t, 0)
	for _, want := range []string{"REGCONF_INSECURE", "(insecure: TLS not verified)", "│ 2 │ http fallback", "from http://" + sb.Host()} {
		if !strings.Contains(r.out, want) {
			t.Errorf("output lacks %q:\n%s", want, r.out)
		}
	}
}

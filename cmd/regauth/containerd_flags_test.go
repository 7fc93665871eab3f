package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// hostsDir writes DIR/REGISTRY/hosts.toml.
func hostsDir(t *testing.T, registry, toml string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, registry), 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, registry), "hosts.toml", toml)
	return dir
}

func TestContainerdHostsRefusedElsewhere(t *testing.T) {
	for _, args := range [][]string{
		{"--client", "podman", "--containerd-hosts-dir", "/nonexistent"},
		{"--containerd-config", "/nonexistent"},
		{"--client", "docker-containerd", "--containerd-config", "/nonexistent"},
		{"--client", "containerd", "--containerd-hosts-dir", "/x", "--push"},
	} {
		r := newCLI(t).run(append([]string{"pull-trace", "127.0.0.1:5000/app:1"}, args...)...).wantCode(t, 2)
		r.wantOneLineError(t, "pull-trace", "--")
	}
	r := newCLI(t).run("pull-trace", "127.0.0.1:5000/app:1", "--client", "containerd", "--containerd-config", "/nonexistent/config.toml").wantCode(t, 2)
	r.wantOneLineError(t, "pull-trace", "/nonexistent/config.toml")
}

func TestContainerdHostsMirrorFirst(t *testing.T) {
	ctx := context.Background()
	pw := "Synth3tic-pw-for-both"
	static := "Basic " + base64.StdEncoding.EncodeToString([]byte("static:Synth3tic-static"))
	users := map[string]string{"alice": pw}
	mirror := startSandboxWith(t, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	up := startSandboxWith(t, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	if _, err := mirror.PushImage(ctx, "library/hello", "1"); err != nil {
		t.Fatal(err)
	}
	dir := hostsDir(t, up.Host(), fmt.Sprintf(`server = "http://%s"

[host."http://%s"]
  capabilities = ["pull", "resolve"]
  [host."http://%s".header]
    X-Custom = "team-a"
    Authorization = %q
`, up.Host(), mirror.Host(), mirror.Host(), static))
	mirror.ResetRequests()
	c := traceCLI(t)
	c.in = pw + "\n"
	r := c.run("pull-trace", up.Host()+"/library/hello:1", "--client", "containerd@1.6", "--plain-http", "-u", "alice", "--password-stdin",
		"--containerd-hosts-dir", dir, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw, "alice:"+pw, "Synth3tic-static", strings.TrimPrefix(static, "Basic "))
	pos := 0
	for _, want := range []string{
		"containerd's hosts for " + up.Host(),
		"http://" + mirror.Host() + "/v2",
		"http://" + up.Host() + "/v2",
		"Attempt 1 (resolve) at http://" + mirror.Host() + "/v2, ?ns=" + up.Host() + ": resolved 1 to sha256:",
		"ctr offers the same credentials to every host",
		"Attempt 2 (fetch) at http://" + mirror.Host() + "/v2, ?ns=" + up.Host() + ": answered",
		"OK http://" + mirror.Host() + "/v2 answered (host 1 of 2, fetch)",
		"HOSTS_STATIC_AUTH",
	} {
		i := strings.Index(r.out[pos:], want)
		if i < 0 {
			t.Fatalf("missing or out of order: %q\n%s", want, r.out)
		}
		pos += i + len(want)
	}
	if n := len(up.Requests()); n != 0 {
		t.Errorf("the upstream got %d requests; the mirror answered first", n)
	}
	reqs := mirror.Requests()
	if len(reqs) == 0 || reqs[0].RawQuery != "ns="+url.QueryEscape(up.Host()) || reqs[0].Header.Get("X-Custom") != "team-a" || reqs[0].Authorization != static {
		t.Errorf("the mirror's first request: ?ns=, the header and the static Authorization: %+v", reqs[0])
	}

	c = traceCLI(t)
	c.in = pw + "\n"
	r = c.run("pull-trace", up.Host()+"/library/hello:1", "--client", "containerd@1.6", "--plain-http", "-u", "alice", "--password-stdin",
		"--containerd-hosts-dir", dir, "-o", "json").wantCode(t, 0)
	noSecrets(t, r, pw, "Synth3tic-static", strings.TrimPrefix(static, "Basic "))
	var doc struct {
		Answered string
		Hosts    []struct {
			URL    string
			Mirror bool
			Header map[string][]string
		}
		Attempts []struct{ Phase, NS, Outcome string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hosts) != 2 || !doc.Hosts[0].Mirror || doc.Hosts[1].Mirror || doc.Answered != "http://"+mirror.Host()+"/v2" ||
		len(doc.Attempts) != 2 || doc.Attempts[0].NS != up.Host() || doc.Hosts[0].Header["X-Custom"][0] != "team-a" {
		t.Errorf("json: %+v", doc)
	}
}

func TestContainerdConfigMirrorsWithConfigPath(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.toml", `version = 2
[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = "`+dir+`"
  [plugins."io.containerd.grpc.v1.cri".registry.mirrors."127.0.0.1:5999"]
    endpoint = ["http://127.0.0.1:5998"]
`)
	r := newCLI(t).run("pull-trace", "127.0.0.1:5999/app:1", "--client", "kubelet", "--containerd-config", cfg, "--no-color").wantCode(t, 1)
	if !strings.Contains(r.out, "CRI_MIRRORS_WITH_CONFIG_PATH") || !strings.Contains(r.out, "`mirrors` cannot be set when `config_path` is provided") || strings.Contains(r.out, "Attempt 1") {
		t.Errorf("containerd refuses the config; nothing is sent:\n%s", r.out)
	}
}

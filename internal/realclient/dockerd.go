package realclient

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// Dockerd is a Docker daemon of the test's own (Debian's dockerd 20.10:
// the classic image store).
type Dockerd struct {
	Host string // unix:///...
	dir  string
}

// StartDockerd starts dockerd as root with every directory in a temporary
// one, no networking of its own, the vfs driver, and insecure registries
// (plain http) from its config file.
func StartDockerd(t testing.TB, insecureRegistries []string) *Dockerd {
	t.Helper()
	return startDockerd(t, map[string]any{"insecure-registries": insecureRegistries})
}

// startDockerd starts dockerd with settings as its daemon.json.
func startDockerd(t testing.TB, settings map[string]any) *Dockerd {
	t.Helper()
	Need(t, "dockerd")
	Need(t, "docker")
	NeedRoot(t)
	dir := shortTempDir(t, "dkd")
	sock := filepath.Join(dir, "d.sock")
	cfg, _ := json.Marshal(settings)
	cfgPath := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, "dockerd",
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "d.pid"), "-H", "unix://"+sock, "--config-file", cfgPath,
		"--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs")
	client := &http.Client{Timeout: time.Second, Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var dl net.Dialer
		return dl.DialContext(ctx, "unix", sock)
	}}}
	if err := d.waitFor(func() bool {
		resp, err := client.Get("http://docker/_ping")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}); err != nil {
		t.Fatalf("dockerd: %v", err)
	}
	return &Dockerd{Host: "unix://" + sock, dir: dir}
}

// Pull runs `docker pull REF` through this daemon with the credentials in
// a Docker config of the run's own (the CLI sends them to the daemon).
func (d *Dockerd) Pull(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	dir := t.TempDir()
	env := isolatedEnv(dir, "DOCKER_HOST="+d.Host)
	if err := writeDockerConfig(filepath.Join(dir, ".docker"), hostOf(ref), user, pass); err != nil {
		t.Fatal(err)
	}
	return run(ctx, env, "", "docker", "pull", ref)
}

package realclient

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// Containerd is a containerd daemon of the test's own, for ctr.
type Containerd struct {
	Socket string
	dir    string
	runs   atomic.Int64
}

// StartContainerd starts Debian's containerd as root with its root, state
// and sockets in a temporary directory and the CRI plugin off.
func StartContainerd(t testing.TB) *Containerd {
	t.Helper()
	Need(t, "containerd")
	Need(t, "ctr")
	NeedRoot(t)
	dir := shortTempDir(t, "ctrd")
	sock := filepath.Join(dir, "c.sock")
	cfg := fmt.Sprintf(`version = 2
root = %q
state = %q
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = %q
[ttrpc]
  address = %q
[debug]
  address = %q
`, filepath.Join(dir, "root"), filepath.Join(dir, "state"), sock, filepath.Join(dir, "t.sock"), filepath.Join(dir, "d.sock"))
	path := filepath.Join(dir, "config.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(t, "containerd", "--config", path)
	if err := d.waitFor(func() bool {
		c, err := net.Dial("unix", sock)
		if err == nil {
			c.Close()
		}
		return err == nil
	}); err != nil {
		t.Fatalf("containerd: %v", err)
	}
	return &Containerd{Socket: sock, dir: dir}
}

// Fetch runs `ctr content fetch --plain-http [--user U:P] REF`: the
// resolver and authorizer run in ctr itself.
func (c *Containerd) Fetch(ctx context.Context, ref, user, pass string) Result {
	// A namespace per run: content fetched before would not be fetched
	// again, and the wire would be short.
	ns := fmt.Sprintf("run%d", c.runs.Add(1))
	args := []string{"--address", c.Socket, "--namespace", ns, "content", "fetch", "--plain-http"}
	if user != "" || pass != "" {
		args = append(args, "--user", user+":"+pass)
	}
	args = append(args, ref)
	return run(ctx, isolatedEnv(c.dir), "", "ctr", args...)
}

// FetchRefresh runs `ctr content fetch --plain-http --refresh TOKEN REF`:
// with no user, ctr hands the refresh token (an identity token, as docker
// login stores it) to containerd's authorizer as the secret of an empty
// user name, which trades it by an OAuth2 POST (grant_type=refresh_token).
func (c *Containerd) FetchRefresh(ctx context.Context, ref, refreshToken string) Result {
	ns := fmt.Sprintf("run%d", c.runs.Add(1))
	return run(ctx, isolatedEnv(c.dir), "", "ctr", "--address", c.Socket, "--namespace", ns,
		"content", "fetch", "--plain-http", "--refresh", refreshToken, ref)
}

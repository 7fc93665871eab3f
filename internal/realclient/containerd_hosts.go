package realclient

import (
	"context"
	"fmt"
)

// FetchHosts runs `ctr content fetch --plain-http --hosts-dir DIR [--user
// U:P] REF`: ctr's resolver reads DIR/HOST/hosts.toml as
// config.HostDirFromRoot does and offers the same credentials to every
// host.
func (c *Containerd) FetchHosts(ctx context.Context, ref, user, pass, hostsDir string) Result {
	ns := fmt.Sprintf("run%d", c.runs.Add(1))
	args := []string{"--address", c.Socket, "--namespace", ns, "content", "fetch", "--plain-http", "--hosts-dir", hostsDir}
	if user != "" || pass != "" {
		args = append(args, "--user", user+":"+pass)
	}
	args = append(args, ref)
	return run(ctx, isolatedEnv(c.dir), "", "ctr", args...)
}

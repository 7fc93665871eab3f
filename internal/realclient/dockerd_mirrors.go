package realclient

import (
	"context"
	"path/filepath"
	"testing"
)

// StartDockerdMirrors starts dockerd as StartDockerd does, with
// registry-mirrors in its daemon.json too.
func StartDockerdMirrors(t testing.TB, insecureRegistries, mirrors []string) *Dockerd {
	t.Helper()
	return startDockerd(t, map[string]any{"insecure-registries": insecureRegistries, "registry-mirrors": mirrors})
}

// PullHub runs `docker pull REF` for a Docker Hub image with a Docker Hub
// login stored as docker login stores it (under https://index.docker.io/v1/).
func (d *Dockerd) PullHub(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	dir := t.TempDir()
	env := isolatedEnv(dir, "DOCKER_HOST="+d.Host)
	if err := writeDockerConfig(filepath.Join(dir, ".docker"), "https://index.docker.io/v1/", user, pass); err != nil {
		t.Fatal(err)
	}
	return run(ctx, env, "", "docker", "pull", ref)
}

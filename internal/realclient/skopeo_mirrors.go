package realclient

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// SkopeoRegistriesConf runs `skopeo --registries-conf FILE inspect --raw
// docker://REF` with registries.conf and an auth file (auth.json's content,
// "" for none) of the run's own, and no --creds: credentials come from the
// auth file, looked up per source as podman does.
func SkopeoRegistriesConf(ctx context.Context, t testing.TB, conf, authJSON, ref string) Result {
	t.Helper()
	Need(t, "skopeo")
	dir := t.TempDir()
	confPath := filepath.Join(dir, "registries.conf")
	authPath := filepath.Join(dir, "auth.json")
	if err := os.WriteFile(confPath, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	if authJSON == "" {
		authJSON = `{"auths":{}}`
	}
	if err := os.WriteFile(authPath, []byte(authJSON), 0o600); err != nil {
		t.Fatal(err)
	}
	// skopeo 1.9's hidden --registries-conf; the host's registries.conf.d
	// still applies (Debian's holds short-name aliases only).
	env := isolatedEnv(dir, "REGISTRY_AUTH_FILE="+authPath)
	return run(ctx, env, "", "skopeo", "--registries-conf", confPath, "inspect", "--raw", "docker://"+ref)
}

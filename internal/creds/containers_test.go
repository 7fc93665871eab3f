package creds

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeAuth(t *testing.T, path, key, user, pw string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	auth := ""
	if user != "" {
		auth = base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))
	}
	if err := os.WriteFile(path, []byte(`{"auths":{"`+key+`":{"auth":"`+auth+`"}}}`), 0o600); err != nil {
		t.Fatal(err)
	}
}

// podman's order: the runtime auth.json, ~/.config, then the Docker
// config; an entry without credentials does not stop the search, and
// REGISTRY_AUTH_FILE ends it.
func TestResolveContainersSearchOrder(t *testing.T) {
	home := t.TempDir()
	run := filepath.Join(home, "run")
	env := map[string]string{"XDG_RUNTIME_DIR": run}
	o := ContainersOptions{Getenv: func(k string) string { return env[k] }, Home: home}
	writeAuth(t, filepath.Join(run, "containers", "auth.json"), "quay.io", "", "")
	writeAuth(t, filepath.Join(home, ".docker", "config.json"), "quay.io/team", "dave", "Synth3tic-dave")

	res, files, err := ResolveContainers(context.Background(), o, "quay.io/team/app")
	if err != nil {
		t.Fatal(err)
	}
	if res.Username != "dave" || !strings.Contains(res.Source, filepath.Join(home, ".docker", "config.json")) {
		t.Errorf("got %q from %q", res.Username, res.Source)
	}
	states := []string{}
	for _, f := range files {
		states = append(states, f.State)
	}
	if len(files) != 3 || !strings.HasPrefix(states[0], "no credentials") || states[1] != "missing" || states[2] != "used" {
		t.Errorf("states %q", states)
	}

	// ~/.config wins over the Docker config.
	writeAuth(t, filepath.Join(home, ".config", "containers", "auth.json"), "quay.io", "erin", "Synth3tic-erin")
	if res, _, _ := ResolveContainers(context.Background(), o, "quay.io/team/app"); res.Username != "erin" {
		t.Errorf("got %q, want erin from ~/.config/containers/auth.json", res.Username)
	}

	// REGISTRY_AUTH_FILE is the only file read.
	env["REGISTRY_AUTH_FILE"] = filepath.Join(home, "elsewhere.json")
	res, files, _ = ResolveContainers(context.Background(), o, "quay.io/team/app")
	if len(files) != 1 || files[0].State != "missing" || res.Username != "" || !strings.HasPrefix(res.Source, "none") {
		t.Errorf("REGISTRY_AUTH_FILE: %+v %+v", res, files)
	}
}

package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Secrets in testdata/docker-config.json: none may appear without --show-secrets.
var configSecrets = []string{"hub-Secret-pw1", "Plain-Text-pw9", "bob-pw-777x", "idtok-ABCDEF-123456"}

func TestDecodeConfigGolden(t *testing.T) {
	r := newCLI(t).run("decode-config", "testdata/docker-config.json", "--no-helpers", "--no-color").wantCode(t, 0)
	golden(t, "decode-config.golden", r.out)
	for _, w := range []string{"PLAINTEXT_PASSWORD", "INVALID_AUTH_ENCODING", "EMPTY_AUTH_ENTRY", "HUB_KEY_NOT_USED", "IDENTITY_TOKEN", "UNKNOWN_CONFIG_KEY", "credsStore", "Docker Hub"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("decode-config should report %s:\n%s", w, r.out)
		}
	}
	r = newCLI(t).run("decode-config", "testdata/docker-config.json", "--no-helpers", "-o", "json").wantCode(t, 0)
	golden(t, "decode-config.json.golden", r.out)
}

func TestDecodeConfigDefaultLocations(t *testing.T) {
	c := newCLI(t)
	auth := base64.StdEncoding.EncodeToString([]byte("carol:carol-pw-1234"))
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"reg.one":{"auth":"`+auth+`"}}}`)
	r := c.run("decode-config").wantCode(t, 0)
	if !strings.Contains(r.out, "reg.one") || !strings.Contains(r.out, "carol") {
		t.Errorf("~/.docker/config.json not read:\n%s", r.out)
	}

	// DOCKER_CONFIG wins over ~/.docker.
	dir := t.TempDir()
	writeFile(t, dir, "config.json", `{"auths":{"reg.two":{"auth":"`+auth+`"}}}`)
	c.env["DOCKER_CONFIG"] = dir
	r = c.run("decode-config").wantCode(t, 0)
	if !strings.Contains(r.out, "reg.two") || strings.Contains(r.out, "reg.one") {
		t.Errorf("DOCKER_CONFIG ignored:\n%s", r.out)
	}

	// No config.json: ~/.dockercfg, as old clients did, and it says so.
	c = newCLI(t)
	writeFile(t, c.env["HOME"], ".dockercfg", `{"https://index.docker.io/v1/":{"auth":"`+auth+`","email":"c@example.com"}}`)
	r = c.run("decode-config").wantCode(t, 0)
	if !strings.Contains(r.out, ".dockercfg") || !strings.Contains(r.out, "LEGACY_DOCKERCFG") || !strings.Contains(r.out, "carol") {
		t.Errorf("legacy fallback:\n%s", r.out)
	}

	// DOCKER_AUTH_CONFIG is shown first.
	c = newCLI(t)
	c.env["DOCKER_AUTH_CONFIG"] = `{"auths":{"env.reg":{"auth":"` + auth + `"}}}`
	r = c.run("decode-config").wantCode(t, 0)
	if i, j := strings.Index(r.out, "DOCKER_AUTH_CONFIG"), strings.Index(r.out, "env.reg"); i < 0 || j < 0 {
		t.Errorf("DOCKER_AUTH_CONFIG not shown:\n%s", r.out)
	}
}

func TestDecodeConfigContainers(t *testing.T) {
	c := newCLI(t)
	auth := base64.StdEncoding.EncodeToString([]byte("dave:dave-pw-5678"))
	runtime := t.TempDir()
	c.env["XDG_RUNTIME_DIR"] = runtime
	writeFile(t, runtime, "containers/auth.json", `{"auths":{"quay.io/org/repo":{"auth":"`+auth+`"}}}`)
	writeFile(t, c.env["HOME"], ".config/containers/auth.json", `{"auths":{"other.reg":{"auth":"`+auth+`"}}}`)
	r := c.run("decode-config", "--containers").wantCode(t, 0)
	if !strings.Contains(r.out, "quay.io/org/repo") || strings.Contains(r.out, "other.reg ") {
		t.Errorf("containers search order:\n%s", r.out)
	}
	if !strings.Contains(r.out, filepath.Join(runtime, "containers", "auth.json")) || !strings.Contains(r.out, "skipped") {
		t.Errorf("should say which file it read and which it skipped:\n%s", r.out)
	}
}

// fakeHelper writes docker-credential-fake into a directory on PATH. Its
// behaviour is chosen by the server URL it is asked about.
func fakeHelper(t *testing.T, c *cli) {
	dir := t.TempDir()
	writeFile(t, dir, "docker-credential-fake", `#!/bin/sh
read url
case "$url" in
  ok.reg) echo '{"ServerURL":"ok.reg","Username":"helperuser","Secret":"helper-Secret-42"}';;
  token.reg) echo '{"ServerURL":"token.reg","Username":"<token>","Secret":"helper-IdToken-43"}';;
  missing.reg) echo 'credentials not found in native keychain'; exit 1;;
  crash.reg) echo 'helper exploded: keyring locked' >&2; exit 3;;
  hang.reg) sleep 30;;
esac
`)
	if err := os.Chmod(filepath.Join(dir, "docker-credential-fake"), 0o755); err != nil {
		t.Fatal(err)
	}
	// Helpers are found on the process PATH, as the Docker CLI finds them.
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))
}

func TestDecodeConfigRunsHelpers(t *testing.T) {
	c := newCLI(t)
	fakeHelper(t, c)
	cfg := writeFile(t, t.TempDir(), "config.json", `{"credHelpers":{"ok.reg":"fake","token.reg":"fake","missing.reg":"fake","crash.reg":"fake","hang.reg":"fake","gone.reg":"not-installed"}}`)
	r := c.run("decode-config", cfg, "--helper-timeout", "500ms").wantCode(t, 0)
	for _, w := range []string{"helperuser", "CREDENTIAL_HELPER_FAILED", "keyring locked", "exit status 3", "docker-credential-not-installed", "500ms"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("helper results should mention %q:\n%s", w, r.out)
		}
	}
	for _, s := range []string{"helper-Secret-42", "helper-IdToken-43"} {
		if strings.Contains(r.out+r.err, s) {
			t.Errorf("helper secret %q leaked:\n%s", s, r.out)
		}
	}
	r = c.run("decode-config", cfg, "--no-helpers").wantCode(t, 0)
	if !strings.Contains(r.out, "not run (--no-helpers)") {
		t.Errorf("--no-helpers:\n%s", r.out)
	}
}

func TestDecodeConfigBadInput(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name, content, want string
	}{
		{"not JSON", "auths: yes\n", "not JSON"},
		{"binary garbage", "\x00\x01\x02\xff\xfe\x89PNG", "config.json"},
		{"top level array", `[1,2]`, "config.json"},
		{"huge", strings.Repeat(" ", 101<<20), "larger than"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeFile(t, dir, c.name+"/config.json", c.content)
			r := newCLI(t).run("decode-config", p).wantCode(t, 2)
			r.wantOneLineError(t, "decode-config", c.want)
		})
	}
	r := newCLI(t).run("decode-config", filepath.Join(dir, "absent.json")).wantCode(t, 2)
	r.wantOneLineError(t, "decode-config", "absent.json")
	newCLI(t).run("decode-config", "--helper-timeout", "0s").wantCode(t, 2)
}

package credprovider

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	cp "github.com/regauth/regauth/internal/decode/credprovider"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/keyring"
)

const v1 = "credentialprovider.kubelet.k8s.io/v1"

// plugin writes a shell-script plugin into dir; body runs with the request
// on stdin.
func plugin(t *testing.T, dir, name, body string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), mode); err != nil {
		t.Fatal(err)
	}
}

func config(t *testing.T, providers ...string) *cp.Config {
	t.Helper()
	c, err := cp.Parse("cred.yaml", []byte("apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n"+strings.Join(providers, "")))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func provider(name, glob string, extra ...string) string {
	return "- name: " + name + "\n  matchImages: [\"" + glob + "\"]\n  defaultCacheDuration: 10m\n  apiVersion: " + v1 + "\n" + strings.Join(extra, "")
}

func response(apiVersion, host, user, pw string) string {
	return `{"kind":"CredentialProviderResponse","apiVersion":"` + apiVersion + `","cacheKeyType":"Registry","auth":{"` + host + `":{"username":"` + user + `","password":"` + pw + `"}}}`
}

func codes(ds []diagnose.Diagnosis) string {
	var out []string
	for _, d := range ds {
		out = append(out, string(d.Code))
	}
	return strings.Join(out, ",")
}

func TestEvaluate(t *testing.T) {
	const pw = "plugin-Synth3tic-pw"
	image := "registry.example.com:5000/team/app"
	cases := []struct {
		name, script string
		mode         os.FileMode
		glob         string
		timeout      time.Duration
		wantCode     diagnose.Code
		wantOK       bool
		noRun        bool
		notStarted   bool
	}{
		{name: "success", script: "cat > \"$(dirname \"$0\")/request\"\necho \"$PLUGIN_ARG1 $MODE\" >&2\necho '" + response(v1, "registry.example.com:5000", "alice", pw) + "'\n", wantOK: true},
		{name: "bad JSON", script: "echo 'password: " + pw + "'\n", wantCode: diagnose.CredProviderResponseInvalid},
		{name: "wrong apiVersion", script: "echo '" + response("credentialprovider.kubelet.k8s.io/v1beta1", "registry.example.com:5000", "alice", pw) + "'\n", wantCode: diagnose.CredProviderResponseVersion},
		{name: "exit 1", script: "echo 'no instance identity' >&2\nexit 1\n", wantCode: diagnose.CredProviderPluginFailed},
		{name: "hang", script: "sleep 30\n", timeout: 300 * time.Millisecond, wantCode: diagnose.CredProviderTimeout},
		{name: "auth key elsewhere", script: "echo '" + response(v1, "other.example.com", "alice", pw) + "'\n", wantCode: diagnose.CredProviderNoAuthMatch, wantOK: true},
		{name: "no match", script: "exit 3\n", glob: "*.example.com", wantCode: diagnose.CredProviderNoMatch, noRun: true},
		{name: "not executable", script: "exit 0\n", mode: 0o644, wantCode: diagnose.CredProviderNotExecutable, noRun: true, notStarted: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			mode := c.mode
			if mode == 0 {
				mode = 0o755
			}
			plugin(t, dir, "fake-provider", c.script, mode)
			glob := c.glob
			if glob == "" {
				glob = "registry.example.com:5000"
			}
			cfg := config(t, provider("fake-provider", glob, "  args: [one]\n  env:\n  - name: MODE\n    value: from-config\n"))
			timeout := c.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			res := Evaluate(context.Background(), cfg, image, Options{BinDir: dir, Timeout: timeout, Environ: []string{"PATH=" + os.Getenv("PATH"), "PLUGIN_ARG1=inherited", "MODE=inherited"}})
			if (res.NotStarted != "") != c.notStarted {
				t.Fatalf("not started: %q", res.NotStarted)
			}
			if c.noRun != (len(res.Runs) == 0) {
				t.Fatalf("runs: %+v", res.Runs)
			}
			if c.wantCode != "" && !strings.Contains(codes(res.Diagnoses), string(c.wantCode)) {
				t.Errorf("diagnoses %s, want %s: %+v", codes(res.Diagnoses), c.wantCode, res.Diagnoses)
			}
			if c.wantCode == "" && len(res.Diagnoses) != 0 {
				t.Errorf("diagnoses: %+v", res.Diagnoses)
			}
			for _, d := range res.Diagnoses {
				if strings.Contains(d.Message, pw) {
					t.Errorf("a diagnosis shows the plugin's password: %s", d.Message)
				}
			}
			if c.noRun {
				return
			}
			run := res.Runs[0]
			if run.OK != c.wantOK || (run.KubeletLog == "") != c.wantOK {
				t.Errorf("run: %+v", run)
			}
			switch c.name {
			case "success":
				req, _ := os.ReadFile(filepath.Join(dir, "request"))
				if string(req) != `{"kind":"CredentialProviderRequest","apiVersion":"`+v1+`","image":"`+image+`"}`+"\n" {
					t.Errorf("request on stdin: %q", req)
				}
				// The inherited environment reaches the plugin, and the
				// config's env wins over it.
				if run.Stderr != "inherited from-config" || run.ExitCode != 0 || run.Args[0] != "one" {
					t.Errorf("run: %+v", run)
				}
				kr := keyring.Lookup(image, res.Keyring)
				if len(kr.Order) != 1 || kr.Order[0].Password != pw || kr.Order[0].Source != "plugin fake-provider" {
					t.Errorf("keyring: %+v", kr)
				}
				if !strings.Contains(run.Cache, "cached 10m0s (the provider's defaultCacheDuration), for every image on registry.example.com:5000") {
					t.Errorf("cache: %s", run.Cache)
				}
			case "hang":
				if !run.TimedOut || run.Latency < 300*time.Millisecond || run.Latency > 3*time.Second || !strings.Contains(run.KubeletLog, "context deadline exceeded") {
					t.Errorf("hang: %+v", run)
				}
			case "exit 1":
				if run.ExitCode != 1 || !strings.HasSuffix(run.KubeletLog, "for image "+image+": exit status 1: no instance identity") {
					t.Errorf("exit: %+v", run)
				}
			}
		})
	}
}

func TestEvaluateStartupChecks(t *testing.T) {
	dir := t.TempDir()
	plugin(t, dir, "present", "exit 0\n", 0o755)
	cfg := config(t, provider("present", "x.io"), provider("absent", "y.io"))
	res := Evaluate(context.Background(), cfg, "x.io/app", Options{BinDir: dir})
	if !strings.Contains(res.NotStarted, filepath.Join(dir, "absent")+" does not exist") || codes(res.Diagnoses) != string(diagnose.CredProviderPluginMissing) || len(res.Runs) != 0 {
		t.Errorf("missing plugin: %+v", res)
	}
	res = Evaluate(context.Background(), cfg, "x.io/app", Options{BinDir: filepath.Join(dir, "nope")})
	if !strings.Contains(res.NotStarted, "plugin binary directory "+filepath.Join(dir, "nope")+" did not exist") || codes(res.Diagnoses) != string(diagnose.CredProviderBinDirMissing) {
		t.Errorf("missing bin dir: %+v", res)
	}
	bad := config(t, "- name: a/b\n  matchImages: [x.io]\n  defaultCacheDuration: 1m\n  apiVersion: "+v1+"\n")
	res = Evaluate(context.Background(), bad, "x.io/app", Options{BinDir: dir})
	if !strings.Contains(res.NotStarted, "failed to validate credential provider config") || len(res.Runs) != 0 {
		t.Errorf("invalid config: %+v", res)
	}
}

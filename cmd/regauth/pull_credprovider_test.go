package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

const cpV1 = "credentialprovider.kubelet.k8s.io/v1"

// pluginDir writes a credential-provider plugin (a shell script run with
// the request on stdin, as the kubelet runs it) into a bin dir, and a
// CredentialProviderConfig naming it for glob.
func pluginDir(t *testing.T, glob, script string, mode os.FileMode) (config, bin string) {
	t.Helper()
	dir := t.TempDir()
	bin = filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "test-provider"), []byte("#!/bin/sh\n"+script), mode); err != nil {
		t.Fatal(err)
	}
	config = writeFile(t, dir, "credential-provider.yaml", `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: test-provider
    matchImages:
      - "`+glob+`"
    defaultCacheDuration: "10m"
    apiVersion: `+cpV1+`
    args: [get-credentials]
    env:
      - name: PROVIDER_MODE
        value: sandbox
`)
	return config, bin
}

// pluginResponse is a CredentialProviderResponse for one host.
func pluginResponse(apiVersion, host, user, pw string) string {
	return `{"kind":"CredentialProviderResponse","apiVersion":"` + apiVersion + `","cacheKeyType":"Registry","cacheDuration":"5m","auth":{"` + host + `":{"username":"` + user + `","password":"` + pw + `"}}}`
}

func TestPullTraceKubeletCredentialProviderSucceeds(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	pw := sb.Users()["alice"]
	// The plugin keeps its request and environment for the test to read.
	cfg, bin := pluginDir(t, host, `cat > "$(dirname "$0")/request"
echo "mode=$PROVIDER_MODE arg=$1" >&2
echo "debug: got password `+pw+` for alice" >&2
echo '`+pluginResponse(cpV1, host, "alice", pw)+`'
`, 0o755)
	args := []string{"pull-trace", host + "/private/secret:v1", "--client", "kubelet", "--plain-http", "--credential-provider-config", cfg, "--credential-provider-bin", bin}
	r := traceCLI(t).run(append(args, "--no-color")...).wantCode(t, 0)
	noSecrets(t, r, pw, "alice:"+pw)
	order := []string{
		"The kubelet's credential providers in " + cfg,
		"test-provider",
		"yes: matchImages \"" + host + "\": same host",
		"Plugin test-provider: " + filepath.Join(bin, "test-provider") + " get-credentials",
		"environment: regauth's own environment (the kubelet passes its own), then the config's PROVIDER_MODE",
		`stdin:       {"kind":"CredentialProviderRequest","apiVersion":"` + cpV1 + `","image":"` + host + `/private/secret"}`,
		"result:      exit 0 after ",
		"stderr:      mode=sandbox arg=get-credentials debug: got password <password len=",
		"response:    " + cpV1 + " CredentialProviderResponse, cacheKeyType Registry, cacheDuration 5m",
		"auth " + host + ": user alice, password <password len=",
		"OK the kubelet takes its credentials; cached 5m0s (the response's cacheDuration), for every image on " + host,
		"The kubelet's keyring for " + host + "/private/secret",
		"│ 1    │ plugin  │ " + host,
		"plugin test-provider",
		"Attempt 1 of 1: plugin test-provider",
		"200 OK",
		"OK the kubelet's pull would succeed with attempt 1 of 1 (plugin test-provider, registry \"" + host + "\")",
	}
	at := 0
	for _, w := range order {
		i := strings.Index(r.out[at:], w)
		if i < 0 {
			t.Fatalf("output lacks %q after byte %d:\n%s", w, at, r.out)
		}
		at += i + len(w)
	}
	req, err := os.ReadFile(filepath.Join(bin, "request"))
	if err != nil || string(req) != `{"kind":"CredentialProviderRequest","apiVersion":"`+cpV1+`","image":"`+host+`/private/secret"}`+"\n" {
		t.Errorf("the plugin read %q (%v)", req, err)
	}
	if got := basicUsers(sb); strings.Join(got, ",") != "alice" {
		t.Errorf("the token service saw Basic for %v, want alice (the plugin's)", got)
	}

	r = traceCLI(t).run(append(args, "-o", "json")...).wantCode(t, 0)
	noSecrets(t, r, pw)
	var doc struct {
		OK                  bool
		Keyring             []struct{ Keyring, Source string }
		CredentialProviders struct {
			Image     string
			Providers []struct {
				Name  string
				Match struct{ Matched bool }
			}
			Runs []struct {
				Provider  string
				ExitCode  int `json:"exit_code"`
				LatencyMS int64
				Stderr    string
				OK        bool
				Response  struct {
					CacheKeyType string
					Auth         []struct{ Key, Username, Password string }
				}
			}
		} `json:"credential_providers"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	cp := doc.CredentialProviders
	if !doc.OK || len(doc.Keyring) != 1 || doc.Keyring[0].Keyring != "plugin" || doc.Keyring[0].Source != "plugin test-provider" ||
		cp.Image != host+"/private/secret" || len(cp.Providers) != 1 || !cp.Providers[0].Match.Matched || len(cp.Runs) != 1 {
		t.Fatalf("doc: %+v", doc)
	}
	run := cp.Runs[0]
	if !run.OK || run.ExitCode != 0 || !strings.HasPrefix(run.Stderr, "mode=sandbox arg=get-credentials\ndebug: got password <password len=") || run.Response.CacheKeyType != "Registry" ||
		len(run.Response.Auth) != 1 || run.Response.Auth[0].Username != "alice" || !strings.HasPrefix(run.Response.Auth[0].Password, "<password len=") {
		t.Errorf("run: %+v", run)
	}
}

// Pod secrets come first, then node credentials, then the plugins'
// (kuberuntime_image.go: MakeDockerKeyring(secrets, Union{node, plugins})).
func TestPullTraceKubeletCredentialProviderAfterSecrets(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	pw := sb.Users()["alice"]
	dir := t.TempDir()
	stale := writeFile(t, dir, "stale.yaml", kubectlSecret("stale", "team", host, "bob", "stale-Synth3tic-pw"))
	cfg, bin := pluginDir(t, host, "echo '"+pluginResponse(cpV1, host, "alice", pw)+"'\n", 0o755)
	r := traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", stale,
		"--credential-provider-config", cfg, "--credential-provider-bin", bin, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw, "stale-Synth3tic-pw")
	for _, w := range []string{
		"│ 1    │ pod     │ " + host,
		"│ 2    │ plugin  │ " + host,
		"Attempt 1 of 2: Secret team/stale",
		"Attempt 2 of 2: plugin test-provider",
		"KEYRING_EARLIER_REFUSED",
	} {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
	if got := basicUsers(sb); strings.Join(got, ",") != "bob,alice" {
		t.Errorf("the token service saw Basic for %v, want bob (the Secret) then alice (the plugin)", got)
	}
}

// A plugin that fails leaves the kubelet without its credentials: it logs
// the error and pulls anonymously, and the pod shows the registry's 401.
func TestPullTraceKubeletCredentialProviderFaults(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	const secret = "plugin-Synth3tic-pw"
	cases := []struct {
		name, glob, script string
		mode               os.FileMode
		extra              []string
		code               int
		says               []string
		ran                bool
	}{
		{name: "bad JSON", script: "echo 'password=" + secret + "'\n", code: 1, ran: true, says: []string{
			"CREDPROVIDER_RESPONSE_INVALID", "error reading GVK from response: invalid character", "DROPPED the kubelet logs: Failed getting credential from external registry credential provider",
			"KEYRING_NO_MATCH: no credential in the pull Secrets, the node config or the credential-provider plugins' answers matches", "Error: ImagePullBackOff"}},
		{name: "wrong apiVersion", script: "echo '" + pluginResponse("credentialprovider.kubelet.k8s.io/v1beta1", host, "alice", secret) + "'\n", code: 1, ran: true, says: []string{
			"CREDPROVIDER_RESPONSE_API_VERSION", "apiVersion from credential plugin response did not match expected apiVersion:" + cpV1 + ", actual apiVersion:credentialprovider.kubelet.k8s.io/v1beta1"}},
		{name: "non-zero exit", script: "echo 'no cloud identity here' >&2\nexit 3\n", code: 1, ran: true, says: []string{
			"CREDPROVIDER_PLUGIN_FAILED", "plugin test-provider exited with status 3", "stderr:      no cloud identity here",
			"error execing credential provider plugin test-provider for image " + host + "/private/secret: exit status 3: no cloud identity here"}},
		{name: "hang", script: "sleep 30\n", extra: []string{"--credential-provider-timeout", "500ms"}, code: 1, ran: true, says: []string{
			"CREDPROVIDER_PLUGIN_TIMEOUT", "result:      killed at the 500ms limit after ", "did not answer within 500ms and was killed", "context deadline exceeded"}},
		{name: "not executable", script: "exit 0\n", mode: 0o644, code: 1, says: []string{
			"CREDPROVIDER_PLUGIN_NOT_EXECUTABLE", "KUBELET DOES NOT START", "permission denied", "FAILED the kubelet does not start"}},
		// The glob names the host without its port: the ports differ.
		{name: "no matching provider", glob: "127.0.0.1", script: "touch \"$(dirname \"$0\")/ran\"\n", code: 1, says: []string{
			"CREDPROVIDER_NO_MATCH", "no: matchImages \"127.0.0.1\": the key's port is none, the image's " + host[strings.LastIndex(host, ":")+1:], "no credential provider's matchImages match " + host + "/private/secret"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			glob, mode := c.glob, c.mode
			if glob == "" {
				glob = host
			}
			if mode == 0 {
				mode = 0o755
			}
			cfg, bin := pluginDir(t, glob, c.script, mode)
			start := time.Now()
			args := append([]string{"pull-trace", host + "/private/secret:v1", "--client", "kubelet", "--plain-http",
				"--credential-provider-config", cfg, "--credential-provider-bin", bin, "--no-color"}, c.extra...)
			r := traceCLI(t).run(args...).wantCode(t, c.code)
			noSecrets(t, r, secret)
			for _, w := range c.says {
				if !strings.Contains(r.out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.out)
				}
			}
			if got := strings.Count(r.out, "Plugin test-provider:"); (got == 1) != c.ran {
				t.Errorf("%d plugin runs shown, want ran=%v:\n%s", got, c.ran, r.out)
			}
			if _, err := os.Stat(filepath.Join(bin, "ran")); err == nil {
				t.Errorf("a plugin whose matchImages do not match the image was run")
			}
			if got := basicUsers(sb); len(got) != 0 {
				t.Errorf("credentials reached the registry: %v", got)
			}
			if c.name == "hang" {
				if d := time.Since(start); d > 10*time.Second {
					t.Errorf("the hung plugin held the replay for %s", d)
				}
			}
			r = traceCLI(t).run(append(args[:len(args)-len(c.extra)-1], append([]string{"-o", "json"}, c.extra...)...)...).wantCode(t, c.code)
			noSecrets(t, r, secret)
			if !json.Valid([]byte(r.out)) {
				t.Fatalf("not JSON:\n%s", r.out)
			}
		})
	}
}

func TestPullTraceKubeletCredentialProviderFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "c.yaml", "apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders: [\n")
	cases := []struct {
		name     string
		args     []string
		mentions []string
	}{
		{"another client", []string{"--client", "containerd", "--credential-provider-config", cfg, "--credential-provider-bin", dir}, []string{"--credential-provider-config", "add --client kubelet"}},
		{"no client", []string{"--credential-provider-bin", dir}, []string{"--credential-provider-bin", "add --client kubelet"}},
		{"config without bin", []string{"--client", "kubelet", "--credential-provider-config", cfg}, []string{"needs --credential-provider-bin"}},
		{"bin without config", []string{"--client", "kubelet", "--credential-provider-bin", dir}, []string{"needs --credential-provider-config"}},
		{"zero timeout", []string{"--client", "kubelet", "--credential-provider-config", cfg, "--credential-provider-bin", dir, "--credential-provider-timeout", "0s"}, []string{"more than 0"}},
		{"unreadable config", []string{"--client", "kubelet", "--credential-provider-config", cfg, "--credential-provider-bin", dir}, []string{"c.yaml", "not YAML or JSON"}},
		{"missing config", []string{"--client", "kubelet", "--credential-provider-config", dir + "/nope.yaml", "--credential-provider-bin", dir}, []string{"nope.yaml", "no such file"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newCLI(t).run(append([]string{"pull-trace", "registry.example.com/app:1"}, c.args...)...).wantCode(t, 2)
			r.wantOneLineError(t, "pull-trace", c.mentions...)
		})
	}
}

// A config the kubelet refuses at start-up means no kubelet: nothing runs
// and nothing is pulled. A directory is read file by file, in order.
func TestPullTraceKubeletCredentialProviderKubeletDoesNotStart(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	cfg, bin := pluginDir(t, host, "touch \"$(dirname \"$0\")/ran\"\n", 0o755)
	data, _ := os.ReadFile(cfg)
	dir := t.TempDir()
	// The provider's apiVersion copied from the file's own: a common slip.
	writeFile(t, dir, "10-good.yaml", string(data))
	writeFile(t, dir, "20-bad.yml", strings.NewReplacer("test-provider", "second", "apiVersion: "+cpV1, "apiVersion: kubelet.config.k8s.io/v1").Replace(string(data)))
	writeFile(t, dir, "README", "not read")
	for _, format := range []string{"text", "json"} {
		r := traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http",
			"--credential-provider-config", dir, "--credential-provider-bin", bin, "--no-color", "-o", format).wantCode(t, 1)
		for _, w := range []string{
			"CREDPROVIDER_API_VERSION",
			filepath.Join(dir, "20-bad.yml") + `: providers[0] (second) apiVersion \"kubelet.config.k8s.io/v1\" is not supported`,
			"the kubelet does not start: failed to validate credential provider config",
		} {
			if format == "text" {
				w = strings.ReplaceAll(w, `\"`, `"`)
			}
			if !strings.Contains(r.out, w) {
				t.Errorf("%s output lacks %q:\n%s", format, w, r.out)
			}
		}
		if format == "text" && !strings.Contains(r.out, "KUBELET DOES NOT START") {
			t.Errorf("text:\n%s", r.out)
		}
		if format == "json" && !strings.Contains(r.out, `"kubelet_does_not_start": "the kubelet does not start`) {
			t.Errorf("json:\n%s", r.out)
		}
	}
	if _, err := os.Stat(filepath.Join(bin, "ran")); err == nil {
		t.Errorf("a plugin ran though the kubelet does not start")
	}
	if n := len(sb.Requests()); n != 0 {
		t.Errorf("the sandbox saw %d requests from a kubelet that does not start", n)
	}
}

package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// kubectlSecret is a Secret laid out as `kubectl create secret
// docker-registry NAME --docker-server=SERVER --docker-username=USER
// --docker-password=PW --dry-run=client -o yaml` prints it (the committed
// fixtures in internal/decode/k8ssecret/testdata were made that way; the
// sandbox's port changes per run, so these are built here).
func kubectlSecret(name, namespace, server, user, pw string) string {
	auth := base64.StdEncoding.EncodeToString([]byte(user + ":" + pw))
	cfg := fmt.Sprintf(`{"auths":{%q:{"username":%q,"password":%q,"auth":%q}}}`, server, user, pw, auth)
	ns := ""
	if namespace != "" {
		ns = "\n  namespace: " + namespace
	}
	return fmt.Sprintf("apiVersion: v1\ndata:\n  .dockerconfigjson: %s\nkind: Secret\nmetadata:\n  creationTimestamp: null\n  name: %s%s\ntype: kubernetes.io/dockerconfigjson\n",
		base64.StdEncoding.EncodeToString([]byte(cfg)), name, ns)
}

// noSecrets fails when any output holds a password in any form a careless
// renderer would print it.
func noSecrets(t *testing.T, r result, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, form := range []string{s, base64.StdEncoding.EncodeToString([]byte(s))} {
			if strings.Contains(r.out, form) || strings.Contains(r.err, form) {
				t.Errorf("output shows a secret (%q)", form)
			}
		}
	}
}

// basicUsers are the users of the Basic token requests the sandbox saw, in
// order.
func basicUsers(sb *sandbox.Sandbox) []string {
	var out []string
	for _, q := range sb.Requests() {
		if q.AuthScheme != "Basic" {
			continue
		}
		b, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(q.Authorization, "Basic "))
		u, _, _ := strings.Cut(string(b), ":")
		if len(out) == 0 || out[len(out)-1] != u {
			out = append(out, u)
		}
	}
	return out
}

func TestPullTraceKubeletTriesEachSecretInTurn(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	wrong := "wrong-Synth3tic-pw"
	alicePW := sb.Users()["alice"]
	bad := writeFile(t, dir, "bad.yaml", kubectlSecret("stale", "", host, "bob", wrong))
	good := writeFile(t, dir, "good.yaml", kubectlSecret("regcred", "team", "http://"+host, "alice", alicePW))

	r := traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", bad, "--pull-secret", good, "--no-color").wantCode(t, 0)
	noSecrets(t, r, wrong, alicePW, "bob:"+wrong, "alice:"+alicePW)
	order := []string{
		"The kubelet's keyring for " + host + "/private/secret",
		"│ 1    │ pod     │ " + host,
		"│ 2    │ pod     │ http://" + host,
		"Attempt 1 of 2: Secret stale, key .dockerconfigjson in " + bad,
		"401 Unauthorized",
		"REFUSED Failed to pull image",
		"Attempt 2 of 2: Secret team/regcred, key .dockerconfigjson in " + good,
		"200 OK",
		"The kubelet:",
		"OK the kubelet's pull would succeed with attempt 2 of 2 (Secret team/regcred",
		"KEYRING_EARLIER_REFUSED: attempt 1 (Secret stale",
	}
	at := 0
	for _, w := range order {
		i := strings.Index(r.out[at:], w)
		if i < 0 {
			t.Fatalf("output lacks %q after byte %d:\n%s", w, at, r.out)
		}
		at += i + len(w)
	}
	if strings.Contains(r.out, "ImagePullBackOff") {
		t.Errorf("a pull that succeeds shows back-off events:\n%s", r.out)
	}
	if got := basicUsers(sb); strings.Join(got, ",") != "bob,alice" {
		t.Errorf("the token service saw Basic for %v, want bob then alice", got)
	}

	r = traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", bad, "--pull-secret", good, "-o", "json").wantCode(t, 0)
	noSecrets(t, r, wrong, alicePW)
	var doc struct {
		Command, Image, Verdict string
		OK                      bool
		Keyring                 []struct {
			Key, Source string
			Order       int
			Matched     bool
		}
		Attempts []struct {
			Turn  int
			Trace struct {
				Verdict     string
				Credentials struct{ Username string }
			}
		}
		Diagnoses []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if doc.Command != "pull-trace" || !doc.OK || doc.Image != host+"/private/secret" || len(doc.Keyring) != 2 || doc.Keyring[0].Order != 1 || doc.Keyring[1].Order != 2 {
		t.Errorf("doc: %+v", doc)
	}
	if len(doc.Attempts) != 2 || doc.Attempts[0].Trace.Verdict != "refused" || doc.Attempts[0].Trace.Credentials.Username != "bob" ||
		doc.Attempts[1].Trace.Verdict != "ok" || doc.Attempts[1].Trace.Credentials.Username != "alice" {
		t.Errorf("attempts: %+v", doc.Attempts)
	}
	if len(doc.Diagnoses) != 1 || doc.Diagnoses[0].Code != "KEYRING_EARLIER_REFUSED" {
		t.Errorf("diagnoses: %+v", doc.Diagnoses)
	}
}

func TestPullTraceKubeletAllFail(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	pw1, pw2 := "first-Synth3tic-pw", "second-Synth3tic-pw"
	// One file, two documents: kubectl get secret a b -o yaml's shape.
	two := writeFile(t, dir, "two.yaml", kubectlSecret("a", "team", host, "bob", pw1)+"---\n"+kubectlSecret("b", "team", host, "carol", pw2))

	r := traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", two, "--no-color").wantCode(t, 1)
	noSecrets(t, r, pw1, pw2)
	ref := host + "/private/secret:v1"
	for _, w := range []string{
		"Attempt 1 of 2: Secret team/a",
		"Attempt 2 of 2: Secret team/b",
		"FAILED Failed to pull image \"" + ref + "\": failed to pull and unpack image",
		"every matching credential failed; the kubelet does not try anonymously after them",
		"kubectl describe pod would show:",
		"  Warning  Failed   Failed to pull image \"" + ref + "\": failed to pull and unpack image \"" + ref + "\": failed to resolve reference \"" + ref + "\": failed to authorize: failed to fetch oauth token: unexpected status from GET request to http://" + host + "/service/token?scope=repository%3Aprivate%2Fsecret%3Apull&service=harbor-registry: 401 Unauthorized\n",
		"  Warning  Failed   Error: ErrImagePull\n",
		"  Normal   BackOff  Back-off pulling image \"" + ref + "\"\n",
		"  Warning  Failed   Error: ImagePullBackOff\n",
	} {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
	// The events come once, at the end, not after each attempt.
	if n := strings.Count(r.out, "kubectl describe pod would show:"); n != 1 {
		t.Errorf("%d event blocks, want 1", n)
	}
	// Identical errors are printed once, as the kubelet's aggregate does.
	if strings.Contains(r.out, "Failed to pull image \""+ref+"\": [") {
		t.Errorf("identical errors aggregated in brackets:\n%s", r.out)
	}
	if got := basicUsers(sb); strings.Join(got, ",") != "bob,carol" {
		t.Errorf("the token service saw Basic for %v, want bob then carol", got)
	}
}

func TestPullTraceKubeletNoMatchPullsAnonymously(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	pw := "other-Synth3tic-pw"
	// The key names the host without the port: the kubelet's ports differ.
	port := host[strings.LastIndex(host, ":"):]
	other := writeFile(t, dir, "other.yaml", kubectlSecret("regcred", "", strings.TrimSuffix(host, port), "alice", pw))

	r := traceCLI(t).run("pull-trace", host+"/public/hello", "--client", "kubelet", "--plain-http", "--pull-secret", other, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw)
	for _, w := range []string{
		"no: the key's port is none, the image's " + port[1:],
		"Attempt 1 of 1: none: no credential in the kubelet's keyring matches the image",
		"KEYRING_NO_MATCH: no credential in the pull Secrets or the node config matches " + host + "/public/hello: the kubelet pulls anonymously",
		"OK the kubelet's anonymous pull would succeed",
	} {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
	if got := basicUsers(sb); len(got) != 0 {
		t.Errorf("credentials sent with nothing matched: %v", got)
	}

	r = traceCLI(t).run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", other, "--no-color").wantCode(t, 1)
	if !strings.Contains(r.out, "Error: ImagePullBackOff") || !strings.Contains(r.out, "KEYRING_NO_MATCH") {
		t.Errorf("anonymous refusal:\n%s", r.out)
	}
}

func TestPullTraceKubeletNodeConfigAndStdin(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	alicePW := sb.Users()["alice"]
	auth := base64.StdEncoding.EncodeToString([]byte("alice:" + alicePW))
	node := writeFile(t, dir, "config.json", fmt.Sprintf(`{"auths":{%q:{"auth":%q}},"credsStore":"desktop"}`, host, auth))
	c := traceCLI(t)
	c.in = kubectlSecret("elsewhere", "team", "registry.example.com", "bob", "bob-Synth3tic-pw")
	r := c.run("pull-trace", host+"/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", "-", "--node-config", node, "--no-color").wantCode(t, 0)
	noSecrets(t, r, alicePW, "bob-Synth3tic-pw")
	for _, w := range []string{
		"│ -    │ pod     │ registry.example.com",
		"Secret team/elsewhere, key .dockerconfigjson in stdin",
		"│ 1    │ node    │ " + host,
		"node config " + node,
		"Attempt 1 of 1: node config " + node,
		"OK the kubelet's pull would succeed with attempt 1 of 1",
		`NODE_CONFIG_HELPER_IGNORED: node config ` + node + `: "credsStore" is set, but the kubelet reads only "auths"`,
	} {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
}

func TestPullTraceKubeletBrokenSecretFailsThePod(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`{"auths":{%q:{"auth":%q}}}`, host, base64.StdEncoding.EncodeToString([]byte("no-colon")))
	f := writeFile(t, dir, "broken.yaml", "apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: "+base64.StdEncoding.EncodeToString([]byte(cfg))+"\n")
	r := traceCLI(t).run("pull-trace", host+"/library/hello", "--client", "kubelet", "--plain-http", "--pull-secret", f, "--no-color").wantCode(t, 1)
	for _, w := range []string{"SECRET_AUTH_INVALID", "unable to parse auth field, must be formatted as base64(username:password)", "Error: ErrImagePull"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("output lacks %q:\n%s", w, r.out)
		}
	}
	if n := len(sb.Requests()); n != 0 {
		t.Errorf("the kubelet cannot read its Secrets, so it pulls nothing; the sandbox saw %d requests", n)
	}
}

func TestPullTraceKubeletFlagsRefused(t *testing.T) {
	dir := t.TempDir()
	ok := writeFile(t, dir, "ok.yaml", kubectlSecret("regcred", "", "registry.example.com", "alice", "alice-Synth3tic-pw"))
	notYAML := writeFile(t, dir, "bad.yaml", "apiVersion: v1\nkind: Secret\ndata: [\n")
	cases := []struct {
		name     string
		args     []string
		mentions []string
	}{
		{"without --client kubelet", []string{"--pull-secret", ok}, []string{"--pull-secret", "add --client kubelet"}},
		{"another client", []string{"--client", "containerd", "--node-config", ok}, []string{"--node-config", "containerd", "add --client kubelet"}},
		{"with -u", []string{"--client", "kubelet", "--pull-secret", ok, "-u", "alice", "-p", "x"}, []string{"drop -u"}},
		{"with --push", []string{"--client", "kubelet", "--pull-secret", ok, "--push"}, []string{"drop --push"}},
		{"missing file", []string{"--client", "kubelet", "--pull-secret", dir + "/nope.yaml"}, []string{"nope.yaml", "no such file"}},
		{"not YAML", []string{"--client", "kubelet", "--pull-secret", notYAML}, []string{"bad.yaml", "not YAML or JSON"}},
		{"stdin twice", []string{"--client", "kubelet", "--pull-secret", "-", "--pull-secret", "-"}, []string{"once"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newCLI(t).run(append([]string{"pull-trace", "registry.example.com/app:1"}, c.args...)...).wantCode(t, 2)
			r.wantOneLineError(t, "pull-trace", c.mentions...)
		})
	}
}

func TestPullTraceKubeletGolden(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	bad := writeFile(t, dir, "bad.yaml", kubectlSecret("stale", "", host, "bob", "wrong-Synth3tic-pw"))
	good := writeFile(t, dir, "good.yaml", kubectlSecret("regcred", "team", "http://"+host, "alice", sb.Users()["alice"]))
	hub := writeFile(t, dir, "hub.yaml", kubectlSecret("hub", "team", "https://index.docker.io/v1/", "hubuser", "hub-Synth3tic-pw"))
	args := []string{"pull-trace", host + "/private/secret:v1", "--client", "kubelet", "--plain-http", "--pull-secret", bad, "--pull-secret", hub, "--pull-secret", good}
	port := host[strings.LastIndex(host, ":")+1:]
	mask := func(s string) string {
		return normalisePull(strings.ReplaceAll(s, "the image's "+port, "the image's PORT"))
	}
	r := traceCLI(t).run(append(args, "--no-color")...).wantCode(t, 0)
	// The keyring table's widths follow the port and temp paths; the
	// other tests read its cells.
	var lines []string
	for _, l := range strings.SplitAfter(r.out, "\n") {
		if !strings.ContainsAny(l[:min(len(l), 4)], "┌│├└") {
			lines = append(lines, l)
		}
	}
	golden(t, "pull-trace-kubelet.golden", mask(strings.Join(lines, "")))
	r = traceCLI(t).run(append(args, "-o", "json")...).wantCode(t, 0)
	golden(t, "pull-trace-kubelet.json.golden", mask(r.out))
}

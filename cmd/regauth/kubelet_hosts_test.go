package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// The kubelet's keyring and containerd's host list together: each matching
// credential in turn, each over the hosts (mirror first, with ?ns=); the
// mirror lacks the image, so the registry answers, with the second Secret.
func TestKubeletPullSecretsOverContainerdHosts(t *testing.T) {
	ctx := context.Background()
	pw := "Synth3tic-kubelet-hosts"
	users := map[string]string{"alice": pw, "bob": "Bob-Synth3tic-9"}
	mirror := startSandboxWith(t, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	up := startSandboxWith(t, sandbox.Options{Like: sandbox.LikeDistribution, Users: users})
	if _, err := up.PushImage(ctx, "library/hello", "1"); err != nil {
		t.Fatal(err)
	}
	hosts := hostsDir(t, up.Host(), fmt.Sprintf("server = \"http://%s\"\n\n[host.\"http://%s\"]\n  capabilities = [\"pull\", \"resolve\"]\n", up.Host(), mirror.Host()))
	dir := t.TempDir()
	stale := writeFile(t, dir, "stale.yaml", kubectlSecret("stale", "", up.Host(), "bob", "Wrong-Synth3tic-1"))
	good := writeFile(t, dir, "good.yaml", kubectlSecret("regcred", "team", "http://"+up.Host(), "alice", pw))
	mirror.ResetRequests()
	up.ResetRequests()
	c := traceCLI(t)
	r := c.run("pull-trace", up.Host()+"/library/hello:1", "--client", "kubelet", "--plain-http", "--pull-secret", stale, "--pull-secret", good,
		"--containerd-hosts-dir", hosts, "--no-color").wantCode(t, 0)
	noSecrets(t, r, pw, "Wrong-Synth3tic-1")
	pos := 0
	for _, want := range []string{
		"containerd's hosts for " + up.Host(),
		"Attempt 1 of 2: Secret stale",
		"(resolve) at http://" + mirror.Host() + "/v2, ?ns=" + up.Host(),
		"Attempt 2 of 2: Secret team/regcred",
		"(resolve) at http://" + mirror.Host() + "/v2, ?ns=" + up.Host(),
		"(resolve) at http://" + up.Host() + "/v2",
		"The kubelet:",
		"OK the kubelet's pull would succeed with attempt 2 of 2",
	} {
		i := strings.Index(r.out[pos:], want)
		if i < 0 {
			t.Fatalf("missing or out of order: %q\n%s", want, r.out)
		}
		pos += i + len(want)
	}
	// The mirror was asked with ?ns= by both credentials in turn.
	for _, q := range mirror.Requests() {
		if strings.Contains(q.Path, "/manifests/") && !strings.Contains(q.RawQuery, "ns="+url.QueryEscape(up.Host())) {
			t.Errorf("a mirror request without ?ns=: %s %s?%s", q.Method, q.Path, q.RawQuery)
		}
	}
	if len(mirror.Requests()) == 0 {
		t.Error("the mirror was never asked")
	}
	j := c.run("pull-trace", up.Host()+"/library/hello:1", "--client", "kubelet", "--plain-http", "--pull-secret", stale, "--pull-secret", good,
		"--containerd-hosts-dir", hosts, "-o", "json").wantCode(t, 0)
	var doc struct {
		Attempts []struct {
			Hosts *struct {
				Attempts []struct{ Host, Outcome string } `json:"attempts"`
			} `json:"hosts"`
		} `json:"attempts"`
	}
	if err := json.Unmarshal([]byte(j.out), &doc); err != nil || len(doc.Attempts) != 2 || doc.Attempts[1].Hosts == nil || len(doc.Attempts[1].Hosts.Attempts) < 2 {
		t.Fatalf("JSON: %v %+v\n%s", err, doc, j.out)
	}
	noSecrets(t, j, pw, "Wrong-Synth3tic-1")
}

package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

func TestDoctorPullSecrets(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	host := sb.Host()
	dir := t.TempDir()
	wrong, alicePW := "wrong-Synth3tic-pw", sb.Users()["alice"]
	bad := writeFile(t, dir, "bad.yaml", kubectlSecret("stale", "team", host, "bob", wrong))
	// Two documents: a good Secret, and one the kubelet ignores (Opaque).
	good := writeFile(t, dir, "good.yaml", kubectlSecret("regcred", "team", "http://"+host+"/v1/", "alice", alicePW)+"---\n"+
		strings.Replace(kubectlSecret("opaque", "team", host, "carol", "carol-Synth3tic-pw"), "type: kubernetes.io/dockerconfigjson", "type: Opaque", 1)+"---\n"+
		kubectlSecret("glob", "team", "*.example.com", "dave", "dave-Synth3tic-pw"))

	c := traceCLI(t)
	// A broken Docker config does not matter: the Secrets' credentials are used.
	writeFile(t, dir, "docker/config.json", "{not json")
	c.env["DOCKER_CONFIG"] = filepath.Join(dir, "docker")
	c.run("doctor").wantCode(t, 2)
	r := c.run("doctor", "--pull-secret", bad, "--pull-secret", good, "--plain-http", "-o", "json").wantCode(t, 1)
	noSecrets(t, r, wrong, alicePW, "carol-Synth3tic-pw", "dave-Synth3tic-pw")
	var doc struct {
		Registries []struct{ Registry, User, Source, Verdict, Code string }
		Diagnoses  []struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("doctor JSON: %v\n%s", err, r.out)
	}
	want := []struct{ user, source, verdict string }{
		{"bob", "Secret team/stale, key .dockerconfigjson in " + bad, "bad credentials"},
		{"alice", "Secret team/regcred, key .dockerconfigjson in " + good, "ok"},
	}
	if len(doc.Registries) != len(want) {
		t.Fatalf("registries %+v, want %d (the Opaque Secret and the glob are not checked)", doc.Registries, len(want))
	}
	for i, w := range want {
		g := doc.Registries[i]
		if g.Registry != host || g.User != w.user || g.Source != w.source || g.Verdict != w.verdict {
			t.Errorf("registry %d: %+v, want %+v", i, g, w)
		}
	}
	codes := map[string]bool{}
	for _, d := range doc.Diagnoses {
		codes[d.Code] = true
	}
	if !codes["SECRET_TYPE_MISMATCH"] || !codes["SECRET_GLOB_KEY"] {
		t.Errorf("diagnoses %+v", doc.Diagnoses)
	}

	r = c.run("doctor", "--pull-secret", good, "--plain-http", "--no-color").wantCode(t, 0)
	noSecrets(t, r, alicePW)
	if !strings.Contains(r.out, "│ "+host+" │ alice │ Secret team/regcred, key .dockerconfigjson in "+good) {
		t.Errorf("table:\n%s", r.out)
	}

	newCLI(t).run("doctor", host, "--pull-secret", good).wantCode(t, 2).wantOneLineError(t, "doctor", "--pull-secret", "drop the REGISTRY arguments")
	newCLI(t).run("doctor", "--pull-secret", dir+"/missing.yaml").wantCode(t, 2).wantOneLineError(t, "doctor", "missing.yaml")
}

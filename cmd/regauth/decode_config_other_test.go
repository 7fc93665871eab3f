package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// Another tool's file: regctl's logins are decoded (masked), and a file
// with no credentials says what it is.
func TestDecodeConfigOtherTools(t *testing.T) {
	c := newCLI(t)
	dir := t.TempDir()
	regctl := writeFile(t, dir, "regctl.json", `{"hosts":{"reg.example:5000":{"user":"alice","pass":"Regctl-Pass-77","tls":"disabled"},"helped.example":{"credHelper":"docker-credential-x"}},"incDockerCred":false}`)
	r := c.run("decode-config", regctl)
	for _, w := range []string{"regctl's config.json", "reg.example:5000", "alice", "tls disabled", "PLAINTEXT_PASSWORD", "credHelper docker-credential-x", "incDockerCred is false"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("want %q in\n%s", w, r.out)
		}
	}
	j := c.run("decode-config", regctl, "-o", "json")
	if strings.Contains(r.out+r.err+j.out+j.err, "Regctl-Pass-77") {
		t.Fatalf("the password leaked:\n%s%s", r.out, j.out)
	}
	var doc struct {
		Registries []struct {
			Host     string `json:"host"`
			Username string `json:"username"`
		} `json:"registries"`
		Sources []struct {
			Format string `json:"format"`
		} `json:"sources"`
	}
	if err := json.Unmarshal([]byte(j.out), &doc); err != nil || len(doc.Registries) != 2 || doc.Sources[0].Format != "regctl" {
		t.Errorf("JSON: %v %+v\n%s", err, doc, j.out)
	}

	conf := writeFile(t, dir, "containers.conf", "[containers]\nlog_driver = \"k8s-file\"\n\n[engine]\ncgroup_manager = \"systemd\"\n")
	r = c.run("decode-config", conf).wantCode(t, 0)
	if !strings.Contains(r.out, "podman's containers.conf") || strings.Contains(r.out, "no registries in the file") || !strings.Contains(r.out, "auth.json") {
		t.Errorf("say what the file is:\n%s%s", r.out, r.err)
	}
	daemon := writeFile(t, dir, "daemon.json", `{"registry-mirrors":["https://mirror.example"]}`)
	r = c.run("decode-config", daemon).wantCode(t, 0)
	if !strings.Contains(r.out, "daemon.json") || strings.Contains(r.out, "no registries in the file") {
		t.Errorf("say what the file is:\n%s%s", r.out, r.err)
	}
}

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// secretFixture is a Secret file made with kubectl (or by hand for the
// broken shapes); internal/decode/k8ssecret/testdata/README.md says how.
func secretFixture(name string) string {
	return filepath.Join("..", "..", "internal", "decode", "k8ssecret", "testdata", name)
}

// fixturePasswords are every synthetic password the fixtures hold.
var fixturePasswords = []string{"alice-Synth3tic-pw", "bob-Synth3tic-pw", "hub-Synth3tic-pw", "carol-Synth3tic-pw",
	"dave-Synth3tic-pw", "erin-Synth3tic-pw", "frank-Synth3tic-pw", "gina-Synth3tic-pw", "henry-Other-pw",
	"ivan-Synth3tic-pw", "kate-Synth3tic-pw", "liam-Synth3tic-pw", "mia-Synth3tic-pw"}

func TestDecodeConfigReadsPullSecrets(t *testing.T) {
	cases := []struct {
		file string
		says []string
	}{
		{"regcred.yaml", []string{
			"read " + secretFixture("regcred.yaml") + ": Secret regcred, key .dockerconfigjson (Kubernetes Secret, type kubernetes.io/dockerconfigjson, in data)",
			"│ registry.example.com │ registry.example.com │ alice │ <password len=18 ",
			"kubelet: Secret regcred, key .dockerconfigjson"}},
		{"regcred.json", []string{"Secret team/regcred, key .dockerconfigjson", "registry.example.com:5000", "bob"}},
		{"hub.yaml", []string{"│ https://index.docker.io/v1/ │ index.docker.io (Docker Hub) │ hubuser", "SECRET_HUB_KEY"}},
		{"multi.yaml", []string{"kubelet: Secret first, key .dockerconfigjson", "kubelet: Secret team/second, key .dockerconfigjson", "*.example.com"}},
		{"list.yaml", []string{"kubelet: Secret build/legacy, key .dockercfg", "in stringData", "SECRET_NOT_A_SECRET"}},
		{"bare.txt", []string{"bare value, key .dockerconfigjson (Kubernetes Secret value (bare base64)"}},
		{"generic.yaml", []string{"skipped " + secretFixture("generic.yaml") + ": Secret regcred-generic, key .dockerconfigjson: the kubelet ignores it: type Opaque", "not used: the kubelet ignores Secret regcred-generic", "SECRET_TYPE_MISMATCH"}},
		{"broken.yaml", []string{"SECRET_BAD_BASE64", "SECRET_NOT_DOCKER_CONFIG", "SECRET_TYPE_MISMATCH", "document 3"}},
		{"entries.json", []string{"SECRET_AUTH_MISMATCH", "SECRET_EMAIL_ONLY", "SECRET_HUB_KEY_UNUSED", "│ registry.example.com        │ registry.example.com         │ ivan │"}},
		{"badauth.yaml", []string{"SECRET_AUTH_INVALID"}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			r := newCLI(t).run("decode-config", secretFixture(c.file), "--no-color").wantCode(t, 0)
			for _, w := range c.says {
				if !strings.Contains(r.out, w) {
					t.Errorf("output lacks %q:\n%s", w, r.out)
				}
			}
			noSecrets(t, r, fixturePasswords...)
		})
	}
}

func TestDecodeConfigSecretFromStdin(t *testing.T) {
	data, err := os.ReadFile(secretFixture("regcred.json"))
	if err != nil {
		t.Fatal(err)
	}
	c := newCLI(t)
	c.in = string(data)
	r := c.run("decode-config", "-", "-o", "json").wantCode(t, 0)
	noSecrets(t, r, fixturePasswords...)
	var doc struct {
		Registries []struct{ Source, Key, Host, Username, Winner, Secret string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if len(doc.Registries) != 1 {
		t.Fatalf("registries: %+v", doc.Registries)
	}
	row := doc.Registries[0]
	if row.Source != "stdin: Secret team/regcred, key .dockerconfigjson" || row.Username != "bob" || !strings.HasPrefix(row.Secret, "<password len=16 ") {
		t.Errorf("row: %+v", row)
	}

	// A Docker config on stdin reads as it does from a file.
	c.in = `{"auths":{"registry.example.com":{"auth":"YWxpY2U6YWxpY2UtU3ludGgzdGljLXB3"}}}`
	r = c.run("decode-config", "-", "--no-color").wantCode(t, 0)
	if !strings.Contains(r.out, "read stdin (config.json)") || !strings.Contains(r.out, "│ registry.example.com │ registry.example.com │ alice ") {
		t.Errorf("config.json on stdin:\n%s", r.out)
	}
	noSecrets(t, r, "alice-Synth3tic-pw")
}

func TestDecodeConfigSecretGolden(t *testing.T) {
	r := newCLI(t).run("decode-config", secretFixture("entries.json"), "--no-color").wantCode(t, 0)
	golden(t, "decode-config-secret.golden", r.out)
	r = newCLI(t).run("decode-config", secretFixture("multi.yaml"), "-o", "json").wantCode(t, 0)
	golden(t, "decode-config-secret.json.golden", r.out)
}

func TestDecodeConfigBadSecretIsBadInput(t *testing.T) {
	dir := t.TempDir()
	f := writeFile(t, dir, "x.yaml", "apiVersion: v1\nkind: Secret\ndata: [\n")
	newCLI(t).run("decode-config", f).wantCode(t, 2).wantOneLineError(t, "decode-config", "x.yaml", "not YAML or JSON")
}

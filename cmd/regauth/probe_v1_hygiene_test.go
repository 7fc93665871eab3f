package main

import (
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// Secret hygiene for the commands of issue 5. probe sends no credentials
// at all, even when the config holds some; --api v1 posts the password in a
// JSON body, which must be masked on every output path.

func TestSecretHygieneProbe(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	pw := sb.Users()["alice"]
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	chk := leakCheck{name: "probe", secrets: []string{pw, basic}, jwt: true}
	for _, v := range [][]string{{}, {"-v"}, {"-o", "json"}, {"-v", "--show-secrets"}} {
		c := traceCLI(t)
		writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"`+sb.Host()+`":{"auth":"`+basic+`"}}}`)
		sb.ResetRequests()
		r := c.run(append([]string{"probe", "http://" + sb.Host()}, v...)...).wantCode(t, exitOK)
		chk.assertHidden(t, strings.Join(v, " "), r.out, r.err)
		if len(sb.Requests()) == 0 {
			t.Fatal("the probe reached nothing")
		}
		for _, q := range sb.Requests() {
			if q.Authorization != "" {
				t.Errorf("probe %v sent Authorization %q to %s %s", v, q.Authorization, q.Method, q.Path)
			}
		}
	}
}

func TestSecretHygieneLoginV1(t *testing.T) {
	// A password with characters encoding/json escapes: the body carries
	// p\u003c..., which must be masked too.
	pw := `v1-<secret>&"pw`
	escaped, _ := json.Marshal(pw)
	esc := string(escaped[1 : len(escaped)-1])
	sb := startSandboxWith(t, sandbox.Options{Like: sandbox.LikeHarbor, Users: map[string]string{"alice": pw}})
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	// JSON and HAR output encode strings once more.
	chk := leakCheck{name: "--api v1", secrets: []string{pw, esc, jsonText(pw), jsonText(esc), basic}, jwt: true}
	for _, v := range [][]string{{"-v", "--curl"}, {"-o", "json"}} {
		har := filepath.Join(t.TempDir(), "v1.har")
		args := append([]string{"login-trace", "http://" + sb.Host(), "--api", "v1", "-u", "alice", "--password-stdin", "--har", har}, v...)
		c := traceCLI(t)
		c.in = pw
		r := c.run(args...).wantCode(t, exitRefused)
		all := r.out + r.err + readHAR(t, har)
		chk.assertHidden(t, strings.Join(v, " "), all)
		if !strings.Contains(all, "POST") || !strings.Contains(all, `"password`) {
			t.Errorf("%v: the POST and its (masked) body should show:\n%s", v, r.out)
		}

		// With --show-secrets the body is shown as sent: the test can fail.
		c.in = pw
		r = c.run(append(args, "--show-secrets")...).wantCode(t, exitRefused)
		shown := esc // the body as sent, in the text
		if v[0] == "-o" {
			shown = jsonText(esc) // the same, as a JSON string
		}
		leakCheck{name: "--api v1 --show-secrets", secrets: []string{shown, jsonText(esc), basic}, jwt: true}.assertShown(t, strings.Join(v, " "), r.out, readHAR(t, har))
	}
}

func startSandboxWith(t *testing.T, o sandbox.Options) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(t.Context(), o)
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// jsonText is s as regauth's JSON output writes it inside a string.
func jsonText(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	out := strings.TrimSpace(b.String())
	return out[1 : len(out)-1]
}

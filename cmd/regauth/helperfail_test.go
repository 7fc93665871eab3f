package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// A helper that fails gives the trace document with CREDENTIAL_HELPER_FAILED
// and exit 1, and nothing goes to the registry, as with Docker.
func TestCredentialHelperFailureIsATrace(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	if _, err := sb.PushImage(t.Context(), "library/hello", "1"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	// A pass helper whose GPG key is locked: pass's own words on stderr.
	writeFile(t, dir, "docker-credential-pass", "#!/bin/sh\nread url\necho 'gpg: decryption failed: No secret key' >&2\necho 'exit status 2: gpg: decryption failed'\nexit 1\n")
	if err := os.Chmod(filepath.Join(dir, "docker-credential-pass"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))

	for _, tc := range []struct {
		name, store string
		want        []string
	}{
		{"missing", "no-such-helper", []string{"docker-credential-no-such-helper", "is not on PATH (searched " + dir, `error getting credentials - err: exec: "docker-credential-no-such-helper": executable file not found in $PATH`, "Rancher Desktop"}},
		{"pass-locked", "pass", []string{"docker-credential-pass", "exit status 1", "GPG key", "gpg: decryption failed"}},
	} {
		for _, cmd := range [][]string{
			{"login-trace", "http://" + sb.Host()},
			{"pull-trace", sb.Host() + "/library/hello:1", "--plain-http"},
			{"push-trace", sb.Host() + "/library/new:1", "--plain-http"},
		} {
			t.Run(tc.name+"/"+cmd[0], func(t *testing.T) {
				c := traceCLI(t)
				writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"`+sb.Host()+`":{}},"credsStore":"`+tc.store+`"}`)
				sb.ResetRequests()
				r := c.run(cmd...).wantCode(t, 1)
				for _, w := range append(tc.want, "CREDENTIAL_HELPER_FAILED") {
					if !strings.Contains(r.out, w) {
						t.Errorf("want %q in\n%s", w, r.out)
					}
				}
				if n := len(sb.Requests()); n != 0 {
					t.Errorf("the client stops before any request; the registry saw %d", n)
				}
				j := c.run(append(cmd, "-o", "json")...).wantCode(t, 1)
				var doc struct {
					CredentialHelper struct {
						Helper    string  `json:"helper"`
						Kind      string  `json:"kind"`
						LatencyMS float64 `json:"latency_ms"`
					} `json:"credential_helper"`
				}
				if err := json.Unmarshal([]byte(j.out), &doc); err != nil {
					t.Fatalf("%v\n%s", err, j.out)
				}
				if doc.CredentialHelper.Helper != "docker-credential-"+tc.store || doc.CredentialHelper.Kind == "" {
					t.Errorf("credential_helper in JSON: %+v\n%s", doc.CredentialHelper, j.out)
				}
			})
		}
	}
}

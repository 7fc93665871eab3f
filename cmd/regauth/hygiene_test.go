package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// Secret hygiene: every output path (text, -v headers, --curl lines, JSON,
// HAR, errors) is searched for the known secrets. None may appear without
// --show-secrets; with it they must, or the test proves nothing.

var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

type leakCheck struct {
	name    string
	secrets []string
	jwt     bool // no JWT of any kind may show
}

func (l leakCheck) assertHidden(t *testing.T, what string, outputs ...string) {
	t.Helper()
	all := strings.Join(outputs, "\n")
	for _, s := range l.secrets {
		if strings.Contains(all, s) {
			t.Errorf("%s: %s leaked %q", l.name, what, s)
		}
	}
	if l.jwt && jwtRE.MatchString(all) {
		t.Errorf("%s: %s leaked a token: %s", l.name, what, jwtRE.FindString(all))
	}
}

func (l leakCheck) assertShown(t *testing.T, what string, outputs ...string) {
	t.Helper()
	all := strings.Join(outputs, "\n")
	for _, s := range l.secrets {
		if !strings.Contains(all, s) {
			t.Errorf("%s: with --show-secrets, %s should show %q", l.name, what, s)
		}
	}
	if l.jwt && !jwtRE.MatchString(all) {
		t.Errorf("%s: with --show-secrets, %s should show the token", l.name, what)
	}
}

func readHAR(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("HAR: %v", err)
	}
	return string(b)
}

func TestSecretHygieneLoginTrace(t *testing.T) {
	for _, like := range []sandbox.Like{sandbox.LikeHarbor, sandbox.LikeDockerHub, sandbox.LikeBasic} {
		t.Run(string(like), func(t *testing.T) {
			sb := startSandbox(t, like)
			pw := sb.Users()["alice"]
			basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
			chk := leakCheck{name: string(like), secrets: []string{pw, basic}, jwt: true}
			variants := [][]string{
				{"-v", "--curl"},
				{"-o", "json"},
				{"--oauth", "-v", "--curl"},
				{"--oauth", "-o", "json"},
			}
			for _, v := range variants {
				har := filepath.Join(t.TempDir(), "x.har")
				args := append([]string{"login-trace", "http://" + sb.Host(), "-u", "alice", "--password-stdin", "--har", har}, v...)
				c := traceCLI(t)
				c.in = pw
				r := c.run(args...).wantCode(t, 0)
				chk.assertHidden(t, strings.Join(v, " "), r.out, r.err, readHAR(t, har))

				c.in = pw
				r = c.run(append(args, "--show-secrets")...).wantCode(t, 0)
				shown := leakCheck{name: chk.name, secrets: []string{basic}, jwt: like != sandbox.LikeBasic}
				if strings.Contains(strings.Join(v, " "), "--oauth") && like == sandbox.LikeDockerHub {
					shown.secrets = []string{pw} // the password travels in the POST body
				}
				shown.assertShown(t, strings.Join(v, " "), r.out, readHAR(t, har))
			}
			// A refused login: the wrong password is a secret too.
			wrong := "Wrong-Pass-4242"
			c := traceCLI(t)
			c.in = wrong
			r := c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "-v", "--curl")
			leakCheck{name: "refused", secrets: []string{wrong, base64.StdEncoding.EncodeToString([]byte("alice:" + wrong))}}.assertHidden(t, "a refused login", r.out, r.err)
		})
	}
}

func TestSecretHygieneConfigAndTokens(t *testing.T) {
	// decode-config: inline passwords and identity tokens.
	chk := leakCheck{name: "decode-config", secrets: configSecrets}
	for _, o := range []string{"text", "json"} {
		r := newCLI(t).run("decode-config", "testdata/docker-config.json", "--no-helpers", "-o", o).wantCode(t, 0)
		chk.assertHidden(t, o, r.out, r.err)
		r = newCLI(t).run("decode-config", "testdata/docker-config.json", "--no-helpers", "-o", o, "--show-secrets").wantCode(t, 0)
		chk.assertShown(t, o, r.out)
	}

	// inspect-token: the token and a refresh token in a reply.
	tok := readTestdata(t, "token.jwt")
	reply := `{"token":"` + tok + `","refresh_token":"Refresh-Secret-777","expires_in":300}`
	tchk := leakCheck{name: "inspect-token", secrets: []string{tok, "Refresh-Secret-777"}, jwt: true}
	for _, o := range []string{"text", "json"} {
		c := newCLI(t)
		c.in = reply
		r := c.run("inspect-token", "-o", o).wantCode(t, 0)
		tchk.assertHidden(t, o, r.out, r.err)
		c.in = reply
		r = c.run("inspect-token", "-o", o, "--show-secrets").wantCode(t, 0)
		tchk.assertShown(t, o, r.out)
	}
	// A token given on the command line that is not a token: the error
	// must not echo it back.
	r := newCLI(t).run("inspect-token", "Secret-Not-A-Token-99")
	leakCheck{name: "bad token", secrets: []string{"Secret-Not-A-Token-99"}}.assertHidden(t, "the error", r.out, r.err)
}

func TestSecretHygieneIdentityTokenConfig(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeHarbor)
	c := traceCLI(t)
	// Harbor refuses the POST: the refresh token must still not show.
	writeFile(t, c.env["HOME"], ".docker/config.json", `{"auths":{"`+sb.Host()+`":{"identitytoken":"Ident-Secret-31337"}}}`)
	r := c.run("login-trace", "http://"+sb.Host(), "-v", "--curl")
	leakCheck{name: "identitytoken", secrets: []string{"Ident-Secret-31337"}, jwt: true}.assertHidden(t, "login-trace", r.out, r.err)
	if !strings.Contains(r.out, "refresh_token=<") {
		t.Errorf("the refresh token should show masked in the POST body:\n%s", r.out)
	}
}

package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

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

// everyKind is one synthetic credential of each kind credkind knows.
func everyKind(t *testing.T) []storedCred {
	tok := func(prefix string) string { return prefix + randText(t, 30) }
	key := fakeServiceAccountKey(t)
	return []storedCred{
		{user: "AWS", secret: fakeECRPassword(t, fixedNow.Add(-time.Hour))},
		{user: "_json_key", secret: key},
		{user: "_json_key_base64", secret: base64.StdEncoding.EncodeToString([]byte(key))},
		{user: "oauth2accesstoken", secret: tok("ya29.")},
		{user: "00000000-0000-0000-0000-000000000000", identity: true, secret: fakeJWT(t, jwt.MapClaims{"iss": "Azure Container Registry", "aud": "shop.azurecr.io", "tenant": "t-1", "exp": fixedNow.Add(time.Hour).Unix()})},
		{user: "hubuser", secret: tok("dckr_pat_")},
		{user: "acme", secret: tok("dckr_oat_")},
		{user: "octo", secret: tok("ghp_")},
		{user: "octo", secret: tok("github_pat_")},
		{user: "octo", secret: tok("gho_")},
		{user: "octo", secret: tok("ghs_")},
		{user: "dev", secret: tok("glpat-")},
		{user: "gitlab+deploy-token-7", secret: tok("gldt-")},
		{user: "gitlab-ci-token", secret: tok("glcbt-")},
		{user: "robot$shop+ci", secret: randText(t, 24)},
		{user: "robot+ci", secret: randText(t, 24)},
		{user: "acme+ci", secret: randText(t, 24)},
		{user: "alice", secret: tok("zak_")},
		{user: "svc", secret: fakeJWT(t, jwt.MapClaims{"iss": "idp.example", "sub": "svc", "exp": fixedNow.Add(-time.Hour).Unix()})},
	}
}

// secretParts is what must never show of c: the secret, what follows its
// public prefix, the Basic value that carries it, a service-account key's
// private key.
func secretParts(c storedCred) []string {
	parts := []string{c.secret, base64.StdEncoding.EncodeToString([]byte(c.user + ":" + c.secret))}
	for _, p := range []string{"dckr_pat_", "dckr_oat_", "ghp_", "github_pat_", "gho_", "ghs_", "glpat-", "gldt-", "glcbt-", "zak_", "ya29."} {
		if strings.HasPrefix(c.secret, p) {
			parts = append(parts, strings.TrimPrefix(c.secret, p))
		}
	}
	if i := strings.Index(c.secret, "PRIVATE KEY-----\\n"); i >= 0 {
		parts = append(parts, c.secret[i+18:i+60])
	}
	return parts
}

// No kind detection prints more of a secret than the mask: decode-config
// (text and JSON) over a config holding every kind, and login-trace (-v
// --curl, JSON) sending each of them.
func TestSecretHygieneCredentialKinds(t *testing.T) {
	creds := everyKind(t)
	hosts := []string{"123456789012.dkr.ecr.us-east-1.amazonaws.com", "gcr.io", "europe-docker.pkg.dev", "us-docker.pkg.dev", "shop.azurecr.io",
		"https://index.docker.io/v1/", "docker.io", "ghcr.io", "docker.pkg.github.com", "containers.github.example.com", "gh.example", "registry.gitlab.com",
		"gitlab.example.com", "registry.gitlab.example.com", "harbor.example.com", "harbor2.example.com", "quay.io", "zot.example.com", "registry.example.com"}
	var secrets []string
	for i := range creds {
		creds[i].key = hosts[i]
		secrets = append(secrets, secretParts(creds[i])...)
	}
	chk := leakCheck{name: "every kind", secrets: secrets}
	cfg := kindsConfig(t, creds)
	for _, o := range []string{"text", "json"} {
		r := newCLI(t).run("decode-config", cfg, "--no-helpers", "-o", o).wantCode(t, 0)
		chk.assertHidden(t, "decode-config -o "+o, r.out, r.err)
		if !strings.Contains(r.out, "ecr-token") && !strings.Contains(r.out, "Amazon ECR") {
			t.Errorf("decode-config -o %s should name the kinds:\n%s", o, r.out)
		}
		r = newCLI(t).run("decode-config", cfg, "--no-helpers", "-o", o, "--show-secrets").wantCode(t, 0)
		leakCheck{name: "every kind", secrets: []string{creds[7].secret}}.assertShown(t, "decode-config --show-secrets -o "+o, r.out)
	}

	sb := startSandbox(t, sandbox.LikeBasic)
	for _, c := range creds {
		t.Run(c.user, func(t *testing.T) {
			cl := traceCLI(t)
			c.key = sb.Host()
			writeFile(t, cl.env["HOME"], ".docker/config.json", readFileString(t, kindsConfig(t, []storedCred{c})))
			chk := leakCheck{name: c.user, secrets: secretParts(c)}
			for _, v := range [][]string{{"-v", "--curl"}, {"-o", "json"}} {
				r := cl.run(append([]string{"login-trace", "http://" + sb.Host()}, v...)...)
				chk.assertHidden(t, "login-trace "+strings.Join(v, " "), r.out, r.err)
			}
		})
	}
}

func readFileString(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

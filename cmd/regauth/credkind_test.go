package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/sandbox"
)

// A trace names the kind of the secret it sends on its credentials line,
// and what does not fit about it is among its diagnoses.
func TestLoginTraceCredentialKind(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeBasic)
	exp := time.Now().Add(-90 * time.Minute).UTC()
	ecr := fakeECRPassword(t, exp)
	pat := "github_pat_11AAAAAAA0" + randText(t, 40)
	cases := []struct {
		name  string
		cred  storedCred
		line  []string // on the first line
		codes []string
	}{
		{"expired ECR token", storedCred{user: "AWS", secret: ecr},
			[]string{"(credentials: auths[", "; Amazon ECR authorization token (aws ecr get-login-password); expires " + exp.Format(time.RFC3339) + " (expired 1h30m ago))"},
			[]string{"CREDENTIAL_EXPIRED", "CREDENTIAL_WRONG_REGISTRY"}},
		{"fine-grained PAT", storedCred{user: "octo", secret: pat},
			[]string{"; GitHub fine-grained personal access token, github_pat_…)"}, nil},
		{"Harbor robot", storedCred{user: "robot$shop+ci", secret: randText(t, 20)},
			[]string{`; Harbor robot account; robot project robot "ci" of project "shop")`}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cl := traceCLI(t)
			c.cred.key = sb.Host()
			writeFile(t, cl.env["HOME"], ".docker/config.json", readFileString(t, kindsConfig(t, []storedCred{c.cred})))
			r := cl.run("login-trace", "http://"+sb.Host(), "--no-color").wantCode(t, 1)
			first, _, _ := strings.Cut(r.out, "\n")
			for _, w := range c.line {
				if !strings.Contains(first, w) {
					t.Errorf("the credentials line should say %q:\n%s", w, first)
				}
			}
			for _, code := range c.codes {
				if !strings.Contains(r.out, code+": the credentials for "+sb.Host()+" (auths[") {
					t.Errorf("want %s about the stored credential:\n%s", code, r.out)
				}
			}
			leakCheck{name: c.name, secrets: secretParts(c.cred)}.assertHidden(t, "text", r.out, r.err)

			r = cl.run("login-trace", "http://"+sb.Host(), "-o", "json").wantCode(t, 1)
			var doc struct {
				Credentials struct {
					Kind           string `json:"kind"`
					CredentialKind struct {
						ID string `json:"id"`
					} `json:"credential_kind"`
				} `json:"credentials"`
				Diagnoses []struct{ Code string } `json:"diagnoses"`
			}
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Credentials.Kind != "password" || doc.Credentials.CredentialKind.ID == "" || doc.Credentials.CredentialKind.ID == "password" {
				t.Errorf("JSON credentials: %+v", doc.Credentials)
			}
			for _, code := range c.codes {
				if !strings.Contains(r.out, `"code": "`+code+`"`) {
					t.Errorf("JSON diagnoses should hold %s: %+v", code, doc.Diagnoses)
				}
			}
			leakCheck{name: c.name, secrets: secretParts(c.cred)}.assertHidden(t, "json", r.out, r.err)
		})
	}
}

// Given on the command line, the kind is judged too: a robot name a shell
// mangled is named before the registry refuses it.
func TestLoginTraceFlagsKind(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeBasic)
	c := traceCLI(t)
	c.in = "Robot-Secret-123456"
	r := c.run("login-trace", "http://"+sb.Host(), "-u", "robot+ci", "--password-stdin", "--no-color").wantCode(t, 1)
	if !strings.Contains(r.out, "HARBOR_ROBOT_NAME_MANGLED: the -u/--password credentials for "+sb.Host()+`: the username "robot+ci"`) {
		t.Errorf("a mangled robot name from -u should be named:\n%s", r.out)
	}
	// A password of no known format adds nothing to the line.
	c.in = sb.Users()["alice"]
	r = c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "--no-color").wantCode(t, 0)
	if first, _, _ := strings.Cut(r.out, "\n"); !strings.HasSuffix(first, "(credentials: flags)") {
		t.Errorf("a plain password: %s", first)
	}
}

// doctor names the kind in its table and JSON, and an expired token's
// refusal is a bad credential whose fix is the kind's.
func TestDoctorCredentialKind(t *testing.T) {
	sb := startSandbox(t, sandbox.LikeBasic)
	c := traceCLI(t)
	cred := storedCred{key: sb.Host(), user: "AWS", secret: fakeECRPassword(t, time.Now().Add(-time.Hour))}
	writeFile(t, c.env["HOME"], ".docker/config.json", readFileString(t, kindsConfig(t, []storedCred{cred})))
	r := c.run("doctor", "--no-color", "--plain-http").wantCode(t, 1)
	for _, w := range []string{"(Amazon ECR authorization token (aws ecr get-login-password))", "bad credentials", "CREDENTIAL_EXPIRED", "fix: Mint a new one"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("doctor should say %q:\n%s", w, r.out)
		}
	}
	r = c.run("doctor", "-o", "json", "--plain-http").wantCode(t, 1)
	if !strings.Contains(r.out, `"kind": {`) || !strings.Contains(r.out, `"id": "ecr-token"`) {
		t.Errorf("doctor JSON should carry the kind:\n%s", r.out)
	}
	leakCheck{name: "doctor", secrets: secretParts(cred)}.assertHidden(t, "doctor", r.out, r.err)
}

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Synthetic credentials of each kind, made here from random bytes the way
// their issuers make them: never a real secret.

func randText(t *testing.T, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return strings.NewReplacer("+", "x", "/", "y", "=", "").Replace(base64.StdEncoding.EncodeToString(b))
}

// fakeECRPassword is shaped as `aws ecr get-login-password` prints it.
func fakeECRPassword(t *testing.T, exp time.Time) string {
	b, _ := json.Marshal(map[string]any{"payload": randText(t, 400), "datakey": randText(t, 120), "version": "2", "type": "DATA_KEY", "expiration": exp.Unix()})
	return base64.StdEncoding.EncodeToString(b)
}

func fakeServiceAccountKey(t *testing.T) string {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	b, _ := json.Marshal(map[string]string{"type": "service_account", "project_id": "shop-prod", "private_key_id": "feedface0123456789",
		"private_key": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), "client_email": "puller@shop-prod.iam.gserviceaccount.com"})
	return string(b)
}

func fakeJWT(t *testing.T, claims jwt.MapClaims) string {
	s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(randText(t, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

type storedCred struct {
	key, user, secret string
	identity          bool // stored as identitytoken
}

// kindsConfig writes a config.json holding creds the way docker login
// stores them.
func kindsConfig(t *testing.T, creds []storedCred) string {
	auths := map[string]map[string]string{}
	for _, c := range creds {
		if c.identity {
			auths[c.key] = map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(c.user + ":")), "identitytoken": c.secret}
			continue
		}
		auths[c.key] = map[string]string{"auth": base64.StdEncoding.EncodeToString([]byte(c.user + ":" + c.secret))}
	}
	b, _ := json.Marshal(map[string]any{"auths": auths})
	return writeFile(t, t.TempDir(), "config.json", string(b))
}

// The "done when": an expired ECR token, a fine-grained GitHub PAT
// for ghcr.io and a Harbor robot that lost its $: decode-config says what
// each is and what is wrong with it.
func TestDecodeConfigKinds(t *testing.T) {
	ecr := "123456789012.dkr.ecr.eu-west-1.amazonaws.com"
	ecrPW := fakeECRPassword(t, fixedNow.Add(-3*time.Hour))
	pat := "github_pat_11AAAAAAA0" + randText(t, 40)
	robotPW := randText(t, 24)
	cfg := kindsConfig(t, []storedCred{
		{key: ecr, user: "AWS", secret: ecrPW},
		{key: "ghcr.io", user: "octo", secret: pat},
		{key: "harbor.example.com", user: "robot+ci", secret: robotPW},
	})
	r := newCLI(t).run("decode-config", cfg, "--no-color").wantCode(t, 0)
	for _, w := range []string{
		ecr + ": Amazon ECR authorization token",
		"region: eu-west-1",
		"expires: " + fixedNow.Add(-3*time.Hour).UTC().Format(time.RFC3339) + " (expired 3h ago)",
		"CREDENTIAL_EXPIRED: auths[\"" + ecr + "\"] in " + cfg + ": the ECR authorization token expired",
		"aws ecr get-login-password --region eu-west-1",
		"ghcr.io: GitHub fine-grained personal access token, github_pat_…",
		"GHCR_NEEDS_CLASSIC_PAT: auths[\"ghcr.io\"]",
		"harbor.example.com: Harbor robot account (name mangled)",
		`HARBOR_ROBOT_NAME_MANGLED: auths["harbor.example.com"] in ` + cfg + `: the username "robot+ci" looks like robot$PROJECT+ci`,
		"-u 'robot$project+name'",
	} {
		if !strings.Contains(r.out, w) {
			t.Errorf("decode-config should say %q:\n%s", w, r.out)
		}
	}
	leakCheck{name: "kinds", secrets: []string{ecrPW, pat[len("github_pat_"):], robotPW}}.assertHidden(t, "text", r.out, r.err)

	r = newCLI(t).run("decode-config", cfg, "-o", "json").wantCode(t, 0)
	var doc struct {
		Registries []struct {
			Key  string `json:"key"`
			Kind struct {
				ID      string `json:"id"`
				Prefix  string `json:"prefix"`
				Expires string `json:"expires"`
				Facts   []struct{ Name, Value string }
			} `json:"kind"`
			Findings []struct{ Code string } `json:"findings"`
		} `json:"registries"`
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("JSON: %v\n%s", err, r.out)
	}
	want := map[string][2]string{ecr: {"ecr-token", "CREDENTIAL_EXPIRED"}, "ghcr.io": {"github-fine-grained-pat", "GHCR_NEEDS_CLASSIC_PAT"}, "harbor.example.com": {"harbor-robot", "HARBOR_ROBOT_NAME_MANGLED"}}
	for _, row := range doc.Registries {
		w := want[row.Key]
		if row.Kind.ID != w[0] {
			t.Errorf("%s: kind %q, want %q", row.Key, row.Kind.ID, w[0])
		}
		found := false
		for _, f := range row.Findings {
			found = found || f.Code == w[1]
		}
		if !found {
			t.Errorf("%s: findings %v should hold %s", row.Key, row.Findings, w[1])
		}
		delete(want, row.Key)
	}
	if len(want) > 0 {
		t.Errorf("rows missing from JSON: %v", want)
	}
	if doc.Registries[0].Kind.Expires != fixedNow.Add(-3*time.Hour).UTC().Format(time.RFC3339) {
		t.Errorf("the ECR row's kind.expires = %q", doc.Registries[0].Kind.Expires)
	}
	leakCheck{name: "kinds", secrets: []string{ecrPW, pat[len("github_pat_"):], robotPW}}.assertHidden(t, "json", r.out, r.err)
}

// One ECR token under two accounts' registries works for one at most.
func TestDecodeConfigECRTokenReused(t *testing.T) {
	pw := fakeECRPassword(t, fixedNow.Add(6*time.Hour))
	cfg := kindsConfig(t, []storedCred{
		{key: "111111111111.dkr.ecr.us-east-1.amazonaws.com", user: "AWS", secret: pw},
		{key: "222222222222.dkr.ecr.eu-west-1.amazonaws.com", user: "AWS", secret: pw},
		{key: "333333333333.dkr.ecr.eu-west-1.amazonaws.com", user: "AWS", secret: fakeECRPassword(t, fixedNow.Add(6*time.Hour))},
	})
	r := newCLI(t).run("decode-config", cfg, "--no-color").wantCode(t, 0)
	if !strings.Contains(r.out, "ECR_TOKEN_REUSED") || !strings.Contains(r.out, "111111111111.dkr.ecr.us-east-1.amazonaws.com and 222222222222.dkr.ecr.eu-west-1.amazonaws.com") {
		t.Errorf("a token under two accounts should be named:\n%s", r.out)
	}
	if strings.Count(r.out, "ECR_TOKEN_REUSED") != 1 || strings.Contains(r.out, "CREDENTIAL_EXPIRED") || !strings.Contains(r.out, "expires in 6h") {
		t.Errorf("only the shared token is reused, none expired:\n%s", r.out)
	}
}

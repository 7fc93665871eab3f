package credkind

import (
	"encoding/base64"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestClassify(t *testing.T) {
	ecrHost := "123456789012.dkr.ecr.us-east-1.amazonaws.com"
	past, future := testNow.Add(-3*time.Hour), testNow.Add(9*time.Hour)
	key := serviceAccountKey(t, "shop-prod")
	cases := []struct {
		name      string
		in        Input
		id        string
		codes     []diagnose.Code
		facts     map[string]string // name -> a substring of its value
		titleHas  string
		severity  diagnose.Severity // of the first finding, when set
		noFinding bool
	}{
		{name: "ECR token expired", in: Input{Registry: ecrHost, Username: "AWS", Secret: ecrPassword(t, past)},
			id: "ecr-token", codes: []diagnose.Code{diagnose.CredentialExpired},
			facts: map[string]string{"account": "123456789012", "region": "us-east-1", "expires": "expired 3h ago", "envelope": "DATA_KEY"}},
		{name: "ECR token valid", in: Input{Registry: "https://" + ecrHost, Username: "AWS", Secret: ecrPassword(t, future)},
			id: "ecr-token", noFinding: true, facts: map[string]string{"expires": "expires in 9h"}},
		{name: "ECR token with another username", in: Input{Registry: ecrHost, Username: "admin", Secret: ecrPassword(t, future)},
			id: "ecr-token", codes: []diagnose.Code{diagnose.CredentialWrongUsername}},
		{name: "ECR token for a GitLab host", in: Input{Registry: "registry.gitlab.com", Username: "AWS", Secret: ecrPassword(t, future)},
			id: "ecr-token", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}, severity: diagnose.Error},
		{name: "ECR token on a dual-stack host", in: Input{Registry: "123456789012.dkr-ecr.eu-west-1.on.aws", Username: "AWS", Secret: ecrPassword(t, future)},
			id: "ecr-token", noFinding: true, facts: map[string]string{"region": "eu-west-1"}},
		{name: "ECR Public token", in: Input{Registry: "public.ecr.aws", Username: "AWS", Secret: ecrPassword(t, future)},
			id: "ecr-token", noFinding: true, titleHas: "ECR Public"},

		{name: "GCR key", in: Input{Registry: "gcr.io", Username: "_json_key", Secret: key},
			id: "gcr-json-key", noFinding: true,
			facts: map[string]string{"client_email": "puller@shop-prod.iam.gserviceaccount.com", "project_id": "shop-prod", "private_key_id": "0123456789abcdef"}},
		{name: "AR key base64", in: Input{Registry: "europe-docker.pkg.dev", Username: "_json_key_base64", Secret: base64.StdEncoding.EncodeToString([]byte(key))},
			id: "gcr-json-key", noFinding: true, facts: map[string]string{"project_id": "shop-prod"}},
		{name: "GCR key cut short", in: Input{Registry: "gcr.io", Username: "_json_key", Secret: key[:len(key)/2]},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.ServiceAccountKeyMalformed}},
		{name: "GCR key with a broken private key", in: Input{Registry: "gcr.io", Username: "_json_key", Secret: strings.Replace(key, "-----BEGIN PRIVATE KEY-----", "BEGIN", 1)},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.ServiceAccountKeyMalformed}},
		{name: "GCR user credentials, not a service account", in: Input{Registry: "gcr.io", Username: "_json_key", Secret: strings.Replace(key, `"service_account"`, `"authorized_user"`, 1)},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.ServiceAccountKeyMalformed}},
		{name: "base64 key under _json_key", in: Input{Registry: "gcr.io", Username: "_json_key", Secret: base64.StdEncoding.EncodeToString([]byte(key))},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.ServiceAccountKeyMalformed}},
		{name: "GCR key under another username", in: Input{Registry: "gcr.io", Username: "puller", Secret: key},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.CredentialWrongUsername}},
		{name: "GCR key for Docker Hub", in: Input{Registry: "https://index.docker.io/v1/", Username: "_json_key", Secret: key},
			id: "gcr-json-key", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}},
		{name: "Google access token", in: Input{Registry: "us-docker.pkg.dev", Username: "oauth2accesstoken", Secret: token(t, "ya29.")},
			id: "google-access-token", noFinding: true, facts: map[string]string{"lifetime": "1h"}},

		{name: "ACR refresh token", in: Input{Registry: "shop.azurecr.io", Username: acrNullUser, Secret: acrRefreshToken(t, "shop.azurecr.io", future), SecretType: "identitytoken"},
			id: "acr-refresh-token", noFinding: true, facts: map[string]string{"tenant": "72f988bf", "registry": "shop.azurecr.io", "expires": "expires in 9h"}},
		{name: "ACR refresh token expired", in: Input{Registry: "shop.azurecr.io", Username: acrNullUser, Secret: acrRefreshToken(t, "shop.azurecr.io", past)},
			id: "acr-refresh-token", codes: []diagnose.Code{diagnose.CredentialExpired}},
		{name: "ACR refresh token for another registry", in: Input{Registry: "shop.azurecr.io", Username: acrNullUser, Secret: acrRefreshToken(t, "other.azurecr.io", future)},
			id: "acr-refresh-token", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}},
		{name: "ACR null GUID with a password", in: Input{Registry: "shop.azurecr.io", Username: acrNullUser, Secret: "Not-A-Refresh-Token-1"},
			id: "acr-refresh-token", codes: []diagnose.Code{diagnose.CredentialWrongUsername}},
		{name: "ACR token by issuer, empty username", in: Input{Registry: "shop.azurecr.io", Secret: acrRefreshToken(t, "shop.azurecr.io", future), SecretType: "identitytoken"},
			id: "acr-refresh-token", noFinding: true},

		{name: "Docker Hub PAT", in: Input{Registry: "https://index.docker.io/v1/", Username: "hubuser", Secret: token(t, "dckr_pat_")},
			id: "dockerhub-pat", noFinding: true},
		{name: "Docker Hub PAT for GHCR", in: Input{Registry: "ghcr.io", Username: "hubuser", Secret: token(t, "dckr_pat_")},
			id: "dockerhub-pat", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}},
		{name: "Docker Hub PAT for a private host", in: Input{Registry: "registry.example.com", Username: "hubuser", Secret: token(t, "dckr_pat_")},
			id: "dockerhub-pat", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}, severity: diagnose.Warning},
		{name: "Docker Hub org token with the org", in: Input{Registry: "docker.io", Username: "acme", Secret: token(t, "dckr_oat_")},
			id: "dockerhub-org-token", noFinding: true},
		{name: "Docker Hub org token with an e-mail", in: Input{Registry: "docker.io", Username: "me@acme.example", Secret: token(t, "dckr_oat_")},
			id: "dockerhub-org-token", codes: []diagnose.Code{diagnose.CredentialWrongUsername}},

		{name: "GitHub classic PAT for GHCR", in: Input{Registry: "ghcr.io", Username: "octo", Secret: token(t, "ghp_")},
			id: "github-classic-pat", noFinding: true, facts: map[string]string{"ghcr.io needs": "read:packages"}},
		{name: "GitHub fine-grained PAT for GHCR", in: Input{Registry: "ghcr.io", Username: "octo", Secret: "github_pat_11ABCDEFG0" + token(t, "")},
			id: "github-fine-grained-pat", codes: []diagnose.Code{diagnose.GHCRNeedsClassicPAT}},
		{name: "GitHub classic PAT for a GitLab host", in: Input{Registry: "registry.gitlab.example.com", Username: "octo", Secret: token(t, "ghp_")},
			id: "github-classic-pat", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}, severity: diagnose.Error},
		{name: "GitHub PAT for GitHub Enterprise", in: Input{Registry: "containers.github.example.com", Username: "octo", Secret: token(t, "ghp_")},
			id: "github-classic-pat", noFinding: true},
		{name: "gh auth token", in: Input{Registry: "ghcr.io", Username: "octo", Secret: token(t, "gho_")},
			id: "github-oauth", noFinding: true},
		{name: "Actions token stored", in: Input{Registry: "ghcr.io", Username: "octo", Secret: token(t, "ghs_"), Stored: true},
			id: "github-actions", codes: []diagnose.Code{diagnose.JobTokenStored}},
		{name: "Actions token given", in: Input{Registry: "ghcr.io", Username: "octo", Secret: token(t, "ghs_")},
			id: "github-actions", noFinding: true},

		{name: "GitLab PAT", in: Input{Registry: "registry.gitlab.com", Username: "dev", Secret: token(t, "glpat-")},
			id: "gitlab-pat", noFinding: true},
		{name: "GitLab PAT for Docker Hub", in: Input{Registry: "docker.io", Username: "dev", Secret: token(t, "glpat-")},
			id: "gitlab-pat", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}},
		{name: "GitLab deploy token", in: Input{Registry: "registry.gitlab.com", Username: "gitlab+deploy-token-42", Secret: token(t, "gldt-")},
			id: "gitlab-deploy-token", noFinding: true},
		{name: "GitLab deploy token, custom user", in: Input{Registry: "registry.gitlab.com", Username: "puller", Secret: token(t, "gldt-")},
			id: "gitlab-deploy-token", noFinding: true},
		{name: "GitLab job token stored", in: Input{Registry: "registry.gitlab.com", Username: "gitlab-ci-token", Secret: token(t, "glcbt-"), Stored: true},
			id: "gitlab-job-token", codes: []diagnose.Code{diagnose.JobTokenStored}},
		{name: "GitLab build token with another user", in: Input{Registry: "registry.gitlab.com", Username: "dev", Secret: token(t, "glcbt-")},
			id: "gitlab-ci-build-token", codes: []diagnose.Code{diagnose.CredentialWrongUsername}},

		{name: "Harbor project robot", in: Input{Registry: "harbor.example.com", Username: "robot$shop+ci", Secret: "Robot-Secret-0123456789abcdef"},
			id: "harbor-robot", noFinding: true, facts: map[string]string{"robot": `project robot "ci" of project "shop"`}},
		{name: "Harbor system robot", in: Input{Registry: "harbor.example.com", Username: "robot$deployer", Secret: "Robot-Secret-0123456789abcdef"},
			id: "harbor-robot", noFinding: true, facts: map[string]string{"robot": "system robot"}},
		{name: "Harbor robot lost its $NAME", in: Input{Registry: "harbor.example.com", Username: "robot", Secret: "Robot-Secret-0123456789abcdef"},
			id: "harbor-robot", codes: []diagnose.Code{diagnose.HarborRobotNameMangled}, severity: diagnose.Error},
		{name: "Harbor robot lost its $PROJECT", in: Input{Registry: "harbor.example.com", Username: "robot+ci", Secret: "Robot-Secret-0123456789abcdef"},
			id: "harbor-robot", codes: []diagnose.Code{diagnose.HarborRobotNameMangled}, severity: diagnose.Error},
		{name: "Harbor robot lost its $ alone", in: Input{Registry: "harbor.example.com", Username: "robotshop+ci", Secret: "Robot-Secret-0123456789abcdef"},
			id: "harbor-robot", codes: []diagnose.Code{diagnose.HarborRobotNameMangled}, severity: diagnose.Warning},
		{name: "Quay robot named robot-something", in: Input{Registry: "quay.io", Username: "robotics+ci", Secret: "QUAYROBOTTOKEN0123456789"},
			id: "quay-robot", noFinding: true, facts: map[string]string{"robot": `robot "ci" of namespace "robotics"`}},
		{name: "Quay robot for GHCR", in: Input{Registry: "ghcr.io", Username: "acme+ci", Secret: "QUAYROBOTTOKEN0123456789"},
			id: "quay-robot", codes: []diagnose.Code{diagnose.CredentialWrongRegistry}},
		{name: "Zot API key", in: Input{Registry: "zot.example.com:5000", Username: "alice", Secret: token(t, "zak_")},
			id: "zot-api-key", noFinding: true},

		{name: "JWT password expired", in: Input{Registry: "registry.example.com", Username: "svc", Secret: signedJWT(t, jwt.MapClaims{"iss": "idp.example", "sub": "svc", "aud": "registry", "exp": past.Unix()})},
			id: "jwt", codes: []diagnose.Code{diagnose.CredentialExpired}, facts: map[string]string{"iss": "idp.example", "aud": "registry", "expires": "expired 3h ago"}},
		{name: "JWT registry token valid", in: Input{Registry: "registry.example.com", Secret: signedJWT(t, jwt.MapClaims{"iss": "idp.example", "exp": future.Unix()}), SecretType: "registrytoken"},
			id: "jwt", noFinding: true, titleHas: "registry token"},
		{name: "plain password", in: Input{Registry: "registry.example.com", Username: "alice", Secret: "correct horse battery"},
			id: "password", noFinding: true},
		{name: "opaque identity token", in: Input{Registry: "idp.example", Secret: "idtok-ABCDEF-123456", SecretType: "identitytoken"},
			id: "token", noFinding: true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.in.Now = testNow
			k := Classify(c.in)
			if k == nil {
				t.Fatal("no kind")
			}
			if k.ID != c.id {
				t.Errorf("id = %q, want %q (%s)", k.ID, c.id, k.Title)
			}
			var got []diagnose.Code
			for _, d := range k.Findings {
				got = append(got, d.Code)
				if !strings.HasPrefix(d.Message, "the credential for ") {
					t.Errorf("a finding should say which credential: %q", d.Message)
				}
			}
			if c.noFinding && len(got) > 0 {
				t.Errorf("want no findings, got %v: %+v", got, k.Findings)
			}
			for _, w := range c.codes {
				if !hasCode(k.Findings, w) {
					t.Errorf("want %s, got %v", w, got)
				}
			}
			if c.severity != "" && len(k.Findings) > 0 && k.Findings[0].Severity != c.severity {
				t.Errorf("severity = %s, want %s", k.Findings[0].Severity, c.severity)
			}
			for name, want := range c.facts {
				if v := k.Fact(name); !strings.Contains(v, want) {
					t.Errorf("fact %s = %q, want it to contain %q (facts: %+v)", name, v, want, k.Facts)
				}
			}
			if c.titleHas != "" && !strings.Contains(k.Title, c.titleHas) {
				t.Errorf("title %q should contain %q", k.Title, c.titleHas)
			}
			if o, bad := leaks(k, c.in.Secret); bad {
				t.Errorf("the secret shows in %q", o)
			}
		})
	}
}

func hasCode(ds []diagnose.Diagnosis, c diagnose.Code) bool {
	for _, d := range ds {
		if d.Code == c {
			return true
		}
	}
	return false
}

func TestClassifyExpiryTimes(t *testing.T) {
	exp := testNow.Add(-3 * time.Hour)
	k := Classify(Input{Registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", Username: "AWS", Secret: ecrPassword(t, exp), Now: testNow})
	if k.Expires == nil || !k.Expires.Equal(exp) {
		t.Fatalf("Expires = %v, want %v", k.Expires, exp)
	}
	if want := "2026-12-02T09:00:00Z (expired 3h ago)"; k.Fact("expires") != want {
		t.Errorf("expires fact = %q, want %q", k.Fact("expires"), want)
	}
	// Milliseconds, as some tools write them, are read as such.
	k = Classify(Input{Registry: "123456789012.dkr.ecr.us-east-1.amazonaws.com", Username: "AWS", Now: testNow,
		Secret: base64.StdEncoding.EncodeToString([]byte(`{"payload":"x","datakey":"y","expiration":` + strconv.FormatInt(testNow.Add(time.Hour).UnixMilli(), 10) + `}`))})
	if k.Expires == nil || !k.Expires.Equal(testNow.Add(time.Hour)) {
		t.Errorf("milliseconds: Expires = %v", k.Expires)
	}
	if Classify(Input{Registry: "r"}) != nil {
		t.Error("no secret, no kind")
	}
}

func TestClassifyWhere(t *testing.T) {
	k := Classify(Input{Registry: "ghcr.io", Username: "o", Secret: token(t, "github_pat_"), Where: `auths["ghcr.io"] in /tmp/c.json`, Now: testNow})
	if len(k.Findings) != 1 || !strings.HasPrefix(k.Findings[0].Message, `auths["ghcr.io"] in /tmp/c.json: `) {
		t.Errorf("findings should start with Where: %+v", k.Findings)
	}
}

func TestParseHost(t *testing.T) {
	cases := []struct {
		in      string
		fam     family
		account string
	}{
		{"https://index.docker.io/v1/", famHub, ""},
		{"registry-1.docker.io:443", famHub, ""},
		{"GHCR.IO", famGHCR, ""},
		{"123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn", famECR, "123456789012"},
		{"123456789012.dkr.ecr-fips.us-east-1.amazonaws.com", famECR, "123456789012"},
		{"12345678901.dkr.ecr.us-east-1.amazonaws.com", "", ""},
		{"europe-west1-docker.pkg.dev/proj/repo", famGoogle, ""},
		{"eu.gcr.io", famGoogle, ""},
		{"shop.azurecr.io", famACR, ""},
		{"gitlab.example.com", famGitLab, ""},
		{"registry.example.com", "", ""},
		{"gitlab", "", ""},
	}
	for _, c := range cases {
		h := parseHost(c.in)
		if h.family != c.fam || h.account != c.account {
			t.Errorf("%s: family %q account %q, want %q %q", c.in, h.family, h.account, c.fam, c.account)
		}
	}
}

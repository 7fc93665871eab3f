package flavour

import (
	"strings"
	"sync"

	"github.com/regauth/regauth/internal/diagnose"
)

// hint adds a flavour's specifics to the hint of the diagnoses with one of
// codes (text names the flavour itself, so the hint reads on its own); when, if set, must also hold (a body text, a derived fact, or
// inMessage: the diagnosis' own message).
type hint struct {
	flavour string
	codes   []diagnose.Code
	when    signal
	text    string
}

// finding is a diagnosis of its own that a flavour's evidence calls for:
// a known behaviour that looks like a fault, or a fault that looks like
// another.
type finding struct {
	flavour string
	when    signal
	code    diagnose.Code
	message string
}

// inMessage matches a hint's when against the diagnosis message.
const inMessage where = 100

var (
	hintsOnce sync.Once
	hintTable []hint
	findTable []finding
)

func hints() ([]hint, []finding) {
	hintsOnce.Do(func() { hintTable, findTable = buildHints() })
	return hintTable, findTable
}

func buildHints() ([]hint, []finding) {
	remote := signal{in: inBody, op: contains, val: "configured for remote docker repository"}
	missingOrPrivate := []diagnose.Code{diagnose.InsufficientScope, diagnose.AccessDenied, diagnose.RepositoryNotFound, diagnose.NoCredentials}
	postFallback := []diagnose.Code{diagnose.OAuthFallback, diagnose.TokenPOSTRefused}
	hs := []hint{
		{flavour: "dockerhub", codes: missingOrPrivate, text: "Docker Hub answers a missing repository and a private one alike (401 insufficient_scope): check the name (official images are library/NAME), then log in with an account that may pull it."},
		{flavour: "dockerhub", codes: []diagnose.Code{diagnose.BadCredentials}, text: "Docker Hub: with 2FA or SSO on, the password is refused: log in with a personal access token (dckr_pat_…); an organization access token takes the organization's name as username."},
		{flavour: "dockerhub", codes: []diagnose.Code{diagnose.RateLimited}, text: "Docker Hub: anonymous pulls count per IP address; logging in gives the account's limit (read the window from ratelimit-remaining's w=)."},

		{flavour: "ghcr", codes: missingOrPrivate, text: "GHCR answers a missing package and a private one alike (401, or 403 denied from /token): check OWNER/NAME, then log in with an account that may read the package."},
		{flavour: "ghcr", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.AccessDenied, diagnose.TokenRejected}, text: "GHCR takes a classic personal access token (ghp_…) with read:packages (write:packages to push); a fine-grained one (github_pat_…) is refused with \"does not match expected scopes\"; in Actions, GITHUB_TOKEN with permissions packages: write."},

		{flavour: "gitlab", codes: []diagnose.Code{diagnose.InsufficientScope, diagnose.PushDenied, diagnose.AccessDenied}, text: "GitLab cuts the grant down silently to what the user may do: the token is issued and the request fails; give the user or token read_registry (write_registry to push), and check the project path."},
		{flavour: "gitlab", codes: []diagnose.Code{diagnose.TokenExpiresDuringUpload, diagnose.TokenShortLived, diagnose.TokenExpired, diagnose.RepeatedUnauthorized}, text: "GitLab's registry tokens live 5 min on self-managed instances and 15 min on gitlab.com, so a long push fails half-way with \"authentication required\"; an administrator can raise the container registry token expiry."},
		{flavour: "gitlab", codes: []diagnose.Code{diagnose.BadCredentials}, text: "GitLab: with 2FA on, a password is refused (\"HTTP Basic: Access denied\"): use a personal, project, group or deploy token with read_registry; in CI, gitlab-ci-token and $CI_JOB_TOKEN."},
		{flavour: "gitlab", codes: []diagnose.Code{diagnose.RealmOtherHost}, text: "GitLab: expected; its token realm (/jwt/auth) is the GitLab host, not the registry's; clients look credentials up by the registry host."},

		{flavour: "ecr", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.NoCredentials, diagnose.AccessDenied}, text: "ECR takes username AWS and the password of `aws ecr get-login-password --region REGION` (valid 12 h, and no longer than the role session that made it); the token is bound to one account and region, which the host must name."},
		{flavour: "ecr", codes: []diagnose.Code{diagnose.AccessDenied}, when: signal{in: inBody, op: contains, val: "ecr:"}, text: "ECR: the IAM identity lacks the ecr: action the error names: add it to the identity's policy (across accounts, also to the repository policy)."},
		{flavour: "ecr", codes: []diagnose.Code{diagnose.RepositoryNotFound}, text: "ECR does not create a repository on push: create it first (aws ecr create-repository)."},

		{flavour: "ecr-public", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.NoCredentials, diagnose.TokenEndpointError, diagnose.AccessDenied}, text: "ECR Public logs in with `aws ecr-public get-login-password --region us-east-1 | docker login -u AWS --password-stdin public.ecr.aws` (always us-east-1; a private `aws ecr` token gets 400); the role needs sts:GetServiceBearerToken."},
		{flavour: "ecr-public", codes: []diagnose.Code{diagnose.RateLimited}, text: "ECR Public: anonymous pulls are limited to 1 per second, logged-in ones to 10."},

		{flavour: "gcr", codes: postFallback, text: "GCR is known to answer the OAuth2 POST with 404 (an HTML page): clients fall back to GET, so this is expected, not an auth failure."},
		{flavour: "gcr", codes: []diagnose.Code{diagnose.AccessDenied, diagnose.InsufficientScope, diagnose.RepositoryNotFound}, text: "Artifact Registry answers a missing repository and a missing permission alike (\"downloadArtifacts denied … (or it may not exist)\"): check LOCATION-docker.pkg.dev/PROJECT/REPOSITORY/IMAGE, then the identity's Artifact Registry Reader role."},
		{flavour: "gcr", codes: []diagnose.Code{diagnose.BadCredentials}, text: "Google: use username oauth2accesstoken with `gcloud auth print-access-token` (short-lived), or _json_key with a service-account key."},

		{flavour: "acr", codes: postFallback, text: "ACR is known to answer the password-grant POST with 400: clients fall back to GET, so this is expected."},
		{flavour: "acr", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.TokenRejected, diagnose.RepeatedUnauthorized, diagnose.InsufficientScope, diagnose.AccessDenied, diagnose.PushDenied}, text: "ACR: the token of `az acr login` lasts 3 h (log in again); if login works but pull or push does not, the identity lacks AcrPull or AcrPush on the registry."},

		{flavour: "quay", codes: []diagnose.Code{diagnose.InsufficientScope, diagnose.PushDenied, diagnose.AccessDenied}, text: "Quay cuts the grant down silently to what the user or robot may do, and the request then fails 401: give the user or robot (ORG+NAME) read (write to push) on the repository."},
		{flavour: "quay", codes: []diagnose.Code{diagnose.BadCredentials}, text: "Quay: use the account's generated CLI password, or a robot account (ORG+NAME) with its token."},

		{flavour: "harbor", codes: []diagnose.Code{diagnose.InsufficientScope, diagnose.AccessDenied, diagnose.PushDenied}, text: "Harbor issues a token with empty actions and then answers \"unauthorized to access repository: P/R, action: pull\" when the user is no member of the project, the project is private, the path lacks the project (PROJECT/REPO), or the reference and the login differ in :443."},
		{flavour: "harbor", codes: []diagnose.Code{diagnose.BadCredentials}, text: "Harbor: a robot account is named robot$NAME or robot$PROJECT+NAME (the prefix is configurable): quote the name so the shell keeps the $."},

		{flavour: "artifactory", codes: postFallback, text: "Artifactory is known to answer the OAuth2 POST with 401: clients fall back to GET, so this is expected."},
		{flavour: "artifactory", codes: []diagnose.Code{diagnose.BadCredentials}, text: "Artifactory: an access token goes as the password of the username it was created for."},
		{flavour: "artifactory", codes: []diagnose.Code{diagnose.TokenRejected, diagnose.RepeatedUnauthorized, diagnose.ManifestError, diagnose.AccessDenied, diagnose.BadCredentials, diagnose.InsufficientScope}, when: remote, text: "Artifactory: \"Invalid username/password configured for Remote Docker repository\" is about the remote repository's credentials for its upstream, not yours: an Artifactory administrator must fix them."},

		{flavour: "nexus", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.NoCredentials, diagnose.NoChallenge, diagnose.InsufficientScope}, text: "Nexus needs the Docker Bearer Token Realm active (Security > Realms) and forceBasicAuth off on the repository; anonymous pulls also need \"Allow anonymous docker pull\" and the built-in user named anonymous."},

		{flavour: "zot", codes: []diagnose.Code{diagnose.BadCredentials, diagnose.Timeout}, text: "zot: an API key (zak_…) works only with its owner's username and until it expires; zot delays every failed login (failDelay), so a slow 401 is not a network problem."},

		{flavour: "distribution", codes: []diagnose.Code{diagnose.TokenRejected}, text: "the distribution registry's log names the check that failed: the signing key (auth.token.rootcertbundle or jwks), issuer, service or expiry."},
	}
	fs := []finding{
		{flavour: "acr", when: signal{in: inFact, val: factErrorUnprompted}, code: diagnose.FlavourExpected,
			message: "the first 401 carried error=\"invalid_token\" although no token had been sent: ACR answers every unauthenticated request so, and it does not mean a bad token"},
		{flavour: "artifactory", when: remote, code: diagnose.UpstreamCredentials,
			message: "Artifactory answered \"Invalid username/password configured for Remote Docker repository\": the remote repository's credentials for its upstream registry are wrong, not the ones this client sent"},
	}
	return hs, fs
}

// Apply adds m's specifics to the hints of ds and the findings the
// evidence calls for, and returns the new list (ds is not changed).
func Apply(m Match, ev Evidence, ds []diagnose.Diagnosis) []diagnose.Diagnosis {
	out := append([]diagnose.Diagnosis(nil), ds...)
	if !m.Known() {
		return out
	}
	hs, fs := hints()
	v := newView(ev)
	var found []diagnose.Diagnosis
	for _, f := range fs {
		if f.flavour != m.ID || !v.holds(f.when) || hasCode(out, f.code) {
			continue
		}
		found = append(found, diagnose.New(f.code, f.message, ""))
	}
	// A finding names the real cause: it goes before what the engine
	// guessed (sorting by severity keeps this order).
	out = append(found, out...)
	for i := range out {
		d := &out[i]
		for _, h := range hs {
			if h.flavour != m.ID || !hasAny(h.codes, d.Code) || strings.Contains(d.Hint, h.text) {
				continue
			}
			switch h.when.in {
			case 0:
			case inMessage:
				if !compare(h.when.op, d.Message, h.when.val) {
					continue
				}
			default:
				if !v.holds(h.when) {
					continue
				}
			}
			d.Hint = strings.TrimSpace(d.Hint + " " + h.text)
		}
	}
	return out
}

func hasCode(ds []diagnose.Diagnosis, c diagnose.Code) bool {
	for _, d := range ds {
		if d.Code == c {
			return true
		}
	}
	return false
}

func hasAny(cs []diagnose.Code, c diagnose.Code) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

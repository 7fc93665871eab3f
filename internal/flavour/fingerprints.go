package flavour

import "sync"

// fingerprint is what identifies one flavour. A fallback flavour is named
// only when no other reaches minScore.
type fingerprint struct {
	id, name string
	signals  []signal
	fallback bool
	// fallbackWhy is added to a fallback's Why ("no vendor headers").
	fallbackWhy string
}

var (
	tableOnce sync.Once
	table     []fingerprint
)

// fingerprints is the table, built on first use (not at init: regauth's
// start-up stays cheap). Sources: /work/shared/reference/registry-flavours.md
// (the research notes); points it marks unconfirmed count as weak.
func fingerprints() []fingerprint {
	tableOnce.Do(func() { table = buildTable() })
	return table
}

func buildTable() []fingerprint {
	return []fingerprint{
		{id: "dockerhub", name: "Docker Hub", signals: []signal{
			{inRealmHost, "", equal, "auth.docker.io", strong, "realm auth.docker.io"},
			{inService, "", equal, "registry.docker.io", strong, "service registry.docker.io"},
			{inIssuer, "", equal, "auth.docker.io", strong, "token issuer auth.docker.io"},
			{inHeader, "Docker-Ratelimit-Source", present, "", fair, "docker-ratelimit-source header"},
			{inHeader, "Ratelimit-Limit", present, "", weak, "ratelimit-limit header"},
			{inHost, "", equal, "docker.io", fair, "host *.docker.io"},
			{inHost, "", suffix, ".docker.io", fair, "host *.docker.io"},
			{inRealmPath, "", equal, "/token", weak, "realm /token"},
		}},
		{id: "ghcr", name: "GitHub Container Registry", signals: []signal{
			{inService, "", equal, "ghcr.io", strong, "service ghcr.io"},
			{inHeader, "X-Github-Request-Id", present, "", strong, "x-github-request-id header"},
			// GHCR's tokens are base64 "v1:<owner>/<repo>:<n>", not JWTs.
			{inToken, "", prefix, "djE6", fair, "an opaque v1: token (not a JWT)"},
			{inRealmHost, "", equal, "ghcr.io", strong, "realm ghcr.io"},
			{inHost, "", equal, "ghcr.io", fair, "host ghcr.io"},
			{inRealmPath, "", equal, "/token", weak, "realm /token"},
			{inBody, "", contains, "permission_denied: the token provided does not match expected scopes", fair, "GHCR's permission_denied text"},
		}},
		{id: "gitlab", name: "GitLab container registry", signals: []signal{
			{inRealmPath, "", equal, "/jwt/auth", strong, "realm /jwt/auth"},
			{inService, "", equal, "container_registry", strong, "service container_registry"},
			{inIssuer, "", contains, "gitlab-issuer", strong, "token issuer gitlab-issuer"},
			{inBody, "", contains, "http basic: access denied", fair, "GitLab's \"HTTP Basic: Access denied\""},
			{inHost, "", equal, "registry.gitlab.com", fair, "host registry.gitlab.com"},
			{inFact, "", equal, factRealmOtherHost, weak, "realm on the GitLab host"},
		}},
		{id: "ecr", name: "Amazon ECR", signals: []signal{
			{inService, "", equal, "ecr.amazonaws.com", strong, "service ecr.amazonaws.com"},
			{inBasicRealm, "", contains, ".dkr.ecr.", fair, "Basic realm on *.dkr.ecr.*"},
			{inHost, "", contains, ".dkr.ecr.", strong, "host *.dkr.ecr.*.amazonaws.com"},
			{inBody, "", equal, "not authorized", weak, "body \"Not Authorized\""},
			{inBody, "", contains, "your authorization token has expired", fair, "ECR's expired-token text"},
			{inBody, "", contains, "is not authorized to perform: ecr:", fair, "an IAM ecr: denial"},
		}},
		{id: "ecr-public", name: "Amazon ECR Public", signals: []signal{
			{inService, "", equal, "public.ecr.aws", strong, "service public.ecr.aws"},
			{inScope, "", equal, "aws", fair, "scope \"aws\""},
			{inRealmHost, "", equal, "public.ecr.aws", strong, "realm public.ecr.aws"},
			{inRealmPath, "", equal, "/token/", weak, "realm /token/"},
			{inHost, "", equal, "public.ecr.aws", fair, "host public.ecr.aws"},
		}},
		{id: "gcr", name: "Google Artifact Registry / GCR", signals: []signal{
			{inHeader, "Server", equal, "Docker Registry", fair, "Server: Docker Registry"},
			{inHost, "", equal, "gcr.io", strong, "host *gcr.io"},
			{inHost, "", suffix, ".gcr.io", strong, "host *gcr.io"},
			{inHost, "", suffix, "-docker.pkg.dev", strong, "host *-docker.pkg.dev"},
			{inRealmHost, "", suffix, "-docker.pkg.dev", fair, "realm on *-docker.pkg.dev"},
			{inRealmHost, "", equal, "gcr.io", fair, "realm on *gcr.io"},
			{inRealmHost, "", suffix, ".gcr.io", fair, "realm on *gcr.io"},
			{inRealmPath, "", equal, "/v2/token", weak, "realm /v2/token"},
			{inFact, "", equal, factBearerNoService, weak, "a Bearer challenge without service"},
			{inBody, "", contains, "artifactregistry.", fair, "an artifactregistry permission in the error"},
			{inBody, "", contains, "cloud.google.com/container-registry", fair, "GCR's error text"},
		}},
		{id: "acr", name: "Azure Container Registry", signals: []signal{
			{inRealmPath, "", equal, "/oauth2/token", fair, "realm /oauth2/token"},
			{inHeader, "X-Ms-Correlation-Request-Id", present, "", strong, "x-ms-correlation-request-id header"},
			{inBody, "", contains, "aka.ms/acr", strong, "aka.ms/acr in the error"},
			{inIssuer, "", equal, "Azure Container Registry", strong, "token issuer Azure Container Registry"},
			{inHost, "", suffix, ".azurecr.io", strong, "host *.azurecr.io"},
			{inFact, "", equal, factErrorUnprompted, fair, "error=\"invalid_token\" before any token was sent"},
			{inHeader, "Server", equal, "openresty", weak, "Server: openresty"},
		}},
		{id: "quay", name: "Quay", signals: []signal{
			{inRealmPath, "", equal, "/v2/auth", strong, "realm /v2/auth"},
			// Quay's /v2/ 401 body is text/html "true".
			{inBody, "", equal, "true", fair, "a 401 body of \"true\""},
			{inHost, "", equal, "quay.io", strong, "host quay.io"},
			{inBody, "", contains, "invalid bearer token format", fair, "Quay's \"Invalid bearer token format\""},
			{inBody, "", contains, "unable to decode repository and actions", fair, "Quay's scope error"},
		}},
		{id: "harbor", name: "Harbor", signals: []signal{
			{inService, "", equal, "harbor-registry", strong, "service harbor-registry"},
			{inService, "", equal, "token-service", fair, "service token-service (Harbor 1.x)"},
			{inRealmPath, "", equal, "/service/token", strong, "realm /service/token"},
			{inIssuer, "", equal, "harbor-token-issuer", strong, "token issuer harbor-token-issuer"},
			{inBody, "", contains, "unauthorized to access repository", fair, "Harbor's \"unauthorized to access repository\""},
			{inHeader, "Set-Cookie", prefix, "sid=", weak, "a sid cookie"},
		}},
		{id: "artifactory", name: "JFrog Artifactory", signals: []signal{
			{inHeader, "Server", prefix, "Artifactory/", strong, "Server: Artifactory"},
			{inHeader, "X-Jfrog-Version", present, "", strong, "x-jfrog-version header"},
			{inHeader, "X-Artifactory-Id", present, "", strong, "x-artifactory-id header"},
			{inRealmPath, "", contains, "/artifactory/api/docker/", strong, "realm /artifactory/api/docker/…"},
			{inService, "", equal, "artifactory", fair, "service artifactory"},
			{inBody, "", contains, "configured for remote docker repository", fair, "Artifactory's remote-repository error"},
			{inBody, "", contains, `"errors":[{"status":`, fair, "errors with status instead of code"},
		}},
		{id: "nexus", name: "Sonatype Nexus Repository", signals: []signal{
			{inHeader, "Server", prefix, "Nexus/", strong, "Server: Nexus"},
			{inBasicRealm, "", equal, "Sonatype Nexus Repository Manager", strong, "Basic realm Sonatype Nexus Repository Manager"},
			{inFact, "", equal, factServiceIsRealm, fair, "service is the realm URL"},
			{inRealmPath, "", prefix, "/repository/", fair, "realm /repository/…/v2/token"},
			{inToken, "", prefix, "DockerToken.", strong, "a DockerToken. token"},
		}},
		{id: "zot", name: "Zot", signals: []signal{
			{inBasicRealm, "", equal, "Authorization Required", fair, "Basic realm \"Authorization Required\" (zot's default)"},
			{inBasicRealm, "", contains, "zot", fair, "Basic realm naming zot"},
			{inHeader, "Server", contains, "zot", strong, "Server: zot"},
		}},
		// The CNCF distribution registry is what answers when nothing more
		// specific does: it has no vendor headers of its own.
		{id: "distribution", name: "CNCF distribution registry", fallback: true, fallbackWhy: "no vendor headers", signals: []signal{
			{inHeader, "Docker-Distribution-Api-Version", equal, "registry/2.0", weak, "Docker-Distribution-Api-Version registry/2.0"},
			{inRealmPath, "", equal, "/auth/token", weak, "realm /auth/token"},
			{inBody, "", contains, `"code":"unauthorized","message":"authentication required"`, weak, "distribution's UNAUTHORIZED body"},
		}},
	}
}

package diagnose

import "sync"

// Code names a diagnosis. Every code is in the catalogue below and in
// docs/diagnoses.md; a test holds the two together.
type Code string

// Entry is the catalogue's record of a code: how bad it is by default and the
// hint shown when a rule gives none of its own.
type Entry struct {
	Code     Code
	Severity Severity
	Title    string
	Hint     string
}

const (
	// Config file findings (decode-config).
	PlaintextPassword     Code = "PLAINTEXT_PASSWORD"
	InvalidAuthEncoding   Code = "INVALID_AUTH_ENCODING"
	LegacyDockercfg       Code = "LEGACY_DOCKERCFG"
	UnknownConfigKey      Code = "UNKNOWN_CONFIG_KEY"
	EmptyAuthEntry        Code = "EMPTY_AUTH_ENTRY"
	IdentityTokenStored   Code = "IDENTITY_TOKEN"
	HubKeyNotUsed         Code = "HUB_KEY_NOT_USED"
	ShadowedCredentials   Code = "SHADOWED_CREDENTIALS"
	CredentialHelperError Code = "CREDENTIAL_HELPER_FAILED"

	// Token findings (inspect-token, login-trace, pull-trace).
	TokenExpired      Code = "TOKEN_EXPIRED"
	ClockSkew         Code = "CLOCK_SKEW"
	TokenShortLived   Code = "TOKEN_SHORT_LIVED"
	TokenActionClaim  Code = "TOKEN_ACTION_CLAIM"
	TokenScopeClaim   Code = "TOKEN_SCOPE_CLAIM"
	TokenNameHasHost  Code = "TOKEN_NAME_HAS_HOST"
	TokenUnverified   Code = "SIGNATURE_NOT_VERIFIED"
	TokenBadSignature Code = "SIGNATURE_INVALID"
	TokenKeyIDUnknown Code = "KEY_ID_UNKNOWN"
	TokenIssuer       Code = "ISSUER_MISMATCH"
	TokenAudience     Code = "AUDIENCE_MISMATCH"

	// Handshake findings (login-trace, pull-trace, doctor).
	BadCredentials      Code = "BAD_CREDENTIALS"
	NoCredentials       Code = "NO_CREDENTIALS"
	NotARegistry        Code = "NOT_A_REGISTRY"
	RealmUnreachable    Code = "REALM_UNREACHABLE"
	RealmPlainHTTP      Code = "REALM_PLAIN_HTTP"
	RealmOtherHost      Code = "REALM_OTHER_HOST"
	TokenEndpointError  Code = "TOKEN_ENDPOINT_ERROR"
	TokenMissing        Code = "TOKEN_MISSING"
	TokenRejected       Code = "TOKEN_REJECTED"
	ChallengeMisread    Code = "CHALLENGE_MISREAD"
	NoChallenge         Code = "NO_CHALLENGE"
	OpenRegistry        Code = "OPEN_REGISTRY"
	RegistryUnreachable Code = "REGISTRY_UNREACHABLE"
	MalformedResponse   Code = "MALFORMED_RESPONSE"
	UnrequestedEncoding Code = "UNREQUESTED_ENCODING"
	HTTPFallback        Code = "HTTP_FALLBACK"
	OAuthFallback       Code = "OAUTH_FALLBACK"
	// Client-specific findings (--client, compare).
	TokenPOSTRefused               Code = "TOKEN_POST_REFUSED"
	NoFallbackOn405WithoutUsername Code = "NO_FALLBACK_ON_405_WITHOUT_USERNAME"
	PingStatusRefused              Code = "PING_STATUS_REFUSED"
	RepeatedUnauthorized           Code = "REPEATED_UNAUTHORIZED"
	ClientDiverges                 Code = "CLIENT_DIVERGES"
	RealmBlocked                   Code = "REALM_BLOCKED"
	// Push findings (push-trace).
	PushDenied               Code = "PUSH_DENIED"
	PushWithoutPull          Code = "PUSH_WITHOUT_PULL"
	MountRefused             Code = "MOUNT_REFUSED"
	MountCrossHost           Code = "MOUNT_CROSS_HOST"
	UploadNotSupported       Code = "UPLOAD_NOT_SUPPORTED"
	UploadNotCancelled       Code = "UPLOAD_NOT_CANCELLED"
	TokenExpiresDuringUpload Code = "TOKEN_EXPIRES_DURING_UPLOAD"
	RealmMissing             Code = "REALM_MISSING"
	RealmInvalid             Code = "REALM_INVALID"

	// Transport findings (every command that talks to a registry).
	TLSUnknownAuthority Code = "TLS_UNKNOWN_AUTHORITY"
	TLSHostnameMismatch Code = "TLS_HOSTNAME_MISMATCH"
	TLSExpired          Code = "TLS_EXPIRED"
	TLSHandshake        Code = "TLS_HANDSHAKE_FAILED"
	HTTPResponseToHTTPS Code = "HTTP_RESPONSE_TO_HTTPS"
	HTTPRequestToHTTPS  Code = "HTTP_REQUEST_TO_HTTPS"
	Timeout             Code = "TIMEOUT"

	// API version findings (probe, login-trace --api v1).
	V1NotSupported Code = "V1_NOT_SUPPORTED"

	// Pull findings (pull-trace).
	InsufficientScope  Code = "INSUFFICIENT_SCOPE"
	RateLimited        Code = "RATE_LIMITED"
	RepositoryNotFound Code = "REPOSITORY_NOT_FOUND"
	ManifestNotFound   Code = "MANIFEST_NOT_FOUND"
	AccessDenied       Code = "ACCESS_DENIED"
	ManifestError      Code = "MANIFEST_ERROR"
	DigestMismatch     Code = "DIGEST_MISMATCH"
	BlobFetchFailed    Code = "BLOB_FETCH_FAILED"
	StaleCredentials   Code = "STALE_CREDENTIALS"
)

// catalogue is filled on first use, not at package init: most runs (a
// clean login, `version`) never look a code up, and start-up time counts.
var (
	catalogue     = map[Code]Entry{}
	catalogueOnce sync.Once
)

func add(code Code, sev Severity, title, hint string) {
	catalogue[code] = Entry{Code: code, Severity: sev, Title: title, Hint: hint}
}

func fill() {
	fillCredKind()
	fillFlavour()
	fillNode()
	fillRedirect()
	fillHosts()
	fillDaemon()
	fillCredProvider()
	add(PlaintextPassword, Warning, "a secret is stored in the config file",
		"Configure a credential helper (credsStore or credHelpers) and run docker login again so the secret leaves the file.")
	add(InvalidAuthEncoding, Error, "an auth value cannot be decoded",
		"The auth field must be base64 of \"user:password\" with a non-empty user; run docker login again or fix the entry by hand.")
	add(LegacyDockercfg, Warning, "the legacy ~/.dockercfg format",
		"Current Docker clients no longer read ~/.dockercfg; run docker login to write ~/.docker/config.json.")
	add(UnknownConfigKey, Warning, "a key the Docker client does not know",
		"Docker ignores unknown keys silently; rename it to the key it was meant to be.")
	add(EmptyAuthEntry, Warning, "an auths entry with no credentials and no helper",
		"The entry holds nothing; with a credsStore it is a marker, without one it means the login was lost. Run docker login again.")
	add(IdentityTokenStored, Info, "an identity (OAuth refresh) token is stored",
		"The client exchanges it at the token service with an OAuth2 POST (grant_type=refresh_token); it is not a password.")
	add(HubKeyNotUsed, Warning, "a Docker Hub key the Docker CLI does not use",
		"The Docker CLI looks up Docker Hub credentials under https://index.docker.io/v1/; log in with plain `docker login` to store them there.")
	add(ShadowedCredentials, Info, "credentials shadowed by a source that wins",
		"Docker uses credHelpers first, then credsStore, then auths; remove the losing entry to avoid confusion.")
	add(CredentialHelperError, Error, "the credential helper failed",
		"Check that docker-credential-<name> is installed and on PATH, and that `docker-credential-<name> get` works for this host.")

	add(TokenExpired, Error, "the token has expired",
		"Request a new token; a client that caches tokens past exp is sent a 401 with error=\"invalid_token\".")
	add(ClockSkew, Warning, "clocks disagree",
		"Synchronise the clocks (NTP) of the client, the registry and the token service; the registry allows 60 s of leeway.")
	add(TokenShortLived, Warning, "the token lives less than 60 s",
		"Clients treat any expires_in under 60 s as 60 s and keep using the token; raise the token service's expiry.")
	add(TokenScopeClaim, Error, "the token's grants are in a scope claim, which registries ignore",
		"Issue the grants in the \"access\" claim ([{\"type\":\"repository\",\"name\":...,\"actions\":[...]}]); the space-separated \"scope\" claim of the 2014 draft (jlhawn:repository:samalba/my-app:push,pull) is read by no registry.")
	add(TokenActionClaim, Error, "the access entry uses \"action\" instead of \"actions\"",
		"The registry reads only \"actions\" (a list); fix the token service's claims.")
	add(TokenNameHasHost, Warning, "a repository name in the access list starts with a host",
		"Scopes name the repository without the registry host (library/alpine, not docker.io/library/alpine).")
	add(TokenUnverified, Info, "the signature was not verified",
		"Pass --cert (the registry's rootcertbundle), --key or --jwks to verify it.")
	add(TokenBadSignature, Error, "the signature does not verify",
		"The token was signed by a key other than the ones given; the registry's rootcertbundle must hold the token service's certificate.")
	add(TokenKeyIDUnknown, Error, "the token's kid matches none of the keys",
		"Registry 2.x wants the libtrust key ID, registry 3.x the RFC 7638 thumbprint (or a JWKS kid); make the token service emit the one your registry expects, or add x5c.")
	add(TokenIssuer, Error, "iss does not match the registry's issuer",
		"Set the token service's issuer and the registry's auth.token.issuer to the same string.")
	add(TokenAudience, Error, "aud does not match the registry's service",
		"Set the token service's audience and the registry's auth.token.service to the same string.")

	add(BadCredentials, Error, "the credentials were refused",
		"Check the username and password (or access token); for Docker Hub use your username, not your e-mail, and a personal access token if your organisation uses SSO.")
	add(NoCredentials, Error, "no credentials for this registry",
		"Run docker login for this host, or pass -u and --password-stdin.")
	add(NotARegistry, Error, "the address does not answer as a registry",
		"Point at the registry's API root (the host and port that answer /v2/), not a web UI or a proxy path.")
	add(RealmUnreachable, Error, "the token service cannot be reached",
		"The realm in the registry's challenge names a host or port this machine cannot reach; behind a proxy, fix the registry's external URL.")
	add(RealmPlainHTTP, Error, "the token service is plain http behind an https registry",
		"A TLS-terminating proxy that does not pass X-Forwarded-Proto, or Harbor's external_url set to http://, makes the realm http; fix it so passwords are not sent in clear. --allow-plain-http-realm sends them anyway.")
	add(RealmOtherHost, Info, "credentials go to another host",
		"The token service lives on another host than the registry; this is normal for Docker Hub and cloud registries.")
	add(TokenEndpointError, Error, "the token service answered with something that is not a token",
		"The realm URL is probably wrong (a proxy path, a UI page, a port); check the registry's auth.token.realm or external URL.")
	add(TokenMissing, Error, "the token reply holds no token",
		"The token service must return a non-empty token or access_token; check its logs.")
	add(TokenRejected, Error, "the registry rejected the token",
		"The registry and token service disagree: the signing certificate must be in the registry's rootcertbundle, iss and aud must match its issuer and service, and clocks must agree.")
	add(ChallengeMisread, Warning, "the Docker engine reads the challenge differently",
		"Quote every parameter value in WWW-Authenticate and send one challenge per header line.")
	add(NoChallenge, Error, "a 401 with no usable challenge",
		"The registry answered 401 without a Bearer or Basic WWW-Authenticate header Docker can use; check the proxy in front of it.")
	add(OpenRegistry, Warning, "the registry answers /v2/ without authentication",
		"docker login succeeds with any password here; if the registry should require authentication, check its auth configuration or the proxy in front of it.")
	add(UnrequestedEncoding, Info, "a body in an encoding the client did not ask for",
		"Have the server (or the proxy in front of it) compress only when the request's Accept-Encoding names the encoding; clients that cannot decode it read the body as garbage.")
	add(MalformedResponse, Error, "the server's answer is not valid HTTP",
		"Something between the client and the registry (a proxy, a load balancer, a service on the wrong port) answers with a broken status line or header; no HTTP client accepts it. Check what listens on that address.")
	add(RegistryUnreachable, Error, "the registry cannot be reached",
		"Check the host name, port, DNS and any firewall or proxy between here and the registry.")
	add(HTTPFallback, Info, "fell back to plain http",
		"Docker falls back to http only for insecure registries (loopback always counts); serve TLS or list the host in insecure-registries.")
	add(OAuthFallback, Info, "the OAuth2 POST was refused; GET was used",
		"containerd falls back to GET on 400, 401, 404 and 405; the Docker engine never sends the POST unless it holds an identity token.")
	add(TokenPOSTRefused, Error, "the token service refuses the OAuth2 POST and this client does not fall back to GET",
		"Have the token service (or the proxy in front of it) accept POST on the realm, or answer it with 404, 401 or 400 so containerd falls back to GET; Docker's classic store and podman use GET and are not affected.")
	add(NoFallbackOn405WithoutUsername, Error, "405 on the identity-token POST: containerd falls back to GET only with a username",
		"Store a username and password instead of an identity token (docker login with --password-stdin against this registry), or make the token service accept POST.")
	add(PingStatusRefused, Error, "the client accepts only 200 or 401 from GET /v2/",
		"containers/image (podman, skopeo, cri-o) stops at any other answer to its ping; make /v2/ answer 200 or 401 (a proxy's redirect or 403 there breaks podman, not Docker).")
	add(RepeatedUnauthorized, Error, "the registry answered 401 again with the token the client holds",
		"containerd gives up after a second 401 with error= for the same request, or after a few 401s without one; check the token's access list and the registry's token settings.")
	add(RealmBlocked, Error, "the client refuses a token realm on a private or loopback address",
		"crane and oras refuse a realm whose host is a private, loopback or link-local address other than the registry's own (SSRF protection): serve the token service on the registry's host name, or a public one.")
	add(PushDenied, Error, "the token does not grant push on the repository",
		"Push to a namespace the account may write (a Harbor project where it is developer or maintainer, docker.io/USER/...), or give the account push there; a read-only token (Docker Hub PAT, GitLab deploy token with read_registry) never pushes.")
	add(PushWithoutPull, Error, "the token grants push without pull",
		"The distribution registry (and Harbor, GitLab, Docker Hub) authorise an upload with pull and push together: grant pull on the repository as well.")
	add(MountRefused, Error, "the cross-repository mount was refused",
		"The token must also grant pull on the source repository (the registry checks it before the mount); a plain upload of the blob works without it.")
	add(MountCrossHost, Error, "the mount source is on another registry",
		"A cross-repository mount works only within one registry; the client uploads the blob instead.")
	add(UploadNotSupported, Error, "the registry takes no uploads",
		"The upload POST answered 405 or 404: a read-only registry, a mirror or a pull-through cache; push to the registry itself.")
	add(UploadNotCancelled, Warning, "the upload session push-trace opened could not be cancelled",
		"It holds no data; the registry purges stale upload sessions (distribution: storage.maintenance.uploadpurging, by default after a week). Granting the delete action lets push-trace cancel it.")
	add(TokenExpiresDuringUpload, Warning, "the push token expires before the expected upload ends",
		"Raise the token service's token lifetime, or use a client that fetches a new token when the PUT gets 401.")
	add(ClientDiverges, Info, "the clients take different paths on the wire",
		"Compare the steps: the first difference is usually where one client succeeds and another fails.")
	add(RealmMissing, Error, "the Bearer challenge has no realm",
		"Send realm=\"https://...\" quoted in the Bearer challenge; an unquoted URL is cut to its scheme by the Docker engine.")
	add(RealmInvalid, Error, "the realm is not an absolute URL",
		"The realm must be an absolute http(s) URL; clients do not resolve a relative realm against the registry.")

	add(TLSUnknownAuthority, Error, "the certificate is signed by an unknown authority",
		"Trust the CA: Docker reads /etc/docker/certs.d/<host:port>/ca.crt, podman and skopeo /etc/containers/certs.d/<host:port>/, and both the system store; here pass --ca-file or --certs-dir.")
	add(TLSHostnameMismatch, Error, "the certificate does not name this host",
		"Use a name the certificate lists, or reissue the certificate with this name in its subjectAltName.")
	add(TLSExpired, Error, "a certificate has expired or is not yet valid",
		"Renew the certificate (or fix the clock if it is the clock that is wrong).")
	add(TLSHandshake, Error, "the TLS handshake failed",
		"Check the TLS versions and ciphers both sides allow, and any client certificate the registry requires (client.cert and client.key in certs.d).")
	add(HTTPResponseToHTTPS, Error, "the port speaks plain http, not https",
		"Either serve TLS, or list the registry in the daemon's insecure-registries (/etc/docker/daemon.json) and restart the daemon; here use --plain-http.")
	add(HTTPRequestToHTTPS, Error, "plain http was sent to a port that speaks https",
		"The port speaks https only: drop --plain-http (and http://), and remove the host from the daemon's insecure-registries if it is there only for this.")
	add(V1NotSupported, Error, "the registry has no v1 API",
		"The client speaks the registry v1 API, which this registry does not serve (Harbor's proxy answers every /v1/ path with 404; the distribution registry has no v1 API). Use a client that speaks v2: Docker 1.6 or later, podman, skopeo, crane.")
	add(InsufficientScope, Error, "the token does not grant the access the request needs",
		"The repository may not exist (many token services then grant nothing rather than say 404), the user may lack the role, or the name may be missing a namespace such as library/.")
	add(RateLimited, Error, "the pull rate limit is reached",
		"Wait for the limit's window to pass, log in (authenticated pulls have a higher limit), or pull through a mirror or pull-through cache.")
	add(RepositoryNotFound, Error, "the registry has no such repository",
		"Check the repository name, its namespace (project, organisation) and the registry host; the name is case-sensitive and lower-case.")
	add(ManifestNotFound, Error, "the repository has no such tag or digest",
		"Check the tag or digest (list the tags with `crane ls` or `skopeo list-tags`); it may have been deleted or never pushed.")
	add(AccessDenied, Error, "the registry refuses access to the repository",
		"The registry's own policy said no (403 DENIED): check the user's role or project membership, and any IP or policy restrictions on the repository.")
	add(ManifestError, Error, "the manifest request failed",
		"Read the registry's error text in the message; check the registry's logs for the request.")
	add(DigestMismatch, Error, "content does not match its digest",
		"A proxy or cache altered the content, or the registry's storage is corrupt; pull through another path or push the image again.")
	add(BlobFetchFailed, Error, "the config blob could not be fetched",
		"Check the registry's storage backend; a redirect target that refuses the request often rejects a stray Authorization header or an expired signature.")
	add(StaleCredentials, Error, "the stored credentials break a pull that works anonymously",
		"Log in again with a current password or token, or run docker logout for the host so public images pull anonymously.")
	add(Timeout, Error, "no answer in time",
		"The host accepted the connection or the name resolved but nothing answered within --timeout; check firewalls, proxies and the service itself.")
}

// Lookup returns the catalogue entry for code; an unknown code is an error
// with no hint.
func Lookup(code Code) Entry {
	catalogueOnce.Do(fill)
	if e, ok := catalogue[code]; ok {
		return e
	}
	return Entry{Code: code, Severity: Error}
}

// All returns every catalogued code.
func All() []Entry {
	catalogueOnce.Do(fill)
	out := make([]Entry, 0, len(catalogue))
	for _, e := range catalogue {
		out = append(out, e)
	}
	return out
}

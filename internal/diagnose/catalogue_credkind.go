package diagnose

// Credential kinds (decode-config, every trace's credentials line, doctor).
const (
	CredentialExpired          Code = "CREDENTIAL_EXPIRED"
	CredentialWrongRegistry    Code = "CREDENTIAL_WRONG_REGISTRY"
	CredentialWrongUsername    Code = "CREDENTIAL_WRONG_USERNAME"
	GHCRNeedsClassicPAT        Code = "GHCR_NEEDS_CLASSIC_PAT"
	ServiceAccountKeyMalformed Code = "SERVICE_ACCOUNT_KEY_MALFORMED"
	HarborRobotNameMangled     Code = "HARBOR_ROBOT_NAME_MANGLED"
	ECRTokenReused             Code = "ECR_TOKEN_REUSED"
	JobTokenStored             Code = "JOB_TOKEN_STORED"
)

// fillCredKind adds this area's entries; fill calls it.
func fillCredKind() {
	add(CredentialExpired, Error, "the stored credential has expired",
		"Mint a new one and log in again: `aws ecr get-login-password | docker login -u AWS --password-stdin HOST` for ECR, `az acr login -n NAME` for ACR, a new token from the issuer otherwise.")
	add(CredentialWrongRegistry, Error, "the secret belongs to another registry",
		"Store the credential this registry issues (its own token or password) under its host; a token from one registry is refused by every other.")
	add(CredentialWrongUsername, Error, "the username does not go with this kind of secret",
		"Log in with the username this kind of secret requires (AWS for ECR tokens, _json_key for a service-account key, the organisation's name for a Docker Hub organisation token, gitlab-ci-token for a GitLab job token).")
	add(GHCRNeedsClassicPAT, Error, "ghcr.io does not accept fine-grained personal access tokens",
		"Create a classic personal access token (ghp_) with read:packages (write:packages to push) and log in with it: `echo $TOKEN | docker login ghcr.io -u USER --password-stdin`.")
	add(ServiceAccountKeyMalformed, Error, "the service-account key is not a usable key file",
		"Store the key file exactly as Google issued it (`gcloud iam service-accounts keys create key.json ...`): `cat key.json | docker login -u _json_key --password-stdin HOST`, or base64 of it with -u _json_key_base64.")
	add(HarborRobotNameMangled, Error, "the Harbor robot account's name lost its $",
		"Quote the robot's name in single quotes so the shell keeps the $: docker login HOST -u 'robot$project+name'.")
	add(ECRTokenReused, Warning, "one ECR token is stored for several registries",
		"An ECR token is bound to the account and region it was requested for; request one per registry: `aws ecr get-login-password --region REGION` (add --registry-ids for another account).")
	add(JobTokenStored, Warning, "a CI job token is stored in a file",
		"A job token is valid only while its job runs; store a deploy token or a personal access token for anything that outlives the job.")
}

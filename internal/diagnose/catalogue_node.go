package diagnose

// Node configuration (Kubernetes Secrets, the kubelet, containerd hosts, daemon.json, registries.conf).

// Kubernetes pull Secrets (decode-config, pull-trace --pull-secret, doctor
// --pull-secret) and the kubelet's keyring (pull-trace --client kubelet).
const (
	SecretTypeMismatch      Code = "SECRET_TYPE_MISMATCH"
	SecretBadBase64         Code = "SECRET_BAD_BASE64"
	SecretNotDockerConfig   Code = "SECRET_NOT_DOCKER_CONFIG"
	SecretAuthMismatch      Code = "SECRET_AUTH_MISMATCH"
	SecretAuthInvalid       Code = "SECRET_AUTH_INVALID"
	SecretEmailOnly         Code = "SECRET_EMAIL_ONLY"
	SecretHubKey            Code = "SECRET_HUB_KEY"
	SecretHubKeyUnused      Code = "SECRET_HUB_KEY_UNUSED"
	SecretNotASecret        Code = "SECRET_NOT_A_SECRET"
	KeyringNoMatch          Code = "KEYRING_NO_MATCH"
	KeyringRefusedFirst     Code = "KEYRING_EARLIER_REFUSED"
	SecretGlobKey           Code = "SECRET_GLOB_KEY"
	NodeConfigHelperIgnored Code = "NODE_CONFIG_HELPER_IGNORED"
)

// fillNode adds this area's entries; fill calls it.
func fillNode() {
	add(SecretTypeMismatch, Error, "the Secret's type does not go with its key, so the kubelet ignores it",
		"Recreate it with kubectl create secret docker-registry NAME --docker-server=HOST --docker-username=USER --docker-password=..., which writes type kubernetes.io/dockerconfigjson with key .dockerconfigjson.")
	add(SecretBadBase64, Error, "a value under data is not base64",
		"Values under data must be standard base64 (base64 -w0 < file); put plain text under stringData instead.")
	add(SecretNotDockerConfig, Error, "the Secret's value is not a Docker config the kubelet can read",
		"A .dockerconfigjson value is a config.json: {\"auths\": {\"HOST\": {\"auth\": \"base64(user:password)\"}}}; kubectl create secret docker-registry writes it for you.")
	add(SecretAuthMismatch, Warning, "auth and username/password disagree; the kubelet uses auth",
		"Make auth base64 of the same user:password as the literal fields, or drop the fields you do not mean.")
	add(SecretAuthInvalid, Error, "an auth value the kubelet cannot parse breaks every pull of the pod",
		"auth must be base64 of user:password (printf 'user:password' | base64 -w0); recreate the Secret with kubectl create secret docker-registry.")
	add(SecretEmailOnly, Warning, "an entry with an email and no credentials",
		"Add username and password (or auth); the email is never sent to a registry.")
	add(SecretHubKey, Info, "how the kubelet files a Docker Hub key",
		"Nothing to fix if the pull works; a docker.io key matches Hub images directly, https://index.docker.io/v1/ only when nothing else matched.")
	add(SecretHubKeyUnused, Warning, "a Docker Hub key the kubelet never uses for Hub images",
		"Use --docker-server=https://index.docker.io/v1/ (kubectl's default) or docker.io for Docker Hub.")
	add(SecretNotASecret, Info, "an object in the file that is not a Secret",
		"Only Secrets carry pull credentials; the object is skipped.")
	add(SecretGlobKey, Info, "a pull Secret key that is a glob, which doctor cannot check",
		"Check an image it should match: regauth pull-trace HOST/IMAGE --client kubelet --pull-secret FILE.")
	add(NodeConfigHelperIgnored, Warning, "a node config names a credential helper the kubelet never runs",
		"Write the credentials into auths (docker login with no credsStore, on a copy), or configure a kubelet credential provider plugin for the registry.")
	add(KeyringNoMatch, Warning, "no credential matches the image, so the kubelet pulls anonymously",
		"Add a pull Secret whose registry key names the image's host (and port), as written in the image: kubectl create secret docker-registry NAME --docker-server=HOST.")
	add(KeyringRefusedFirst, Warning, "an earlier credential is refused and the kubelet only gets through with a later one",
		"Fix or remove the refused credential: every pull pays for its failed attempt, and a registry may lock the account out.")
}

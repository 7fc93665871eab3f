package diagnose

// Kubelet credential-provider plugins (pull-trace --client kubelet
// --credential-provider-config FILE --credential-provider-bin DIR).

// The config file, as the kubelet reads and validates it at start-up
// (pkg/credentialprovider/plugin/config.go): any error here stops the
// kubelet from starting at all.
const (
	CredProviderConfigVersion   Code = "CREDPROVIDER_CONFIG_VERSION"
	CredProviderConfigOld       Code = "CREDPROVIDER_CONFIG_OLD_VERSION"
	CredProviderUnknownField    Code = "CREDPROVIDER_UNKNOWN_FIELD"
	CredProviderNoProviders     Code = "CREDPROVIDER_NO_PROVIDERS"
	CredProviderBadName         Code = "CREDPROVIDER_BAD_NAME"
	CredProviderAPIVersion      Code = "CREDPROVIDER_API_VERSION"
	CredProviderNoMatchImages   Code = "CREDPROVIDER_NO_MATCH_IMAGES"
	CredProviderBadMatchImage   Code = "CREDPROVIDER_BAD_MATCH_IMAGE"
	CredProviderBadDuration     Code = "CREDPROVIDER_BAD_CACHE_DURATION"
	CredProviderTokenAttributes Code = "CREDPROVIDER_TOKEN_ATTRIBUTES"
)

// The plugin and its run (pkg/credentialprovider/plugin/plugin.go).
const (
	CredProviderBinDirMissing   Code = "CREDPROVIDER_BIN_DIR_MISSING"
	CredProviderPluginMissing   Code = "CREDPROVIDER_PLUGIN_MISSING"
	CredProviderNotExecutable   Code = "CREDPROVIDER_PLUGIN_NOT_EXECUTABLE"
	CredProviderNoMatch         Code = "CREDPROVIDER_NO_MATCH"
	CredProviderPluginFailed    Code = "CREDPROVIDER_PLUGIN_FAILED"
	CredProviderTimeout         Code = "CREDPROVIDER_PLUGIN_TIMEOUT"
	CredProviderResponseVersion Code = "CREDPROVIDER_RESPONSE_API_VERSION"
	CredProviderResponseInvalid Code = "CREDPROVIDER_RESPONSE_INVALID"
	CredProviderCacheKeyType    Code = "CREDPROVIDER_CACHE_KEY_TYPE"
	CredProviderNoAuthMatch     Code = "CREDPROVIDER_AUTH_NO_MATCH"
)

// fillCredProvider adds this area's entries; fill calls it.
func fillCredProvider() {
	add(CredProviderConfigVersion, Error, "the file is not a CredentialProviderConfig the kubelet reads",
		"Start the file with apiVersion: kubelet.config.k8s.io/v1 and kind: CredentialProviderConfig.")
	add(CredProviderConfigOld, Info, "the config uses an older apiVersion",
		"kubelet.config.k8s.io/v1 is the stable version since Kubernetes 1.26; the older ones are still read.")
	add(CredProviderUnknownField, Error, "a field the kubelet does not know: its strict decoder refuses the file",
		"Check the spelling and case of the field (matchImages, defaultCacheDuration, apiVersion, args, env); the kubelet does not start with an unknown field.")
	add(CredProviderNoProviders, Error, "the config lists no providers",
		"Add at least one entry under providers, or drop --image-credential-provider-config from the kubelet.")
	add(CredProviderBadName, Error, "a provider name the kubelet refuses",
		"name is the plugin's file name in the bin dir: no '/', no spaces, not '.' or '..', and each name once.")
	add(CredProviderAPIVersion, Error, "the provider's apiVersion is not a credential-provider API version",
		"Set the provider's apiVersion to credentialprovider.kubelet.k8s.io/v1 (or the version the plugin speaks: v1beta1, v1alpha1).")
	add(CredProviderNoMatchImages, Error, "a provider without matchImages",
		"List the images the plugin serves, such as \"*.dkr.ecr.*.amazonaws.com\" or \"registry.example.com\".")
	add(CredProviderBadMatchImage, Error, "a matchImages entry that is not a URL",
		"Write a host with optional port and path, no scheme: \"*.registry.io:8080/path\".")
	add(CredProviderBadDuration, Error, "defaultCacheDuration is missing, negative or not a duration",
		"Set defaultCacheDuration as a Go duration string such as \"12h\" or \"0s\"; the kubelet requires it.")
	add(CredProviderTokenAttributes, Info, "the provider asks for a service account token, which the replay does not have",
		"The kubelet sends the pod's service account token to this plugin; regauth sends none, so a plugin that needs one may refuse here while it works on the node.")
	add(CredProviderBinDirMissing, Error, "the plugin bin dir does not exist",
		"Point the kubelet's --image-credential-provider-bin-dir (here --credential-provider-bin) at the directory that holds the plugins.")
	add(CredProviderPluginMissing, Error, "the plugin is not in the bin dir, so the kubelet does not start",
		"Install the plugin binary as BIN_DIR/NAME, where NAME is the provider's name in the config.")
	add(CredProviderNotExecutable, Error, "the plugin is not executable, so the kubelet does not start",
		"chmod +x the plugin (and check the file system is not mounted noexec).")
	add(CredProviderNoMatch, Warning, "no provider's matchImages match the image, so no plugin runs",
		"A * stands for one host label: *.io does not match registry.k8s.io; add a matchImages entry for the image's host (with its port).")
	add(CredProviderPluginFailed, Error, "the plugin failed, so the kubelet pulls without its credentials",
		"Run the plugin by hand with the request on stdin (shown above) and read its stderr; the kubelet only logs this, the pod shows the registry's 401.")
	add(CredProviderTimeout, Error, "the plugin did not answer within the time limit and was killed",
		"The kubelet gives every plugin one minute; check what the plugin waits on (a metadata endpoint, a token service, a proxy).")
	add(CredProviderResponseVersion, Error, "the plugin's response has another apiVersion or kind than the request",
		"The response's apiVersion must equal the provider's apiVersion in the config, and its kind be CredentialProviderResponse.")
	add(CredProviderResponseInvalid, Error, "the plugin's output is not a CredentialProviderResponse",
		"The plugin must print one JSON CredentialProviderResponse on stdout and nothing else (logs go to stderr); unknown fields are refused.")
	add(CredProviderCacheKeyType, Error, "the response's cacheKeyType is not Image, Registry or Global",
		"Return cacheKeyType Image, Registry or Global; the kubelet drops a response without a valid one.")
	add(CredProviderNoAuthMatch, Warning, "the plugin's credentials are filed under keys that do not match the image",
		"The keys of the response's auth map are matched against the image like pull Secret keys: return the image's host (and port) as a key.")
}

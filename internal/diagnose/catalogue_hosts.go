package diagnose

// containerd hosts (hosts.toml, the CRI registry configuration).

// hosts.toml (pull-trace --containerd-hosts-dir) and config.toml's CRI
// registry section (--containerd-config).
const (
	HostsTOMLInvalid         Code = "HOSTS_TOML_INVALID"
	HostsBadValue            Code = "HOSTS_BAD_VALUE"
	HostsUnknownKey          Code = "HOSTS_UNKNOWN_KEY"
	HostsOverridePath        Code = "HOSTS_OVERRIDE_PATH"
	HostsPathAppended        Code = "HOSTS_PATH_APPENDED"
	HostsFileMissing         Code = "HOSTS_FILE_MISSING"
	HostsNoTOML              Code = "HOSTS_NO_TOML"
	HostsDirShadowed         Code = "HOSTS_DIR_SHADOWED"
	HostsDefaultDir          Code = "HOSTS_DEFAULT_DIR"
	HostsDirNotFound         Code = "HOSTS_DIR_NOT_FOUND"
	HostsDirMisnamed         Code = "HOSTS_DIR_MISNAMED"
	HostsNoResolve           Code = "HOSTS_NO_RESOLVE"
	HostsNoResolveHost       Code = "HOSTS_NO_RESOLVE_HOST"
	HostsStaticAuth          Code = "HOSTS_STATIC_AUTH"
	HostsMirrorBypassed      Code = "HOSTS_MIRROR_BYPASSED"
	CRINoRegistry            Code = "CRI_NO_REGISTRY"
	CRIMirrorsWithConfigPath Code = "CRI_MIRRORS_WITH_CONFIG_PATH"
	CRITLSWithConfigPath     Code = "CRI_TLS_WITH_CONFIG_PATH"
	CRIDeprecated            Code = "CRI_DEPRECATED"
	CRIConfigsAuth           Code = "CRI_CONFIGS_AUTH"
)

// fillHosts adds this area's entries; fill calls it.
func fillHosts() {
	add(HostsTOMLInvalid, Error, "hosts.toml is not valid TOML, so containerd ignores the whole file",
		"Fix the line named (a quoted key is [host.\"https://mirror.example.com\"]); until then containerd pulls from the registry itself, without the mirrors.")
	add(HostsBadValue, Error, "a hosts.toml value containerd refuses, so it ignores the whole file",
		"capabilities are pull, resolve, push and referrers; ca is a path or a list of paths; client a path, a list, or a list of [cert, key] pairs; header values strings or lists of strings.")
	add(HostsUnknownKey, Warning, "a hosts.toml key containerd does not read",
		"Remove or rename it; containerd drops unknown keys without a word. Credentials cannot go in hosts.toml: give them to the client (ctr --user, the kubelet's pull Secret, the CRI's registry.configs).")
	add(HostsOverridePath, Warning, "override_path that does not do what it is for",
		"override_path = true means the URL's path is the API root as it is (for Harbor's proxy cache: https://harbor.example.com/v2/PROJECT); without a path, leave it out.")
	add(HostsPathAppended, Warning, "a host URL whose path containerd extends with /v2",
		"If the path already is the API root (a proxy project such as .../v2/PROJECT), add override_path = true; else write the URL without a path.")
	add(HostsFileMissing, Error, "a CA or client certificate file that cannot be read fails every pull of the registry",
		"Fix the path (relative paths are relative to the host directory) or create the file; containerd stops before its first request.")
	add(HostsNoTOML, Info, "a host directory without hosts.toml: the Docker certificate layout applies",
		"Nothing to fix for certificates alone; mirrors need a hosts.toml with [host.\"URL\"] tables.")
	add(HostsDirShadowed, Warning, "both host_port_ and host:port directories exist; containerd reads only host_port_",
		"Keep one: merge the host:port directory's hosts.toml into the host_port_ one, or remove the host_port_ directory.")
	add(HostsDefaultDir, Info, "the registry has no directory of its own, so _default applies",
		"Nothing to fix if the _default hosts are meant for this registry too; otherwise add a directory named after it.")
	add(HostsDirNotFound, Info, "no host directory for the registry, so containerd uses the registry itself",
		"Create <config_path>/HOST[:PORT]/hosts.toml (or HOST_PORT_) to add mirrors or TLS settings.")
	add(HostsDirMisnamed, Warning, "a host directory with a name containerd does not look up for this image",
		"Name the directory exactly as the image's registry is written, port included (docker.io for Docker Hub, 127.0.0.1:5000 or 127.0.0.1_5000_).")
	add(HostsNoResolve, Info, "a host without resolve is not asked for tags",
		"Nothing to fix for a public mirror (containerd trusts only resolve hosts to turn tags into digests); add \"resolve\" to capabilities for a private mirror you trust.")
	add(HostsNoResolveHost, Error, "no host may resolve the tag, so containerd fails the pull",
		"Give one host (or the server) the resolve capability, or pull by digest (NAME@sha256:...), which needs only pull.")
	add(HostsStaticAuth, Warning, "an Authorization header in hosts.toml",
		"containerd sends it until a 401 gives it a handler for the host, and on token requests without credentials; a Bearer registry replaces it with its own token. It is a secret in a world-readable file: prefer credentials the client hands over.")
	add(HostsMirrorBypassed, Warning, "a mirror failed and containerd went on to the next host",
		"The pull may still work, through the next host (often the upstream, with its rate limits): fix the mirror's answer shown in its attempt (credentials, TLS, the path or ?ns=).")
	add(CRINoRegistry, Info, "the containerd config has no CRI registry section",
		"Nothing to fix; containerd 1.x reads [plugins.\"io.containerd.grpc.v1.cri\".registry], 2.x [plugins.\"io.containerd.cri.v1.images\".registry].")
	add(CRIMirrorsWithConfigPath, Error, "registry.mirrors together with config_path: containerd refuses the configuration",
		"Move each mirror into <config_path>/HOST/hosts.toml as a [host.\"URL\"] table with capabilities = [\"pull\", \"resolve\"], then remove the mirrors section.")
	add(CRITLSWithConfigPath, Error, "registry.configs.tls together with config_path: containerd 1.6 refuses it, 2.x ignores it",
		"Move the CA and client certificate into the host's hosts.toml (ca = \"...\", client = [[\"cert\", \"key\"]]).")
	add(CRIDeprecated, Warning, "the deprecated registry.mirrors setting",
		"Set config_path = \"/etc/containerd/certs.d\" and write each mirror as a hosts.toml; containerd 2.x drops registry.mirrors.")
	add(CRIConfigsAuth, Info, "credentials in registry.configs, used only when the kubelet sends none",
		"Key them by the host the request goes to (the mirror's own host; registry-1.docker.io for Docker Hub); a pull Secret's credentials win over them.")
}

package diagnose

// Docker's daemon.json and containers' registries.conf.

// Docker's daemon.json (pull-trace --client docker --daemon-config).
const (
	DaemonJSONInvalid      Code = "DAEMON_JSON_INVALID"
	DaemonUnknownKey       Code = "DAEMON_UNKNOWN_KEY"
	DaemonMirrorInvalid    Code = "DAEMON_MIRROR_INVALID"
	DaemonInsecureInvalid  Code = "DAEMON_INSECURE_INVALID"
	DaemonMirrorNotHub     Code = "DAEMON_MIRROR_NOT_HUB"
	DaemonMirrorFailed     Code = "DAEMON_MIRROR_FAILED"
	DaemonMirrorCreds      Code = "DAEMON_MIRROR_CREDENTIALS"
	DaemonInsecureRegistry Code = "DAEMON_INSECURE_REGISTRY"
)

// containers' registries.conf (pull-trace --client podman --registries-conf).
const (
	RegConfTOMLInvalid    Code = "REGCONF_TOML_INVALID"
	RegConfV1             Code = "REGCONF_V1_FORMAT"
	RegConfInvalid        Code = "REGCONF_INVALID"
	RegConfBlocked        Code = "REGCONF_BLOCKED"
	RegConfNoSearch       Code = "REGCONF_NO_SEARCH"
	RegConfShortNameTTY   Code = "REGCONF_SHORT_NAME_ENFORCING"
	RegConfMirrorFailed   Code = "REGCONF_MIRROR_FAILED"
	RegConfSearchFallback Code = "REGCONF_SEARCH_EARLIER_FAILED"
	RegConfInsecure       Code = "REGCONF_INSECURE"
)

// fillDaemon adds this area's entries; fill calls it.
func fillDaemon() {
	add(DaemonJSONInvalid, Error, "daemon.json is not valid JSON, so dockerd does not start",
		"Fix the JSON at the position named (python3 -m json.tool /etc/docker/daemon.json shows it too), then restart the daemon: sudo systemctl restart docker.")
	add(DaemonUnknownKey, Error, "daemon.json has a key dockerd does not know, so it does not start",
		"Use the option's exact name: registry-mirrors and insecure-registries are plural and hyphenated.")
	add(DaemonMirrorInvalid, Error, "a registry-mirrors entry dockerd refuses, so it does not start",
		"Write each mirror as a URL with its scheme and nothing after the host or path: \"https://mirror.example.com\"; no user:password, query or fragment.")
	add(DaemonInsecureInvalid, Error, "an insecure-registries entry dockerd refuses, so it does not start",
		"Write host[:port] (\"registry.example.com:5000\") or a CIDR (\"10.0.0.0/8\"), without a scheme.")
	add(DaemonMirrorNotHub, Warning, "registry-mirrors is set but the image is not on Docker Hub: Docker uses the mirrors for docker.io only",
		"Pull the image by the mirror's own name, or, with the containerd image store, configure a mirror for this registry in /etc/docker/certs.d/HOST/hosts.toml.")
	add(DaemonMirrorFailed, Warning, "a registry mirror failed and Docker moved on to the next source",
		"Check the mirror's own trace: a mirror that lacks the image, refuses the credentials or is down makes every pull wait for it before Docker Hub answers.")
	add(DaemonMirrorCreds, Info, "which credentials Docker's image store offers a registry mirror",
		"The classic store offers the Docker Hub login to every mirror; the containerd store offers none, so a mirror that needs a login only works anonymously with it (or with a static header in /etc/docker/certs.d/HOST/hosts.toml).")
	add(DaemonInsecureRegistry, Info, "an insecure registry: Docker skips TLS verification and falls back to http",
		"Prefer a certificate the daemon trusts (/etc/docker/certs.d/HOST/ca.crt) over insecure-registries: credentials go over http there.")
	add(RegConfTOMLInvalid, Error, "registries.conf is not valid TOML, so podman refuses every pull",
		"Fix the TOML at the position named; podman info shows the same error.")
	add(RegConfV1, Warning, "registries.conf is in the deprecated v1 format",
		"Rewrite it as v2: unqualified-search-registries = [...] and one [[registry]] table per registry with location, insecure and blocked (containers-registries.conf(5)).")
	add(RegConfInvalid, Error, "registries.conf holds a setting containers/image refuses, so podman refuses every pull",
		"Fix the entry named: locations without a scheme, a prefix or a location on each [[registry]], wildcards only as *.example.com, one insecure/blocked value per registry.")
	add(RegConfBlocked, Error, "the registry is blocked in registries.conf",
		"Remove blocked = true from the [[registry]] whose prefix matches, or pull from another registry.")
	add(RegConfNoSearch, Error, "a short name with no alias and no unqualified-search registries",
		"Use the fully qualified name (docker.io/library/NAME), add an [aliases] entry, or set unqualified-search-registries = [\"docker.io\"].")
	add(RegConfShortNameTTY, Warning, "short-name-mode enforcing with several search registries: podman prompts, and fails without a terminal",
		"Use the fully qualified name in scripts and Kubernetes, add an [aliases] entry, or set short-name-mode = \"permissive\".")
	add(RegConfMirrorFailed, Warning, "a registries.conf mirror failed before another source answered",
		"Check the mirror's trace: credentials for a mirror are looked up under the mirror's own host in the auth file, never the primary's.")
	add(RegConfSearchFallback, Warning, "an earlier unqualified-search registry failed before a later one answered",
		"Use the fully qualified name: a short name pulled from whichever search registry answers first can be another image than you meant.")
	add(RegConfInsecure, Info, "an insecure registry in registries.conf: TLS is not verified and http is tried",
		"Prefer a CA in /etc/containers/certs.d/HOST/ca.crt over insecure = true: credentials go over http there.")
}

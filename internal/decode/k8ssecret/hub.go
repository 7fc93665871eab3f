package k8ssecret

import (
	"fmt"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/keyring"
)

// hubKeyFinding says what the kubelet makes of a key that names Docker Hub:
// its keyring files each key under a normalised host[/path], and only an
// index.docker.io entry stands in for Docker Hub when nothing else matched.
func hubKeyFinding(where, key string) (diagnose.Diagnosis, bool) {
	n, err := keyring.Normalise(key)
	if err != nil {
		return diagnose.Diagnosis{}, false
	}
	switch n {
	case keyring.HubKey:
		return diagnose.New(diagnose.SecretHubKey, fmt.Sprintf(
			"%s: the kubelet files this under %q, which no image name matches (Docker Hub images are named docker.io/...): it is used for Docker Hub images only when no other entry of the same keyring matches the image", where, n), ""), true
	case "docker.io":
		return diagnose.New(diagnose.SecretHubKey, fmt.Sprintf(
			"%s: the kubelet files this under \"docker.io\" and matches it against docker.io/... images directly, so it is tried before, and instead of, an index.docker.io entry", where), ""), true
	case "registry-1.docker.io":
		return diagnose.New(diagnose.SecretHubKeyUnused, fmt.Sprintf(
			"%s: the kubelet files this under \"registry-1.docker.io\", which matches only images named registry-1.docker.io/...: nginx, library/nginx and docker.io/... images never get these credentials", where), ""), true
	}
	return diagnose.Diagnosis{}, false
}

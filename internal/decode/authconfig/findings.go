package authconfig

import (
	"fmt"
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// The policies below add an entry's findings once the whole file is known,
// since whether a secret is shadowed or plain depends on the helpers.

// reader is the client a policy speaks for, and the hints that fit it.
type reader struct {
	who        string // "the Docker CLI"
	plainHint  string // "" keeps the catalogue's
	shadowHint string
}

var (
	dockerReader     = reader{who: "the Docker CLI"}
	containersReader = reader{
		who:        containersWho,
		plainHint:  "Configure a credential helper (credHelpers in auth.json, or credential-helpers in registries.conf) and log in again so the secret leaves the file.",
		shadowHint: "podman and skopeo use credHelpers first, then auths; remove the losing entry to avoid confusion.",
	}
)

// dockerPolicy is for the Docker CLI's formats (config.json, legacy files).
func dockerPolicy(f *File, e *Entry) {
	helper, source := f.entryHelper(e)
	secretPolicy(f, e, helper, source, dockerReader)
	hubKeyPolicy(f, e)
}

// envPolicy is for DOCKER_AUTH_CONFIG: secrets in the environment are how
// CI passes them, so only the Hub key is worth a word.
func envPolicy(f *File, e *Entry) { hubKeyPolicy(f, e) }

// containersPolicy is for containers auth.json, where Hub aliases are fine
// (containers/image normalises them) and there is no credsStore.
func containersPolicy(f *File, e *Entry) {
	helper, source := "", ""
	if h, ok := f.CredHelpers[containersRegistry(e.Key)]; ok {
		helper, source = h, "credHelpers"
	}
	secretPolicy(f, e, helper, source, containersReader)
}

// secretPolicy words what happens to the entry's secret: shadowed by a
// helper, stored in plain text, or absent.
func secretPolicy(f *File, e *Entry, helper, source string, r reader) {
	at := located(f.Path, quoteKey("auths", e.Key))
	kinds := secretKinds(e)
	switch {
	case source != "" && len(kinds) > 0:
		e.Findings = append(e.Findings, diagnose.New(diagnose.ShadowedCredentials,
			fmt.Sprintf("%s holds %s, but credential helper docker-credential-%s (%s) applies to it, so it is not used by %s; the secret still sits in the file in plain text",
				at, joinKinds(kinds), helper, source, r.who), r.shadowHint))
	case len(kinds) > 0:
		e.Findings = append(e.Findings, diagnose.New(diagnose.PlaintextPassword,
			fmt.Sprintf("%s stores %s in plain text and no credential helper applies to it", at, joinKinds(kinds)), r.plainHint))
	case source == "" && e.Username == "" && !hasCode(e.Findings, diagnose.InvalidAuthEncoding):
		e.Findings = append(e.Findings, diagnose.New(diagnose.EmptyAuthEntry,
			fmt.Sprintf("%s holds no credentials and no credential helper applies to it, so no credentials are sent to %s", at, e.Host), ""))
	}
	if e.IdentityToken != "" {
		e.Findings = append(e.Findings, diagnose.New(diagnose.IdentityTokenStored,
			fmt.Sprintf("%s holds an identity token: an OAuth refresh token the client exchanges at the token service with a POST (grant_type=refresh_token), not a password", at), ""))
	}
}

// hubKeyPolicy flags a Docker Hub key the Docker CLI never looks up.
func hubKeyPolicy(f *File, e *Entry) {
	if d, ok := hubKeyFinding(f.Path, quoteKey("auths", e.Key), e.Key, "entry"); ok {
		e.Findings = append(e.Findings, d)
	}
}

// hubHelperFindings flags credHelpers keys that name Hub the wrong way.
func hubHelperFindings(f *File) {
	keys := make([]string, 0, len(f.CredHelpers))
	for k := range f.CredHelpers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if d, ok := hubKeyFinding(f.Path, quoteKey("credHelpers", k), k, "helper"); ok {
			f.Findings = append(f.Findings, d)
		}
	}
}

func hubKeyFinding(path, at, key, what string) (diagnose.Diagnosis, bool) {
	host := strings.ToLower(dockerHostname(key))
	if key == HubKey || !isHubAlias(host) {
		return diagnose.Diagnosis{}, false
	}
	msg := fmt.Sprintf("%s names Docker Hub, but the Docker CLI looks up Hub credentials only under %q, so this %s is not used for docker.io images",
		located(path, at), HubKey, what)
	if host == "registry-1.docker.io" {
		msg += " (only for images named registry-1.docker.io/...)"
	}
	return diagnose.New(diagnose.HubKeyNotUsed, msg, ""), true
}

// entryHelper is the helper the Docker CLI runs instead of reading e: for a
// lookup of the key itself, or of the host the key reduces to.
func (f *File) entryHelper(e *Entry) (helper, source string) {
	if h, s := f.dockerHelper(e.Key); s != "" {
		return h, s
	}
	if host := dockerHostname(e.Key); host != e.Key {
		return f.dockerHelper(host)
	}
	return "", ""
}

// dockerHelper is the CLI's getConfiguredCredentialStore: credHelpers[key]
// if present (an empty value selects the file itself), else credsStore.
func (f *File) dockerHelper(key string) (helper, source string) {
	if h, ok := f.CredHelpers[key]; ok {
		if h == "" {
			return "", ""
		}
		return h, "credHelpers"
	}
	if f.CredsStore != "" {
		return f.CredsStore, "credsStore"
	}
	return "", ""
}

func secretKinds(e *Entry) []string {
	var k []string
	if e.Password != "" {
		k = append(k, "a password")
	}
	if e.IdentityToken != "" {
		k = append(k, "an identity token")
	}
	if e.RegistryToken != "" {
		k = append(k, "a registry token")
	}
	return k
}

func joinKinds(k []string) string {
	if len(k) < 2 {
		return strings.Join(k, "")
	}
	return strings.Join(k[:len(k)-1], ", ") + " and " + k[len(k)-1]
}

func hasCode(ds []diagnose.Diagnosis, c diagnose.Code) bool {
	for _, d := range ds {
		if d.Code == c {
			return true
		}
	}
	return false
}

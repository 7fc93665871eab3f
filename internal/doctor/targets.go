package doctor

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/decode/authconfig"
	"github.com/regauth/regauth/internal/decode/k8ssecret"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/keyring"
)

// Discover lists every registry a config names: its auths keys, its
// credHelpers keys, and what its credsStore's `list` returns. Keys that
// name the same host are checked once.
func Discover(ctx context.Context, files []*authconfig.File, helperTimeout time.Duration) ([]Target, []diagnose.Diagnosis) {
	seen := map[string]bool{}
	var out []Target
	var ds []diagnose.Diagnosis
	add := func(key, found string) {
		host := authconfig.HostOf(key)
		if host == "" || seen[host] {
			return
		}
		seen[host] = true
		out = append(out, Target{Registry: host, Found: found})
	}
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, e := range f.Entries {
			add(e.Key, "auths")
		}
		keys := make([]string, 0, len(f.CredHelpers))
		for k := range f.CredHelpers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(k, "credHelpers")
		}
		if f.CredsStore != "" {
			listed, err := credhelper.List(ctx, f.CredsStore, helperTimeout)
			if err != nil {
				ds = append(ds, diagnose.New(diagnose.CredentialHelperError, fmt.Sprintf("listing the credsStore's registries: %s", err), ""))
				continue
			}
			urls := make([]string, 0, len(listed))
			for u := range listed {
				urls = append(urls, u)
			}
			sort.Strings(urls)
			for _, u := range urls {
				// Desktop stores keep entries for other tools (the Docker
				// Desktop login itself) that are not registries.
				if strings.Contains(u, "://") && !strings.HasPrefix(u, "http") {
					continue
				}
				add(u, "credsStore list")
			}
		}
	}
	return out, ds
}

// SecretCred is the credential a pull Secret entry gives the kubelet.
type SecretCred struct{ Username, Password string }

// DiscoverSecrets lists a target per registry entry of the pull Secrets the
// kubelet reads (ignored Secrets are left out: their findings say why),
// with the entry's credential by target. A key is checked at the host the
// kubelet files it under; Docker Hub's keys go to docker.io; a glob key
// names no one registry, so it is not checked and a finding says so.
func DiscoverSecrets(files []*k8ssecret.File) ([]Target, map[Target]SecretCred, []diagnose.Diagnosis) {
	var out []Target
	var ds []diagnose.Diagnosis
	creds := map[Target]SecretCred{}
	for _, f := range files {
		for _, s := range f.Secrets {
			if !s.Used {
				continue
			}
			for _, e := range s.Entries {
				t := Target{Registry: secretHost(e.Key), Found: s.Label() + " in " + f.Path}
				if strings.ContainsAny(t.Registry, "*?[") {
					ds = append(ds, diagnose.New(diagnose.SecretGlobKey, fmt.Sprintf(
						"%s: registry %q is a glob, which names no one registry to check; the kubelet matches it label by label against each image", t.Found, e.Key), ""))
					continue
				}
				if _, dup := creds[t]; dup {
					continue
				}
				creds[t] = SecretCred{Username: e.Username, Password: e.Password}
				out = append(out, t)
			}
		}
	}
	return out, creds, ds
}

// secretHost is the registry a Secret's key sends the kubelet's runtime to.
func secretHost(key string) string {
	n, err := keyring.Normalise(key)
	if err != nil {
		return key
	}
	host, _, _ := strings.Cut(n, "/")
	if host == keyring.HubKey {
		return "docker.io"
	}
	return host
}

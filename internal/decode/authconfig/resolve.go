package authconfig

import "strings"

// Resolution is which source a client uses for one registry.
type Resolution struct {
	Source  string   // "credHelpers", "credsStore", "auths", or "" (nothing applies)
	Helper  string   // helper name when Source is credHelpers/credsStore
	Entry   *Entry   // the auths entry used (Source "auths"), found as the client finds it
	Shadows []string // what the winner hides: `auths["reg"]`, "credsStore: desktop"
}

// Resolve applies the reading client's precedence for a registry key. For
// the Docker CLI: credHelpers[key], then credsStore, then auths, where
// docker.io and index.docker.io are looked up as HubKey and auths is
// searched by exact key, then by every stored key reduced to its host. A
// helper hides the file's auths entry (the CLI never reads it then).
// DOCKER_AUTH_CONFIG matches exact keys only; containers auth.json follows
// containers/image (credHelpers, then namespaces, then normalised hosts).
func (f *File) Resolve(key string) Resolution {
	if f == nil {
		return Resolution{}
	}
	switch f.Format {
	case FormatContainers:
		return f.resolveContainers(key)
	case FormatEnvAuthConfig:
		if e := f.entry(dockerLookupKey(key)); e != nil {
			return Resolution{Source: "auths", Entry: e}
		}
		return Resolution{}
	}
	lookup := dockerLookupKey(key)
	found, others := f.dockerFind(lookup)
	helper, ok := f.CredHelpers[lookup]
	var res Resolution
	switch {
	case ok && helper != "":
		res = Resolution{Source: "credHelpers", Helper: helper}
		if f.CredsStore != "" {
			res.Shadows = append(res.Shadows, "credsStore: "+f.CredsStore)
		}
	case !ok && f.CredsStore != "":
		res = Resolution{Source: "credsStore", Helper: f.CredsStore}
	default:
		// An empty credHelpers value selects the file over credsStore.
		if ok && f.CredsStore != "" {
			res.Shadows = append(res.Shadows, "credsStore: "+f.CredsStore)
		}
		if found != nil {
			res.Source, res.Entry = "auths", found
			res.Shadows = append(res.Shadows, others...)
		}
		return res
	}
	if found != nil && holdsCredentials(found) {
		res.Shadows = append(res.Shadows, quoteKey("auths", found.Key))
	}
	return res
}

// dockerFind is the CLI file store's Get: the exact key, else any key whose
// host (ConvertToHostname) equals the lookup key. The CLI walks a Go map, so
// when several keys match it picks one at random; the others are returned
// as shadows saying so.
func (f *File) dockerFind(lookup string) (*Entry, []string) {
	if e := f.entry(lookup); e != nil {
		return e, nil
	}
	var found *Entry
	var others []string
	for i := range f.Entries {
		if dockerHostname(f.Entries[i].Key) != lookup {
			continue
		}
		if found == nil {
			found = &f.Entries[i]
			continue
		}
		others = append(others, quoteKey("auths", f.Entries[i].Key)+
			" (also matches; the Docker CLI picks one of them at random)")
	}
	return found, others
}

// resolveContainers follows containers/image's findAuthentication.
func (f *File) resolveContainers(key string) Resolution {
	found := f.containersFind(key)
	if h, ok := f.CredHelpers[containersRegistry(key)]; ok {
		res := Resolution{Source: "credHelpers", Helper: h}
		if found != nil && holdsCredentials(found) {
			res.Shadows = append(res.Shadows, quoteKey("auths", found.Key))
		}
		return res
	}
	if found != nil {
		return Resolution{Source: "auths", Entry: found}
	}
	return Resolution{}
}

// containersFind tries the key and each shorter namespace exactly
// (quay.io/org/repo, quay.io/org, quay.io), then hosts normalised with every
// Hub alias folded together.
func (f *File) containersFind(key string) *Entry {
	for k := key; ; {
		if e := f.entry(k); e != nil {
			return e
		}
		i := strings.LastIndex(k, "/")
		if i < 0 || strings.Contains(key, "://") {
			break
		}
		k = k[:i]
	}
	want := containersHost(key)
	for i := range f.Entries {
		if containersHost(f.Entries[i].Key) == want {
			return &f.Entries[i]
		}
	}
	return nil
}

// holdsCredentials is false for the {} placeholders written next to a
// helper: hiding those is not worth a word.
func holdsCredentials(e *Entry) bool {
	kind, _ := e.Secret()
	return kind != "" || e.Username != ""
}

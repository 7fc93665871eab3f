// Package authconfig decodes the files Docker clients keep registry
// credentials in (config.json, the legacy ~/.dockercfg, containers
// auth.json, DOCKER_AUTH_CONFIG) the way those clients read them, and says
// what is wrong with them. It works on bytes only: callers read the files.
package authconfig

import "github.com/regauth/regauth/internal/diagnose"

// HubKey is the auths key the Docker CLI stores and looks up Docker Hub
// credentials under.
const HubKey = "https://index.docker.io/v1/"

// MaxConfigSize bounds what callers read: no real config file comes near it,
// so a larger file is refused rather than read whole.
const MaxConfigSize = 10 << 20

// File formats, as reported in File.Format.
const (
	FormatConfig        = "config.json"
	FormatLegacyJSON    = "dockercfg (legacy JSON)"
	FormatLegacyText    = "dockercfg (legacy text)"
	FormatContainers    = "containers auth.json"
	FormatEnvAuthConfig = "DOCKER_AUTH_CONFIG"
)

// File is one decoded credential source.
type File struct {
	Path        string
	Format      string
	Entries     []Entry // one per auths key, in sorted key order
	CredsStore  string
	CredHelpers map[string]string
	Findings    []diagnose.Diagnosis // file-level findings
}

// Entry is one auths member, decoded.
type Entry struct {
	Key string // as written
	// Host is the key reduced to a lower-cased host[:port]; HubKey (and, in
	// containers auth.json, every Docker Hub alias) becomes "docker.io".
	Host string
	// IsDockerHub says the reading tool uses this entry for Docker Hub: the
	// key is HubKey (Docker), or any Hub alias (containers auth.json).
	IsDockerHub   bool
	Username      string
	Password      string
	IdentityToken string
	RegistryToken string
	Findings      []diagnose.Diagnosis
}

// Secret returns the secret a client would send, by the precedence the
// Docker engine applies: an identity token is exchanged for a token, a
// registry token is sent as is, else the password is used.
func (e Entry) Secret() (kind, secret string) {
	switch {
	case e.IdentityToken != "":
		return "identitytoken", e.IdentityToken
	case e.RegistryToken != "":
		return "registrytoken", e.RegistryToken
	case e.Password != "":
		return "password", e.Password
	}
	return "", ""
}

// entry returns the entry stored under exactly key, or nil.
func (f *File) entry(key string) *Entry {
	for i := range f.Entries {
		if f.Entries[i].Key == key {
			return &f.Entries[i]
		}
	}
	return nil
}

// Package k8ssecret decodes Kubernetes image pull Secrets as the kubelet
// reads them: what `kubectl get secret NAME -o yaml|json` prints (one
// Secret, a List, several YAML documents), or the bare value of the
// .dockerconfigjson / .dockercfg key. It works on bytes only and says what
// the kubelet would make of each entry.
package k8ssecret

import (
	"github.com/regauth/regauth/internal/diagnose"
)

// The two Secret types the kubelet reads credentials from, each with the
// one data key it reads (pkg/credentialprovider/secrets).
const (
	TypeDockerConfigJSON = "kubernetes.io/dockerconfigjson"
	KeyDockerConfigJSON  = ".dockerconfigjson"
	TypeDockercfg        = "kubernetes.io/dockercfg"
	KeyDockercfg         = ".dockercfg"
)

// MaxSize bounds the input: a List of every Secret in a big namespace stays
// far below it.
const MaxSize = 10 << 20

// Format names the input for decode-config's sources.
const (
	FormatSecret = "Kubernetes Secret"
	FormatBare   = "Kubernetes Secret value (bare base64)"
)

// File is one decoded input.
type File struct {
	Path string
	// Format is FormatSecret or FormatBare.
	Format  string
	Secrets []Secret
	// Findings are about the file, not one Secret (a document that is not
	// a Secret).
	Findings []diagnose.Diagnosis
}

// Secret is one Secret object (or the bare value, as a nameless one).
type Secret struct {
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	Type      string `json:"type,omitempty"`
	// Key is the data key the credentials were read from (".dockerconfigjson");
	// Field says where it was: "data" (base64), "stringData", or "" for a
	// bare value.
	Key   string `json:"key,omitempty"`
	Field string `json:"field,omitempty"`
	// Where locates the object in the file ("document 2", "items[1]").
	Where string `json:"where,omitempty"`
	// What names a source that is not a Secret ("node config"); Label
	// uses it.
	What string `json:"what,omitempty"`
	// Used says the kubelet reads credentials from this Secret; Ignored
	// says why it does not.
	Used    bool    `json:"used"`
	Ignored string  `json:"ignored,omitempty"`
	Entries []Entry `json:"entries"`
	// Findings are about the Secret as a whole; entries carry their own.
	Findings []diagnose.Diagnosis `json:"-"`
}

// Ref is "namespace/name", or the name alone when the object has no
// namespace (kubectl create --dry-run prints none without -n).
func (s Secret) Ref() string {
	switch {
	case s.Name == "":
		return "(bare value)"
	case s.Namespace == "":
		return s.Name
	}
	return s.Namespace + "/" + s.Name
}

// Label names the Secret and key for messages and rows:
// `Secret team/regcred, key .dockerconfigjson`.
func (s Secret) Label() string {
	out := "Secret " + s.Ref()
	switch {
	case s.What != "":
		return s.What
	case s.Name == "":
		out = "bare value"
	}
	if s.Key != "" {
		out += ", key " + s.Key
	}
	return out
}

// Entry is one registry of a Secret, decoded as the kubelet decodes a
// DockerConfigEntry.
type Entry struct {
	// Key is the registry as written.
	Key string `json:"key"`
	// Username and Password are what the kubelet hands the runtime: from
	// auth when auth is set (it wins), else the literal fields.
	Username string `json:"username,omitempty"`
	Password string `json:"-"`
	Email    string `json:"email,omitempty"`
	// FromAuth says the credentials came from the auth field.
	FromAuth bool `json:"from_auth,omitempty"`
	// Broken says the entry stops the kubelet from building the pod's
	// keyring (an auth it cannot parse).
	Broken   bool                 `json:"broken,omitempty"`
	Findings []diagnose.Diagnosis `json:"-"`
}

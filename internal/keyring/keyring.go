// Package keyring is the kubelet's credential keyring as data: how it files
// each registry key of the pod's pull Secrets and of the node's Docker
// config, which keys match an image, and in which order the kubelet hands
// their credentials to the runtime (pkg/credentialprovider/keyring.go; the
// facts are in ../shared/reference/clients.md section 2.2). Pure: no I/O.
package keyring

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
)

// HubKey is the key Docker Hub's entry is filed under once normalised
// ("https://index.docker.io/v1/" becomes it); the kubelet falls back to it
// for Docker Hub images when nothing else matched.
const HubKey = "index.docker.io"

// Cred is one registry entry of one source.
type Cred struct {
	// Key is the registry as written in the source.
	Key string
	// Source names where it came from ("Secret team/regcred, key
	// .dockerconfigjson in regcred.yaml").
	Source   string
	Username string
	Password string
}

// Keyring is one of the kubelet's keyrings: the pod's pull Secrets (all of
// them in one, in imagePullSecrets order) or the node's config.
type Keyring struct {
	Name  string
	creds []Cred
}

// New returns an empty keyring named for the table ("pod", "node").
func New(name string) *Keyring { return &Keyring{Name: name} }

// Add files a credential, in the order the kubelet reads them.
func (k *Keyring) Add(c Cred) { k.creds = append(k.creds, c) }

// Len is how many credentials were added.
func (k *Keyring) Len() int { return len(k.creds) }

// Normalise is the key the kubelet files an entry under: https:// is put in
// front when there is no scheme, a /v1/ or /v2/ path start is cut, and the
// key is host plus path, or the host alone for an empty path or "/".
func Normalise(key string) (string, error) {
	v := key
	if !strings.HasPrefix(v, "https://") && !strings.HasPrefix(v, "http://") {
		v = "https://" + v
	}
	u, err := url.Parse(v)
	if err != nil {
		return "", fmt.Errorf("not a URL: %v", unwrapURLError(err))
	}
	p := u.Path
	if strings.HasPrefix(p, "/v1/") || strings.HasPrefix(p, "/v2/") {
		p = p[3:]
	}
	if p == "" || p == "/" {
		return u.Host, nil
	}
	return u.Host + p, nil
}

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}

// Row is one credential in the table: its key as written and as filed,
// whether it matched the image (and why or why not), and its turn.
type Row struct {
	Keyring    string `json:"keyring"`
	Key        string `json:"key"`
	KubeletKey string `json:"kubelet_key"`
	Source     string `json:"source"`
	Username   string `json:"username,omitempty"`
	Matched    bool   `json:"matched"`
	Why        string `json:"why"`
	// Order is the credential's turn in the kubelet's pulls, from 1; 0 when
	// it is not used.
	Order int `json:"order,omitempty"`
	// Cred is the credential itself (never rendered).
	Cred Cred `json:"-"`
}

// Result is a lookup: every row, and the credentials in the order the
// kubelet tries them.
type Result struct {
	// Image is the name the kubelet matches ("docker.io/library/nginx").
	Image string `json:"image"`
	Rows  []Row  `json:"rows"`
	// Order holds the used rows' credentials, in turn order.
	Order []Cred `json:"-"`
}

// Lookup matches image (a normalised name, domain/path, no tag) against
// each keyring in turn, as the kubelet's union keyring does: within one
// keyring every matching key counts, in reverse-sorted key order, and
// Docker Hub's entry only when nothing else in that keyring matched.
func Lookup(image string, rings ...*Keyring) Result {
	res := Result{Image: image, Rows: []Row{}}
	for _, k := range rings {
		if k == nil {
			continue
		}
		res.Rows = append(res.Rows, k.lookup(image)...)
	}
	for i := range res.Rows {
		if res.Rows[i].Matched {
			res.Order = append(res.Order, res.Rows[i].Cred)
			res.Rows[i].Order = len(res.Order)
		}
	}
	return res
}

func (k *Keyring) lookup(image string) []Row {
	byKey := map[string][]Row{}
	var bad []Row
	for _, c := range k.creds {
		r := Row{Keyring: k.Name, Key: c.Key, Source: c.Source, Username: c.Username, Cred: c}
		n, err := Normalise(c.Key)
		if err != nil {
			r.Why = "ignored by the kubelet: " + err.Error()
			bad = append(bad, r)
			continue
		}
		r.KubeletKey = n
		byKey[n] = append(byKey[n], r)
	}
	index := make([]string, 0, len(byKey))
	for n := range byKey {
		index = append(index, n)
	}
	// Reverse-sorted, so quay.io/org comes before quay.io.
	sort.Sort(sort.Reverse(sort.StringSlice(index)))
	var rows []Row
	matchedAny := false
	for _, n := range index {
		ok, why := Match(n, image)
		for _, r := range byKey[n] {
			r.Matched, r.Why = ok, why
			matchedAny = matchedAny || ok
			rows = append(rows, r)
		}
	}
	hub := IsDockerHubImage(image)
	for i := range rows {
		if rows[i].KubeletKey != HubKey || rows[i].Matched {
			continue
		}
		switch {
		case !hub:
			rows[i].Why += "; Docker Hub's entry stands in only for Docker Hub images"
		case matchedAny:
			rows[i].Why = "Docker Hub's entry: not used, because another key of this keyring matched"
		default:
			rows[i].Matched = true
			rows[i].Why = "Docker Hub's entry: nothing else in this keyring matched and the image is on Docker Hub"
		}
	}
	return append(rows, bad...)
}

// IsDockerHubImage is the kubelet's isDefaultRegistryMatch: the first name
// component is docker.io or index.docker.io, or holds no '.' or ':'.
func IsDockerHubImage(image string) bool {
	first, _, found := strings.Cut(image, "/")
	if !found {
		return true
	}
	if first == "docker.io" || first == "index.docker.io" {
		return true
	}
	return !strings.ContainsAny(first, ".:")
}

// Match is the kubelet's URLsMatch of a filed key (glob) against an image
// name, with the reason in words: the ports must be equal, the hosts have
// as many labels, each label match as a glob (*.example.com), and the
// key's path be a plain string prefix of the image's.
func Match(glob, image string) (bool, string) {
	g, err := url.Parse("https://" + glob)
	if err != nil {
		return false, "the key is not a URL"
	}
	t, err := url.Parse("https://" + image)
	if err != nil {
		return false, "the image name is not a URL"
	}
	gl, gp := split(g.Host)
	tl, tp := split(t.Host)
	if gp != tp {
		return false, fmt.Sprintf("the key's port is %s, the image's %s", portWord(gp), portWord(tp))
	}
	if len(gl) != len(tl) {
		return false, fmt.Sprintf("%s has %d host labels, the image's %s has %d (a * stands for one label)", g.Host, len(gl), t.Host, len(tl))
	}
	if !strings.HasPrefix(t.Path, g.Path) {
		return false, fmt.Sprintf("path %s is not a prefix of the image's %s", g.Path, orSlash(t.Path))
	}
	globbed := false
	for i := range gl {
		ok, err := filepath.Match(gl[i], tl[i])
		if err != nil {
			return false, fmt.Sprintf("label %q is not a valid glob", gl[i])
		}
		if !ok {
			return false, fmt.Sprintf("host label %q does not match %q", gl[i], tl[i])
		}
		globbed = globbed || gl[i] != tl[i]
	}
	why := "same host"
	if globbed {
		why = fmt.Sprintf("%s matches %s label by label", g.Host, t.Host)
	}
	if g.Path != "" {
		why += fmt.Sprintf("; path %s is a prefix of %s", g.Path, t.Path)
		if rest := strings.TrimPrefix(t.Path, g.Path); rest != "" && rest[0] != '/' {
			why += " (a plain string prefix, not a whole path segment)"
		}
	}
	return true, why
}

func split(host string) (labels []string, port string) {
	h, p, err := net.SplitHostPort(host)
	if err != nil {
		h, p = host, ""
	}
	return strings.Split(h, "."), p
}

func portWord(p string) string {
	if p == "" {
		return "none"
	}
	return p
}

func orSlash(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

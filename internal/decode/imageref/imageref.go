// Package imageref reads an image reference the way the Docker CLI and
// daemon do (distribution/reference's normalisation): "alpine" is
// docker.io/library/alpine:latest, pulled from registry-1.docker.io.
package imageref

import (
	"errors"
	"fmt"
	"strings"
)

// DockerHubDomain is the domain of Docker Hub image names; its registry API
// answers at DockerHubRegistry.
const (
	DockerHubDomain   = "docker.io"
	DockerHubRegistry = "registry-1.docker.io"
)

// Ref is a normalised image reference.
type Ref struct {
	// Input is what the user typed.
	Input string `json:"input"`
	// Canonical is the fully qualified reference
	// ("docker.io/library/alpine:latest").
	Canonical string `json:"canonical"`
	// Familiar is the short form Docker prints in messages ("alpine:latest").
	Familiar string `json:"familiar"`
	// FamiliarName is the name without tag or digest as Docker prints it
	// ("alpine", "127.0.0.1:5000/library/hello").
	FamiliarName string `json:"familiar_name"`
	// Domain is the registry part of the name ("docker.io", "host:5000").
	Domain string `json:"domain"`
	// Registry is the host the registry API answers on: Domain, except
	// registry-1.docker.io for Docker Hub.
	Registry string `json:"registry"`
	// Repository is the path on the wire: /v2/<Repository>/manifests/...
	// and scope=repository:<Repository>:pull.
	Repository string `json:"repository"`
	Tag        string `json:"tag,omitempty"`
	Digest     string `json:"digest,omitempty"`
	DockerHub  bool   `json:"docker_hub,omitempty"`
	// Notes say what normalisation added ("docker.io/ added", "tag latest
	// added", "the tag is ignored: Docker pulls by digest").
	Notes []string `json:"notes,omitempty"`
}

// Reference is what goes after /manifests/: the digest when there is one
// (Docker then ignores the tag), else the tag.
func (r Ref) Reference() string {
	if r.Digest != "" {
		return r.Digest
	}
	return r.Tag
}

// ByDigest says whether the pull starts from a digest.
func (r Ref) ByDigest() bool { return r.Digest != "" }

// Parse normalises s as `docker pull s` does. Errors say what is wrong in
// the words Docker uses.
func Parse(s string) (Ref, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return Ref{}, errors.New("no image given")
	}
	if i := strings.Index(in, "://"); i >= 0 {
		return Ref{}, fmt.Errorf("invalid reference format %q: an image reference has no scheme (write %s; use --plain-http for a plain-http registry)", in, in[i+3:])
	}
	p, err := parseNormalized(in)
	if err != nil {
		return Ref{}, explain(in, err)
	}
	if p.domain == "" {
		return Ref{}, fmt.Errorf("invalid reference format %q: %q is not a valid registry host name, so the name has no registry to pull from", in, strings.SplitN(p.path, "/", 2)[0])
	}
	r := Ref{Input: s, Domain: p.domain, Repository: p.path, Tag: p.tag, Digest: p.digest}
	r.DockerHub = r.Domain == DockerHubDomain
	r.Registry = r.Domain
	if r.DockerHub {
		r.Registry = DockerHubRegistry
	}
	r.Notes = notes(in, r)
	if r.Tag == "" && r.Digest == "" {
		r.Tag = "latest"
	}
	if r.Digest != "" && r.Tag != "" {
		// The daemon pulls name@digest and forgets the tag.
		r.Tag = ""
	}
	r.FamiliarName = familiarName(r.Domain, r.Repository)
	suffix := ":" + r.Tag
	if r.Digest != "" {
		suffix = "@" + r.Digest
	}
	r.Canonical = r.Domain + "/" + r.Repository + suffix
	r.Familiar = r.FamiliarName + suffix
	return r, nil
}

func notes(in string, r Ref) []string {
	var out []string
	explicitHub := strings.HasPrefix(in, DockerHubDomain+"/") || strings.HasPrefix(in, "index.docker.io/")
	switch {
	case r.DockerHub && !explicitHub:
		out = append(out, "no registry host in the name: Docker Hub (docker.io, API at "+DockerHubRegistry+")")
	case strings.HasPrefix(in, "index.docker.io/"):
		out = append(out, "index.docker.io is the legacy name of docker.io")
	}
	if r.DockerHub && strings.HasPrefix(r.Repository, "library/") && !strings.Contains(in, "library/") {
		out = append(out, "an official image: the repository is "+r.Repository+" on the wire")
	}
	switch {
	case r.Tag == "" && r.Digest == "":
		out = append(out, "no tag: latest")
	case r.Tag != "" && r.Digest != "":
		out = append(out, "both a tag and a digest: Docker pulls by digest and ignores the tag "+r.Tag)
	}
	return out
}

// explain turns the parser's errors into one line naming the input and
// what to change.
func explain(in string, err error) error {
	switch {
	case errors.Is(err, errUppercase):
		return fmt.Errorf("invalid reference format %q: repository name must be lowercase", in)
	case errors.Is(err, errTooLong):
		return fmt.Errorf("invalid reference format %q: %v", in, err)
	case errors.Is(err, errHexName):
		return fmt.Errorf("invalid repository name %q: cannot specify 64-byte hexadecimal strings (an image ID, not a name)", in)
	case errors.Is(err, errDigest):
		return fmt.Errorf("invalid reference format %q: %v; want @sha256: and 64 lower-case hex digits", in, err)
	case strings.Contains(in, "@"):
		return fmt.Errorf("invalid reference format %q: bad digest after @; want @sha256: and 64 lower-case hex digits", in)
	}
	return fmt.Errorf("invalid reference format %q: want [HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST], with a lower-case name of letters, digits and . _ - separators", in)
}

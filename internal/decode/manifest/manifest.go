// Package manifest reads image manifests and indexes (OCI and Docker
// schema 2) far enough to say what a pull would fetch next.
package manifest

import (
	"encoding/json"
	"fmt"
	"mime"
	"strings"
)

// The manifest media types the Docker engine accepts, in the order of the
// protocol reference (section 6.1); schema 1 is no longer requested.
const (
	DockerManifest     = "application/vnd.docker.distribution.manifest.v2+json"
	DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
	OCIManifest        = "application/vnd.oci.image.manifest.v1+json"
	OCIIndex           = "application/vnd.oci.image.index.v1+json"
)

// Accept is the list the engine sends, one Accept header line per type.
var Accept = []string{DockerManifest, DockerManifestList, OCIManifest, OCIIndex}

// Platform is an index entry's platform.
type Platform struct {
	OS           string `json:"os"`
	Architecture string `json:"architecture"`
	Variant      string `json:"variant,omitempty"`
	OSVersion    string `json:"os.version,omitempty"`
}

// String is "linux/arm64/v8".
func (p Platform) String() string {
	s := p.OS + "/" + p.Architecture
	if p.Variant != "" {
		s += "/" + p.Variant
	}
	return s
}

// Descriptor points at a blob or a manifest.
type Descriptor struct {
	MediaType   string            `json:"mediaType"`
	Digest      string            `json:"digest"`
	Size        int64             `json:"size"`
	Platform    *Platform         `json:"platform,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// IsAttestation says whether an index entry is BuildKit's attestation
// manifest (platform unknown/unknown), not an image.
func (d Descriptor) IsAttestation() bool {
	return d.Annotations["vnd.docker.reference.type"] == "attestation-manifest"
}

// Manifest is an image manifest or an index.
type Manifest struct {
	SchemaVersion int          `json:"schemaVersion"`
	MediaType     string       `json:"mediaType,omitempty"`
	Config        *Descriptor  `json:"config,omitempty"`
	Layers        []Descriptor `json:"layers,omitempty"`
	Manifests     []Descriptor `json:"manifests,omitempty"`
}

// IsIndex says whether m lists other manifests (OCI index, Docker list).
func (m *Manifest) IsIndex() bool { return len(m.Manifests) > 0 || IsIndexType(m.MediaType) }

// IsIndexType says whether mt is an index media type.
func IsIndexType(mt string) bool { return mt == OCIIndex || mt == DockerManifestList }

// Parse reads a manifest body. contentType is the response's; the body's
// own mediaType wins when it has one.
func Parse(contentType string, body []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("the manifest is not JSON: %w", err)
	}
	if m.MediaType == "" {
		m.MediaType = BaseType(contentType)
	}
	if m.SchemaVersion != 2 {
		return &m, fmt.Errorf("schemaVersion %d: only schema 2 (and OCI) manifests are pulled by current Docker", m.SchemaVersion)
	}
	return &m, nil
}

// BaseType drops parameters from a Content-Type.
func BaseType(ct string) string {
	if mt, _, err := mime.ParseMediaType(ct); err == nil {
		return mt
	}
	return strings.TrimSpace(strings.Split(ct, ";")[0])
}

// Pullable says whether current Docker pulls a manifest of type mt.
func Pullable(mt string) bool {
	for _, a := range Accept {
		if a == mt {
			return true
		}
	}
	return false
}

// Kind names a media type for people.
func Kind(mt string) string {
	switch mt {
	case DockerManifest:
		return "Docker image manifest (schema 2)"
	case DockerManifestList:
		return "Docker manifest list"
	case OCIManifest:
		return "OCI image manifest"
	case OCIIndex:
		return "OCI image index"
	case "application/vnd.docker.distribution.manifest.v1+json", "application/vnd.docker.distribution.manifest.v1+prettyjws":
		return "Docker schema 1 manifest (no longer pulled by Docker)"
	case "":
		return "no media type"
	}
	return "unknown media type"
}

// Platforms lists an index's entries as "os/arch[/variant]", attestation
// manifests marked as such.
func (m *Manifest) Platforms() []string {
	var out []string
	for _, d := range m.Manifests {
		switch {
		case d.IsAttestation():
			out = append(out, "attestation")
		case d.Platform != nil:
			out = append(out, d.Platform.String())
		default:
			out = append(out, "(no platform)")
		}
	}
	return out
}

// Pick chooses the entry a daemon on os/arch pulls: an exact match, else
// the first image entry. ok is false for an empty index.
func (m *Manifest) Pick(os, arch string) (Descriptor, bool) {
	for _, d := range m.Manifests {
		if d.Platform != nil && d.Platform.OS == os && d.Platform.Architecture == arch && !d.IsAttestation() {
			return d, true
		}
	}
	for _, d := range m.Manifests {
		if !d.IsAttestation() {
			return d, true
		}
	}
	return Descriptor{}, false
}

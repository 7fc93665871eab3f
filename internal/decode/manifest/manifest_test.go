package manifest

import (
	"strings"
	"testing"
)

const index = `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:aa","size":10,"platform":{"os":"linux","architecture":"amd64"}},
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:bb","size":11,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}},
 {"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:cc","size":12,"platform":{"os":"unknown","architecture":"unknown"},"annotations":{"vnd.docker.reference.type":"attestation-manifest"}}]}`

func TestIndexPlatforms(t *testing.T) {
	m, err := Parse("application/vnd.oci.image.index.v1+json", []byte(index))
	if err != nil {
		t.Fatal(err)
	}
	if !m.IsIndex() || strings.Join(m.Platforms(), " ") != "linux/amd64 linux/arm64/v8 attestation" {
		t.Errorf("platforms %v", m.Platforms())
	}
	if d, ok := m.Pick("linux", "arm64"); !ok || d.Digest != "sha256:bb" {
		t.Errorf("pick arm64: %+v", d)
	}
	if d, ok := m.Pick("linux", "s390x"); !ok || d.Digest != "sha256:aa" {
		t.Errorf("no match takes the first image: %+v", d)
	}
}

func TestImageManifest(t *testing.T) {
	body := `{"schemaVersion":2,"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:cf","size":5},"layers":[{"digest":"sha256:l1","size":9}]}`
	m, err := Parse("application/vnd.docker.distribution.manifest.v2+json; charset=utf-8", []byte(body))
	if err != nil {
		t.Fatal(err)
	}
	if m.IsIndex() || m.MediaType != DockerManifest || m.Config.Digest != "sha256:cf" || Kind(m.MediaType) != "Docker image manifest (schema 2)" {
		t.Errorf("%+v", m)
	}
	if _, err := Parse("", []byte(`{"schemaVersion":1}`)); err == nil {
		t.Error("schema 1 should be reported")
	}
	if _, err := Parse("", []byte(`<html>`)); err == nil {
		t.Error("not JSON")
	}
}

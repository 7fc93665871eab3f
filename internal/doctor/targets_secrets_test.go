package doctor

import (
	"testing"

	"github.com/regauth/regauth/internal/decode/k8ssecret"
)

func TestDiscoverSecretsChecksWhereTheKubeletPulls(t *testing.T) {
	f := &k8ssecret.File{Path: "s.yaml", Secrets: []k8ssecret.Secret{
		{Name: "a", Key: ".dockerconfigjson", Used: true, Entries: []k8ssecret.Entry{
			{Key: "https://index.docker.io/v1/", Username: "hub"},
			{Key: "quay.io/v2/org", Username: "q"},
			{Key: "*.example.com", Username: "glob"},
		}},
		{Name: "ignored", Key: ".dockerconfigjson", Used: false, Entries: []k8ssecret.Entry{{Key: "other.example.com"}}},
	}}
	targets, creds, ds := DiscoverSecrets([]*k8ssecret.File{f})
	got := map[string]string{}
	for _, tg := range targets {
		got[tg.Registry] = creds[tg].Username
	}
	if len(targets) != 2 || got["docker.io"] != "hub" || got["quay.io"] != "q" {
		t.Errorf("targets %+v", targets)
	}
	if len(ds) != 1 || ds[0].Code != "SECRET_GLOB_KEY" {
		t.Errorf("findings %+v", ds)
	}
}

package k8ssecret

import (
	"strings"
	"testing"
)

func TestParseNodeConfig(t *testing.T) {
	cases := []struct {
		name, in string
		key      string
		entries  string
		err      string
	}{
		{"config.json", `{"auths":{"registry.example.com":{"auth":"YWxpY2U6cHc="}},"credsStore":"desktop"}`, KeyDockerConfigJSON, "registry.example.com=alice", ""},
		{"legacy .dockercfg", `{"registry.example.com":{"auth":"YWxpY2U6cHc=","email":"a@example.com"}}`, KeyDockercfg, "registry.example.com=alice", ""},
		{"not JSON", "auths: {}", "", "", "not a JSON Docker config"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := ParseNodeConfig("/var/lib/kubelet/config.json", []byte(c.in))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var es []string
			for _, e := range s.Entries {
				es = append(es, e.Key+"="+e.Username)
			}
			if s.Key != c.key || strings.Join(es, ",") != c.entries || s.Label() != "node config /var/lib/kubelet/config.json" {
				t.Errorf("key %q entries %q label %q", s.Key, es, s.Label())
			}
			helper := strings.Contains(c.in, "credsStore")
			if got := len(s.Findings) == 1 && s.Findings[0].Code == "NODE_CONFIG_HELPER_IGNORED"; got != helper {
				t.Errorf("findings %+v, want NODE_CONFIG_HELPER_IGNORED only when credsStore is set", s.Findings)
			}
		})
	}
}

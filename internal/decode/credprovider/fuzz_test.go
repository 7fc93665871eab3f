package credprovider

import "testing"

// Any input is read or refused in one line; nothing panics.
func FuzzParse(f *testing.F) {
	f.Add([]byte(docExample))
	f.Add([]byte("apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\nproviders:\n- name: a\n  env: [{name: 1}]\n  tokenAttributes: 3\n"))
	f.Add([]byte(`{"providers":[null,{"matchImages":null,"defaultCacheDuration":{}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("f", data)
		if err == nil && c == nil {
			t.Fatal("no config and no error")
		}
		_, _ = ParseResponse(data, APIVersions[0])
	})
}

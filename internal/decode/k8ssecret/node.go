package k8ssecret

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// ParseNodeConfig reads a Docker config the kubelet reads on the node
// (/var/lib/kubelet/config.json, ~/.docker/config.json, .dockercfg) as the
// kubelet does: "auths" of username, password, email and auth, or the bare
// registry map of the old .dockercfg. credsStore and credHelpers mean
// nothing to the kubelet.
func ParseNodeConfig(path string, data []byte) (Secret, error) {
	if len(data) > MaxSize {
		return Secret{}, fmt.Errorf("larger than the %d MiB limit for a config file", MaxSize>>20)
	}
	s := Secret{What: "node config " + path, Used: true, Key: KeyDockerConfigJSON, Type: "node"}
	if t := bytes.TrimSpace(data); len(t) == 0 || t[0] != '{' || !json.Valid(t) {
		return Secret{}, fmt.Errorf("not a JSON Docker config")
	}
	if !looksLikeConfigJSON(data) {
		s.Key = KeyDockercfg
	}
	s.readValue("", data)
	if !s.Used && s.Ignored != "" && len(s.Entries) == 0 {
		return Secret{}, fmt.Errorf("%s", s.Ignored)
	}
	return s, nil
}

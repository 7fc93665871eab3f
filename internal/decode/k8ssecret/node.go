package k8ssecret

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/regauth/regauth/internal/diagnose"
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
	var top map[string]json.RawMessage
	_ = json.Unmarshal(data, &top)
	for _, k := range []string{"credsStore", "credHelpers"} {
		if _, ok := lookupFold(top, k); ok {
			s.Findings = append(s.Findings, diagnose.New(diagnose.NodeConfigHelperIgnored, fmt.Sprintf(
				"%s: %q is set, but the kubelet reads only \"auths\" and runs no docker-credential helper, so registries stored in the helper get no credentials from this file", s.What, k), ""))
		}
	}
	return s, nil
}

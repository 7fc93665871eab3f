package authconfig

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// legacyTextAuth recognises the pre-JSON ~/.dockercfg, whose first line is
// "auth = <base64>" (the second, "email = ...", was never used for login).
func legacyTextAuth(data []byte) (string, bool) {
	line, _, _ := bytes.Cut(data, []byte("\n"))
	s := strings.TrimSpace(string(line))
	rest, ok := strings.CutPrefix(s, "auth")
	if !ok {
		return "", false
	}
	rest, ok = strings.CutPrefix(strings.TrimSpace(rest), "=")
	if !ok {
		return "", false
	}
	return strings.TrimSpace(rest), true
}

// parseLegacyText builds the one Hub entry the text form stands for.
func parseLegacyText(path, auth string) *File {
	b := newBuilder(path, FormatLegacyText)
	b.finding(diagnose.LegacyDockercfg, fmt.Sprintf(
		"%s is the pre-JSON ~/.dockercfg text form (auth = ..., email = ...), which old Docker clients applied to Docker Hub only; no current client reads it",
		pathOr(path, "the file")))
	e := Entry{Key: HubKey, Host: "docker.io", IsDockerHub: true}
	if u, p, err := decodeAuth(auth); err != nil {
		e.Findings = append(e.Findings, diagnose.New(diagnose.InvalidAuthEncoding,
			fmt.Sprintf("%s: %v; old Docker clients refused the whole file", b.in("the auth line"), err), ""))
	} else {
		e.Username, e.Password = u, p
	}
	b.addEntry(e)
	return b.finish(dockerPolicy)
}

// isLegacyJSON tells the JSON ~/.dockercfg (a bare map of registry to
// entry) from config.json: no member is a config.json key and every value
// is an object with auth-entry fields only.
func isLegacyJSON(ms []member) bool {
	if len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if _, how := matchName(m.name, dockerTopKeys); how == nameExact || how == nameFolded {
			return false
		}
		if kind(m.value) != "an object" || !isEntryObject(m.value) {
			return false
		}
	}
	return true
}

func parseLegacyJSON(path string, ms []member) (*File, error) {
	b := newBuilder(path, FormatLegacyJSON)
	b.finding(diagnose.LegacyDockercfg, fmt.Sprintf(
		"%s is a legacy ~/.dockercfg (registries at the top level, no \"auths\"): the Docker CLI stopped reading it in 2020; podman and skopeo still read ~/.dockercfg",
		pathOr(path, "the file")))
	for _, m := range ms {
		e, err := b.dockerEntry(m.name, m.value, "old Docker clients refused the whole file")
		if err != nil {
			return nil, err
		}
		b.addEntry(e)
	}
	return b.finish(dockerPolicy), nil
}

func pathOr(path, otherwise string) string {
	if path == "" {
		return otherwise
	}
	return path
}

package authconfig

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/regauth/regauth/internal/diagnose"
)

// envPath is the File.Path of DOCKER_AUTH_CONFIG, as reports show it.
const envPath = "env:DOCKER_AUTH_CONFIG"

// ParseEnvAuthConfig decodes DOCKER_AUTH_CONFIG (Docker CLI 28.3+): JSON
// {"auths":{"<key>":{"auth":"..."}}} with nothing but auth in an entry.
// The CLI ignores the whole variable when it cannot use it, so every
// problem is an error here rather than a finding.
func ParseEnvAuthConfig(env string) (*File, error) {
	f, err := parseEnv([]byte(env))
	if err != nil {
		return nil, fmt.Errorf("%w (the Docker CLI ignores a DOCKER_AUTH_CONFIG it cannot use)", err)
	}
	return f, nil
}

func parseEnv(data []byte) (*File, error) {
	b := newBuilder(envPath, FormatEnvAuthConfig)
	if len(bytes.TrimSpace(data)) == 0 {
		return b.finish(envPolicy), nil
	}
	raw, err := firstValue(data)
	if err != nil {
		return nil, err
	}
	ms, err := members(raw, "the top level")
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		name, how := matchName(m.name, []string{"auths"})
		if how == nameExact || how == nameFolded {
			if err := b.envAuths(m.value); err != nil {
				return nil, err
			}
		}
		switch how {
		case nameExact:
		case nameFolded:
			b.topNameFinding(m, name, how, []string{"auths"}, "the Docker CLI")
		default:
			msg := fmt.Sprintf("%s is ignored: the Docker CLI reads only \"auths\" from DOCKER_AUTH_CONFIG", b.in(fmt.Sprintf("top-level key %q", m.name)))
			if how == nameTypo {
				msg += `; it was probably meant to be "auths"`
			}
			b.finding(diagnose.UnknownConfigKey, msg)
		}
	}
	return b.finish(envPolicy), nil
}

func (b *builder) envAuths(value json.RawMessage) error {
	if isNull(value) {
		return nil
	}
	ms, err := members(value, "auths")
	if err != nil {
		return err
	}
	for _, m := range ms {
		e, err := b.envEntry(m.name, m.value)
		if err != nil {
			return err
		}
		b.addEntry(e)
	}
	return nil
}

func (b *builder) envEntry(key string, raw json.RawMessage) (Entry, error) {
	where := quoteKey("auths", key)
	o, err := readEntryObject(raw, where, []string{"auth"})
	if err != nil {
		return Entry{}, err
	}
	for _, n := range o.odd {
		if n.how != nameFolded {
			return Entry{}, fmt.Errorf(`%s.%s: a DOCKER_AUTH_CONFIG entry may hold only "auth" (base64 of user:password)`, where, n.name)
		}
	}
	auth := o.vals["auth"]
	if auth == "" {
		return Entry{}, fmt.Errorf(`%s: no "auth"; the Docker CLI requires one in every DOCKER_AUTH_CONFIG entry`, where)
	}
	u, p, err := decodeAuth(auth)
	if err != nil {
		return Entry{}, fmt.Errorf("%s.auth: %v", where, err)
	}
	e := Entry{Key: key, Host: hostOf(key), IsDockerHub: key == HubKey, Username: u, Password: p}
	e.Findings = nameFindings(b, where, o.odd, "the Docker CLI", `"auth"`, nil)
	return e, nil
}

package authconfig

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// authTopKeys are the top-level keys that matter for credentials; only
// their case variants and typos are worth a finding.
var authTopKeys = []string{"auths", "credsStore", "credHelpers"}

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Parse decodes a Docker CLI config file: config.json, or the legacy
// ~/.dockercfg in either of its forms (told apart by content, not name).
func Parse(path string, data []byte) (*File, error) {
	if err := checkInput(data); err != nil {
		return nil, err
	}
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	if len(trimmed) == 0 { // the CLI takes an empty file as an empty config
		return newBuilder(path, FormatConfig).finish(nil), nil
	}
	if auth, ok := legacyTextAuth(trimmed); ok {
		return parseLegacyText(path, auth), nil
	}
	raw, err := firstValue(data)
	if err != nil {
		return nil, err
	}
	ms, err := members(raw, "the top level")
	if err != nil {
		return nil, err
	}
	if isLegacyJSON(ms) {
		return parseLegacyJSON(path, ms)
	}
	return parseConfig(path, ms)
}

// checkInput refuses what no client could read, before any decoding.
func checkInput(data []byte) error {
	if len(data) > MaxConfigSize {
		return fmt.Errorf("larger than the %d MiB limit for a config file", MaxConfigSize>>20)
	}
	if bytes.HasPrefix(data, utf8BOM) {
		return errors.New("not JSON: the file starts with a UTF-8 byte-order mark, which Go's JSON decoder (and so every Docker client) rejects; save it without one")
	}
	return nil
}

func parseConfig(path string, ms []member) (*File, error) {
	b := newBuilder(path, FormatConfig)
	for _, m := range ms {
		name, how := matchName(m.name, dockerTopKeys)
		if how == nameExact || how == nameFolded {
			if err := b.dockerTop(name, m.value); err != nil {
				return nil, err
			}
		}
		b.topNameFinding(m, name, how, authTopKeys, "the Docker CLI")
	}
	f := b.finish(dockerPolicy)
	hubHelperFindings(f)
	return f, nil
}

// dockerTop decodes one known top-level member. Members other than the
// three credential ones are not decoded: their content is not our concern.
func (b *builder) dockerTop(name string, value json.RawMessage) error {
	if isNull(value) { // encoding/json leaves the field as it was
		return nil
	}
	switch name {
	case "auths":
		ms, err := members(value, "auths")
		if err != nil {
			return err
		}
		for _, m := range ms {
			e, err := b.dockerEntry(m.name, m.value,
				`the Docker CLI fails to load the file ("WARNING: Error parsing config file") and may skip its other auths entries too`)
			if err != nil {
				return err
			}
			b.addEntry(e)
		}
	case "credsStore":
		s, err := stringValue(value, "credsStore")
		if err != nil {
			return err
		}
		b.f.CredsStore = s
	case "credHelpers":
		return b.readHelpers(value)
	}
	return nil
}

// readHelpers decodes credHelpers, a map of registry to helper name.
func (b *builder) readHelpers(value json.RawMessage) error {
	ms, err := members(value, "credHelpers")
	if err != nil {
		return err
	}
	for _, m := range ms {
		h, err := stringValue(m.value, quoteKey("credHelpers", m.name))
		if err != nil {
			return err
		}
		b.setHelper(m.name, h)
	}
	return nil
}

// dockerEntry decodes an auths member as the Docker CLI does; badAuth says
// what the CLI does with an auth value it cannot decode.
func (b *builder) dockerEntry(key string, raw json.RawMessage, badAuth string) (Entry, error) {
	where := quoteKey("auths", key)
	o, err := readEntryObject(raw, where, dockerEntryFields)
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Key: key, Host: hostOf(key), IsDockerHub: key == HubKey}
	if auth := o.vals["auth"]; auth != "" {
		// A decodable auth wins over literal username/password.
		u, p, err := decodeAuth(auth)
		if err != nil {
			e.Findings = append(e.Findings, diagnose.New(diagnose.InvalidAuthEncoding,
				fmt.Sprintf("%s: %v; %s", b.in(where+".auth"), err, badAuth), ""))
		} else {
			e.Username, e.Password = u, p
		}
	} else {
		e.Username, e.Password = o.vals["username"], o.vals["password"]
	}
	e.IdentityToken, e.RegistryToken = o.vals["identitytoken"], o.vals["registrytoken"]
	e.Findings = append(e.Findings, nameFindings(b, where, o.odd, "the Docker CLI",
		quoteList(credentialFields), credentialFields)...)
	return e, nil
}

// topNameFinding words a top-level name that is a case variant or typo of
// a credential key, or an auths entry written outside "auths".
func (b *builder) topNameFinding(m member, name string, how nameMatch, authKeys []string, who string) {
	at := b.in(fmt.Sprintf("top-level key %q", m.name))
	switch {
	case how == nameFolded && contains(authKeys, name):
		b.findingHint(diagnose.UnknownConfigKey,
			fmt.Sprintf("%s should be spelled %q: %s reads it anyway (Go's JSON decoding ignores case), but tools that match names exactly do not", at, name, who),
			fmt.Sprintf("Rename it to %q.", name))
	case how == nameTypo && contains(authKeys, name):
		b.finding(diagnose.UnknownConfigKey,
			fmt.Sprintf("%s is not a key %s reads, so it is ignored; it was probably meant to be %q", at, who, name))
	case how == nameUnknown && looksLikeEntry(m):
		b.findingHint(diagnose.UnknownConfigKey,
			fmt.Sprintf("%s looks like a registry login, but %s reads logins only inside \"auths\", so it is ignored", at, who),
			`Move it into "auths", or run the client's login command again.`)
	}
}

// looksLikeEntry reports a member named like a registry whose value has
// only auth-entry fields.
func looksLikeEntry(m member) bool {
	host := dockerHostname(m.name)
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return false
	}
	return isEntryObject(m.value)
}

// isEntryObject reports an object whose members are all auth-entry fields.
func isEntryObject(raw json.RawMessage) bool {
	ms, err := members(raw, "")
	if err != nil {
		return false
	}
	for _, m := range ms {
		if _, how := matchName(m.name, dockerEntryFields); how != nameExact && how != nameFolded {
			return false
		}
	}
	return true
}

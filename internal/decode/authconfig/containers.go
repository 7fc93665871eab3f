package authconfig

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

const containersWho = "podman and skopeo"

// containersTopKeys and containersEntryFields are what containers/image's
// dockerConfigFile and dockerAuthConfig decode; everything else is skipped.
var (
	containersTopKeys     = []string{"auths", "credHelpers"}
	containersEntryFields = []string{"auth", "identitytoken"}
)

// ParseContainers decodes a containers auth.json (podman, skopeo, buildah)
// as containers/image reads it: json.Unmarshal, so trailing data and an
// empty file are errors; keys may be namespaces; Hub aliases are all Hub.
func ParseContainers(path string, data []byte) (*File, error) {
	if err := checkInput(data); err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, errors.New("not JSON: the file is empty, which podman and skopeo refuse")
	}
	raw, err := wholeValue(data)
	if err != nil {
		return nil, err
	}
	ms, err := members(raw, "the top level")
	if err != nil {
		return nil, err
	}
	b := newBuilder(path, FormatContainers)
	for _, m := range ms {
		name, how := matchName(m.name, containersTopKeys)
		switch {
		case how == nameExact || how == nameFolded:
			if err := b.containersTop(name, m.value); err != nil {
				return nil, err
			}
		case strings.EqualFold(m.name, "credsStore"):
			b.findingHint(diagnose.UnknownConfigKey,
				fmt.Sprintf("%s is not read by podman or skopeo: containers/image uses credHelpers per registry, or credential-helpers in registries.conf", b.in(`top-level key "credsStore"`)),
				`Use "credHelpers" entries, or set credential-helpers in containers-registries.conf(5).`)
			continue
		}
		b.topNameFinding(m, name, how, containersTopKeys, containersWho)
	}
	return b.finish(containersPolicy), nil
}

func (b *builder) containersTop(name string, value json.RawMessage) error {
	if isNull(value) {
		return nil
	}
	if name == "credHelpers" {
		return b.readHelpers(value)
	}
	ms, err := members(value, "auths")
	if err != nil {
		return err
	}
	for _, m := range ms {
		e, err := b.containersEntry(m.name, m.value)
		if err != nil {
			return err
		}
		b.addEntry(e)
	}
	return nil
}

// containersEntry decodes an entry as containers/image's decodeDockerAuth:
// bad base64 fails the lookup, an auth with no ':' or an empty username is
// skipped as holding no credentials.
func (b *builder) containersEntry(key string, raw json.RawMessage) (Entry, error) {
	where := quoteKey("auths", key)
	o, err := readEntryObject(raw, where, containersEntryFields)
	if err != nil {
		return Entry{}, err
	}
	host := strings.ToLower(dockerHostname(key))
	e := Entry{Key: key, Host: host, IsDockerHub: isHubAlias(host)}
	if e.IsDockerHub {
		e.Host = "docker.io"
	}
	bad := func(why string) {
		e.Findings = append(e.Findings, diagnose.New(diagnose.InvalidAuthEncoding,
			fmt.Sprintf("%s: %s", b.in(where+".auth"), why), ""))
	}
	if auth := o.vals["auth"]; auth != "" {
		dec, err := base64.StdEncoding.DecodeString(auth)
		user, pass, ok := strings.Cut(string(dec), ":")
		switch {
		case err != nil:
			bad(base64Error(auth, err).Error() + "; " + containersWho + " fail every lookup that reaches this entry")
		case !ok:
			bad(errNoColon.Error() + "; " + containersWho + " skip the entry as holding no credentials")
		case user == "" && o.vals["identitytoken"] == "":
			bad(errEmptyUsername.Error() + "; " + containersWho + " skip the entry as holding no credentials")
		default:
			e.Username, e.Password = user, strings.Trim(pass, "\x00")
			e.IdentityToken = o.vals["identitytoken"]
		}
	}
	e.Findings = append(e.Findings, b.containersNames(where, o.odd)...)
	return e, nil
}

// containersNames words fields containers/image skips: the Docker CLI's
// username, password and registrytoken deserve a precise word, email and
// serveraddress (written by old clients) none.
func (b *builder) containersNames(where string, odd []oddName) []diagnose.Diagnosis {
	var rest []oddName
	var out []diagnose.Diagnosis
	for _, n := range odd {
		docker, how := matchName(n.name, dockerEntryFields)
		if n.how == nameFolded || (how != nameExact && how != nameFolded) {
			rest = append(rest, n)
			continue
		}
		switch docker {
		case "username", "password", "registrytoken":
			out = append(out, diagnose.New(diagnose.UnknownConfigKey,
				fmt.Sprintf("%s is ignored: %s read only \"auth\" and \"identitytoken\" from an entry", b.in(where+"."+n.name), containersWho),
				`Store the login as "auth" (base64 of user:password), e.g. with podman login.`))
		}
	}
	return append(out, nameFindings(b, where, rest, containersWho, quoteList(containersEntryFields), containersEntryFields)...)
}

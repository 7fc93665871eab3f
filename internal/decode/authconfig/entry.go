package authconfig

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// credentialFields are the entry fields worth naming in a typo finding;
// a misspelt email or serveraddress changes nothing.
var credentialFields = []string{"auth", "username", "password", "identitytoken", "registrytoken"}

// entryObject is an auths member's fields, keyed by the name the reader
// knows them under (so "Auth" is stored as "auth", as encoding/json reads
// it). A field present with "" or null is in vals with "".
type entryObject struct {
	vals map[string]string
	odd  []oddName // fields the reader does not match exactly
}

// oddName is a member name that is a case variant, a typo or unknown.
type oddName struct {
	name  string
	meant string
	how   nameMatch
}

// readEntryObject reads an entry as encoding/json would into a struct with
// the known fields: known fields must be strings (a wrong type fails the
// whole file in every client), unknown fields are skipped unread.
func readEntryObject(raw json.RawMessage, where string, known []string) (entryObject, error) {
	o := entryObject{vals: map[string]string{}}
	if isNull(raw) {
		return o, nil
	}
	ms, err := members(raw, where)
	if err != nil {
		return o, err
	}
	for _, m := range ms {
		k, how := matchName(m.name, known)
		if how != nameExact && how != nameFolded {
			o.odd = append(o.odd, oddName{name: m.name, meant: k, how: how})
			continue
		}
		s, err := stringValue(m.value, where+"."+m.name)
		if err != nil {
			return o, err
		}
		o.vals[k] = s
		if how == nameFolded {
			o.odd = append(o.odd, oddName{name: m.name, meant: k, how: how})
		}
	}
	return o, nil
}

// nameFindings words the case variants, typos and unknown names of an
// object; who is the reader ("the Docker CLI"), reads what it reads.
func nameFindings(b *builder, where string, odd []oddName, who, reads string, worthNaming []string) []diagnose.Diagnosis {
	var out []diagnose.Diagnosis
	for _, n := range odd {
		at := b.in(where + "." + n.name)
		switch {
		case n.how == nameFolded:
			out = append(out, diagnose.New(diagnose.UnknownConfigKey,
				fmt.Sprintf("%s should be spelled %q: %s reads it anyway (Go's JSON decoding ignores case), but tools that match names exactly do not", at, n.meant, who),
				fmt.Sprintf("Rename it to %q.", n.meant)))
		case n.how == nameTypo && contains(worthNaming, n.meant):
			out = append(out, diagnose.New(diagnose.UnknownConfigKey,
				fmt.Sprintf("%s is not a field %s reads, so it is ignored; it was probably meant to be %q", at, who, n.meant), ""))
		default:
			out = append(out, diagnose.New(diagnose.UnknownConfigKey,
				fmt.Sprintf("%s is not a field %s reads, so it is ignored (it reads %s)", at, who, reads), ""))
		}
	}
	return out
}

// quoteList renders names as "a", "b" and "c" for messages.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) < 2 {
		return strings.Join(q, "")
	}
	return strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
}

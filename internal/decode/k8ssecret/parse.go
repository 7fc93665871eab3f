package k8ssecret

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/regauth/regauth/internal/diagnose"
)

// object is the part of a Kubernetes object the kubelet looks at. Data
// stays raw so a broken value can be named with its key.
type object struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name      string `json:"name"`
		Namespace string `json:"namespace"`
	} `json:"metadata"`
	Type       string                     `json:"type"`
	Data       map[string]json.RawMessage `json:"data"`
	StringData map[string]string          `json:"stringData"`
	Items      []json.RawMessage          `json:"items"`
}

// Parse decodes a Secret, a List of them, YAML with several documents, or a
// bare base64 value of .dockerconfigjson / .dockercfg. YAML goes through
// sigs.k8s.io/yaml, as kubectl's does: it becomes JSON first, so the object
// decodes by the same rules as the API's JSON. An error is input no
// Kubernetes tool could read; what the kubelet would skip is a finding.
func Parse(path string, data []byte) (*File, error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("larger than the %d MiB limit for a Secret file", MaxSize>>20)
	}
	f := &File{Path: path, Format: FormatSecret}
	if raw, ok := bareValue(data); ok {
		f.Format = FormatBare
		s := Secret{Where: "the file"}
		s.Key, s.Type = KeyDockerConfigJSON, TypeDockerConfigJSON
		if !looksLikeConfigJSON(raw) {
			s.Key, s.Type = KeyDockercfg, TypeDockercfg
		}
		s.Used = true
		s.readValue(path, raw)
		f.Secrets = append(f.Secrets, s)
		return f, nil
	}
	docs := splitDocuments(data)
	for i, doc := range docs {
		where := ""
		if len(docs) > 1 {
			where = fmt.Sprintf("document %d", i+1)
		}
		js, err := yaml.YAMLToJSON(doc)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", orWhere(where, "the file"), cleanYAMLError(err))
		}
		if err := f.addObject(js, where); err != nil {
			return nil, err
		}
	}
	if len(f.Secrets) == 0 && len(f.Findings) == 0 {
		return nil, errors.New("no Kubernetes object in the file")
	}
	return f, nil
}

// addObject reads one object; a List's items are read in order.
func (f *File) addObject(js []byte, where string) error {
	if len(bytes.TrimSpace(js)) == 0 || string(bytes.TrimSpace(js)) == "null" {
		return nil // an empty document
	}
	var o object
	if err := json.Unmarshal(js, &o); err != nil {
		return fmt.Errorf("%s: not a Kubernetes object: %s", orWhere(where, "the file"), jsonError(err))
	}
	switch {
	case o.Kind == "Secret":
		f.Secrets = append(f.Secrets, f.secret(o, where))
	case strings.HasSuffix(o.Kind, "List") || (o.Kind == "" && o.Items != nil):
		for i, it := range o.Items {
			w := fmt.Sprintf("items[%d]", i)
			if where != "" {
				w = where + " " + w
			}
			if err := f.addObject(it, w); err != nil {
				return err
			}
		}
	case o.Kind == "" && o.APIVersion == "":
		return fmt.Errorf("%s: not a Kubernetes object (no kind or apiVersion)", orWhere(where, "the file"))
	default:
		f.Findings = append(f.Findings, diagnose.New(diagnose.SecretNotASecret,
			fmt.Sprintf("%s%s is a %s %q, not a Secret: the kubelet reads pull credentials from Secrets only, so it is skipped",
				f.in(), orWhere(where, "the object"), o.Kind, o.Metadata.Name), ""))
	}
	return nil
}

// secret decides which key the kubelet reads and decodes it.
func (f *File) secret(o object, where string) Secret {
	s := Secret{Namespace: o.Metadata.Namespace, Name: o.Metadata.Name, Type: o.Type, Where: where}
	typ := o.Type
	if typ == "" {
		typ = "Opaque" // the API server's default
	}
	values, fields, bad := secretValues(o)
	for _, b := range bad {
		s.Findings = append(s.Findings, diagnose.New(diagnose.SecretBadBase64,
			fmt.Sprintf("%s%s, data[%q]: %s; kubectl apply refuses the Secret (the API server decodes data as base64)", f.in(), s.Label(), b.key, b.err), ""))
	}
	want := map[string]string{TypeDockerConfigJSON: KeyDockerConfigJSON, TypeDockercfg: KeyDockercfg}[typ]
	if want != "" {
		s.Key = want
		if v, ok := values[want]; ok {
			s.Field, s.Used = fields[want], true
			s.readValue(f.Path, v)
			return s
		}
		if hasKey(bad, want) {
			s.Ignored = "its " + want + " is not valid base64"
			return s
		}
	}
	// The type names no key the kubelet reads, or the key is not there.
	for _, k := range []string{KeyDockerConfigJSON, KeyDockercfg} {
		if _, ok := values[k]; ok || hasKey(bad, k) {
			s.Key, s.Field = k, fields[k]
			break
		}
	}
	s.Ignored = mismatch(typ, want, s.Key)
	s.Findings = append(s.Findings, diagnose.New(diagnose.SecretTypeMismatch,
		fmt.Sprintf("%sSecret %s%s: %s, so the kubelet ignores this Secret and pulls without its credentials", f.in(), s.Ref(), paren(s.Where), s.Ignored), ""))
	if s.Key != "" {
		if v, ok := values[s.Key]; ok {
			s.readValue(f.Path, v) // still shown, marked unused
		}
	}
	return s
}

// mismatch words why the type and key do not go together.
func mismatch(typ, want, have string) string {
	switch {
	case want != "" && have != "":
		return fmt.Sprintf("type %s reads key %s, but the Secret holds %s (the API server refuses it: data[%s] is required)", typ, want, have, want)
	case want != "":
		return fmt.Sprintf("type %s reads key %s, which the Secret does not hold (the API server refuses it: data[%s] is required)", typ, want, want)
	case have != "":
		return fmt.Sprintf("type %s is not one the kubelet reads pull credentials from, though the Secret holds %s (type %s is needed; kubectl create secret generic makes Opaque Secrets)", typ, have, typeFor(have))
	}
	return fmt.Sprintf("type %s is not one the kubelet reads pull credentials from, and the Secret holds neither %s nor %s", typ, KeyDockerConfigJSON, KeyDockercfg)
}

func typeFor(key string) string {
	if key == KeyDockercfg {
		return TypeDockercfg
	}
	return TypeDockerConfigJSON
}

type badValue struct{ key, err string }

func hasKey(bad []badValue, k string) bool {
	for _, b := range bad {
		if b.key == k {
			return true
		}
	}
	return false
}

// secretValues merges data (base64) and stringData (plain, and winning on
// a shared key, as the API server merges them).
func secretValues(o object) (values map[string][]byte, field map[string]string, bad []badValue) {
	values, field = map[string][]byte{}, map[string]string{}
	for _, k := range sortedKeys(o.Data) {
		raw := o.Data[k]
		var s *string
		if err := json.Unmarshal(raw, &s); err != nil {
			bad = append(bad, badValue{k, "not a string"})
			continue
		}
		if s == nil {
			values[k], field[k] = nil, "data"
			continue
		}
		b, err := base64.StdEncoding.DecodeString(*s)
		if err != nil {
			bad = append(bad, badValue{k, base64Where(*s, err)})
			continue
		}
		values[k], field[k] = b, "data"
	}
	for k, v := range o.StringData {
		values[k], field[k] = []byte(v), "stringData"
	}
	return values, field, bad
}

// base64Where names the byte the decoder stopped at, and the usual cause.
func base64Where(s string, err error) string {
	var at base64.CorruptInputError
	if !errors.As(err, &at) {
		return "not valid base64"
	}
	msg := fmt.Sprintf("not valid base64 at byte %d", int64(at))
	switch {
	case strings.ContainsAny(s, "-_"):
		msg += " (URL-safe base64; the API wants the standard alphabet with + and /)"
	case strings.HasPrefix(strings.TrimSpace(s), "{"):
		msg += " (plain JSON: put it under stringData, or base64 it for data)"
	case len(strings.TrimRight(s, "\r\n"))%4 != 0 && !strings.Contains(s, "="):
		msg += " (padding '=' missing)"
	case strings.ContainsAny(s, " \t"):
		msg += " (contains spaces)"
	}
	return msg
}

// splitDocuments cuts YAML at its "---" lines.
func splitDocuments(data []byte) [][]byte {
	var docs [][]byte
	var cur []byte
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		t := bytes.TrimRight(line, " \t\r\n")
		if bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) || bytes.HasPrefix(t, []byte("---\t")) {
			docs = append(docs, cur)
			cur = nil
			if rest := bytes.TrimSpace(t[3:]); len(rest) > 0 && rest[0] != '#' {
				cur = append(cur, rest...)
				cur = append(cur, '\n')
			}
			continue
		}
		cur = append(cur, line...)
	}
	docs = append(docs, cur)
	out := docs[:0]
	for _, d := range docs {
		if len(bytes.TrimSpace(stripComments(d))) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// stripComments drops whole-line comments, to tell an empty document.
func stripComments(d []byte) []byte {
	var out []byte
	for _, line := range bytes.SplitAfter(d, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] == '#' {
			continue
		}
		out = append(out, line...)
	}
	return out
}

func paren(where string) string {
	if where == "" {
		return ""
	}
	return " (" + where + ")"
}

func orWhere(where, otherwise string) string {
	if where == "" {
		return otherwise
	}
	return where
}

// in prefixes messages with the file's path.
func (f *File) in() string {
	if f.Path == "" {
		return ""
	}
	return f.Path + ": "
}

// cleanYAMLError drops the library's "error converting YAML to JSON:"
// prefix; the line number it gives stays.
func cleanYAMLError(err error) error {
	s := err.Error()
	s = strings.TrimPrefix(s, "error converting YAML to JSON: ")
	s = strings.TrimPrefix(s, "yaml: ")
	return errors.New("not YAML or JSON: " + s)
}

// jsonError words a JSON type error without Go's type names.
func jsonError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is a %s, not what Kubernetes expects there", orWhere(te.Field, "the top level"), te.Value)
	}
	return err.Error()
}

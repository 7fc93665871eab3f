package authconfig

import (
	"sort"

	"github.com/regauth/regauth/internal/diagnose"
)

// builder collects a file's members as they are decoded and turns them
// into a File once every member is known, since the findings for an entry
// depend on helpers that may come later in the file.
type builder struct {
	f       *File
	entries map[string]Entry
}

func newBuilder(path, format string) *builder {
	return &builder{f: &File{Path: path, Format: format}, entries: map[string]Entry{}}
}

// addEntry stores an entry; a later duplicate key replaces an earlier one
// entirely, as encoding/json does for a map of structs.
func (b *builder) addEntry(e Entry) { b.entries[e.Key] = e }

// setHelper records credHelpers[key]; null values read as "" as in
// encoding/json, which the Docker CLI then takes as "no helper".
func (b *builder) setHelper(key, helper string) {
	if b.f.CredHelpers == nil {
		b.f.CredHelpers = map[string]string{}
	}
	b.f.CredHelpers[key] = helper
}

// finding adds a file-level finding.
func (b *builder) finding(code diagnose.Code, msg string) {
	b.f.Findings = append(b.f.Findings, diagnose.New(code, msg, ""))
}

// findingHint adds a file-level finding whose catalogue hint would be wrong.
func (b *builder) findingHint(code diagnose.Code, msg, hint string) {
	b.f.Findings = append(b.f.Findings, diagnose.New(code, msg, hint))
}

// in names where something is, for messages: `auths["x"] in /path`.
func (b *builder) in(what string) string { return located(b.f.Path, what) }

// located appends the file a thing is in, since reports mix sources.
func located(path, what string) string {
	if path == "" {
		return what
	}
	return what + " in " + path
}

// finish sorts the entries and adds the findings that need the whole file.
func (b *builder) finish(policy func(f *File, e *Entry)) *File {
	keys := make([]string, 0, len(b.entries))
	for k := range b.entries {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		b.f.Entries = append(b.f.Entries, b.entries[k])
	}
	if policy != nil {
		for i := range b.f.Entries {
			policy(b.f, &b.f.Entries[i])
		}
	}
	return b.f
}

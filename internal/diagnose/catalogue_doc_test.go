package diagnose

import (
	"os"
	"regexp"
	"sort"
	"testing"
)

// The catalogue and docs/diagnoses.md must list the same codes.
func TestCatalogueMatchesDocs(t *testing.T) {
	doc, err := os.ReadFile("../../docs/diagnoses.md")
	if err != nil {
		t.Fatal(err)
	}
	inDoc := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^### ([A-Z0-9_]+)\s*$`).FindAllStringSubmatch(string(doc), -1) {
		inDoc[m[1]] = true
	}
	var missing, extra []string
	for _, e := range All() {
		if !inDoc[string(e.Code)] {
			missing = append(missing, string(e.Code))
		}
		delete(inDoc, string(e.Code))
		if e.Title == "" || e.Hint == "" {
			t.Errorf("%s has no title or hint in the catalogue", e.Code)
		}
	}
	for c := range inDoc {
		extra = append(extra, c)
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("codes missing from docs/diagnoses.md: %v", missing)
	}
	if len(extra) > 0 {
		t.Errorf("docs/diagnoses.md lists codes the catalogue does not have: %v", extra)
	}
}

func TestNewUsesCatalogue(t *testing.T) {
	d := New(TokenExpired, "expired", "")
	if d.Severity != Error || d.Hint == "" {
		t.Errorf("%+v", d)
	}
	if New(TokenExpired, "x", "do this").Hint != "do this" {
		t.Errorf("a rule's own hint wins")
	}
	ds := []Diagnosis{New(RealmOtherHost, "a", ""), New(ClockSkew, "b", ""), New(TokenExpired, "c", "")}
	Sort(ds)
	if ds[0].Code != TokenExpired || ds[2].Code != RealmOtherHost || Worst(ds) != Error || Worst(nil) != Info {
		t.Errorf("sort/worst: %+v", ds)
	}
}

package authconfig

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

// codes lists the codes of ds in order, for compact comparisons.
func codes(ds []diagnose.Diagnosis) []diagnose.Code {
	out := []diagnose.Code{}
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustEntry(t *testing.T, f *File, key string) *Entry {
	t.Helper()
	e := f.entry(key)
	if e == nil {
		t.Fatalf("no entry %q in %v", key, keysOf(f))
	}
	return e
}

func keysOf(f *File) []string {
	var k []string
	for _, e := range f.Entries {
		k = append(k, e.Key)
	}
	return k
}

func sameCodes(got []diagnose.Diagnosis, want ...diagnose.Code) bool {
	if want == nil {
		want = []diagnose.Code{}
	}
	return slices.Equal(codes(got), want)
}

package k8ssecret

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Any input is read or refused in one line; nothing panics.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("---\n---\nkind: List\napiVersion: v1\nitems: [1]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Detect(data)
		file, err := Parse("f.yaml", data)
		if err != nil {
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans lines: %q", err)
			}
			return
		}
		for _, s := range file.Secrets {
			_ = s.Label()
		}
		_, _ = ParseNodeConfig("c.json", data)
	})
}

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Start-up stays at the floor: what the packages outside the standard
// library allocate in their init functions, counted by the runtime
// (GODEBUG=inittrace=1), which is deterministic where their time is not.
// tablewriter's width tables alone were 663 KB (and a third of start-up).
// Today about 38 KB, 27 KB of it YAML's resolve tables (sigs.k8s.io/yaml
// for pull Secrets); the limit leaves room for small tables, not a library.
const maxInitBytes = 48 << 10

var initLine = regexp.MustCompile(`^init (\S+) @\S+ ms, \S+ ms clock, (\d+) bytes, \d+ allocs`)

func TestInitAllocationsStaySmall(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	bin := filepath.Join(t.TempDir(), "regauth")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("regauth version: %v\n%s", err, out)
	}
	total := 0
	var big []string
	for _, l := range strings.Split(string(out), "\n") {
		m := initLine.FindStringSubmatch(l)
		if m == nil || !strings.Contains(strings.SplitN(m[1], "/", 2)[0], ".") {
			continue // not an init line, or a standard-library package
		}
		n, _ := strconv.Atoi(m[2])
		total += n
		if n > 8<<10 {
			big = append(big, m[1]+" "+m[2])
		}
	}
	if total > maxInitBytes {
		t.Errorf("packages outside the standard library allocate %d bytes at init (limit %d): %v", total, maxInitBytes, big)
	}
}

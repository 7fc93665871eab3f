package layout

import (
	"os/exec"
	"strings"
	"testing"
)

func deps(t *testing.T, pkg string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", pkg).Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	return strings.Fields(string(out))
}

func forbid(t *testing.T, pkg string, bad ...string) {
	t.Helper()
	for _, d := range deps(t, pkg) {
		for _, b := range bad {
			if d == b || strings.HasPrefix(d, b+"/") {
				t.Errorf("%s must not import %s (found %s)", pkg, b, d)
			}
		}
	}
}

func TestRegauthDoesNotLinkTheRegistry(t *testing.T) {
	forbid(t, "github.com/regauth/regauth/cmd/regauth",
		"github.com/distribution/distribution/v3",
		"github.com/regauth/regauth/internal/sandbox",
		// Its regular expressions, compiled at package init, cost 3 ms of
		// every start; imageref parses the same grammar and is tested
		// against it.
		"github.com/distribution/reference",
		"github.com/opencontainers/go-digest")
}

func TestEngineAndDecodersKnowNoTerminal(t *testing.T) {
	ui := []string{"github.com/spf13/cobra", "github.com/fatih/color", "github.com/regauth/regauth/internal/render", "github.com/regauth/regauth/internal/report"}
	for _, p := range []string{"./internal/flow", "./internal/decode/...", "./internal/probe", "./internal/tlsinfo"} {
		forbid(t, "github.com/regauth/regauth/"+strings.TrimPrefix(p, "./"), ui...)
	}
}

package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// login-trace, probe (text and JSON) against the vendor fronts name the
// flavour; the GHCR front's opaque token never shows, not even in why.
func TestFlavourInTraceAndProbe(t *testing.T) {
	for _, like := range []sandbox.Like{sandbox.LikeGHCR, sandbox.LikeGitLab, sandbox.LikeECR, sandbox.LikeACR, sandbox.LikeQuay, sandbox.LikeArtifactory} {
		t.Run(string(like), func(t *testing.T) {
			sb := startSandbox(t, like)
			pw := sb.Users()["alice"]
			c := traceCLI(t)
			c.in = pw + "\n"
			r := c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "--no-color").wantCode(t, 0)
			if !strings.Contains(r.out, "\nflavour: ") {
				t.Errorf("no flavour line:\n%s", r.out)
			}
			c.in = pw + "\n"
			r = c.run("login-trace", "http://"+sb.Host(), "-u", "alice", "--password-stdin", "-o", "json").wantCode(t, 0)
			var doc struct {
				Flavour struct{ ID, Name, Why string }
			}
			if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Flavour.ID != string(like) || doc.Flavour.Why == "" {
				t.Errorf("flavour %+v, want %s", doc.Flavour, like)
			}
			if strings.Contains(r.out, pw) {
				t.Errorf("the password is printed")
			}
			for _, req := range sb.Requests() {
				if tok, ok := strings.CutPrefix(req.Authorization, "Bearer "); ok && strings.Contains(r.out, tok) {
					t.Errorf("a token the client sent is printed")
				}
			}
			r = traceCLI(t).run("probe", "http://"+sb.Host(), "-o", "json")
			var probe struct {
				Flavour   struct{ ID string }
				Diagnoses []struct{ Code string }
			}
			if err := json.Unmarshal([]byte(r.out), &probe); err != nil {
				t.Fatalf("%v\n%s", err, r.out)
			}
			if probe.Flavour.ID != string(like) {
				t.Errorf("probe flavour %q, want %s", probe.Flavour.ID, like)
			}
			expected := false
			for _, d := range probe.Diagnoses {
				expected = expected || d.Code == "FLAVOUR_EXPECTED"
			}
			if expected != (like == sandbox.LikeACR) {
				t.Errorf("probe FLAVOUR_EXPECTED %v: only ACR's unprompted invalid_token calls for it", expected)
			}
		})
	}
}

// doctor names each registry's flavour: a FLAVOUR column and "flavour" in
// the JSON.
func TestDoctorNamesFlavour(t *testing.T) {
	quay := startSandbox(t, sandbox.LikeQuay)
	acr := startSandbox(t, sandbox.LikeACR)
	c := traceCLI(t)
	r := c.run("doctor", quay.Host(), acr.Host(), "--timeout", "5s")
	if !strings.Contains(r.out, "FLAVOUR") || !strings.Contains(r.out, "Quay") || !strings.Contains(r.out, "Azure Container Registry") {
		t.Errorf("doctor table lacks the flavours:\n%s", r.out)
	}
	r = c.run("doctor", quay.Host(), acr.Host(), "--timeout", "5s", "-o", "json")
	var doc struct {
		Registries []struct {
			Registry string
			Flavour  struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("%v\n%s", err, r.out)
	}
	want := map[string]string{quay.Host(): "quay", acr.Host(): "acr"}
	for _, reg := range doc.Registries {
		if reg.Flavour.ID != want[reg.Registry] {
			t.Errorf("%s: flavour %q, want %q", reg.Registry, reg.Flavour.ID, want[reg.Registry])
		}
	}
	if len(doc.Registries) != 2 {
		t.Errorf("%d registries", len(doc.Registries))
	}
}

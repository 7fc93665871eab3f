package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/doctor"
	"github.com/regauth/regauth/internal/sandbox"
)

// A config with a mix of good and broken entries, as people have them: a
// credsStore whose helper holds a good and a stale password, an auths
// placeholder with nothing behind it, a credHelpers entry whose helper is
// not installed, and a registry that is gone.
func TestDoctorMixedConfig(t *testing.T) {
	harbor := startSandbox(t, sandbox.LikeHarbor)
	dist := startSandbox(t, sandbox.LikeDistribution)
	basic := startSandbox(t, sandbox.LikeBasic)
	hub := startSandbox(t, sandbox.LikeDockerHub)
	gone := "127.0.0.10:1"

	dir := t.TempDir()
	helper := `#!/bin/sh
case "$1" in
list) echo '{"` + harbor.Host() + `":"alice","` + dist.Host() + `":"alice","` + gone + `":"carol"}';;
get)
  read url
  case "$url" in
    ` + harbor.Host() + `) echo '{"Username":"alice","Secret":"` + harbor.Users()["alice"] + `"}';;
    ` + dist.Host() + `) echo '{"Username":"alice","Secret":"Stale-Password-1"}';;
    ` + gone + `) echo '{"Username":"carol","Secret":"Carol-Secret-2"}';;
    *) echo 'credentials not found in native keychain'; exit 1;;
  esac;;
esac
`
	writeFile(t, dir, "docker-credential-fake", helper)
	if err := os.Chmod(filepath.Join(dir, "docker-credential-fake"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))

	c := traceCLI(t)
	writeFile(t, c.env["HOME"], ".docker/config.json", `{
	"auths": {"`+basic.Host()+`": {}},
	"credsStore": "fake",
	"credHelpers": {"`+hub.Host()+`": "not-installed"}
}`)
	r := c.run("doctor", "--timeout", "3s").wantCode(t, 3)
	want := map[string]string{
		harbor.Host(): "ok",
		dist.Host():   "bad credentials",
		basic.Host():  "no credentials",
		hub.Host():    "helper failed",
		gone:          "unreachable",
	}
	for host, verdict := range want {
		line := ""
		for _, l := range strings.Split(r.out, "\n") {
			// The row's first line: a long cell wraps onto more.
			if line == "" && strings.Contains(l, host) && strings.Contains(l, "│") {
				line = l
			}
		}
		if !strings.Contains(line, verdict) {
			t.Errorf("%s: want verdict %q in its row %q\n%s", host, verdict, line, r.out)
		}
	}
	if r.err != "" {
		t.Errorf("no progress line when stderr is not a terminal; got %q", r.err)
	}
	for _, s := range []string{"Stale-Password-1", "Carol-Secret-2", harbor.Users()["alice"]} {
		if strings.Contains(r.out, s) {
			t.Errorf("doctor leaked %q", s)
		}
	}

	r = c.run("doctor", "--timeout", "3s", "-o", "json").wantCode(t, 3)
	for _, s := range []string{"Stale-Password-1", "Carol-Secret-2", harbor.Users()["alice"]} {
		if strings.Contains(r.out+r.err, s) {
			t.Errorf("doctor -o json leaked %q", s)
		}
	}
	var doc struct {
		SchemaVersion int `json:"schemaVersion"`
		Registries    []struct {
			Registry, User, Source, Verdict, Code string
			DurationMS                            float64 `json:"duration_ms"`
		}
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("doctor JSON: %v\n%s", err, r.out)
	}
	if doc.SchemaVersion != 1 || len(doc.Registries) != len(want) {
		t.Fatalf("want %d registries in JSON, got %+v", len(want), doc)
	}
	for _, reg := range doc.Registries {
		if want[reg.Registry] != reg.Verdict {
			t.Errorf("JSON %s: verdict %q, want %q", reg.Registry, reg.Verdict, want[reg.Registry])
		}
		if reg.Verdict != "ok" && reg.Code == "" {
			t.Errorf("JSON %s: a failed verdict carries its diagnosis code", reg.Registry)
		}
		if reg.Source == "" || reg.DurationMS <= 0 && reg.Verdict != "helper failed" {
			t.Errorf("JSON %s: source %q duration %v", reg.Registry, reg.Source, reg.DurationMS)
		}
	}

	// Named registries only; the good one alone exits 0.
	r = c.run("doctor", harbor.Host()).wantCode(t, 0)
	if strings.Contains(r.out, dist.Host()) || !strings.Contains(r.out, "1 of 1 registries ok") {
		t.Errorf("doctor HOST checks only that host:\n%s", r.out)
	}
}

func TestDoctorEmptyAndBadInput(t *testing.T) {
	r := newCLI(t).run("doctor").wantCode(t, 0)
	if !strings.Contains(r.out, "no registries to check") {
		t.Errorf("no config: %s", r.out)
	}
	newCLI(t).run("doctor", "--parallel", "0").wantCode(t, 2)
	newCLI(t).run("doctor", "ftp://x").wantCode(t, 2)
}

func TestDoctorProgressLine(t *testing.T) {
	if progressLine(&strings.Builder{}, false) != nil {
		t.Errorf("no progress off a terminal")
	}
	var b strings.Builder
	p := progressLine(&b, true)
	p(1, 3, doctor.Result{Registry: "reg.one", Verdict: doctor.OK})
	p(2, 3, doctor.Result{Registry: "reg.two", Verdict: doctor.BadCredentials})
	if !strings.Contains(b.String(), "\r\033[Kchecked 2/3 registries (last: reg.two bad credentials)") {
		t.Errorf("progress line: %q", b.String())
	}
}

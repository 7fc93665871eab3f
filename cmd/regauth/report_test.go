package main

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// Reports: both formats, every command that takes --report, masked even
// with --show-secrets alone, shown only with --report-show-secrets too.
func TestReportHygieneAndFormats(t *testing.T) {
	sb := pullSandbox(t, sandbox.LikeDistribution)
	pw := sb.Users()["alice"]
	basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
	chk := leakCheck{name: "report", secrets: []string{pw, basic}, jwt: true}
	read := func(p string) string {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("report: %v", err)
		}
		return string(b)
	}
	commands := [][]string{
		{"login-trace", sb.Host(), "--plain-http", "-u", "alice", "-p", pw},
		{"pull-trace", sb.Host() + "/library/hello", "--plain-http", "-u", "alice", "-p", pw, "--client", "containerd"},
		{"push-trace", sb.Host() + "/library/new:1", "--plain-http", "-u", "alice", "-p", pw},
		{"compare", sb.Host() + "/library/hello", "--plain-http", "-u", "alice", "-p", pw, "--client", "docker,containerd,podman"},
		{"probe", sb.Host(), "--plain-http"},
	}
	for _, args := range commands {
		for _, ext := range []string{".md", ".html"} {
			path := filepath.Join(t.TempDir(), "report"+ext)
			r := traceCLI(t).run(append(args, "--report", path, "--show-secrets")...)
			if r.code == 2 {
				t.Fatalf("%v: %s", args, r.err)
			}
			out := read(path)
			chk.assertHidden(t, args[0]+" "+ext+" report with --show-secrets alone", out)
			want := "```mermaid"
			if ext == ".html" {
				want = `<svg class="seq"`
			}
			if args[0] != "probe" && !strings.Contains(out, want) {
				t.Errorf("%s %s report lacks %q", args[0], ext, want)
			}
			if !strings.Contains(out, "regauth "+args[0]) {
				t.Errorf("%s %s report does not show the command", args[0], ext)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "shown.md")
	traceCLI(t).run("login-trace", sb.Host(), "--plain-http", "-u", "alice", "-p", pw, "--report", path, "--show-secrets", "--report-show-secrets")
	if !strings.Contains(read(path), pw) {
		t.Error("--report-show-secrets with --show-secrets should show the password in the report")
	}

	// Standard output with --report-format; bad combinations exit 2.
	r := traceCLI(t).run("login-trace", sb.Host(), "--plain-http", "-u", "alice", "-p", pw, "--report", "-", "--report-format", "md", "-o", "json")
	if !strings.Contains(r.out, "```mermaid") {
		t.Errorf("--report - should write the Markdown to stdout:\n%s", r.out)
	}
	for _, bad := range [][]string{
		{"--report", "-"},
		{"--report", filepath.Join(t.TempDir(), "x.txt")},
		{"--report-format", "md"},
		{"--report", "x.md", "--report-format", "pdf"},
	} {
		r := traceCLI(t).run(append([]string{"login-trace", sb.Host(), "--anonymous"}, bad...)...)
		r.wantCode(t, 2)
		if strings.Count(strings.TrimSpace(r.err), "\n") > 0 {
			t.Errorf("%v: %q", bad, r.err)
		}
	}
}

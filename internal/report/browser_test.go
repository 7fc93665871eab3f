package report

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// The real checks: Debian's chromium, headless with the network off, runs
// the real Mermaid parser (tools/mermaid, npm, pinned) and opens the HTML
// reports. Missing, the tests skip locally and fail under CI.

func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: CI must install it (apt-get install chromium)")
	}
	t.Skip("no chromium (apt-get install chromium)")
	return ""
}

func mermaidJS(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	p := filepath.Join(filepath.Dir(file), "..", "..", "tools", "mermaid", "node_modules", "mermaid", "dist", "mermaid.min.js")
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the Mermaid parser is not installed: run npm ci --prefix tools/mermaid (%v)", err)
		}
		t.Skipf("no Mermaid parser (npm ci --prefix tools/mermaid)")
	}
	return p
}

// headless runs chromium on a local file and returns the DOM after its
// scripts ran; extra adds flags (a screenshot).
func headless(t *testing.T, page string, extra ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := append([]string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-quic", "--allow-file-access-from-files",
		// The network is off: every host name fails to resolve.
		"--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=20000"}, extra...)
	args = append(args, "file://"+page)
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, errb.String())
	}
	return out.String()
}

var outRE = regexp.MustCompile(`(?s)<pre id="out">(.*?)</pre>`)

// mermaidParse runs mermaid.parse on every diagram in a real browser and
// fails the test with each diagram the parser refuses.
func mermaidParse(t *testing.T, diagrams map[string]string) {
	t.Helper()
	js := mermaidJS(t)
	dir := t.TempDir()
	data, _ := json.Marshal(diagrams)
	page := fmt.Sprintf(`<!doctype html><html><body><pre id="out">pending</pre>
<script src="file://%s"></script>
<script type="application/json" id="d">%s</script>
<script>
(async function(){
  var d = JSON.parse(document.getElementById('d').textContent), res = {};
  mermaid.initialize({startOnLoad:false});
  for (var k in d) {
    try { await mermaid.parse(d[k]); res[k] = "ok"; } catch (e) { res[k] = String(e && e.message || e); }
  }
  document.getElementById('out').textContent = JSON.stringify(res);
})();
</script></body></html>`, js, strings.ReplaceAll(string(data), "</", "<\\/"))
	path := filepath.Join(dir, "parse.html")
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	dom := headless(t, path, "--dump-dom")
	m := outRE.FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no result from the page:\n%s", dom)
	}
	var res map[string]string
	if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &res); err != nil {
		t.Fatalf("the parser did not run (%v): %s", err, m[1])
	}
	for k, d := range diagrams {
		if res[k] != "ok" {
			t.Errorf("Mermaid refuses the %s diagram: %s\n%s", k, res[k], d)
		}
	}
}

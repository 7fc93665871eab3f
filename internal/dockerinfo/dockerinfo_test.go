package dockerinfo

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The /info bodies in testdata: info-vfs-20.10.json is what Debian's
// dockerd 20.10 answered (DriverStatus null); the overlay2 (Docker 28) and
// containerd-store (Docker 29) ones are that body with Driver, DriverStatus
// and ServerVersion as those daemons report them.
func TestDecode(t *testing.T) {
	cases := []struct {
		name, body, store, version, driver string
		bad                                bool
	}{
		{"classic overlay2", readTestdata(t, "info-overlay2-28.5.json"), Classic, "28.5.2", "overlay2", false},
		{"classic vfs", readTestdata(t, "info-vfs-20.10.json"), Classic, "20.10.24+dfsg1", "vfs", false},
		{"containerd snapshotter overlayfs", readTestdata(t, "info-containerd-29.1.json"), Containerd, "29.1.2", "overlayfs", false},
		{"classic btrfs, minimal", `{"ServerVersion":"27.3.1","Driver":"btrfs","DriverStatus":[["Btrfs",""]]}`, Classic, "27.3.1", "btrfs", false},
		{"containerd native snapshotter", `{"ServerVersion":"29.0.0","Driver":"native","DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]]}`, Containerd, "29.0.0", "native", false},
		{"driver-type of something else", `{"ServerVersion":"29.0.0","Driver":"overlay2","DriverStatus":[["driver-type","io.example.v1"]]}`, Classic, "29.0.0", "overlay2", false},
		{"garbage", "\x00\x01garbage\xff", "", "", "", true},
		{"html", `<html><body>hello</body></html>`, "", "", "", true},
		{"other JSON", `{"message":"page not found"}`, "", "", "", true},
		{"JSON null", `null`, "", "", "", true},
		{"JSON array", `[{"Driver":"vfs"}]`, "", "", "", true},
		{"truncated", `{"ServerVersion":"28.5.2","Driver":"over`, "", "", "", true},
		{"version but no driver", `{"ServerVersion":"28.5.2"}`, "", "28.5.2", "", true},
		{"empty", ``, "", "", "", true},
		{"blank", " \n", "", "", "", true},
	}
	for _, c := range cases {
		store, version, driver, err := Decode([]byte(c.body))
		if (err != nil) != c.bad || store != c.store || version != c.version || driver != c.driver {
			t.Errorf("%s: store %q version %q driver %q err %v", c.name, store, version, driver, err)
		}
	}
}

// shortDir is a directory for a unix socket: t.TempDir() unless its path
// is too long for sun_path (~108 bytes), then one under /tmp.
func shortDir(t *testing.T) string {
	t.Helper()
	if d := t.TempDir(); len(d) < 80 {
		return d
	}
	d, err := os.MkdirTemp("/tmp", "di")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// fakeDaemon serves h on a unix socket and counts the requests. A fake is
// used because a fake daemon can show both stores (and broken answers);
// the real dockerd 20.10 is exercised too: TestDetectRealDockerd.
func fakeDaemon(t *testing.T, h http.HandlerFunc) (host string, requests *atomic.Int32) {
	t.Helper()
	sock := filepath.Join(shortDir(t), "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	requests = new(atomic.Int32)
	srv := &http.Server{Handler: countOnly(t, requests, h)}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock, requests
}

// countOnly counts requests and fails the test on anything but GET /info.
func countOnly(t *testing.T, n *atomic.Int32, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Method != http.MethodGet || r.URL.Path != "/info" || r.ContentLength > 0 {
			t.Errorf("the daemon got %s %s: only a bodiless GET /info is allowed", r.Method, r.URL.Path)
		}
		h(w, r)
	})
}

func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		w.Write([]byte(body))
	}
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func detect(host string, extra ...string) Result {
	m := map[string]string{"DOCKER_HOST": host}
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	return Detect(context.Background(), env(m))
}

func oneLine(t *testing.T, r Result) {
	t.Helper()
	for _, c := range r.Reason {
		if c < 0x20 || c == 0x7f {
			t.Errorf("reason has control character %q: %q", c, r.Reason)
		}
	}
}

func TestDetectStores(t *testing.T) {
	cases := []struct {
		file, store, reason string
	}{
		{"info-containerd-29.1.json", Containerd, "Docker 29.1.2 at %s uses the containerd image store (driver overlayfs, driver-type io.containerd.snapshotter.v1)"},
		{"info-overlay2-28.5.json", Classic, "Docker 28.5.2 at %s uses the classic image store (graphdriver overlay2)"},
		{"info-vfs-20.10.json", Classic, "Docker 20.10.24+dfsg1 at %s uses the classic image store (graphdriver vfs)"},
	}
	for _, c := range cases {
		host, n := fakeDaemon(t, answer(200, readTestdata(t, c.file)))
		r := detect(host)
		want := strings.Replace(c.reason, "%s", host, 1)
		if !r.Checked || r.Store != c.store || r.Socket != host || r.Err != nil || r.Reason != want {
			t.Errorf("%s: %+v\nwant reason %q", c.file, r, want)
		}
		if got := n.Load(); got != 1 {
			t.Errorf("%s: %d requests, want exactly 1", c.file, got)
		}
	}
}

func TestDetectBrokenAnswers(t *testing.T) {
	big := `{"ServerVersion":"29.1.2","Driver":"overlayfs","Pad":"` + strings.Repeat("x", maxBody) + `"}`
	cases := []struct {
		name string
		h    http.HandlerFunc
		want []string
	}{
		{"500 with escapes", answer(500, "boom\x1b[31m\r\nsecond line"), []string{"answered GET /info with HTTP 500 Internal Server Error", "(body: boom [31m second line)"}},
		{"404 empty", answer(404, ""), []string{"HTTP 404 Not Found (empty body)"}},
		{"html 200", answer(200, "<html>\x1b]0;x\x07</html>"), []string{"something else than Docker's JSON: not a JSON object (body: <html> ]0;x </html>)"}},
		{"other JSON", answer(200, `{"message":"hi"}`), []string{"no ServerVersion or Driver"}},
		{"redirect", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "http://elsewhere.example/info", http.StatusFound)
		}, []string{"HTTP 302 Found", `"http://elsewhere.example/info" (not followed)`}},
		{"over 4 MiB", answer(200, big), []string{"more than 4 MiB"}},
	}
	for _, c := range cases {
		host, n := fakeDaemon(t, c.h)
		r := detect(host)
		if r.Checked || r.Store != "" || r.Err == nil || !strings.HasPrefix(r.Reason, host+" answered") || !strings.HasSuffix(r.Reason, ": "+assume) {
			t.Errorf("%s: %+v", c.name, r)
		}
		for _, w := range c.want {
			if !strings.Contains(r.Reason, w) {
				t.Errorf("%s: reason %q lacks %q", c.name, r.Reason, w)
			}
		}
		oneLine(t, r)
		if got := n.Load(); got != 1 {
			t.Errorf("%s: %d requests, want exactly 1", c.name, got)
		}
	}
}

func TestDetectNoDaemon(t *testing.T) {
	missing := "unix://" + filepath.Join(shortDir(t), "none.sock")
	r := detect(missing)
	want := "no Docker daemon at " + missing + " (connect: no such file or directory): " + assume
	if r.Checked || r.Store != "" || r.Err == nil || r.Reason != want {
		t.Errorf("%+v\nwant reason %q", r, want)
	}

	// Nobody on a tcp port.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	if r := detect("tcp://" + addr); r.Checked || !strings.HasPrefix(r.Reason, "no Docker daemon at tcp://"+addr+" (connect: connection refused)") {
		t.Errorf("%+v", r)
	}
}

func TestDetectNotChecked(t *testing.T) {
	cases := []struct{ host, tls, want string }{
		{"tcp://127.0.0.1:2376", "1", "not checked: TLS daemon at tcp://127.0.0.1:2376 (DOCKER_TLS_VERIFY is set): "},
		{"ssh://me@host", "", `not checked: DOCKER_HOST ssh://me@host: scheme "ssh" is not unix or tcp: `},
		{"npipe:////./pipe/docker_engine", "", `scheme "npipe" is not unix or tcp`},
		{"unix://", "", "names no socket"},
		{"tcp://", "", "names no host"},
		{"tcp://a b\x1b", "", "not checked: DOCKER_HOST"},
	}
	for _, c := range cases {
		r := detect(c.host, "DOCKER_TLS_VERIFY", c.tls)
		if r.Checked || r.Store != "" || r.Err == nil || !strings.Contains(r.Reason, c.want) || !strings.HasSuffix(r.Reason, assume) {
			t.Errorf("%q: %+v", c.host, r)
		}
		oneLine(t, r)
	}
}

// Plain tcp:// is asked over http, and DOCKER_HOST wins over the default.
func TestDetectTCP(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(countOnly(t, &n, answer(200, readTestdata(t, "info-containerd-29.1.json"))))
	defer srv.Close()
	host := "tcp://" + srv.Listener.Addr().String()
	r := detect(host)
	if !r.Checked || r.Store != Containerd || r.Driver != "overlayfs" || r.ServerVersion != "29.1.2" || r.Socket != host {
		t.Errorf("%+v", r)
	}
	if n.Load() != 1 {
		t.Errorf("%d requests", n.Load())
	}
}

// The default socket is asked when DOCKER_HOST is unset (whatever this
// machine has there: only the address and the one sentence are checked).
func TestDetectDefaultSocket(t *testing.T) {
	r := Detect(context.Background(), env(nil))
	if r.Socket != DefaultHost || !strings.Contains(r.Reason, DefaultHost) {
		t.Errorf("%+v", r)
	}
}

// A daemon that never answers costs at most the caller's deadline, and at
// most 2 s without one.
func TestDetectBounded(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	host, _ := fakeDaemon(t, func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	r := Detect(ctx, env(map[string]string{"DOCKER_HOST": host}))
	if d := time.Since(start); d > time.Second {
		t.Errorf("took %v under a 150 ms deadline", d)
	}
	if r.Checked || !strings.Contains(r.Reason, "did not answer GET /info (timed out after 150ms)") {
		t.Errorf("%+v", r)
	}

	start = time.Now()
	r = detect(host)
	if d := time.Since(start); d < timeout-100*time.Millisecond || d > timeout+time.Second {
		t.Errorf("took %v, want about %v", d, timeout)
	}
	if r.Checked || !strings.Contains(r.Reason, "timed out after 2s") {
		t.Errorf("%+v", r)
	}
}

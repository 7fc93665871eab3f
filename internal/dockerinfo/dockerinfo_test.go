package dockerinfo

import (
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecode(t *testing.T) {
	cases := []struct {
		name, body, store, driver string
		bad                       bool
	}{
		{"classic overlay2", `{"ServerVersion":"28.5.2","Driver":"overlay2","DriverStatus":[["Backing Filesystem","extfs"],["Supports d_type","true"]]}`, Classic, "overlay2", false},
		{"classic vfs", `{"ServerVersion":"20.10.24+dfsg1","Driver":"vfs","DriverStatus":[]}`, Classic, "vfs", false},
		{"containerd store", `{"ServerVersion":"29.1.2","Driver":"overlayfs","DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]]}`, Containerd, "overlayfs", false},
		{"html", `<html>hello</html>`, "", "", true},
		{"other JSON", `{"message":"page not found"}`, "", "", true},
		{"empty", ``, "", "", true},
	}
	for _, c := range cases {
		store, _, driver, err := Decode([]byte(c.body))
		if (err != nil) != c.bad || store != c.store || driver != c.driver {
			t.Errorf("%s: store %q driver %q err %v", c.name, store, driver, err)
		}
	}
}

// fakeDaemon answers GET /info on a unix socket. A fake is used here
// because it can show both stores; the real dockerd 20.10 (classic only)
// is exercised in dockerd_test.go.
func fakeDaemon(t *testing.T, status int, body string) string {
	t.Helper()
	dir, err := os.MkdirTemp("/tmp", "di")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := filepath.Join(dir, "d.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/info" {
			t.Errorf("the daemon got %s %s: only GET /info is allowed", r.Method, r.URL.Path)
		}
		w.WriteHeader(status)
		w.Write([]byte(body))
	})}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "unix://" + sock
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDetect(t *testing.T) {
	host := fakeDaemon(t, 200, `{"ServerVersion":"29.1.2","Driver":"overlayfs","DriverStatus":[["driver-type","io.containerd.snapshotter.v1"]]}`)
	r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": host}))
	if !r.Checked || r.Store != Containerd || !strings.Contains(r.Reason, "Docker 29.1.2 at "+host+" uses the containerd image store") {
		t.Errorf("%+v", r)
	}

	host = fakeDaemon(t, 200, `{"ServerVersion":"28.5.2","Driver":"overlay2"}`)
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": host})); r.Store != Classic || !strings.Contains(r.Reason, "classic image store (graphdriver overlay2)") {
		t.Errorf("%+v", r)
	}

	host = fakeDaemon(t, 500, "boom\x1b[31m")
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": host})); r.Checked || r.Store != "" || !strings.Contains(r.Reason, "answered GET /info with 500") {
		t.Errorf("%+v", r)
	}

	host = fakeDaemon(t, 200, "<html>\x1b]0;x\x07</html>")
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": host})); r.Checked || strings.ContainsAny(r.Reason, "\x1b\x07") {
		t.Errorf("%+v", r)
	}

	missing := "unix://" + filepath.Join(t.TempDir(), "none.sock")
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": missing})); r.Checked || !strings.Contains(r.Reason, "no Docker daemon at "+missing) || !strings.Contains(r.Reason, "--client docker-containerd") {
		t.Errorf("%+v", r)
	}
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": "tcp://127.0.0.1:2376", "DOCKER_TLS_VERIFY": "1"})); r.Checked || !strings.Contains(r.Reason, "TLS daemon") {
		t.Errorf("%+v", r)
	}
	if r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": "ssh://me@host"})); r.Checked || !strings.Contains(r.Reason, `scheme "ssh"`) {
		t.Errorf("%+v", r)
	}
}

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/regauth/regauth/internal/sandbox"
)

// tool finds a program the stack needs, skipping (or, under CI, failing)
// when it is not installed.
func tool(t *testing.T, name, pkg string, dirs ...string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	for _, d := range dirs {
		if p := filepath.Join(d, name); isExecutable(p) {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is not installed: apt-get install %s (.ci/run should have)", name, pkg)
	}
	t.Skipf("%s not installed (apt-get install %s)", name, pkg)
	return ""
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode()&0o111 != 0
}

// freePort picks a free loopback port for a server started later (nginx,
// registry 2.8 take a port, not a listener). It draws below Linux's
// ephemeral range (32768-60999): a port the kernel hands out for :0 is
// the pool every outgoing connection of the tests running alongside uses,
// and one of them took a port between the pick and nginx's bind (CI).
func freePort(t *testing.T) int {
	t.Helper()
	for i := 0; i < 200; i++ {
		port := 20000 + rand.IntN(12000)
		ln, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
		if err != nil {
			continue
		}
		ln.Close()
		return port
	}
	t.Fatal("no free loopback port in 20000-32000")
	return 0
}

// stack is the running set of servers.
type stack struct {
	dir       string
	tokens    *sandbox.TokenService
	harbor    string // nginx, Harbor-like: /v2/ -> registry, /service/token -> token service, /v1/ -> 404
	basic     string // nginx in front of the htpasswd registry
	regauth   string // the regauth binary under test
	users     map[string]string
	accessLog string
	basicLog  string
}

// start runs the token service, two registries and nginx, all on loopback,
// and stops them when the test ends.
func start(t *testing.T) *stack {
	t.Helper()
	registry := tool(t, "docker-registry", "docker-registry", "/usr/bin")
	nginx := tool(t, "nginx", "nginx-light", "/usr/sbin")
	s := &stack{dir: t.TempDir(), users: sandbox.DefaultUsers}
	s.regauth = buildRegauth(t, s.dir)

	var err error
	s.tokens, err = sandbox.StartTokenService(sandbox.TokenServiceOptions{Like: sandbox.LikeHarbor})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.tokens.Close() })

	harborPort, basicPort := freePort(t), freePort(t)
	s.harbor = fmt.Sprintf("127.0.0.1:%d", harborPort)
	s.basic = fmt.Sprintf("127.0.0.1:%d", basicPort)
	tokenReg := s.startRegistry(t, registry, "token", fmt.Sprintf(`auth:
  token:
    realm: http://%s/service/token
    service: %s
    issuer: %s
    rootcertbundle: %s
`, s.harbor, s.tokens.Service(), s.tokens.Issuer(), s.write(t, "root.crt", string(s.tokens.CertPEM()))))
	basicReg := s.startRegistry(t, registry, "basic", fmt.Sprintf(`auth:
  htpasswd:
    realm: regauth-e2e
    path: %s
`, s.write(t, "htpasswd", htpasswd(t, s.users))))
	s.startNginx(t, nginx, tokenReg, basicReg)
	return s
}

func (s *stack) write(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(s.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func htpasswd(t *testing.T, users map[string]string) string {
	var b strings.Builder
	for u, p := range users {
		h, err := bcrypt.GenerateFromPassword([]byte(p), 5)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s:%s\n", u, h)
	}
	return b.String()
}

// startRegistry runs Debian's registry 2.8 with the auth section given.
func (s *stack) startRegistry(t *testing.T, bin, name, auth string) string {
	t.Helper()
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	cfg := s.write(t, name+"-registry.yml", fmt.Sprintf(`version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: %s
http:
  addr: %s
  secret: regauth-e2e-%s
%s`, filepath.Join(s.dir, name+"-data"), addr, name, auth))
	s.run(t, name+" registry", bin, "serve", cfg)
	waitHTTP(t, "http://"+addr+"/v2/")
	return addr
}

// startNginx lays nginx out like Harbor's proxy in front of the token
// registry, and plainly in front of the Basic one, logging method, URI,
// status and the Authorization scheme (never its value).
func (s *stack) startNginx(t *testing.T, bin, tokenReg, basicReg string) {
	t.Helper()
	for _, d := range []string{"logs", "tmp"} {
		os.MkdirAll(filepath.Join(s.dir, d), 0o755)
	}
	s.accessLog = filepath.Join(s.dir, "logs", "access.log")
	s.basicLog = filepath.Join(s.dir, "logs", "basic.log")
	user := ""
	if os.Geteuid() == 0 {
		// Workers would run as nobody, who cannot enter the test's 0700
		// temporary directory.
		user = "user root;"
	}
	tmp := filepath.Join(s.dir, "tmp")
	conf := s.write(t, "nginx.conf", fmt.Sprintf(`%s
worker_processes 1;
daemon off;
pid %s/nginx.pid;
error_log %s/logs/error.log;
events { worker_connections 64; }
http {
  client_body_temp_path %s/body;
  proxy_temp_path %s/proxy;
  fastcgi_temp_path %s/fastcgi;
  uwsgi_temp_path %s/uwsgi;
  scgi_temp_path %s/scgi;
  map $http_authorization $auth_scheme {
    "~^(?<s>[A-Za-z]+) " $s;
    default "-";
  }
  log_format wire '$request_method $request_uri $status $auth_scheme';
  server {
    listen %s;
    access_log %s wire;
    client_max_body_size 0;
    location = /_ready { access_log off; return 200; }
    location /v1/ { return 404; }
    location /v2/ {
      proxy_pass http://%s;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_buffering off;
    }
    location /service/token {
      proxy_pass %s;
      proxy_set_header Host $http_host;
    }
    location / { return 200 "<html><body>Harbor UI</body></html>"; default_type text/html; }
  }
  server {
    listen %s;
    access_log %s wire;
    client_max_body_size 0;
    location = /_ready { access_log off; return 200; }
    location / { proxy_pass http://%s; proxy_set_header Host $http_host; }
  }
}
`, user, s.dir, s.dir, tmp, tmp, tmp, tmp, tmp, s.harbor, s.accessLog, tokenReg, s.tokens.URL(), s.basic, s.basicLog, basicReg))
	s.run(t, "nginx", bin, "-p", s.dir, "-c", conf)
	// /_ready is not logged: the access logs hold only what the tests send.
	waitHTTP(t, "http://"+s.harbor+"/_ready")
	waitHTTP(t, "http://"+s.basic+"/_ready")
}

// run starts a server process, stopped (and reaped) when the test ends.
func (s *stack) run(t *testing.T, name, bin string, args ...string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	out, err := os.Create(filepath.Join(s.dir, strings.ReplaceAll(name, " ", "-")+".out"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting %s: %v", name, err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		out.Close()
		if t.Failed() {
			b, _ := os.ReadFile(out.Name())
			t.Logf("%s output:\n%s", name, b)
		}
	})
}

// waitHTTP waits until url answers at all.
func waitHTTP(t *testing.T, url string) {
	t.Helper()
	c := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := c.Get(url); err == nil {
			resp.Body.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s did not come up within 15 s", url)
}

// buildRegauth builds the regauth binary under test.
func buildRegauth(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "regauth")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "../cmd/regauth")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building regauth: %v\n%s", err, out)
	}
	return bin
}

// settledLines reads an nginx access log once it stops growing: nginx
// writes a request's line after the answer, so a client may have exited
// before its last line is there.
func settledLines(t *testing.T, path string, from int) []string {
	t.Helper()
	lines := logLines(t, path, from)
	for deadline := time.Now().Add(3 * time.Second); time.Now().Before(deadline); {
		time.Sleep(100 * time.Millisecond)
		again := logLines(t, path, from)
		if len(again) == len(lines) {
			return again
		}
		lines = again
	}
	return lines
}

// logLines reads an nginx access log from line `from` on.
func logLines(t *testing.T, path string, from int) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for i := 0; sc.Scan(); i++ {
		if i >= from {
			out = append(out, sc.Text())
		}
	}
	return out
}

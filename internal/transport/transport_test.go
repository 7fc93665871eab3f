package transport

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func tlsServer(t *testing.T) (*httptest.Server, []byte) {
	s := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("ok"))
	}))
	t.Cleanup(s.Close)
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.Certificate().Raw})
	return s, ca
}

func get(t *testing.T, res *Result, url string) error {
	t.Helper()
	c := &http.Client{Transport: res.Transport, Timeout: 5 * time.Second}
	resp, err := c.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestTrust(t *testing.T) {
	s, ca := tlsServer(t)
	host := strings.TrimPrefix(s.URL, "https://")
	env := func(string) string { return "" }

	res, err := Build(Options{Host: host, Timeout: 5 * time.Second, Getenv: env})
	if err != nil {
		t.Fatal(err)
	}
	if err := get(t, res, s.URL); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("an unknown CA must fail verification, got %v", err)
	}

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(caFile, ca, 0o644)
	res, err = Build(Options{Host: host, CAFile: caFile, Timeout: 5 * time.Second, Getenv: env})
	if err != nil || get(t, res, s.URL) != nil {
		t.Fatalf("--ca-file should make it trusted: %v", err)
	}

	// Docker's certs.d layout: <dir>/<host:port>/ca.crt
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, host), 0o755)
	os.WriteFile(filepath.Join(dir, host, "ca.crt"), ca, 0o644)
	res, err = Build(Options{Host: host, CertsDir: dir, Timeout: 5 * time.Second, Getenv: env})
	if err != nil || get(t, res, s.URL) != nil {
		t.Fatalf("certs.d ca.crt should make it trusted: %v", err)
	}
	if !strings.Contains(strings.Join(res.Trust, ","), "ca.crt") {
		t.Errorf("trust sources should name ca.crt: %v", res.Trust)
	}

	res, _ = Build(Options{Host: host, Insecure: true, Timeout: 5 * time.Second, Getenv: env})
	if err := get(t, res, s.URL); err != nil {
		t.Errorf("--insecure skips verification: %v", err)
	}
}

func TestBadTrustFiles(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.pem")
	os.WriteFile(junk, []byte("not a certificate"), 0o644)
	if _, err := Build(Options{CAFile: junk}); err == nil || !strings.Contains(err.Error(), "no PEM certificate") {
		t.Errorf("a CA file without certificates is an error naming it: %v", err)
	}
	if _, err := Build(Options{CAFile: filepath.Join(dir, "absent.pem")}); err == nil || !strings.Contains(err.Error(), "--ca-file") {
		t.Errorf("a missing CA file: %v", err)
	}
	os.MkdirAll(filepath.Join(dir, "certs", "reg:5000"), 0o755)
	os.WriteFile(filepath.Join(dir, "certs", "reg:5000", "client.cert"), []byte("x"), 0o644)
	if _, err := Build(Options{CertsDir: filepath.Join(dir, "certs"), Host: "reg:5000"}); err == nil || !strings.Contains(err.Error(), "client.key") {
		t.Errorf("a client.cert without its key: %v", err)
	}
}

func TestProxyFromEnv(t *testing.T) {
	env := map[string]string{"HTTPS_PROXY": "proxy.corp:3128", "NO_PROXY": "internal.corp,.svc"}
	res, err := Build(Options{Host: "registry.example.com", Getenv: func(k string) string { return env[k] }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Proxy != "http://proxy.corp:3128" {
		t.Errorf("proxy shown: %q", res.Proxy)
	}
	for host, bypassed := range map[string]bool{"reg.internal.corp": true, "a.svc": true, "127.0.0.1": true, "localhost": true, "registry.example.com": false} {
		if got := bypass(host, env["NO_PROXY"]); got != bypassed {
			t.Errorf("bypass(%s) = %v, want %v", host, got, bypassed)
		}
	}
	res, _ = Build(Options{Host: "127.0.0.1:5000", Getenv: func(k string) string { return env[k] }})
	if res.Proxy != "" {
		t.Errorf("loopback never goes through a proxy: %q", res.Proxy)
	}
}

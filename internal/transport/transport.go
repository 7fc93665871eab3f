// Package transport builds the HTTP transport regauth talks through, with
// the TLS trust a Docker daemon would have for the registry: the system
// pool, a CA file, and certs.d (<dir>/<host[:port]>/ca.crt, *.crt, and
// client.cert + client.key for mutual TLS).
package transport

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Options configure the transport.
type Options struct {
	Insecure bool   // skip certificate verification
	CAFile   string // extra PEM CA bundle
	CertsDir string // like /etc/docker/certs.d
	Host     string // the registry's host[:port], to find its certs.d folder
	Timeout  time.Duration
	// Getenv reads proxy settings (HTTPS_PROXY, HTTP_PROXY, NO_PROXY).
	Getenv func(string) string
}

// Result is the transport and what it was built from, for the trace.
type Result struct {
	Transport *http.Transport
	// Trust lists where trust came from ("system pool", "ca-file x", "certs.d/host/ca.crt").
	Trust []string
	// Proxy describes the proxy for the registry URL, "" for none.
	Proxy string
}

// Build returns a transport for opts. Unreadable CA or client-certificate
// files are errors: the user named them and would be misled otherwise.
func Build(opts Options) (*Result, error) {
	res := &Result{Trust: []string{"system pool"}}
	// RootCAs stays nil (the system pool, loaded on the first TLS
	// handshake) unless the user adds CAs: loading and parsing the system
	// store costs milliseconds that a plain-http trace should not pay.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: opts.Insecure} //nolint:gosec // --insecure is the user's explicit choice
	var extra [][]byte
	if opts.CAFile != "" {
		pem, err := os.ReadFile(opts.CAFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		if !x509.NewCertPool().AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("--ca-file %s: no PEM certificate in it", opts.CAFile)
		}
		extra = append(extra, pem)
		res.Trust = append(res.Trust, "ca-file "+opts.CAFile)
	}
	if opts.CertsDir != "" && opts.Host != "" {
		pems, err := loadCertsDir(cfg, filepath.Join(opts.CertsDir, opts.Host), res)
		if err != nil {
			return nil, err
		}
		extra = append(extra, pems...)
	}
	if len(extra) > 0 {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		for _, pem := range extra {
			pool.AppendCertsFromPEM(pem)
		}
		cfg.RootCAs = pool
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	proxy := proxyFunc(getenv)
	res.Transport = &http.Transport{
		Proxy:                 proxy,
		DialContext:           (&net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSClientConfig:       cfg,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		DisableCompression:    true,
	}
	if opts.Host != "" {
		for _, scheme := range []string{"https", "http"} {
			req := &http.Request{URL: &url.URL{Scheme: scheme, Host: opts.Host}}
			if u, err := proxy(req); err == nil && u != nil {
				res.Proxy = u.Redacted()
				break
			}
		}
	}
	return res, nil
}

// proxyFunc reads the proxy variables through getenv, like
// http.ProxyFromEnvironment but testable.
func proxyFunc(getenv func(string) string) func(*http.Request) (*url.URL, error) {
	get := func(names ...string) string {
		for _, n := range names {
			if v := getenv(n); v != "" {
				return v
			}
		}
		return ""
	}
	httpsProxy, httpProxy, noProxy := get("HTTPS_PROXY", "https_proxy"), get("HTTP_PROXY", "http_proxy"), get("NO_PROXY", "no_proxy")
	return func(req *http.Request) (*url.URL, error) {
		p := httpProxy
		if req.URL.Scheme == "https" {
			p = httpsProxy
		}
		if p == "" || bypass(req.URL.Hostname(), noProxy) {
			return nil, nil
		}
		if !strings.Contains(p, "://") {
			p = "http://" + p
		}
		return url.Parse(p)
	}
}

// bypass mirrors Go's rule: loopback never goes through a proxy, nor does a
// host NO_PROXY names (exact or as a domain suffix).
func bypass(host, noProxy string) bool {
	if host == "localhost" {
		return true
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, n := range strings.Split(noProxy, ",") {
		n = strings.TrimSpace(n)
		switch {
		case n == "":
		case n == "*":
			return true
		case host == strings.TrimPrefix(n, "."), strings.HasSuffix(host, "."+strings.TrimPrefix(n, ".")):
			return true
		}
	}
	return false
}

// loadCertsDir reads a Docker certs.d folder for one host: every *.crt is a
// CA (returned as PEM), and a *.cert with its *.key is a client certificate.
func loadCertsDir(cfg *tls.Config, dir string, res *Result) ([][]byte, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("--certs-dir: %w", err)
	}
	var cas [][]byte
	for _, e := range entries {
		name := e.Name()
		path := filepath.Join(dir, name)
		switch {
		case strings.HasSuffix(name, ".crt"):
			pem, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("--certs-dir: %w", err)
			}
			if !x509.NewCertPool().AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("%s: no PEM certificate in it", path)
			}
			cas = append(cas, pem)
			res.Trust = append(res.Trust, path)
		case strings.HasSuffix(name, ".cert"):
			keyPath := strings.TrimSuffix(path, ".cert") + ".key"
			pair, err := tls.LoadX509KeyPair(path, keyPath)
			if err != nil {
				return nil, fmt.Errorf("client certificate %s with %s: %w", path, keyPath, err)
			}
			cfg.Certificates = append(cfg.Certificates, pair)
			res.Trust = append(res.Trust, "client certificate "+path)
		}
	}
	return cas, nil
}

// Package dockerinfo asks the local Docker daemon which image store it
// uses. Docker 29 defaults to the containerd image store on fresh Linux
// installs (clients.md 4.1), and that store pulls with containerd's
// resolver: no ping, the OAuth2 POST first. So "docker pull" means two
// different handshakes, and only the daemon can say which.
package dockerinfo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Stores.
const (
	Classic    = "classic"
	Containerd = "containerd"
)

// DefaultHost is where the daemon listens without DOCKER_HOST.
const DefaultHost = "unix:///var/run/docker.sock"

const (
	timeout = 2 * time.Second
	maxBody = 4 << 20
)

// Result is what the daemon said. Store is "" when it was not asked or did
// not answer; Reason is one sentence for the output either way.
type Result struct {
	Checked       bool
	Host          string
	Store         string
	ServerVersion string
	Driver        string
	Reason        string
	Err           error
}

// snapshotterDriverType is the DriverStatus entry a containerd-store
// daemon reports (moby daemon/containerd/service.go).
const snapshotterDriverType = "io.containerd.snapshotter.v1"

type info struct {
	ServerVersion string     `json:"ServerVersion"`
	Driver        string     `json:"Driver"`
	DriverStatus  [][]string `json:"DriverStatus"`
}

// Decode reads GET /info's body.
func Decode(body []byte) (store, version, driver string, err error) {
	var in info
	if err := json.Unmarshal(body, &in); err != nil {
		return "", "", "", fmt.Errorf("not Docker's /info JSON: %w", err)
	}
	if in.Driver == "" && in.ServerVersion == "" {
		return "", "", "", errors.New("not Docker's /info JSON: no ServerVersion or Driver")
	}
	store = Classic
	for _, kv := range in.DriverStatus {
		if len(kv) == 2 && kv[0] == "driver-type" && kv[1] == snapshotterDriverType {
			store = Containerd
		}
	}
	return store, in.ServerVersion, in.Driver, nil
}

// Detect asks the daemon at DOCKER_HOST (else DefaultHost) with one
// read-only GET /info, bounded in time and size; it never follows a
// redirect.
func Detect(ctx context.Context, getenv func(string) string) Result {
	host := getenv("DOCKER_HOST")
	if host == "" {
		host = DefaultHost
	}
	res := Result{Host: host}
	client, base, err := clientFor(host, getenv)
	if err != nil {
		res.Err = err
		res.Reason = fmt.Sprintf("the Docker daemon at %s was not asked (%v): assuming the classic image store; Docker 29 fresh installs use the containerd store (--client docker-containerd)", host, err)
		return res
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/info", nil)
	resp, err := client.Do(req)
	if err != nil {
		res.Err = err
		res.Reason = fmt.Sprintf("no Docker daemon at %s (%s): assuming the classic image store; Docker 29 fresh installs use the containerd store (--client docker-containerd)", host, short(err))
		return res
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if resp.StatusCode != http.StatusOK {
		res.Err = fmt.Errorf("GET /info answered %d", resp.StatusCode)
		res.Reason = fmt.Sprintf("the Docker daemon at %s answered GET /info with %d: assuming the classic image store", host, resp.StatusCode)
		return res
	}
	store, version, driver, err := Decode(body)
	if err != nil {
		res.Err = err
		res.Reason = fmt.Sprintf("%s answered GET /info with something else than Docker's JSON (%q): assuming the classic image store", host, clean(string(body), 60))
		return res
	}
	res.Checked, res.Store, res.ServerVersion, res.Driver = true, store, version, driver
	if store == Containerd {
		res.Reason = fmt.Sprintf("Docker %s at %s uses the containerd image store (driver %s, driver-type %s)", version, host, driver, snapshotterDriverType)
	} else {
		res.Reason = fmt.Sprintf("Docker %s at %s uses the classic image store (graphdriver %s)", version, host, driver)
	}
	return res
}

// clientFor dials the daemon: a unix socket, or tcp in plain http. A TLS
// daemon (DOCKER_TLS_VERIFY) is not asked: its client certificates are
// the user's, not ours to load.
func clientFor(host string, getenv func(string) string) (*http.Client, string, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, "", fmt.Errorf("DOCKER_HOST %q: %v", host, err)
	}
	noRedirect := func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	switch u.Scheme {
	case "unix":
		path := u.Path
		tr := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}}
		return &http.Client{Transport: tr, CheckRedirect: noRedirect}, "http://docker", nil
	case "tcp", "http":
		if getenv("DOCKER_TLS_VERIFY") != "" {
			return nil, "", errors.New("a TLS daemon (DOCKER_TLS_VERIFY is set)")
		}
		return &http.Client{Transport: &http.Transport{}, CheckRedirect: noRedirect}, "http://" + u.Host, nil
	}
	return nil, "", fmt.Errorf("DOCKER_HOST scheme %q is not unix or tcp", u.Scheme)
}

func short(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Op + ": " + op.Err.Error()
	}
	return clean(err.Error(), 120)
}

// clean keeps a daemon's text to one printable line.
func clean(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}

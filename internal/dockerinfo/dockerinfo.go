// Package dockerinfo asks the local Docker daemon which image store it
// uses, so that --client docker can mean what that daemon does.
//
// Docker 29 defaults to the containerd image store on fresh Linux installs
// (clients.md 4.1: moby commit 632de98, first in docker-v29.0.0; a daemon
// keeps the classic graphdriver store when it finds prior graphdriver data,
// is told "containerd-snapshotter": false, names a graphdriver as
// storage-driver, or runs with userns-remap). The containerd store pulls
// with containerd's resolver, which changes the whole handshake: no ping,
// the OAuth2 POST first. So "docker pull" means two different handshakes,
// and only the daemon can say which one it does.
//
// The daemon is asked once, read-only: GET /info on DOCKER_HOST (unix:// or
// plain tcp://) or unix:///var/run/docker.sock, within 2 s, reading at most
// 4 MiB, following no redirect. A daemon that cannot be asked leaves the
// classic store assumed, and Reason says so.
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
	"os"
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

// snapshotterDriverType is the DriverStatus entry a containerd-store daemon
// reports: moby daemon/containerd ImageService.LayerStoreStatus returns
// {"driver-type", plugins.SnapshotPlugin}, and daemon/info.go
// fillDriverInfo copies it into Info.DriverStatus next to Info.Driver (the
// snapshotter's name, e.g. overlayfs). A graphdriver's DriverStatus is its
// own status (e.g. "Backing Filesystem"), never a driver-type.
const snapshotterDriverType = "io.containerd.snapshotter.v1"

// assume ends the Reason of every daemon that could not be asked.
const assume = "assuming the classic image store; Docker 29 fresh installs use the containerd store (--client docker-containerd)"

// Result is what the daemon said. Store is Classic or Containerd when
// Checked, "" otherwise (callers then keep the classic docker profile);
// Reason is one sentence for the output either way.
type Result struct {
	Checked       bool
	Socket        string // the daemon's address as DOCKER_HOST spells it
	Store         string // Classic, Containerd or ""
	ServerVersion string
	Driver        string
	Reason        string
	Err           error
}

type info struct {
	ServerVersion string     `json:"ServerVersion"`
	Driver        string     `json:"Driver"`
	DriverStatus  [][]string `json:"DriverStatus"`
}

// Decode reads GET /info's body: which store, the daemon's version and its
// storage driver (a graphdriver, or the containerd snapshotter's name).
func Decode(body []byte) (store, version, driver string, err error) {
	trimmed := strings.TrimSpace(string(body))
	if trimmed == "" {
		return "", "", "", errors.New("empty body")
	}
	if trimmed[0] != '{' {
		return "", "", "", errors.New("not a JSON object")
	}
	var in info
	if err := json.Unmarshal(body, &in); err != nil {
		return "", "", "", fmt.Errorf("not Docker's /info JSON: %w", err)
	}
	containerd := false
	for _, kv := range in.DriverStatus {
		if len(kv) == 2 && kv[0] == "driver-type" && kv[1] == snapshotterDriverType {
			containerd = true
		}
	}
	if in.Driver == "" && !containerd {
		if in.ServerVersion == "" {
			return "", "", "", errors.New("not Docker's /info JSON: no ServerVersion or Driver")
		}
		return "", in.ServerVersion, "", errors.New("no storage Driver in /info")
	}
	store = Classic
	if containerd {
		store = Containerd
	}
	return store, in.ServerVersion, in.Driver, nil
}

// Detect asks the daemon at DOCKER_HOST (else DefaultHost) with one
// read-only GET /info, bounded in time (2 s) and size (4 MiB); it never
// follows a redirect. getenv is os.Getenv in production.
func Detect(ctx context.Context, getenv func(string) string) Result {
	host := getenv("DOCKER_HOST")
	if host == "" {
		host = DefaultHost
	}
	res := Result{Socket: host}
	notChecked := func(err error, format string, args ...any) Result {
		res.Err = err
		res.Reason = clean(fmt.Sprintf(format, args...), 400) + ": " + assume
		return res
	}
	client, base, err := clientFor(host, getenv)
	if err != nil {
		return notChecked(err, "not checked: %v", err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	bound := timeout // or the caller's earlier deadline, for the message
	if d, ok := ctx.Deadline(); ok {
		bound = time.Until(d).Round(10 * time.Millisecond)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/info", nil)
	if err != nil {
		return notChecked(err, "not checked: DOCKER_HOST %s: %v", host, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		if missing(err) {
			return notChecked(err, "no Docker daemon at %s (%s)", host, short(err, bound))
		}
		return notChecked(err, "the Docker daemon at %s did not answer GET /info (%s)", host, short(err, bound))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return notChecked(err, "the Docker daemon at %s broke off its answer to GET /info (%s)", host, short(err, bound))
	}
	if len(body) > maxBody {
		err := fmt.Errorf("GET /info answer over %d MiB", maxBody>>20)
		return notChecked(err, "%s answered GET /info with more than %d MiB", host, maxBody>>20)
	}
	if resp.StatusCode != http.StatusOK {
		err := fmt.Errorf("GET /info answered %s", resp.Status)
		return notChecked(err, "%s answered GET /info with HTTP %s%s", host, resp.Status, said(resp, body))
	}
	store, version, driver, err := Decode(body)
	if err != nil {
		return notChecked(err, "%s answered GET /info with something else than Docker's JSON: %v%s", host, err, saidBody(body))
	}
	res.Checked, res.Store, res.ServerVersion, res.Driver = true, store, version, driver
	v := clean(version, 40)
	if v == "" {
		v = "(version not reported)"
	}
	if store == Containerd {
		res.Reason = fmt.Sprintf("Docker %s at %s uses the containerd image store (driver %s, driver-type %s)", v, host, clean(driver, 40), snapshotterDriverType)
	} else {
		res.Reason = fmt.Sprintf("Docker %s at %s uses the classic image store (graphdriver %s)", v, host, clean(driver, 40))
	}
	return res
}

// clientFor dials the daemon: a unix socket, or tcp in plain http. A TLS
// daemon (DOCKER_TLS_VERIFY) is not asked: its client certificates are the
// user's, not ours to load. No proxy: the daemon is the user's own.
func clientFor(host string, getenv func(string) string) (*http.Client, string, error) {
	u, err := url.Parse(host)
	if err != nil {
		return nil, "", fmt.Errorf("DOCKER_HOST %q: %v", host, err)
	}
	var dial func(ctx context.Context, _, _ string) (net.Conn, error)
	base := "http://docker"
	switch u.Scheme {
	case "unix":
		path := u.Host + u.Path // unix://rel.sock has no Path, only a Host
		if path == "" {
			return nil, "", fmt.Errorf("DOCKER_HOST %q names no socket", host)
		}
		dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		}
	case "tcp", "http":
		if getenv("DOCKER_TLS_VERIFY") != "" {
			return nil, "", fmt.Errorf("TLS daemon at %s (DOCKER_TLS_VERIFY is set)", host)
		}
		if u.Host == "" {
			return nil, "", fmt.Errorf("DOCKER_HOST %q names no host", host)
		}
		addr := u.Host
		if u.Port() == "" {
			addr = net.JoinHostPort(u.Hostname(), "2375") // Docker's plain-http port
		}
		base = "http://" + addr
		dial = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", addr)
		}
	default:
		return nil, "", fmt.Errorf("DOCKER_HOST %s: scheme %q is not unix or tcp", host, u.Scheme)
	}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dial,
		DisableKeepAlives:      true,
		DisableCompression:     true,
		MaxResponseHeaderBytes: 64 << 10,
		ResponseHeaderTimeout:  timeout,
	}
	return &http.Client{
		Transport:     tr,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, base, nil
}

// missing tells a socket or port nobody listens on.
func missing(err error) bool {
	return errors.Is(err, os.ErrNotExist) || isErrno(err, "connection refused")
}

func isErrno(err error, text string) bool {
	var sys *os.SyscallError
	return errors.As(err, &sys) && sys.Err != nil && sys.Err.Error() == text
}

// short names the failure without Go's URL prefix: "connect: no such file
// or directory", "connect: connection refused", "timed out after 2s".
func short(err error, bound time.Duration) string {
	var sys *os.SyscallError
	if errors.As(err, &sys) {
		return clean(sys.Syscall+": "+sys.Err.Error(), 120)
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Sprintf("timed out after %s", bound)
	}
	if errors.Is(err, context.Canceled) {
		return "canceled"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return clean(op.Op+": "+op.Err.Error(), 120)
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return clean(err.Error(), 120)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// said names what came back beside the status: a redirect's Location, else
// the start of the body.
func said(resp *http.Response, body []byte) string {
	if loc := resp.Header.Get("Location"); loc != "" {
		return fmt.Sprintf(" to %q (not followed)", clean(loc, 80))
	}
	return saidBody(body)
}

func saidBody(body []byte) string {
	s := strings.Join(strings.Fields(clean(string(body), 80)), " ")
	if s == "" {
		return " (empty body)"
	}
	return " (body: " + s + ")"
}

// clean keeps a daemon's text to one printable line of at most n bytes:
// control characters and bidirectional overrides become spaces.
func clean(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r < 0xa0) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || r == 0x2028 || r == 0x2029 {
			return ' '
		}
		return r
	}, s)
	if len(s) > n {
		cut := n
		for cut > 0 && !utf8Start(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func utf8Start(b byte) bool { return b&0xc0 != 0x80 }

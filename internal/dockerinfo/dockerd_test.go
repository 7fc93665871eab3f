package dockerinfo

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Debian's dockerd 20.10 (docker.io) is the classic image store: Detect
// against a real daemon of the test's own, all of its state under one
// short /tmp directory (unix socket paths are limited to ~108 bytes).
func TestDetectRealDockerd(t *testing.T) {
	bin, err := exec.LookPath("dockerd")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("dockerd not found (%v): apt-get install docker.io", err)
		}
		t.Skip("dockerd not found: apt-get install docker.io")
	}
	if os.Geteuid() != 0 {
		t.Skip("dockerd needs root")
	}
	dir, err := os.MkdirTemp("/tmp", "did")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		unmountUnder(t, dir) // dockerd mounts its data-root; a killed one leaves it
		if err := os.RemoveAll(dir); err != nil {
			t.Logf("leaving %s: %v", dir, err)
		}
	})
	cfg := filepath.Join(dir, "daemon.json")
	if err := os.WriteFile(cfg, []byte("{}\n"), 0o600); err != nil { // not the host's /etc/docker/daemon.json
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "d.sock")
	logPath := filepath.Join(dir, "dockerd.log")
	logf, err := os.Create(logPath) // a file: a pipe would tie cmd.Wait to containerd's exit
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	log := func() string { b, _ := os.ReadFile(logPath); return tail(string(b)) }
	cmd := exec.Command(bin, "--config-file", cfg,
		"--data-root", filepath.Join(dir, "data"), "--exec-root", filepath.Join(dir, "exec"),
		"--pidfile", filepath.Join(dir, "d.pid"), "-H", "unix://"+sock,
		"--iptables=false", "--ip6tables=false", "--bridge=none", "--storage-driver=vfs")
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.Env = append(os.Environ(), "DOCKER_HOST=") // nothing of the caller's daemon
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	var kids []int // dockerd's children as of ready: its containerd
	t.Cleanup(func() { stopDaemon(t, cmd.Process.Pid, exited, dir, kids) })

	ping := &http.Client{Timeout: time.Second, Transport: &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", sock)
	}}}
	for deadline := time.Now().Add(30 * time.Second); ; {
		if resp, err := ping.Get("http://docker/_ping"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case <-exited:
			t.Fatalf("dockerd exited before answering /_ping (%v):\n%s", cmd.ProcessState, log())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("dockerd did not answer /_ping within 30 s:\n%s", log())
		}
	}
	ready := time.Since(start)
	kids = descendants(cmd.Process.Pid)

	start = time.Now()
	r := Detect(context.Background(), env(map[string]string{"DOCKER_HOST": "unix://" + sock}))
	t.Logf("dockerd ready in %v; Detect took %v: %s", ready.Round(time.Millisecond), time.Since(start).Round(time.Microsecond), r.Reason)
	if !r.Checked || r.Store != Classic || r.Driver != "vfs" || r.Err != nil || !strings.HasPrefix(r.ServerVersion, "20.10") ||
		r.Reason != "Docker "+r.ServerVersion+" at unix://"+sock+" uses the classic image store (graphdriver vfs)" {
		t.Errorf("%+v", r)
	}
}

// stopDaemon stops dockerd by pid, SIGTERM then SIGKILL, and then whatever
// it started: its containerd runs in a session of its own, outside
// dockerd's process group. dockerd stops it on SIGTERM, and here it also
// died when dockerd was SIGKILLed; this makes sure, by pid.
// kids are those seen earlier: they are found by parent pid, and a child
// that outlives dockerd is reparented.
func stopDaemon(t *testing.T, pid int, exited <-chan struct{}, dir string, kids []int) {
	kids = append(kids, descendants(pid)...)
	syscall.Kill(pid, syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(15 * time.Second):
		t.Logf("dockerd %d ignored SIGTERM for 15 s: SIGKILL", pid)
		syscall.Kill(pid, syscall.SIGKILL)
		<-exited
	}
	for _, k := range kids {
		if !ours(k, dir) {
			continue
		}
		syscall.Kill(k, syscall.SIGTERM)
		for i := 0; i < 50 && ours(k, dir); i++ {
			time.Sleep(100 * time.Millisecond)
		}
		if ours(k, dir) {
			syscall.Kill(k, syscall.SIGKILL)
			for i := 0; i < 50 && ours(k, dir); i++ {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if ours(k, dir) {
			t.Errorf("dockerd's child %d survived SIGKILL", k)
		}
	}
}

// descendants lists pid's children, grandchildren, ... from /proc.
func descendants(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	parent := map[int]int{}
	for _, e := range ents {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces and parentheses.
		f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
		if len(f) > 1 {
			if pp, err := strconv.Atoi(f[1]); err == nil {
				parent[p] = pp
			}
		}
	}
	var out []int
	want := map[int]bool{pid: true}
	for changed := true; changed; {
		changed = false
		for p, pp := range parent {
			if want[pp] && !want[p] {
				want[p], changed = true, true
				out = append(out, p)
			}
		}
	}
	return out
}

// ours tells a live (not zombie) process whose command line names dir:
// the pid was not reused by someone else's process.
func ours(pid int, dir string) bool {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	if f := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:])); len(f) > 0 && f[0] == "Z" {
		return false
	}
	cmdline, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	return err == nil && bytes.Contains(cmdline, []byte(dir))
}

// unmountUnder detaches every mount at or below dir, deepest first.
func unmountUnder(t *testing.T, dir string) {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return
	}
	var points []string
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 1 && (f[1] == dir || strings.HasPrefix(f[1], dir+"/")) {
			points = append(points, f[1])
		}
	}
	for i := len(points) - 1; i >= 0; i-- {
		if err := syscall.Unmount(points[i], syscall.MNT_DETACH); err != nil {
			t.Logf("unmount %s: %v", points[i], err)
		}
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return strings.Join(lines, "\n")
}

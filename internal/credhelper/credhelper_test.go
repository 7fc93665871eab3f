//go:build unix

package credhelper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// fakeHelper is docker-credential-fake: it records its stdin and pid in
// $FAKE_DIR and behaves as $FAKE_MODE says.
const fakeHelper = `#!/bin/sh
url=$(cat)
printf '%s' "$url" > "$FAKE_DIR/stdin"
echo $$ > "$FAKE_DIR/pid"
case "$FAKE_MODE" in
ok)       printf '{"ServerURL":"%s","Username":"alice","Secret":"fake-secret-0000"}\n' "$url" ;;
token)    printf '{"ServerURL":"%s","Username":"<token>","Secret":"fake-refresh-0000"}\n' "$url" ;;
notfound) echo "credentials not found in native keychain"; exit 1 ;;
crash)    echo "keychain locked"; echo "gpg: decryption failed: No secret key" >&2; echo "second line" >&2; exit 3 ;;
hang)     exec sleep 30 ;;
orphan)   sleep 3 & printf '{"Username":"alice","Secret":"fake-secret-0000"}\n' ;;
garbage)  echo "hello, I am not JSON" ;;
empty)    ;;
big)      head -c 2000000 /dev/zero | tr '\0' 'a' ;;
bigerr)   head -c 100000 /dev/zero | tr '\0' 'e' >&2; exit 1 ;;
esac
`

// setup installs the fake helper first on PATH and returns its state dir.
func setup(t *testing.T, mode string) string {
	t.Helper()
	bin, state := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-fake"), []byte(fakeHelper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	t.Setenv("FAKE_DIR", state)
	t.Setenv("FAKE_MODE", mode)
	return state
}

func stdinOf(t *testing.T, state string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(state, "stdin"))
	if err != nil {
		t.Fatalf("helper did not record stdin: %v", err)
	}
	return string(b)
}

func asError(t *testing.T, err error) *Error {
	t.Helper()
	var he *Error
	if !errors.As(err, &he) {
		t.Fatalf("error %v (%T) is not a *Error", err, err)
	}
	return he
}

func TestGetSuccess(t *testing.T) {
	state := setup(t, "ok")
	res, err := Get(context.Background(), "fake", "registry.example.com:5000", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Username != "alice" || res.Secret != "fake-secret-0000" || res.SecretKind != "password" {
		t.Errorf("got %+v", res)
	}
	if res.Latency <= 0 {
		t.Errorf("latency %v, want > 0", res.Latency)
	}
	if got := stdinOf(t, state); got != "registry.example.com:5000" {
		t.Errorf("helper read %q on stdin, want the server URL", got)
	}
}

func TestGetIdentityToken(t *testing.T) {
	setup(t, "token")
	res, err := Get(context.Background(), "fake", "https://index.docker.io/v1/", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Username != "" || res.SecretKind != "identitytoken" || res.Secret != "fake-refresh-0000" {
		t.Errorf("got %+v, want identitytoken with no username", res)
	}
}

func TestGetFailures(t *testing.T) {
	tests := []struct {
		mode     string
		kind     string
		exitCode int
		text     string // the whole Error() or, with a trailing "*", its prefix
	}{
		{"notfound", KindNotFound, 1, "docker-credential-fake get: credentials not found in native keychain"},
		{"crash", KindFailed, 3, "docker-credential-fake get: exit status 3: keychain locked; stderr: gpg: decryption failed: No secret key second line"},
		{"garbage", KindBadOutput, 0, "docker-credential-fake get: stdout is not the helper's JSON: invalid character 'h' looking for beginning of value"},
		{"empty", KindBadOutput, 0, "docker-credential-fake get: exited 0 with nothing on stdout; a helper must print its JSON answer"},
		{"big", KindBadOutput, 0, "docker-credential-fake get: stdout is larger than 1024 KiB, not the helper's JSON"},
		{"bigerr", KindFailed, 1, "docker-credential-fake get: exit status 1; stderr: eeee*"},
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			setup(t, tt.mode)
			_, err := Get(context.Background(), "fake", "reg.example", 5*time.Second)
			he := asError(t, err)
			if he.Kind != tt.kind || he.ExitCode != tt.exitCode || he.Helper != "docker-credential-fake" {
				t.Errorf("got kind %q exit %d helper %q, want %q %d", he.Kind, he.ExitCode, he.Helper, tt.kind, tt.exitCode)
			}
			got := he.Error()
			if prefix, ok := strings.CutSuffix(tt.text, "*"); ok {
				if !strings.HasPrefix(got, prefix) {
					t.Errorf("Error() = %q, want prefix %q", got, prefix)
				}
			} else if got != tt.text {
				t.Errorf("Error() =\n  %q\nwant\n  %q", got, tt.text)
			}
			if strings.ContainsAny(got, "\n\r") {
				t.Errorf("Error() is not one line: %q", got)
			}
			if len(he.Stderr) > maxStderr+len("... (truncated)") {
				t.Errorf("stderr not bounded: %d bytes", len(he.Stderr))
			}
		})
	}
}

func TestGetCrashKeepsStderr(t *testing.T) {
	setup(t, "crash")
	_, err := Get(context.Background(), "fake", "reg.example", 5*time.Second)
	he := asError(t, err)
	if he.Stderr != "gpg: decryption failed: No secret key\nsecond line" {
		t.Errorf("Stderr = %q", he.Stderr)
	}
}

func TestGetTimeoutKillsHelper(t *testing.T) {
	state := setup(t, "hang")
	start := time.Now()
	_, err := Get(context.Background(), "fake", "reg.example", time.Second)
	elapsed := time.Since(start)
	he := asError(t, err)
	if he.Kind != KindTimeout {
		t.Fatalf("kind %q, want timeout (%v)", he.Kind, err)
	}
	if want := "docker-credential-fake get: no answer within 1s (--helper-timeout)"; he.Error() != want {
		t.Errorf("Error() = %q, want %q", he.Error(), want)
	}
	if elapsed > 2500*time.Millisecond { // timeout+1s, with slack for a loaded machine
		t.Errorf("returned after %v, want within timeout+1s", elapsed)
	}
	b, err := os.ReadFile(filepath.Join(state, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	if pid <= 0 {
		t.Fatalf("bad pid %q", b)
	}
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("helper %d still exists after the timeout (kill -0: %v)", pid, err)
	}
}

// A child the helper leaves behind holds stdout open; the answer is
// complete when the helper exits, and Get must not wait for the child.
func TestGetOrphanDoesNotHang(t *testing.T) {
	setup(t, "orphan")
	start := time.Now()
	res, err := Get(context.Background(), "fake", "reg.example", 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Username != "alice" {
		t.Errorf("got %+v", res)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("waited %v for the orphan", elapsed)
	}
}

func TestGetNotInstalled(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := Get(context.Background(), "desktop", "reg.example", time.Second)
	he := asError(t, err)
	if he.Kind != KindNotInstalled {
		t.Errorf("kind %q, want not-installed", he.Kind)
	}
	if want := "docker-credential-desktop: executable file not found in $PATH"; he.Error() != want {
		t.Errorf("Error() = %q, want %q", he.Error(), want)
	}
}

func TestGetRefusesPaths(t *testing.T) {
	_, err := Get(context.Background(), "x/../../bin/sh", "reg.example", time.Second)
	if he := asError(t, err); he.Kind != KindFailed || !strings.Contains(he.Error(), "path separator") {
		t.Errorf("got %v", err)
	}
}

func TestGetParentCancelled(t *testing.T) {
	setup(t, "hang")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	_, err := Get(ctx, "fake", "reg.example", 10*time.Second)
	if he := asError(t, err); he.Kind != KindFailed || !strings.Contains(he.Msg, "canceled") {
		t.Errorf("got %v (kind %q)", err, he.Kind)
	}
}

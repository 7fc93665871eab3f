package credhelper

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestList(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\ncase \"$1\" in\n list) echo '{\"https://index.docker.io/v1/\":\"hubuser\",\"reg.example:5000\":\"alice\"}';;\n *) exit 1;;\nesac\n"
	if err := os.WriteFile(filepath.Join(dir, "docker-credential-lister"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "docker-credential-broken"), []byte("#!/bin/sh\necho 'store locked' >&2\nexit 4\n"), 0o755)
	t.Setenv("PATH", dir+":"+os.Getenv("PATH"))

	got, err := List(context.Background(), "lister", time.Second)
	if err != nil || len(got) != 2 || got["reg.example:5000"] != "alice" {
		t.Fatalf("List = %v, %v", got, err)
	}
	_, err = List(context.Background(), "broken", time.Second)
	var he *Error
	if !errors.As(err, &he) || he.ExitCode != 4 || he.Stderr != "store locked" {
		t.Fatalf("a failing list: %#v", err)
	}
	if msg := err.Error(); msg[:len("docker-credential-broken list:")] != "docker-credential-broken list:" {
		t.Errorf("the error names the list action: %q", msg)
	}
	if _, err := List(context.Background(), "absent", time.Second); !errors.As(err, &he) || he.Kind != KindNotInstalled {
		t.Errorf("missing helper: %v", err)
	}
}

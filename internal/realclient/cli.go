package realclient

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// Skopeo runs `skopeo inspect --raw` (containers/image) with an auth file
// of its own.
func Skopeo(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	Need(t, "skopeo")
	dir := t.TempDir()
	args := []string{"inspect", "--raw", "--tls-verify=false", "--authfile", filepath.Join(dir, "auth.json")}
	if user != "" || pass != "" {
		args = append(args, "--creds", user+":"+pass)
	}
	return run(ctx, isolatedEnv(dir), "", "skopeo", append(args, "docker://"+ref)...)
}

// SkopeoLogin runs `skopeo login` with an auth file of its own.
func SkopeoLogin(ctx context.Context, t testing.TB, host, user, pass string) Result {
	t.Helper()
	Need(t, "skopeo")
	dir := t.TempDir()
	return run(ctx, isolatedEnv(dir), pass, "skopeo", "login", "--tls-verify=false", "--authfile", filepath.Join(dir, "auth.json"), "-u", user, "--password-stdin", host)
}

// Crane runs `crane manifest --insecure REF` with the credentials in a
// Docker config of its own (crane reads them through its keychain).
func Crane(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	Need(t, "crane")
	dir := t.TempDir()
	env := isolatedEnv(dir)
	if err := writeDockerConfig(filepath.Join(dir, ".docker"), hostOf(ref), user, pass); err != nil {
		t.Fatal(err)
	}
	return run(ctx, env, "", "crane", "manifest", "--insecure", ref)
}

// Regctl runs `regctl manifest get` with a config of its own in which the
// host is plain http and holds the credentials.
func Regctl(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	Need(t, "regctl")
	dir := t.TempDir()
	env := isolatedEnv(dir, "REGCTL_CONFIG="+filepath.Join(dir, "regctl.json"))
	host := hostOf(ref)
	// --skip-check: `registry set` would otherwise ping the registry
	// (GET /v2/, an anonymous token, GET /v2/ again) before the command
	// under test, and fail on a Basic-auth registry.
	set := []string{"registry", "set", host, "--tls", "disabled", "--skip-check"}
	if r := run(ctx, env, "", "regctl", set...); !r.OK() {
		return r
	}
	if user != "" || pass != "" {
		// Writes only regctl's own config (--skip-check: no request).
		if r := run(ctx, env, pass, "regctl", "registry", "login", host, "-u", user, "--pass-stdin", "--skip-check"); !r.OK() {
			return r
		}
	}
	return run(ctx, env, "", "regctl", "manifest", "get", "--format", "raw-body", ref)
}

// Oras runs `oras manifest fetch --plain-http`.
func Oras(ctx context.Context, t testing.TB, ref, user, pass string) Result {
	t.Helper()
	Need(t, "oras")
	dir := t.TempDir()
	args := []string{"manifest", "fetch", "--plain-http", "--registry-config", filepath.Join(dir, "oras.json")}
	if user != "" || pass != "" {
		args = append(args, "-u", user, "-p", pass)
	}
	return run(ctx, isolatedEnv(dir), "", "oras", append(args, ref)...)
}

// DockerLogin runs the docker CLI's login, which with no daemon performs
// the login itself (https, then http for loopback).
func DockerLogin(ctx context.Context, t testing.TB, host, user, pass string) Result {
	t.Helper()
	Need(t, "docker")
	dir := t.TempDir()
	env := isolatedEnv(dir, "DOCKER_HOST=unix://"+filepath.Join(dir, "no-daemon.sock"))
	return run(ctx, env, pass, "docker", "login", host, "-u", user, "--password-stdin")
}

func hostOf(ref string) string {
	host, _, _ := strings.Cut(ref, "/")
	return host
}

// OrasLogin runs `oras login --plain-http` with a registry config of its own.
func OrasLogin(ctx context.Context, t testing.TB, host, user, pass string) Result {
	t.Helper()
	Need(t, "oras")
	dir := t.TempDir()
	return run(ctx, isolatedEnv(dir), pass, "oras", "login", "--plain-http", "--registry-config", filepath.Join(dir, "oras.json"), "-u", user, "--password-stdin", host)
}

// RegctlLogin runs `regctl registry login` (which checks the credentials
// against the registry) with a config of its own.
func RegctlLogin(ctx context.Context, t testing.TB, host, user, pass string) Result {
	t.Helper()
	Need(t, "regctl")
	dir := t.TempDir()
	env := isolatedEnv(dir, "REGCTL_CONFIG="+filepath.Join(dir, "regctl.json"))
	if r := run(ctx, env, "", "regctl", "registry", "set", host, "--tls", "disabled", "--skip-check"); !r.OK() {
		return r
	}
	return run(ctx, env, pass, "regctl", "registry", "login", host, "-u", user, "--pass-stdin")
}

// CranePull saves REF as a tarball (the source of a push test).
func CranePull(ctx context.Context, t testing.TB, ref, user, pass, tarball string) Result {
	t.Helper()
	Need(t, "crane")
	dir := t.TempDir()
	env := isolatedEnv(dir)
	if err := writeDockerConfig(filepath.Join(dir, ".docker"), hostOf(ref), user, pass); err != nil {
		t.Fatal(err)
	}
	return run(ctx, env, "", "crane", "pull", "--insecure", "--format", "tarball", ref, tarball)
}

// CranePush runs `crane push --insecure TARBALL REF`.
func CranePush(ctx context.Context, t testing.TB, tarball, ref, user, pass string) Result {
	t.Helper()
	Need(t, "crane")
	dir := t.TempDir()
	env := isolatedEnv(dir)
	if err := writeDockerConfig(filepath.Join(dir, ".docker"), hostOf(ref), user, pass); err != nil {
		t.Fatal(err)
	}
	return run(ctx, env, "", "crane", "push", "--insecure", tarball, ref)
}

// SkopeoPush copies a docker-archive tarball to REF with skopeo (containers/image's push).
func SkopeoPush(ctx context.Context, t testing.TB, tarball, ref, user, pass string) Result {
	t.Helper()
	Need(t, "skopeo")
	dir := t.TempDir()
	args := []string{"copy", "--dest-tls-verify=false", "--authfile", filepath.Join(dir, "auth.json")}
	if user != "" || pass != "" {
		args = append(args, "--dest-creds", user+":"+pass)
	}
	return run(ctx, isolatedEnv(dir), "", "skopeo", append(args, "docker-archive:"+tarball, "docker://"+ref)...)
}

// RegctlPush imports a docker-archive tarball to REF with regctl.
func RegctlPush(ctx context.Context, t testing.TB, tarball, ref, user, pass string) Result {
	t.Helper()
	Need(t, "regctl")
	dir := t.TempDir()
	env := isolatedEnv(dir, "REGCTL_CONFIG="+filepath.Join(dir, "regctl.json"))
	host := hostOf(ref)
	if r := run(ctx, env, "", "regctl", "registry", "set", host, "--tls", "disabled", "--skip-check"); !r.OK() {
		return r
	}
	if user != "" || pass != "" {
		if r := run(ctx, env, pass, "regctl", "registry", "login", host, "-u", user, "--pass-stdin", "--skip-check"); !r.OK() {
			return r
		}
	}
	return run(ctx, env, "", "regctl", "image", "import", ref, tarball)
}

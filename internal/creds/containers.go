package creds

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/decode/authconfig"
)

// ContainersOptions say where podman looks for credentials.
type ContainersOptions struct {
	Getenv        func(string) string
	Home          string
	UID           int
	HelperTimeout time.Duration
}

// AuthFile is one file of podman's search, and what it gave.
type AuthFile struct {
	Path string `json:"path"`
	// Why names the rule that put it in the list.
	Why string `json:"why"`
	// State is "missing", "no entry", "used" or "not read: an earlier
	// file supplied the credentials".
	State string `json:"state"`
}

// ContainersAuthFiles is containers/image's getAuthFilePaths: a
// REGISTRY_AUTH_FILE stops the search there; otherwise
// $XDG_RUNTIME_DIR/containers/auth.json (or /run/containers/UID/auth.json),
// $XDG_CONFIG_HOME/containers/auth.json, then the Docker config.
func ContainersAuthFiles(o ContainersOptions) []AuthFile {
	env := func(k string) string {
		if o.Getenv == nil {
			return ""
		}
		return o.Getenv(k)
	}
	if p := env("REGISTRY_AUTH_FILE"); p != "" {
		return []AuthFile{{Path: p, Why: "REGISTRY_AUTH_FILE (podman searches no further)"}}
	}
	var out []AuthFile
	if rt := env("XDG_RUNTIME_DIR"); rt != "" {
		out = append(out, AuthFile{Path: filepath.Join(rt, "containers", "auth.json"), Why: "$XDG_RUNTIME_DIR/containers/auth.json (podman login writes here)"})
	} else {
		out = append(out, AuthFile{Path: filepath.Join("/run/containers", strconv.Itoa(o.UID), "auth.json"), Why: "/run/containers/UID/auth.json (no XDG_RUNTIME_DIR)"})
	}
	cfg := env("XDG_CONFIG_HOME")
	why := "$XDG_CONFIG_HOME/containers/auth.json"
	if cfg == "" {
		cfg, why = filepath.Join(o.Home, ".config"), "~/.config/containers/auth.json"
	}
	out = append(out, AuthFile{Path: filepath.Join(cfg, "containers", "auth.json"), Why: why})
	if d := env("DOCKER_CONFIG"); d != "" {
		out = append(out, AuthFile{Path: filepath.Join(d, "config.json"), Why: "$DOCKER_CONFIG/config.json (the Docker config)"})
	} else {
		out = append(out, AuthFile{Path: filepath.Join(o.Home, ".docker", "config.json"), Why: "~/.docker/config.json (the Docker config)"})
	}
	return out
}

// ResolveContainers finds podman's credentials for name (registry/repo,
// e.g. quay.io/team/app) in the auth files, in order: the first file with
// an entry (or a credHelpers helper) for the name wins. It returns the
// files with what each gave.
func ResolveContainers(ctx context.Context, o ContainersOptions, name string) (Result, []AuthFile, error) {
	files := ContainersAuthFiles(o)
	found := -1
	var res Result
	for i := range files {
		f := &files[i]
		if found >= 0 {
			f.State = "not read: an earlier file supplied the credentials"
			continue
		}
		data, err := ReadConfig(f.Path)
		if errors.Is(err, os.ErrNotExist) {
			f.State = "missing"
			continue
		}
		if err != nil {
			return Result{}, files, err
		}
		af, err := authconfig.ParseContainers(f.Path, data)
		if err != nil {
			return Result{}, files, fmt.Errorf("%s: %w", f.Path, err)
		}
		r := af.Resolve(name)
		switch r.Source {
		case "credHelpers":
			out, err := credhelper.Get(ctx, r.Helper, registryOf(name), o.HelperTimeout)
			src := fmt.Sprintf("credential helper docker-credential-%s (credHelpers in %s)", r.Helper, f.Path)
			if err != nil {
				var he *credhelper.Error
				if errors.As(err, &he) && he.Kind == "credentials-not-found" {
					f.State = "no entry (" + src + " has none)"
					continue
				}
				return Result{}, files, fmt.Errorf("%s: %w", src, err)
			}
			res = Result{Username: out.Username, Password: out.Secret, Source: src}
			if out.SecretKind == "identitytoken" {
				res = Result{IdentityToken: out.Secret, Source: src}
			}
		case "auths":
			e := r.Entry
			if e.Username == "" && e.IdentityToken == "" {
				// An entry without credentials: containers/image goes on.
				f.State = fmt.Sprintf("no credentials in auths[%q]", e.Key)
				continue
			}
			res = Result{Username: e.Username, Password: e.Password, IdentityToken: e.IdentityToken,
				Source: fmt.Sprintf("auths[%q] in %s", e.Key, f.Path)}
		default:
			f.State = "no entry for " + name
			continue
		}
		f.State = "used"
		found = i
	}
	if found < 0 {
		res.Source = "none (no auth file has an entry for " + name + ")"
	}
	return res, files, nil
}

func registryOf(name string) string {
	for i := 0; i < len(name); i++ {
		if name[i] == '/' {
			return name[:i]
		}
	}
	return name
}

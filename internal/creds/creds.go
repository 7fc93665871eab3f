// Package creds finds the credentials a Docker client would use for a
// registry: DOCKER_AUTH_CONFIG, then the config file's credHelpers,
// credsStore and auths, running a credential helper when one wins.
package creds

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/decode/authconfig"
)

// Options say where to look and for which registry.
type Options struct {
	ConfigPath     string
	ConfigExplicit bool // the user named the file: a missing file is an error
	Host           string
	DockerHub      bool
	HelperTimeout  time.Duration
	Getenv         func(string) string
}

// Result is what was found and where.
type Result struct {
	Username      string
	Password      string
	IdentityToken string
	RegistryToken string
	// Source is a sentence fragment for the trace: `auths["host"] in /path`,
	// `credential helper docker-credential-pass (credHelpers in /path)`.
	Source string
}

// Resolve finds the credentials for opts.Host. Finding none is not an
// error (Source says why); an unreadable or broken config is.
func Resolve(ctx context.Context, opts Options) (Result, error) {
	src, err := Load(opts)
	if err != nil {
		return Result{}, err
	}
	return src.Resolve(ctx, opts.Host, opts.DockerHub, opts.HelperTimeout)
}

// Sources are the credential sources a Docker client reads, parsed once so
// that several registries (doctor) can be resolved without reading again.
type Sources struct {
	Env  *authconfig.File // DOCKER_AUTH_CONFIG, or nil
	File *authconfig.File // the config file, or nil when there is none
	Path string
}

// Load reads DOCKER_AUTH_CONFIG and the config file. A missing file is no
// error unless the user named it.
func Load(opts Options) (*Sources, error) {
	s := &Sources{Path: opts.ConfigPath}
	if opts.Getenv != nil {
		if env := opts.Getenv("DOCKER_AUTH_CONFIG"); env != "" {
			f, err := authconfig.ParseEnvAuthConfig(env)
			if err != nil {
				return nil, fmt.Errorf("DOCKER_AUTH_CONFIG: %w", err)
			}
			s.Env = f
		}
	}
	data, err := ReadConfig(opts.ConfigPath)
	if errors.Is(err, os.ErrNotExist) && !opts.ConfigExplicit {
		return s, nil
	}
	if err != nil {
		return nil, err
	}
	if s.File, err = authconfig.Parse(opts.ConfigPath, data); err != nil {
		return nil, fmt.Errorf("%s: %w", opts.ConfigPath, err)
	}
	return s, nil
}

// Resolve finds the credentials for host as the Docker CLI would:
// DOCKER_AUTH_CONFIG first, then the file's helpers and auths.
func (s *Sources) Resolve(ctx context.Context, host string, dockerHub bool, helperTimeout time.Duration) (Result, error) {
	key := host
	if dockerHub {
		key = authconfig.HubKey
	}
	opts := Options{HelperTimeout: helperTimeout}
	if s.Env != nil {
		if res, ok, err := fromFile(ctx, s.Env, key, "DOCKER_AUTH_CONFIG", opts); ok || err != nil {
			return res, err
		}
	}
	if s.File == nil {
		return Result{Source: "none (no config file at " + s.Path + ")"}, nil
	}
	res, ok, err := fromFile(ctx, s.File, key, s.Path, opts)
	if err != nil || ok {
		return res, err
	}
	return Result{Source: fmt.Sprintf("none (no entry for %s in %s)", key, s.Path)}, nil
}

func fromFile(ctx context.Context, f *authconfig.File, key, where string, opts Options) (Result, bool, error) {
	res := f.Resolve(key)
	switch res.Source {
	case "credHelpers", "credsStore":
		out, err := credhelper.Get(ctx, res.Helper, key, opts.HelperTimeout)
		src := fmt.Sprintf("credential helper docker-credential-%s (%s in %s)", res.Helper, res.Source, where)
		if err != nil {
			var he *credhelper.Error
			if errors.As(err, &he) && he.Kind == "credentials-not-found" {
				return Result{Source: "none (" + src + " has no credentials for " + key + ")"}, true, nil
			}
			if he != nil {
				return Result{}, false, &HelperError{Source: src, Err: he}
			}
			return Result{}, false, fmt.Errorf("%s: %w", src, err)
		}
		r := Result{Username: out.Username, Password: out.Secret, Source: src}
		if out.SecretKind == "identitytoken" {
			r.Username, r.Password, r.IdentityToken = "", "", out.Secret
		}
		return r, true, nil
	case "auths":
		e := res.Entry
		if e == nil {
			return Result{}, false, nil
		}
		return Result{
			Username:      e.Username,
			Password:      e.Password,
			IdentityToken: e.IdentityToken,
			RegistryToken: e.RegistryToken,
			Source:        fmt.Sprintf("auths[%q] in %s", e.Key, where),
		}, true, nil
	}
	return Result{}, false, nil
}

// ReadConfig reads a config file, refusing one larger than any real config
// could be rather than reading it all.
func ReadConfig(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, authconfig.MaxConfigSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > authconfig.MaxConfigSize {
		return nil, fmt.Errorf("%s: larger than the %d MiB limit for a config file", path, authconfig.MaxConfigSize>>20)
	}
	return data, nil
}

// HelperError is a credential helper that failed while resolving, with
// where it was configured.
type HelperError struct {
	Source string
	Err    *credhelper.Error
}

func (e *HelperError) Error() string { return e.Source + ": " + e.Err.Error() }
func (e *HelperError) Unwrap() error { return e.Err }

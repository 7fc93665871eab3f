package sandbox

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"

	"github.com/distribution/distribution/v3/configuration"
	"github.com/distribution/distribution/v3/registry/handlers"
	"github.com/sirupsen/logrus"

	// Registered by init: the access controllers and the storage driver the
	// sandbox configures.
	_ "github.com/distribution/distribution/v3/registry/auth/htpasswd"
	_ "github.com/distribution/distribution/v3/registry/auth/token"
	_ "github.com/distribution/distribution/v3/registry/storage/driver/inmemory"
)

// LogEnv names an environment variable that, when set to a logrus level
// ("info", "debug"), sends the in-process registry's log to stderr instead
// of discarding it (it says, e.g., why it rejected a token).
const LogEnv = "REGAUTH_SANDBOX_REGISTRY_LOG"

var logOnce sync.Once

// quietRegistryLogs silences logrus' standard logger, which the registry
// logs through. It is process-wide; nothing else in regauth uses logrus.
func quietRegistryLogs() {
	logOnce.Do(func() {
		if v := os.Getenv(LogEnv); v != "" {
			if lvl, err := logrus.ParseLevel(v); err == nil {
				logrus.SetLevel(lvl)
				logrus.SetOutput(os.Stderr)
				return
			}
		}
		logrus.SetLevel(logrus.ErrorLevel)
		logrus.SetOutput(io.Discard)
	})
}

// registryConfig is the configuration of the in-process registry: in-memory
// storage, no upload purger, and the given auth section.
func registryConfig(addr string, auth configuration.Auth) *configuration.Configuration {
	cfg := &configuration.Configuration{
		Version: configuration.MajorMinorVersion(0, 1),
		Storage: configuration.Storage{
			"inmemory": configuration.Parameters{},
			"delete":   configuration.Parameters{"enabled": true},
			"maintenance": configuration.Parameters{
				"uploadpurging": map[any]any{"enabled": false},
			},
		},
		Auth: auth,
	}
	cfg.Log.Level = "error"
	cfg.Log.AccessLog.Disabled = true
	cfg.HTTP.Addr = addr
	cfg.HTTP.Secret = randomHex(32)
	cfg.Catalog.MaxEntries = 1000
	cfg.Tags.MaxTags = 1000
	return cfg
}

// newRegistryApp builds distribution's HTTP application. NewApp panics on
// a bad configuration; that becomes an error here.
func newRegistryApp(ctx context.Context, cfg *configuration.Configuration) (app *handlers.App, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("starting the registry: %v", p)
		}
	}()
	return handlers.NewApp(ctx, cfg), nil
}

// RegistryVersion is the version of the distribution module built in
// ("v3.1.2"), or "" when the build carries no module information.
func RegistryVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	for _, d := range bi.Deps {
		if d.Path == "github.com/distribution/distribution/v3" {
			if d.Replace != nil {
				return d.Replace.Version
			}
			return d.Version
		}
	}
	return ""
}

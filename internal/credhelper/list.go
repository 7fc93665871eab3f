package credhelper

import (
	"context"
	"time"

	"github.com/docker/docker-credential-helpers/client"
)

// List runs "docker-credential-<name> list", which maps every server URL
// the store holds to its username: how doctor finds the registries a
// credsStore knows that config.json does not name.
func List(ctx context.Context, name string, timeout time.Duration) (map[string]string, error) {
	var out map[string]string
	err := invoke(ctx, name, "list", timeout, func(p client.ProgramFunc) (err error) {
		out, err = client.List(p)
		return err
	})
	return out, err
}

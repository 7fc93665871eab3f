package credhelper

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/docker/docker-credential-helpers/client"
)

// List runs "docker-credential-<name> list", which maps every server URL
// the store holds to its username: how doctor finds the registries a
// credsStore knows that config.json does not name.
func List(ctx context.Context, name string, timeout time.Duration) (map[string]string, error) {
	helper := "docker-credential-" + name
	if strings.ContainsAny(name, `/\`) {
		return nil, &Error{Kind: KindFailed, Helper: helper, Action: "list", Msg: "the helper name contains a path separator; not running it"}
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	runCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var run *helperRun
	program := func(args ...string) client.Program {
		run = newHelperRun(runCtx, helper, args...)
		return run
	}
	out, err := client.List(program)
	if err == nil && run != nil && run.stdout.truncated {
		err = errors.New("stdout too large")
	}
	if err != nil {
		e := classify(runCtx, ctx, helper, timeout, run, err)
		e.Action = "list"
		return nil, e
	}
	return out, nil
}

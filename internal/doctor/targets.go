package doctor

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/credhelper"
	"github.com/regauth/regauth/internal/decode/authconfig"
	"github.com/regauth/regauth/internal/diagnose"
)

// Discover lists every registry a config names: its auths keys, its
// credHelpers keys, and what its credsStore's `list` returns. Keys that
// name the same host are checked once.
func Discover(ctx context.Context, files []*authconfig.File, helperTimeout time.Duration) ([]Target, []diagnose.Diagnosis) {
	seen := map[string]bool{}
	var out []Target
	var ds []diagnose.Diagnosis
	add := func(key, found string) {
		host := authconfig.HostOf(key)
		if host == "" || seen[host] {
			return
		}
		seen[host] = true
		out = append(out, Target{Registry: host, Found: found})
	}
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, e := range f.Entries {
			add(e.Key, "auths")
		}
		keys := make([]string, 0, len(f.CredHelpers))
		for k := range f.CredHelpers {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(k, "credHelpers")
		}
		if f.CredsStore != "" {
			listed, err := credhelper.List(ctx, f.CredsStore, helperTimeout)
			if err != nil {
				ds = append(ds, diagnose.New(diagnose.CredentialHelperError, fmt.Sprintf("listing the credsStore's registries: %s", err), ""))
				continue
			}
			urls := make([]string, 0, len(listed))
			for u := range listed {
				urls = append(urls, u)
			}
			sort.Strings(urls)
			for _, u := range urls {
				// Desktop stores keep entries for other tools (the Docker
				// Desktop login itself) that are not registries.
				if strings.Contains(u, "://") && !strings.HasPrefix(u, "http") {
					continue
				}
				add(u, "credsStore list")
			}
		}
	}
	return out, ds
}

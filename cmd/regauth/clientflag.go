package main

import (
	"context"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/flow"
)

// clientHelp lists the profiles for --client's help text.
func clientHelp() string {
	var names []string
	for _, p := range flow.Profiles() {
		n := p.Name
		if len(p.Aliases) > 0 {
			n += " (" + strings.Join(p.Aliases, ", ") + ")"
		}
		names = append(names, n)
	}
	return "client whose handshake to replay: " + strings.Join(names, ", ") + "; kubelet (cri); NAME@VERSION for an older release (containerd@1.6)"
}

func addClientFlag(cmd *cobra.Command, client *string) {
	cmd.Flags().StringVar(client, "client", "", clientHelp()+` (default "docker": the local daemon's image store decides classic or containerd)`)
}

// resolveClient turns --client into a profile. Plain docker (or no
// --client) asks the local daemon which image store it uses, because
// Docker 29's containerd store authenticates like containerd.
func resolveClient(ctx context.Context, g *GlobalOptions, name string) (*flow.Profile, string, error) {
	prof, err := flow.LookupProfile(name)
	if err != nil {
		return nil, "", usageErr("%s", err)
	}
	if prof.Name != flow.DefaultClient || strings.Contains(name, "@") || g.deps.DockerInfo == nil {
		return prof, "", nil
	}
	info := g.deps.DockerInfo(ctx)
	if info.Store == "containerd" {
		alt, err := flow.LookupProfile("docker-containerd")
		if err != nil {
			return nil, "", err
		}
		return alt, info.Reason + ": replaying docker-containerd", nil
	}
	return prof, info.Reason, nil
}

// clientNames splits compare's --client list.
func clientNames(list string) ([]*flow.Profile, error) {
	if strings.TrimSpace(list) == "" {
		return flow.Profiles(), nil
	}
	var out []*flow.Profile
	seen := map[string]bool{}
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		p, err := flow.LookupProfile(n)
		if err != nil {
			return nil, usageErr("%s", err)
		}
		if seen[p.ID()] {
			continue
		}
		seen[p.ID()] = true
		out = append(out, p)
	}
	if len(out) == 0 {
		return nil, usageErr("--client %q names no client", list)
	}
	return out, nil
}

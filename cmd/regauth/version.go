package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/buildinfo"
	"github.com/regauth/regauth/internal/render"
)

func newVersionCmd(g *GlobalOptions) *cobra.Command {
	return &cobra.Command{
		Use:     "version",
		Short:   "Print regauth's version, commit and build date",
		Args:    cobra.NoArgs,
		Example: "  regauth version\n  regauth version -o json",
		RunE: func(cmd *cobra.Command, _ []string) error {
			info := buildinfo.Get()
			if g.json() {
				return render.JSON(g.deps.Out, struct {
					SchemaVersion int    `json:"schemaVersion"`
					Command       string `json:"command"`
					buildinfo.Info
				}{render.SchemaVersion, "version", info})
			}
			_, err := fmt.Fprintf(g.deps.Out, "regauth %s\ncommit  %s\nbuilt   %s\ngo      %s %s\n",
				info.Version, info.Commit, info.Date, info.GoVersion, info.Platform)
			return err
		},
	}
}

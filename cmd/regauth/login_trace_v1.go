package main

import (
	"context"
	"fmt"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

func (o *loginTraceOptions) checkAPI() error {
	switch o.API {
	case "v2", "v1":
		return nil
	}
	return usageErr("--api %q: want v2 or v1", o.API)
}

// v1Details is the "details" member of the JSON of --api v1: the v2 login
// a current client makes, shown beside the old client's.
type v1Details struct {
	API     string          `json:"api"`
	V2Login render.TraceDoc `json:"v2_login"`
}

// runLoginTraceV1 replays the old client, then the v2 handshake a current
// client makes, and prints both; the exit code is the old client's.
func runLoginTraceV1(ctx context.Context, o *loginTraceOptions, opts flow.Options, r *redact.Redactor) error {
	g, f := o.g, o.flags
	v1 := flow.LoginV1(ctx, opts)
	v2 := flow.Login(ctx, opts)
	if f.HARFile != "" {
		if err := writeHAR(f.HARFile, []*flow.Trace{v1, v2}, r); err != nil {
			return err
		}
	}
	if g.json() {
		doc := render.NewTraceDoc(v1, r)
		doc.Extra = v1Details{API: "v1", V2Login: render.NewTraceDoc(v2, r)}
		if err := render.JSON(g.deps.Out, doc); err != nil {
			return err
		}
		return silentExit(verdictExit(v1.Verdict))
	}
	st := g.style()
	text := render.TextOptions{Verbose: g.Verbose, Curl: f.Curl}
	if g.deps.Now != nil {
		text.Now = g.deps.Now()
	}
	fmt.Fprintf(g.deps.Out, "%s\n\n", st.Bold("== An old client: registry API v1, as Docker before 1.6 logged in"))
	if err := render.TraceText(g.deps.Out, v1, r, st, text); err != nil {
		return err
	}
	fmt.Fprintf(g.deps.Out, "\n%s\n\n", st.Bold("== A current client: the v2 handshake it makes instead"))
	if err := render.TraceText(g.deps.Out, v2, r, st, text); err != nil {
		return err
	}
	return silentExit(verdictExit(v1.Verdict))
}

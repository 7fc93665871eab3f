package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

func init() { register("inspect-token", newInspectTokenCmd) }

type inspectTokenOptions struct {
	g        *GlobalOptions
	Input    string
	CertFile string
	KeyFile  string
	JWKSFile string
	Issuer   string
	Service  string
}

const inspectTokenLong = `Decode a registry token (a JWT) and explain it: the header (alg, kid, x5c
certificates), the claims with RFC 3339 and relative times, the access list as a
table, other claims, and checks (expired, not yet valid, short-lived, "action"
instead of "actions", a repository name that starts with a host).

The token can be a bare JWT, "Bearer <jwt>", an "Authorization: Bearer ..." line,
or a token service's JSON reply ("access_token" wins when non-empty, as clients do).
It is read from the argument, from standard input ("-" or no argument), or from a
file ("@FILE").

Without --cert, --key or --jwks the signature is NOT verified. With them regauth
verifies it and shows the token's kid beside both key IDs the distribution registry
matches: the libtrust ID (registry 2.x) and the RFC 7638 thumbprint (registry 3.x).
--issuer and --service check iss and aud as the registry does, with its 60 s leeway.

Exit codes: 0 decoded (and verified, when asked), 1 expired or verification failed,
2 not a token.`

const inspectTokenExample = `  regauth inspect-token eyJhbGciOiJSUzI1NiIs...
  curl -s 'https://auth.example/token?service=reg&scope=repository:a/b:pull' | regauth inspect-token
  regauth inspect-token @token.json --cert /etc/registry/token.crt --issuer my-issuer --service my-registry
  regauth inspect-token - -o json < token.jwt`

func newInspectTokenCmd(g *GlobalOptions) *cobra.Command {
	o := &inspectTokenOptions{g: g}
	cmd := &cobra.Command{
		Use:     "inspect-token [TOKEN|-|@FILE]",
		Short:   "Decode a registry token and check it, optionally verifying its signature",
		Long:    inspectTokenLong,
		Example: inspectTokenExample,
		Args:    cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Input = "-"
			if len(args) == 1 {
				o.Input = args[0]
			}
			return runInspectToken(o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.CertFile, "cert", "", "PEM certificate bundle to verify against (the registry's rootcertbundle)")
	f.StringVar(&o.KeyFile, "key", "", "PEM public key (or certificate) to verify against")
	f.StringVar(&o.JWKSFile, "jwks", "", "JSON Web Key Set to verify against (the registry's auth.token.jwks)")
	f.StringVar(&o.Issuer, "issuer", "", "the registry's auth.token.issuer: iss must equal it")
	f.StringVar(&o.Service, "service", "", "the registry's auth.token.service: aud must contain it")
	return cmd
}

// maxTokenInput bounds what inspect-token reads: tokens are kilobytes.
const maxTokenInput = 1 << 20

// maxKeyFile bounds a --cert, --key or --jwks file: a large CA bundle is
// a few hundred KiB.
const maxKeyFile = 4 << 20

// readFileLimit reads a file the user named, refusing one over limit
// rather than reading it all.
func readFileLimit(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB", path, limit>>20)
	}
	return b, nil
}

func readInput(o *inspectTokenOptions) ([]byte, error) {
	var r io.Reader
	switch {
	case o.Input == "-":
		r = o.g.deps.In
		if f, ok := r.(*os.File); ok && render.IsTerminal(f) {
			// Without this the command looks hung to someone who forgot the token.
			fmt.Fprintln(o.g.deps.ErrOut, "regauth: inspect-token: reading a token from the terminal; paste it and press Ctrl-D (or give TOKEN, @FILE, or pipe it in)")
		}
	case strings.HasPrefix(o.Input, "@"):
		f, err := os.Open(o.Input[1:])
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	default:
		return []byte(o.Input), nil
	}
	b, err := io.ReadAll(io.LimitReader(r, maxTokenInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxTokenInput {
		return nil, fmt.Errorf("input is larger than %d KiB: not a token", maxTokenInput>>10)
	}
	return b, nil
}

func runInspectToken(o *inspectTokenOptions) error {
	in, err := readInput(o)
	if err != nil {
		return badInput(err)
	}
	raw, reply, err := regtoken.ExtractJWT(in)
	if err != nil {
		return badInput(err)
	}
	tok, err := regtoken.Decode(raw)
	if err != nil {
		return badInput(err)
	}
	var keys []regtoken.Key
	for _, k := range []struct{ path, kind string }{{o.CertFile, "cert"}, {o.KeyFile, "key"}, {o.JWKSFile, "jwks"}} {
		if k.path == "" {
			continue
		}
		data, err := readFileLimit(k.path, maxKeyFile)
		if err != nil {
			return badInput(fmt.Errorf("--%s: %w", k.kind, err))
		}
		ks, err := regtoken.ParseKeys(data, k.kind)
		if err != nil {
			return badInput(fmt.Errorf("--%s %s: %w", k.kind, k.path, err))
		}
		keys = append(keys, ks...)
	}

	now := o.g.deps.Now()
	r := o.g.redactor()
	r.Add("token", raw)
	if reply != nil {
		r.Add("refresh_token", reply.RefreshToken)
	}
	checks := regtoken.Check(tok, now)
	var ver *regtoken.Verification
	if len(keys) > 0 {
		v := regtoken.Verify(tok, keys, regtoken.VerifyOptions{Issuer: o.Issuer, Service: o.Service, Now: now})
		ver = &v
		checks = mergeDiagnoses(checks, v.Diagnoses)
	} else {
		checks = append(checks, diagnose.New(diagnose.TokenUnverified, "signature not verified: no --cert, --key or --jwks given", ""))
	}
	diagnose.Sort(checks)

	if o.g.json() {
		doc := struct {
			SchemaVersion int                    `json:"schemaVersion"`
			Command       string                 `json:"command"`
			Token         string                 `json:"token"`
			Reply         *regtoken.Reply        `json:"reply,omitempty"`
			RefreshToken  string                 `json:"refresh_token,omitempty"`
			Header        regtoken.Header        `json:"header"`
			Claims        regtoken.Claims        `json:"claims"`
			Access        []regtoken.Access      `json:"access"`
			Other         map[string]any         `json:"other_claims,omitempty"`
			Certs         []regtoken.CertInfo    `json:"certificates,omitempty"`
			Verification  *regtoken.Verification `json:"verification"`
			Diagnoses     []diagnose.Diagnosis   `json:"diagnoses"`
		}{render.SchemaVersion, "inspect-token", r.Value("token", raw), reply, refreshOf(reply, r), tok.Header, tok.Claims, nonNilAccess(tok.Access), tok.Other, tok.Certs, ver, checks}
		if err := render.JSON(o.g.deps.Out, doc); err != nil {
			return err
		}
	} else {
		st := o.g.style()
		if err := render.TokenText(o.g.deps.Out, tok, reply, now, r, st); err != nil {
			return err
		}
		if err := render.VerificationText(o.g.deps.Out, tok, ver, st); err != nil {
			return err
		}
		if err := render.WriteDiagnoses(o.g.deps.Out, checks, r, st); err != nil {
			return err
		}
	}
	if diagnose.Worst(checks) == diagnose.Error {
		return silentExit(exitRefused)
	}
	return nil
}

func nonNilAccess(a []regtoken.Access) []regtoken.Access {
	if a == nil {
		return []regtoken.Access{}
	}
	return a
}

// mergeDiagnoses adds b to a, skipping codes a already has (Check and
// Verify both look at expiry).
func mergeDiagnoses(a, b []diagnose.Diagnosis) []diagnose.Diagnosis {
	have := map[diagnose.Code]bool{}
	for _, d := range a {
		have[d.Code] = true
	}
	for _, d := range b {
		if !have[d.Code] {
			a = append(a, d)
		}
	}
	return a
}

// refreshOf is the reply's refresh token as the output shows it.
func refreshOf(reply *regtoken.Reply, r *redact.Redactor) string {
	if reply == nil || reply.RefreshToken == "" {
		return ""
	}
	return r.Value("refresh_token", reply.RefreshToken)
}

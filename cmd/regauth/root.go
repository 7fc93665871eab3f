package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/render"
)

// GlobalOptions are the persistent flags every command has.
type GlobalOptions struct {
	Output      string
	NoColor     bool
	ConfigPath  string
	ShowSecrets bool
	Verbose     bool

	deps *Deps
}

const rootLong = `regauth replays the handshakes a Docker client makes with a container registry,
step by step, shows every request and answer on the wire, decodes the credentials
~/.docker/config.json holds and the tokens registries issue, and names what went
wrong with a diagnosis and a fix.

Secrets (passwords, Basic values, identity and bearer tokens) are masked in every
output as <kind len=N sha256:xxxxxxxx> unless --show-secrets is given.

Exit codes:
  0  ok
  1  the registry, the token service or a verification refused
  2  usage error or bad input
  3  transport failure (DNS, connect, TLS, timeout)`

const rootExample = `  regauth decode-config
  regauth inspect-token @token.jwt
  regauth login-trace registry.example.com -u alice --password-stdin < pw.txt
  regauth login-trace 127.0.0.1:5000 -o json
  regauth probe registry.example.com:5000 --ca-file ca.pem
  regauth pull-trace alpine --compare-anonymous
  regauth pull-trace harbor.example.com/project/app:1.4 -u alice --password-stdin --push < pw.txt`

// newRootCmd builds regauth with every command: for help, completion,
// "did you mean" and the CLI docs.
func newRootCmd(deps *Deps) *cobra.Command { return newRootCmdFor(deps, nil) }

// newRootCmdFor builds only the command args name, when they name one:
// building all of them (hundreds of flags) was a tenth of start-up, and a
// run never needs its siblings. Otherwise it builds them all.
func newRootCmdFor(deps *Deps, args []string) *cobra.Command {
	g := &GlobalOptions{deps: deps}
	cmd := &cobra.Command{
		Use:           "regauth",
		Short:         "Diagnose container-registry authentication",
		Long:          rootLong,
		Example:       rootExample,
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			// Tables written to a pipe fit $COLUMNS when it is set.
			if n, err := strconv.Atoi(deps.getenv("COLUMNS")); err == nil {
				render.SetPipeWidth(n)
			} else {
				render.SetPipeWidth(0)
			}
			return g.validate()
		},
	}
	cmd.SetIn(deps.In)
	cmd.SetOut(deps.Out)
	cmd.SetErr(deps.ErrOut)
	cmd.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return badInput(err) })

	f := cmd.PersistentFlags()
	f.StringVarP(&g.Output, "output", "o", "text", "output format: text or json")
	f.BoolVar(&g.NoColor, "no-color", false, "never colour the output (NO_COLOR is honoured too)")
	f.StringVar(&g.ConfigPath, "config", "", "Docker config file (default $DOCKER_CONFIG/config.json, else ~/.docker/config.json)")
	f.BoolVar(&g.ShowSecrets, "show-secrets", false, "show passwords and tokens in full instead of masking them")
	f.BoolVarP(&g.Verbose, "verbose", "v", false, "show every header and more detail")

	if name := commandIn(args); name != "" {
		cmd.AddCommand(commands[name](g))
		return cmd
	}
	for _, name := range commandOrder {
		cmd.AddCommand(commands[name](g))
	}
	return cmd
}

// commands lets each command's file register itself by name, so root.go
// does not change whenever a command is added, and a run can build just
// the one it runs.
var (
	commands     = map[string]func(*GlobalOptions) *cobra.Command{"version": newVersionCmd}
	commandOrder = []string{"version"}
)

func register(name string, build func(*GlobalOptions) *cobra.Command) {
	commands[name] = build
	commandOrder = append(commandOrder, name)
}

// cobraCommands are cobra's own, added only when it executes.
var cobraCommands = map[string]bool{"help": true, "completion": true}

// commandAt is the index of the first argument that names a command,
// ours or cobra's; -1 when there is none before "--".
func commandAt(args []string) int {
	for i, a := range args {
		if a == "--" {
			return -1
		}
		if _, ok := commands[a]; ok || cobraCommands[a] {
			return i
		}
	}
	return -1
}

// commandIn is the command a run needs built: the one args name, also
// after help ("help probe"); "" when there is none (help, completion, a
// typo), and then every command is built.
func commandIn(args []string) string {
	i := commandAt(args)
	for i >= 0 && cobraCommands[args[i]] {
		args = args[i+1:]
		i = commandAt(args)
	}
	if i < 0 {
		return ""
	}
	return args[i]
}

func (g *GlobalOptions) validate() error {
	switch g.Output {
	case "text", "json":
	default:
		return usageErr("--output %q: want text or json", g.Output)
	}
	return nil
}

func (g *GlobalOptions) json() bool { return g.Output == "json" }

// style decides colour for stdout.
func (g *GlobalOptions) style() render.Style {
	if g.json() {
		return render.Plain()
	}
	return render.NewStyle(g.deps.Out, g.NoColor, g.deps.Getenv)
}

func (g *GlobalOptions) redactor() *redact.Redactor { return redact.New(g.ShowSecrets) }

// textOptions are the text renderer's options the global flags and the
// injected clock give.
func (g *GlobalOptions) textOptions(curl bool) render.TextOptions {
	now := time.Now()
	if g.deps.Now != nil {
		now = g.deps.Now()
	}
	return render.TextOptions{Verbose: g.Verbose, Curl: curl, Now: now}
}

// dockerConfigPath is where the Docker CLI looks for config.json, and
// whether the user named it.
func (g *GlobalOptions) dockerConfigPath() (path string, explicit bool) {
	if g.ConfigPath != "" {
		return g.ConfigPath, true
	}
	if dir := g.deps.getenv("DOCKER_CONFIG"); dir != "" {
		return filepath.Join(dir, "config.json"), false
	}
	return filepath.Join(g.homeDir(), ".docker", "config.json"), false
}

func (g *GlobalOptions) homeDir() string {
	if h := g.deps.getenv("HOME"); h != "" {
		return h
	}
	h, _ := os.UserHomeDir()
	return h
}

// Execute runs regauth with args and returns the process exit code. Errors
// are printed as one line: "regauth: <command>: <what failed and why>".
func Execute(deps *Deps, args []string) (code int) {
	defer func() {
		// A panic is a bug, but the user still gets one line, not a stack.
		if r := recover(); r != nil {
			fmt.Fprintf(deps.ErrOut, "regauth: internal error: %v (please report this)\n", r)
			code = exitUsage
		}
	}()
	deps.Args = args
	root := newRootCmdFor(deps, args)
	root.SetArgs(hoistFlags(args))
	cmd, err := root.ExecuteC()
	if err == nil {
		return exitOK
	}
	c, quiet := exitCodeOf(err)
	if !isOurError(err) && isCobraUsageError(err) {
		c = exitUsage
	}
	if !quiet {
		name := ""
		if cmd != nil && cmd != root {
			name = cmd.Name() + ": "
		}
		fmt.Fprintf(deps.ErrOut, "regauth: %s%s\n", name, redact.OneLine(err.Error()))
	}
	return c
}

func isOurError(err error) bool {
	_, ok := err.(*exitError)
	return ok
}

// isCobraUsageError recognises cobra's own argument and command errors,
// which it does not type.
func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand", "accepts ", "requires at least", "requires at most", "invalid argument", "flag needs an argument", "received "} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

// hoistFlags lets a command's flags come before its name, as users type
// them (regauth --insecure login-trace HOST): the flags before the first
// word that names a command move after it. Cobra would otherwise read them
// at the root and take HOST for a command.
func hoistFlags(args []string) []string {
	if len(args) == 0 || !strings.HasPrefix(args[0], "-") {
		return args
	}
	i := commandAt(args)
	if i < 0 {
		return args
	}
	out := append([]string{args[i]}, args[:i]...)
	return append(out, args[i+1:]...)
}

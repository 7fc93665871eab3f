package credhelper

import (
	"fmt"
	"path/filepath"
	"strings"
)

// ClientText is the failure as the Docker CLI prints it
// (docker-credential-helpers client.Get: "error getting credentials - err:
// %v, out: `%s`").
func (e *Error) ClientText() string {
	switch e.Kind {
	case KindNotInstalled:
		return fmt.Sprintf("error getting credentials - err: exec: %q: executable file not found in $PATH, out: ``", e.Helper)
	case KindTimeout:
		return fmt.Sprintf("error getting credentials - err: %s: %s", e.Helper, e.Msg)
	}
	return "error getting credentials - err: " + e.Msg
}

// Hint names the helper's usual cause for this failure, with where to look:
// the PATH searched for a missing one, the store behind it otherwise.
func (e *Error) Hint(path string) string {
	name := strings.TrimPrefix(e.Helper, "docker-credential-")
	stderr := strings.ToLower(e.Stderr + " " + e.Msg)
	switch {
	case e.Kind == KindNotInstalled:
		dirs := filepath.SplitList(path)
		searched := strings.Join(dirs, ":")
		if searched == "" {
			searched = "(PATH is empty)"
		}
		return fmt.Sprintf("%s is not on PATH (searched %s). Docker Desktop ships its helpers in /Applications/Docker.app/Contents/Resources/bin (macOS) or C:\\Program Files\\Docker\\Docker\\resources\\bin (Windows); Rancher Desktop in ~/.rd/bin; with Colima, install docker-credential-helper (Homebrew: /opt/homebrew/bin or /usr/local/bin). Install it, put its directory on PATH, or remove credsStore/credHelpers from the config so Docker reads auths.", e.Helper, searched)
	case e.Kind == KindTimeout:
		if name == "osxkeychain" || name == "wincred" || name == "desktop" {
			return fmt.Sprintf("%s waited past the time limit: it is usually waiting on a keychain prompt (unlock the keychain: `security unlock-keychain`, or answer the dialog) or is hung; raise --helper-timeout to wait longer.", e.Helper)
		}
		return fmt.Sprintf("%s gave no answer within the limit: it may be waiting for a passphrase (pinentry) or a locked store; run `echo HOST | %s get` by hand, or raise --helper-timeout.", e.Helper, e.Helper)
	case name == "secretservice" && (strings.Contains(stderr, "dbus") || strings.Contains(stderr, "d-bus") || strings.Contains(stderr, "org.freedesktop.secrets") || strings.Contains(stderr, "display")):
		return "docker-credential-secretservice needs a D-Bus session with a Secret Service (gnome-keyring, KeePassXC) and an unlocked keyring; over SSH or in CI there is none: run inside a desktop session or `dbus-run-session -- sh`, unlock the keyring, or switch credsStore to pass."
	case name == "secretservice":
		return "docker-credential-secretservice talks to the Secret Service over D-Bus: check that a keyring daemon runs and is unlocked (`secret-tool search service docker` should answer)."
	case name == "pass" && (strings.Contains(stderr, "gpg") || strings.Contains(stderr, "decrypt") || strings.Contains(stderr, "secret key")):
		return "docker-credential-pass could not decrypt the entry: the GPG key of the password store is not unlocked (or absent on this machine). Unlock it (`pass show docker-credential-helpers/` asks for the passphrase through gpg-agent) or import the key."
	case name == "pass" && (strings.Contains(stderr, "not initialized") || strings.Contains(stderr, "password store is empty") || strings.Contains(stderr, "try \"pass init\"")):
		return "docker-credential-pass needs an initialised password store: `pass init <gpg-id>`, then docker login again."
	case name == "pass":
		return "docker-credential-pass reads ~/.password-store with gpg: check `pass ls docker-credential-helpers` and that gpg-agent can unlock the key."
	case e.Kind == KindBadOutput:
		return fmt.Sprintf("%s answered, but not with the JSON a helper must print; it may be a wrapper script printing something else first. Run `echo HOST | %s get` to see.", e.Helper, e.Helper)
	}
	return fmt.Sprintf("Run `echo HOST | %s get` to see the helper's own error; fix its store or remove it from credsStore/credHelpers.", e.Helper)
}

package authconfig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// Why an auth value failed to decode; the parsers word their findings by it.
var (
	errNoColon       = errors.New("no ':' between username and password")
	errEmptyUsername = errors.New("empty username before ':'")
)

// decodeAuth decodes an auth value exactly as the Docker CLI does: standard
// base64 with padding (Go's decoder skips \r and \n, so does the CLI), split
// at the first ':' since passwords may hold colons, NUL bytes trimmed from
// the password, and an empty username refused. An empty value is no
// credentials, not an error.
func decodeAuth(auth string) (username, password string, err error) {
	if auth == "" {
		return "", "", nil
	}
	raw, err := base64.StdEncoding.DecodeString(auth)
	if err != nil {
		return "", "", base64Error(auth, err)
	}
	username, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", errNoColon
	}
	if username == "" {
		return "", "", errEmptyUsername
	}
	// The CLI trims NULs from both ends (strings.Trim), so do we.
	return username, strings.Trim(password, "\x00"), nil
}

// base64Error names the byte the decoder stopped at and the likely cause,
// since "illegal base64 data" alone does not help anyone fix the file.
func base64Error(auth string, err error) error {
	var at base64.CorruptInputError
	if !errors.As(err, &at) {
		return fmt.Errorf("not valid base64: %v", err)
	}
	msg := fmt.Sprintf("not valid base64 at byte %d", int64(at))
	switch {
	case strings.ContainsAny(auth, "-_"):
		msg += " (URL-safe base64 is not accepted; use the standard alphabet with + and /)"
	case !strings.Contains(auth, "=") && (len(auth)-strings.Count(auth, "\n")-strings.Count(auth, "\r"))%4 != 0:
		msg += " (padding '=' missing)"
	case strings.ContainsAny(auth, " \t"):
		msg += " (contains spaces)"
	}
	return errors.New(msg)
}

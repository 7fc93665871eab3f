package credkind

import (
	"bytes"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// A Google service-account key file, as `gcloud iam service-accounts keys
// create` writes it. docker login takes it whole with -u _json_key, or as
// base64 with -u _json_key_base64.

// serviceAccountKey classifies the secret of a _json_key(_base64) user.
func (c *classifier) serviceAccountKey(b64 bool) {
	c.set("gcr-json-key", "Google service-account key (_json_key)", "")
	raw := []byte(c.in.Secret)
	if b64 {
		c.k.Title = "Google service-account key, base64 (_json_key_base64)"
		dec, err := decodeBase64(c.in.Secret)
		if err != nil {
			c.find(diagnose.ServiceAccountKeyMalformed, "the _json_key_base64 password is not valid base64 ("+err.Error()+")", "")
			c.fits("Google service-account key", false, famGoogle)
			return
		}
		raw = dec
	} else if looksLikeBase64JSON(c.in.Secret) {
		c.find(diagnose.ServiceAccountKeyMalformed, "the _json_key password is base64, not the key's JSON; log in with -u _json_key_base64 for a base64 key", "")
		c.fits("Google service-account key", false, famGoogle)
		return
	}
	if why := c.readKey(raw); why != "" {
		c.find(diagnose.ServiceAccountKeyMalformed, "the service-account key "+why, "")
	}
	c.fits("Google service-account key", false, famGoogle)
}

// serviceAccountKeyWithoutUsername recognises a key file stored with a
// username Google does not read it under.
func (c *classifier) serviceAccountKeyWithoutUsername() bool {
	s := strings.TrimSpace(c.in.Secret)
	if !strings.HasPrefix(s, "{") || !strings.Contains(s, `"private_key"`) {
		return false
	}
	c.set("gcr-json-key", "Google service-account key (_json_key)", "")
	c.readKey([]byte(s))
	c.find(diagnose.CredentialWrongUsername, fmt.Sprintf("a Google service-account key is used with the username %q; Google reads it only under _json_key", c.in.Username), "")
	c.fits("Google service-account key", false, famGoogle)
	return true
}

// readKey adds the key's public facts and says what is wrong with it, ""
// when nothing is. Messages name fields and offsets, never values.
func (c *classifier) readKey(raw []byte) string {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return fmt.Sprintf("is not JSON (syntax error at byte %d)", se.Offset)
		}
		return "is not a JSON object"
	}
	str := func(k string) (string, bool) {
		v, ok := m[k]
		if !ok {
			return "", false
		}
		var s string
		if json.Unmarshal(v, &s) != nil {
			return "", false
		}
		return s, true
	}
	typ, _ := str("type")
	email, _ := str("client_email")
	project, _ := str("project_id")
	keyID, _ := str("private_key_id")
	c.fact("client_email", email)
	c.fact("project_id", project)
	c.fact("private_key_id", keyID)
	switch {
	case typ != "service_account":
		if typ == "" {
			return `has no "type": "service_account"`
		}
		return fmt.Sprintf(`has type %q, not "service_account" (docker login takes only service-account keys)`, typ)
	case email == "":
		return `has no "client_email"`
	case keyID == "":
		return `has no "private_key_id"`
	}
	pk, ok := str("private_key")
	if !ok || pk == "" {
		return `has no "private_key"`
	}
	block, _ := pem.Decode([]byte(pk))
	if block == nil {
		return `has a "private_key" that is not PEM (a JSON tool may have turned its \n escapes into something else)`
	}
	if _, err := x509.ParsePKCS8PrivateKey(block.Bytes); err != nil {
		return `has a "private_key" that does not parse as a PKCS #8 key`
	}
	return ""
}

// decodeBase64 reads standard base64, padded or not, ignoring the line
// breaks `base64` adds without -w0.
func decodeBase64(s string) ([]byte, error) {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	b, err := base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
	if err != nil {
		var ce base64.CorruptInputError
		if errors.As(err, &ce) {
			return nil, fmt.Errorf("bad byte at offset %d", int64(ce))
		}
		return nil, errors.New("not base64")
	}
	return b, nil
}

func looksLikeBase64JSON(s string) bool {
	b, err := decodeBase64(s)
	return err == nil && bytes.HasPrefix(bytes.TrimSpace(b), []byte("{"))
}

package credkind

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// An ECR password (`aws ecr get-login-password`) is base64 of a JSON
// envelope: {"payload":..., "datakey":..., "version":"2", "type":"DATA_KEY",
// "expiration":UNIX}. payload and datakey are encrypted: the account and
// region the token is bound to are in there, out of reach, so they are
// read from the host it is stored under.
type ecrEnvelope struct {
	Payload    *string     `json:"payload"`
	DataKey    *string     `json:"datakey"`
	Version    string      `json:"version"`
	Type       string      `json:"type"`
	Expiration json.Number `json:"expiration"`
}

// ECRLifetime is how long ECR's tokens live at most.
const ECRLifetime = 12 * time.Hour

// ecrToken recognises the envelope, whatever the username.
func (c *classifier) ecrToken() bool {
	s := c.in.Secret
	// Base64 of `{"payload":"` or `{"version"...`: skip the decoding for
	// every other secret.
	if !strings.HasPrefix(s, "eyJ") || strings.Count(s, ".") > 0 {
		return false
	}
	raw, err := decodeBase64(s)
	if err != nil {
		return false
	}
	var env ecrEnvelope
	if json.Unmarshal(raw, &env) != nil || env.Payload == nil || env.DataKey == nil {
		return false
	}
	c.set("ecr-token", "Amazon ECR authorization token (aws ecr get-login-password)", "")
	if c.host.family == famECRPublic {
		c.k.Title = "Amazon ECR Public authorization token (aws ecr-public get-login-password)"
	}
	if c.host.family == famECR {
		c.fact("account", c.host.account+" (from the host; the token's own binding is encrypted)")
		c.fact("region", c.host.region)
	}
	if env.Version != "" || env.Type != "" {
		c.fact("envelope", strings.TrimSpace(fmt.Sprintf("version %s %s", env.Version, env.Type)))
	}
	if t, ok := unixTime(env.Expiration); ok {
		c.expiry(t, "the ECR authorization token")
		if len(c.k.Findings) > 0 && c.k.Findings[len(c.k.Findings)-1].Code == diagnose.CredentialExpired {
			d := &c.k.Findings[len(c.k.Findings)-1]
			d.Message += `; ECR answers "denied: Your authorization token has expired. Reauthenticate and try again."`
			if h := c.ecrLoginHint(); h != "" {
				d.Hint = h
			}
		}
	} else {
		c.fact("expires", "not in the envelope; ECR tokens live 12h at most")
	}
	c.fact("lifetime", "12h at most, less when the STS session that requested it ends sooner")
	if c.in.Username != "AWS" {
		c.find(diagnose.CredentialWrongUsername, fmt.Sprintf("an ECR authorization token is used with the username %q; ECR accepts it only with the username AWS", c.in.Username), "")
	}
	c.fits("ECR authorization token", false, famECR, famECRPublic)
	return true
}

// unixTime reads seconds, or milliseconds when the number is too large to
// be seconds of this era.
func unixTime(n json.Number) (time.Time, bool) {
	if n == "" {
		return time.Time{}, false
	}
	f, err := n.Float64()
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) || f <= 0 {
		return time.Time{}, false
	}
	if f > 1e11 {
		f /= 1000
	}
	if f > 253402300799 { // after year 9999: not a time
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0).UTC(), true
}

// ecrLoginHint is the command that mints a new token for this host.
func (c *classifier) ecrLoginHint() string {
	switch c.host.family {
	case famECR:
		return fmt.Sprintf("Request a new token and log in again: `aws ecr get-login-password --region %s | docker login -u AWS --password-stdin %s` (it lives 12h at most); docker-credential-ecr-login does this on every pull.", c.host.region, c.host.name)
	case famECRPublic:
		return "Request a new token and log in again: `aws ecr-public get-login-password --region us-east-1 | docker login -u AWS --password-stdin public.ecr.aws`."
	}
	return ""
}

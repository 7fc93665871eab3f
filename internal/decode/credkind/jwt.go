package credkind

import (
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/decode/regtoken"
	"github.com/regauth/regauth/internal/diagnose"
)

// acrIssuer is the iss of every token ACR mints.
const acrIssuer = "Azure Container Registry"

// jwt recognises a secret that is itself a JWT: ACR's refresh tokens by
// their issuer, anything else as a plain JWT with its claims.
func (c *classifier) jwt() bool {
	tok, err := regtoken.Decode(c.in.Secret)
	if err != nil {
		return false
	}
	if tok.Claims.Iss == acrIssuer {
		c.acrClaims(tok)
		return true
	}
	c.set("jwt", "JWT ("+c.secretType()+")", "")
	c.claims(tok)
	return true
}

func (c *classifier) secretType() string {
	switch c.in.SecretType {
	case "identitytoken":
		return "identity token"
	case "registrytoken":
		return "registry token"
	}
	return "password"
}

// claims adds the claims a reader checks first; the expiry is judged.
func (c *classifier) claims(tok *regtoken.Token) {
	c.fact("iss", tok.Claims.Iss)
	c.fact("sub", tok.Claims.Sub)
	c.fact("aud", strings.Join(tok.Claims.Aud, ", "))
	if tok.Claims.Exp != nil {
		c.expiry(*tok.Claims.Exp, "the JWT")
	} else {
		c.fact("expires", "never (no exp claim)")
	}
}

// acrToken classifies the secret of ACR's null-GUID user: a refresh token.
func (c *classifier) acrToken() {
	tok, err := regtoken.Decode(c.in.Secret)
	if err != nil {
		c.set("acr-refresh-token", "Azure Container Registry refresh token (not a JWT)", "")
		c.find(diagnose.CredentialWrongUsername, "the username 00000000-0000-0000-0000-000000000000 tells ACR the password is a refresh token, but it is not a JWT; an admin user's or a service principal's password goes with its own username", "")
		c.fits("ACR refresh token", false, famACR)
		return
	}
	c.acrClaims(tok)
}

func (c *classifier) acrClaims(tok *regtoken.Token) {
	c.set("acr-refresh-token", "Azure Container Registry refresh token (az acr login)", "")
	if g, _ := tok.Other["grant_type"].(string); g == "access_token" {
		c.k.Title = "Azure Container Registry access token"
	}
	c.fact("registry", strings.Join(tok.Claims.Aud, ", "))
	if t, _ := tok.Other["tenant"].(string); t != "" {
		c.fact("tenant", t)
	}
	if tok.Claims.Exp != nil {
		c.expiry(*tok.Claims.Exp, "the ACR refresh token")
		if n := len(c.k.Findings); n > 0 && c.k.Findings[n-1].Code == diagnose.CredentialExpired {
			c.k.Findings[n-1].Hint = "Run `az acr login -n NAME` again (the AD token behind it lasts 3h), or use a service principal for anything long-running."
		}
	}
	c.fits("ACR refresh token", false, famACR)
	if c.host.family == famACR && len(tok.Claims.Aud) > 0 && !contains(tok.Claims.Aud, c.host.name) {
		c.find(diagnose.CredentialWrongRegistry, fmt.Sprintf("the ACR refresh token was issued for %s, not %s; ACR refuses another registry's tokens", strings.Join(tok.Claims.Aud, ", "), c.host.name), "")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}

package regtoken

import (
	"fmt"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// Leeway is what distribution allows on nbf and exp for clock skew.
const Leeway = 60 * time.Second

// skewTolerance ignores the usual second or two between issuing a token and
// looking at it.
const skewTolerance = 5 * time.Second

// Check runs the offline checks: expiry, clock skew, lifetime, the "action"
// typo and host names in repository names. It also sets Certs[i].Expired.
func Check(t *Token, now time.Time) []diagnose.Diagnosis {
	if t == nil {
		return nil
	}
	var ds []diagnose.Diagnosis
	for i := range t.Certs {
		c := &t.Certs[i]
		c.Expired = c.Cert != nil && now.After(c.NotAfter)
	}
	c := t.Claims
	switch {
	case c.Exp == nil:
		ds = append(ds, noExp())
	case c.Exp.Before(now):
		msg := fmt.Sprintf("expired %s at %s", Relative(now, *c.Exp), rfc3339(*c.Exp))
		if now.Sub(*c.Exp) <= Leeway {
			msg += "; the registry's 60 s leeway still accepts it, briefly"
		}
		ds = append(ds, diagnose.New(diagnose.TokenExpired, msg, ""))
	}
	if d, ok := futureStart(t, now, skewTolerance); ok {
		ds = append(ds, d)
	}
	if life, ok := Lifetime(t); ok && life < minExpiresIn*time.Second {
		ds = append(ds, diagnose.New(diagnose.TokenShortLived, lifetimeMessage(t, life), ""))
	}
	if sc, ok := t.Other["scope"].(string); ok && strings.Contains(sc, ":") && len(t.Access) == 0 {
		ds = append(ds, diagnose.New(diagnose.TokenScopeClaim,
			fmt.Sprintf("the grants are in a \"scope\" claim (%q), as the 2014 draft of the token spec wrote them; registries read only the \"access\" claim, so this token grants nothing there", trimClaim(sc)), ""))
	}
	for i, a := range t.Access {
		if a.UsedAction {
			ds = append(ds, diagnose.New(diagnose.TokenActionClaim,
				fmt.Sprintf("access[%d] (%s:%s) has \"action\": %q but no \"actions\"; the registry sees no actions granted", i, a.Type, a.Name, a.Action), ""))
		}
		if host, ok := nameHost(a.Name); ok {
			ds = append(ds, diagnose.New(diagnose.TokenNameHasHost,
				fmt.Sprintf("access[%d] name %q starts with the host %q; registries name it %q", i, a.Name, host, strings.TrimPrefix(a.Name, host+"/")), ""))
		}
	}
	return ds
}

// noExp: distribution decodes a missing exp as 0, i.e. 1970, so it rejects
// the token as expired.
func noExp() diagnose.Diagnosis {
	return diagnose.New(diagnose.TokenExpired, "the token has no exp; the registry reads that as 1970 and rejects it as expired", "")
}

// futureStart reports nbf (or else iat) later than now by more than tol:
// the token service's clock is ahead. The registry checks only nbf, with
// its leeway.
func futureStart(t *Token, now time.Time, tol time.Duration) (diagnose.Diagnosis, bool) {
	name, start := "nbf", t.Claims.Nbf
	if start == nil || start.Sub(now) <= tol {
		name, start = "iat", t.Claims.Iat
	}
	if start == nil || start.Sub(now) <= tol {
		return diagnose.Diagnosis{}, false
	}
	ahead := start.Sub(now).Round(time.Second)
	msg := fmt.Sprintf("not valid for another %s (%s %s): the token service's clock is ahead of this machine's", ahead, name, rfc3339(*start))
	switch {
	case name == "iat":
		msg = fmt.Sprintf("issued %s in the future (iat %s): the token service's clock is ahead of this machine's; the registry does not check iat", ahead, rfc3339(*start))
	case ahead <= Leeway:
		msg += "; the registry's 60 s leeway covers it"
	default:
		msg += "; that is beyond the registry's 60 s leeway, so it rejects the token"
	}
	return diagnose.New(diagnose.ClockSkew, msg, ""), true
}

func lifetimeMessage(t *Token, life time.Duration) string {
	from := "exp - iat"
	if t.Claims.Iat == nil {
		from = "exp - nbf"
	}
	if life <= 0 {
		return fmt.Sprintf("exp is not after the start of the token's life (%s = %s)", from, life)
	}
	return fmt.Sprintf("the token lives %s (%s); clients assume at least 60 s and keep sending it", life, from)
}

// nameHost returns the first path element of a repository name when it looks
// like a registry host, by the same rule as Docker's reference parser.
func nameHost(name string) (string, bool) {
	first, _, ok := strings.Cut(name, "/")
	if !ok {
		return "", false
	}
	if strings.ContainsAny(first, ".:") || first == "localhost" {
		return first, true
	}
	return "", false
}

func rfc3339(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func trimClaim(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

package regtoken

import (
	"fmt"
	"math"
	"time"
)

// Relative says when t is as seen from now, as people read it: "in 4m10s",
// "2h ago", "3 days ago", "8 years ago", or "now" within a second.
func Relative(now, t time.Time) string {
	d := t.Sub(now)
	switch d { // Sub saturates at about 292 years
	case math.MaxInt64:
		return "in more than 292 years"
	case math.MinInt64:
		return "more than 292 years ago"
	}
	if d > -time.Second && d < time.Second {
		return "now"
	}
	if d > 0 {
		return "in " + human(d)
	}
	return human(-d) + " ago"
}

// human is a positive duration at the precision that matters for it.
func human(d time.Duration) string {
	const day = 24 * time.Hour
	switch {
	case d < time.Hour:
		return d.Round(time.Second).String()
	case d < 48*time.Hour:
		d = d.Round(time.Minute)
		h, m := d/time.Hour, (d%time.Hour)/time.Minute
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	case d < 730*day:
		return fmt.Sprintf("%d days", int64(d/day))
	}
	return fmt.Sprintf("%d years", int64(d/(365*day+6*time.Hour)))
}

// Lifetime is exp - iat, or exp - nbf when there is no iat; ok is false when
// exp or both start times are missing.
func Lifetime(t *Token) (time.Duration, bool) {
	if t == nil || t.Claims.Exp == nil {
		return 0, false
	}
	start := t.Claims.Iat
	if start == nil {
		start = t.Claims.Nbf
	}
	if start == nil {
		return 0, false
	}
	return t.Claims.Exp.Sub(*start), true
}

package regtoken

import (
	"math"
	"time"
)

// Relative says when t is as seen from now: "in 4m10s", "2h0m0s ago", or
// "now" within a second. Rounded to seconds: sub-second detail is noise here.
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
	d = d.Round(time.Second)
	if d > 0 {
		return "in " + d.String()
	}
	return (-d).String() + " ago"
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

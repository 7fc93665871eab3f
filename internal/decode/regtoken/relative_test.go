package regtoken

import (
	"testing"
	"time"
)

func TestRelative(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{0, "now"},
		{999 * time.Millisecond, "now"},
		{-999 * time.Millisecond, "now"},
		{time.Second, "in 1s"},
		{4*time.Minute + 10*time.Second + 300*time.Millisecond, "in 4m10s"},
		{-2 * time.Hour, "2h ago"},
		{-(90*time.Second + 600*time.Millisecond), "1m31s ago"},
		{9*time.Hour + 31*time.Minute, "in 9h31m"},
		{-72 * time.Hour, "3 days ago"},
		{-72022 * time.Hour, "8 years ago"},
	}
	for _, tt := range tests {
		if got := Relative(testNow, testNow.Add(tt.d)); got != tt.want {
			t.Errorf("Relative(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	far := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := Relative(testNow, far); got != "in more than 292 years" {
		t.Errorf("far future: %q", got)
	}
	if got := Relative(far, testNow); got != "more than 292 years ago" {
		t.Errorf("far past: %q", got)
	}
}

func TestLifetime(t *testing.T) {
	at := func(d time.Duration) *time.Time { x := testNow.Add(d); return &x }
	tests := []struct {
		name   string
		claims Claims
		want   time.Duration
		ok     bool
	}{
		{"exp - iat", Claims{Exp: at(30 * time.Minute), Iat: at(0), Nbf: at(-time.Hour)}, 30 * time.Minute, true},
		{"exp - nbf without iat", Claims{Exp: at(5 * time.Minute), Nbf: at(0)}, 5 * time.Minute, true},
		{"no exp", Claims{Iat: at(0)}, 0, false},
		{"no start", Claims{Exp: at(time.Minute)}, 0, false},
		{"negative", Claims{Exp: at(-time.Minute), Iat: at(0)}, -time.Minute, true},
	}
	for _, tt := range tests {
		got, ok := Lifetime(&Token{Claims: tt.claims})
		if got != tt.want || ok != tt.ok {
			t.Errorf("%s: Lifetime = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
	if _, ok := Lifetime(nil); ok {
		t.Error("Lifetime(nil) ok")
	}
}

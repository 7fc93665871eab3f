package regtoken

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/regauth/regauth/internal/diagnose"
)

// codes lists the diagnosis codes in order, for compact comparisons.
func codes(ds []diagnose.Diagnosis) []diagnose.Code {
	out := []diagnose.Code{}
	for _, d := range ds {
		out = append(out, d.Code)
	}
	return out
}

func find(ds []diagnose.Diagnosis, c diagnose.Code) *diagnose.Diagnosis {
	for i := range ds {
		if ds[i].Code == c {
			return &ds[i]
		}
	}
	return nil
}

func TestCheck(t *testing.T) {
	unix := func(d time.Duration) int64 { return testNow.Add(d).Unix() }
	tests := []struct {
		name   string
		edit   func(jwt.MapClaims)
		want   []diagnose.Code
		msgHas string // in the first diagnosis
	}{
		{"clean", func(jwt.MapClaims) {}, []diagnose.Code{}, ""},
		{"expired", func(c jwt.MapClaims) {
			c["exp"] = unix(-2 * time.Hour)
			c["iat"] = unix(-3 * time.Hour)
			c["nbf"] = unix(-3 * time.Hour)
		},
			[]diagnose.Code{diagnose.TokenExpired}, "expired 2h ago at 2025-06-01T10:00:00Z"},
		{"expired within leeway", func(c jwt.MapClaims) { c["exp"] = unix(-30 * time.Second); c["iat"] = unix(-time.Hour) },
			[]diagnose.Code{diagnose.TokenExpired}, "leeway still accepts it"},
		{"no exp", func(c jwt.MapClaims) { delete(c, "exp") }, []diagnose.Code{diagnose.TokenExpired}, "no exp"},
		{"nbf ahead beyond leeway", func(c jwt.MapClaims) {
			c["nbf"] = unix(5 * time.Minute)
			c["iat"] = unix(5 * time.Minute)
			c["exp"] = unix(time.Hour)
		},
			[]diagnose.Code{diagnose.ClockSkew}, "not valid for another 5m0s (nbf 2025-06-01T12:05:00Z): the token service's clock is ahead of this machine's; that is beyond the registry's 60 s leeway"},
		{"nbf ahead within leeway", func(c jwt.MapClaims) { c["nbf"] = unix(30 * time.Second); c["iat"] = unix(30 * time.Second) },
			[]diagnose.Code{diagnose.ClockSkew}, "leeway covers it"},
		{"nbf ahead by 2s is noise", func(c jwt.MapClaims) { c["nbf"] = unix(2 * time.Second); c["iat"] = unix(2 * time.Second) },
			[]diagnose.Code{}, ""},
		{"iat ahead without nbf", func(c jwt.MapClaims) { delete(c, "nbf"); c["iat"] = unix(10 * time.Minute); c["exp"] = unix(time.Hour) },
			[]diagnose.Code{diagnose.ClockSkew}, "does not check iat"},
		{"short lived", func(c jwt.MapClaims) { c["iat"] = unix(-10 * time.Second); c["exp"] = unix(20 * time.Second) },
			[]diagnose.Code{diagnose.TokenShortLived}, "lives 30s (exp - iat)"},
		{"short lived by nbf", func(c jwt.MapClaims) {
			delete(c, "iat")
			c["nbf"] = unix(-10 * time.Second)
			c["exp"] = unix(20 * time.Second)
		},
			[]diagnose.Code{diagnose.TokenShortLived}, "exp - nbf"},
		{"exactly 60 s is fine", func(c jwt.MapClaims) { c["iat"] = unix(-10 * time.Second); c["exp"] = unix(50 * time.Second) },
			[]diagnose.Code{}, ""},
		{"action singular", func(c jwt.MapClaims) {
			c["access"] = []any{map[string]any{"type": "repository", "name": "library/alpine", "action": "pull"}}
		}, []diagnose.Code{diagnose.TokenActionClaim}, `access[0] (repository:library/alpine) has "action": ["pull"] but no "actions"`},
		{"name with host", func(c jwt.MapClaims) {
			c["access"] = []any{
				map[string]any{"type": "repository", "name": "docker.io/library/alpine", "actions": []string{"pull"}},
				map[string]any{"type": "repository", "name": "localhost/x", "actions": []string{"pull"}},
				map[string]any{"type": "repository", "name": "reg:5000/x", "actions": []string{"pull"}},
				map[string]any{"type": "repository", "name": "library/alpine", "actions": []string{"pull"}},
				map[string]any{"type": "repository", "name": "my.app", "actions": []string{"pull"}},
				map[string]any{"type": "registry", "name": "catalog", "actions": []string{"*"}},
			}
		}, []diagnose.Code{diagnose.TokenNameHasHost, diagnose.TokenNameHasHost, diagnose.TokenNameHasHost}, `"docker.io/library/alpine" starts with the host "docker.io"; registries name it "library/alpine"`},
		{"login token", func(c jwt.MapClaims) { c["access"] = nil }, []diagnose.Code{}, ""},
		{"2014 draft scope claim", func(c jwt.MapClaims) {
			c["access"] = nil
			c["scope"] = "jlhawn:repository:samalba/my-app:push,pull"
		}, []diagnose.Code{diagnose.TokenScopeClaim}, `"jlhawn:repository:samalba/my-app:push,pull"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseClaims()
			tt.edit(c)
			tok := mustDecode(t, sign(t, testEC, c, nil))
			ds := Check(tok, testNow)
			if got := codes(ds); strings.Join(toStrings(got), ",") != strings.Join(toStrings(tt.want), ",") {
				t.Fatalf("codes = %v, want %v (%+v)", got, tt.want, ds)
			}
			if tt.msgHas != "" && !strings.Contains(ds[0].Message, tt.msgHas) {
				t.Errorf("message = %q, want it to contain %q", ds[0].Message, tt.msgHas)
			}
			for _, d := range ds {
				if d.Hint == "" || d.Severity == "" {
					t.Errorf("%s: no catalogue hint/severity", d.Code)
				}
			}
		})
	}
}

func toStrings(cs []diagnose.Code) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	return out
}

func TestCheckCertExpiry(t *testing.T) {
	p := newPKI(t, testNow.Add(-time.Minute)) // leaf expired a minute ago
	tok := mustDecode(t, sign(t, p.leafKey, baseClaims(), map[string]any{"x5c": x5c(p.leaf, p.ca)}))
	Check(tok, testNow)
	if !tok.Certs[0].Expired || tok.Certs[1].Expired {
		t.Errorf("expired flags: leaf %v, ca %v", tok.Certs[0].Expired, tok.Certs[1].Expired)
	}
	Check(tok, testNow.Add(-time.Hour))
	if tok.Certs[0].Expired {
		t.Error("Expired not recomputed from now")
	}
}

func TestCheckNil(t *testing.T) {
	if ds := Check(nil, testNow); ds != nil {
		t.Errorf("Check(nil) = %v", ds)
	}
}

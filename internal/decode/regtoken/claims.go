package regtoken

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Claims are the registered claims a registry looks at.
type Claims struct {
	Iss        string     `json:"iss"`
	Sub        string     `json:"sub"` // empty for anonymous
	Aud        []string   `json:"aud"`
	AudIsArray bool       `json:"aud_is_array,omitempty"` // registry 2.8 rejects an array
	Exp        *time.Time `json:"exp,omitempty"`
	Nbf        *time.Time `json:"nbf,omitempty"`
	Iat        *time.Time `json:"iat,omitempty"`
	Jti        string     `json:"jti,omitempty"`
}

// Access is one entry of the private "access" claim.
type Access struct {
	Type    string   `json:"type"`
	Class   string   `json:"class,omitempty"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"` // what the registry reads; never nil
	// Action holds values under the singular "action" key, which the
	// registry ignores; UsedAction is set when it stands in for "actions".
	Action     []string       `json:"action,omitempty"`
	UsedAction bool           `json:"used_action,omitempty"`
	Other      map[string]any `json:"other,omitempty"`
}

// Seconds representable as RFC 3339 (years 0000-9999); JSON output of a
// time.Time outside that range fails.
const (
	minUnix = -62167219200
	maxUnix = 253402300799
)

const claimsWhere = "JWT claims"

func decodeClaims(b []byte, t *Token) error {
	m, err := decodeObject(1, b)
	if err != nil {
		return err
	}
	c := &t.Claims
	if c.Iss, err = optString(m, "iss", claimsWhere); err != nil {
		return err
	}
	if c.Sub, err = optString(m, "sub", claimsWhere); err != nil {
		return err
	}
	if c.Jti, err = optString(m, "jti", claimsWhere); err != nil {
		return err
	}
	switch v := m["aud"].(type) {
	case nil:
	case string:
		c.Aud = []string{v}
	case []any:
		if c.Aud, err = stringList(v, claimsWhere+": aud"); err != nil {
			return err
		}
		c.AudIsArray = true
	default:
		return fmt.Errorf("%s: aud is %s, want a string or an array of strings", claimsWhere, kindOf(v))
	}
	for _, tc := range []struct {
		name string
		dst  **time.Time
	}{{"exp", &c.Exp}, {"nbf", &c.Nbf}, {"iat", &c.Iat}} {
		if *tc.dst, err = numericDate(m, tc.name); err != nil {
			return err
		}
	}
	if t.Access, err = decodeAccess(m["access"]); err != nil {
		return err
	}
	for k, v := range m {
		switch k {
		case "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "access":
			continue
		}
		if t.Other == nil {
			t.Other = map[string]any{}
		}
		t.Other[k] = v
	}
	return nil
}

// numericDate reads seconds since 1970, integer or fractional (RFC 7519
// NumericDate). Absent or null is nil.
func numericDate(m map[string]any, name string) (*time.Time, error) {
	v, ok := m[name]
	if !ok || v == nil {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, fmt.Errorf("%s: %s is %s, want a number of seconds since 1970", claimsWhere, name, kindOf(v))
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		if i < minUnix || i > maxUnix {
			return nil, outOfRange(name, n, i > maxUnix && i/1000 <= maxUnix)
		}
		tm := time.Unix(i, 0).UTC()
		return &tm, nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || f < minUnix || f > maxUnix {
		return nil, outOfRange(name, n, f > maxUnix && f/1000 <= maxUnix)
	}
	sec := math.Floor(f)
	tm := time.Unix(int64(sec), int64(math.Round((f-sec)*1e9))).UTC()
	return &tm, nil
}

func outOfRange(name string, n json.Number, millis bool) error {
	err := fmt.Errorf("%s: %s %s is outside the years 0-9999", claimsWhere, name, n)
	if millis {
		// A common token-service bug: milliseconds where seconds belong.
		err = fmt.Errorf("%w (milliseconds instead of seconds?)", err)
	}
	return err
}

// decodeAccess reads the private "access" claim. Types the registry cannot
// decode are errors; the singular "action" key is kept for Check.
func decodeAccess(v any) ([]Access, error) {
	if v == nil {
		return nil, nil
	}
	arr, ok := v.([]any)
	if !ok {
		return nil, fmt.Errorf("%s: access is %s, want an array of {\"type\",\"name\",\"actions\"}", claimsWhere, kindOf(v))
	}
	out := make([]Access, 0, len(arr))
	for i, e := range arr {
		where := fmt.Sprintf("%s: access[%d]", claimsWhere, i)
		m, ok := e.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("%s is %s, want an object", where, kindOf(e))
		}
		a := Access{Actions: []string{}}
		var err error
		if a.Type, err = optString(m, "type", where); err != nil {
			return nil, err
		}
		if a.Class, err = optString(m, "class", where); err != nil {
			return nil, err
		}
		if a.Name, err = optString(m, "name", where); err != nil {
			return nil, err
		}
		acts, hasActions := m["actions"]
		if hasActions && acts != nil {
			if a.Actions, err = stringList(acts, where+".actions"); err != nil {
				return nil, err
			}
		}
		for k, val := range m {
			switch k {
			case "type", "class", "name", "actions":
				continue
			case "action":
				a.UsedAction = !hasActions
				if l, ok := actionValues(val); ok {
					a.Action = l
					continue
				}
				// An "action" of another type is shown as it is, in Other.
			}
			if a.Other == nil {
				a.Other = map[string]any{}
			}
			a.Other[k] = val
		}
		out = append(out, a)
	}
	return out, nil
}

// actionValues reads the singular "action": a string or a list of strings.
func actionValues(v any) ([]string, bool) {
	if s, ok := v.(string); ok {
		return []string{s}, true
	}
	l, err := stringList(v, "action")
	return l, err == nil
}

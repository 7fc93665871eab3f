package challenge

import "strings"

// Scope is one resource scope: "repository:library/alpine:pull,push".
type Scope struct {
	Type    string   `json:"type"`
	Class   string   `json:"class,omitempty"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// String writes the scope back in its wire form.
func (s Scope) String() string {
	t := s.Type
	if s.Class != "" {
		t += "(" + s.Class + ")"
	}
	return t + ":" + s.Name + ":" + strings.Join(s.Actions, ",")
}

// Scopes splits a challenge's scope parameter: several scopes are separated
// by spaces.
func (c Challenge) Scopes() []Scope {
	var out []Scope
	for _, f := range strings.Fields(c.Params["scope"]) {
		if s, ok := ParseScope(f); ok {
			out = append(out, s)
		}
	}
	return out
}

// ParseScope reads "type[(class)]:name:actions". The name may hold ':' (a
// registry port), so it splits at the first and the last ':'.
func ParseScope(s string) (Scope, bool) {
	i, j := strings.Index(s, ":"), strings.LastIndex(s, ":")
	if i <= 0 || j <= i+1 {
		return Scope{}, false
	}
	sc := Scope{Type: s[:i], Name: s[i+1 : j]}
	if open := strings.Index(sc.Type, "("); open > 0 && strings.HasSuffix(sc.Type, ")") {
		sc.Type, sc.Class = sc.Type[:open], sc.Type[open+1:len(sc.Type)-1]
	}
	if acts := s[j+1:]; acts != "" {
		sc.Actions = strings.Split(acts, ",")
	} else {
		sc.Actions = []string{}
	}
	return sc, true
}

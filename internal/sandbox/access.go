package sandbox

import (
	"slices"
	"strings"
)

// Rule grants Actions on repositories to a user. The token service grants the
// intersection of what a token request asks for and what the matching rules
// allow.
type Rule struct {
	// User is a user name, "*" for anyone including anonymous, or "" for
	// anonymous only.
	User string
	// Repo is an exact repository name, a prefix ending in "/*"
	// ("library/*"), or "*" for every name.
	Repo string
	// Actions are the actions granted ("pull", "push", "delete", "*").
	Actions []string
	// Type is the resource type; "" means "repository". Use "registry" with
	// Repo "catalog" and Actions ["*"] for /v2/_catalog.
	Type string
}

// DefaultUsers are the sandbox's accounts.
var DefaultUsers = map[string]string{"alice": "alice-sandbox-pw", "bob": "bob-sandbox-pw", "carol": "carol-sandbox-pw"}

// DefaultAccess: alice may pull, push and delete library/*, alice/* and
// private/* (delete lets push-trace cancel its upload session) and list the
// catalog; bob may pull library/* (pull only); carol may push library/*
// without pull (push only, which the registry refuses for an upload);
// anyone (also anonymous) may pull public/*; nobody else gets anything on
// private/*.
var DefaultAccess = []Rule{
	{User: "alice", Repo: "library/*", Actions: []string{"pull", "push", "delete"}},
	{User: "alice", Repo: "alice/*", Actions: []string{"pull", "push", "delete"}},
	{User: "alice", Repo: "private/*", Actions: []string{"pull", "push", "delete"}},
	{User: "alice", Type: "registry", Repo: "catalog", Actions: []string{"*"}},
	{User: "bob", Repo: "library/*", Actions: []string{"pull"}},
	{User: "carol", Repo: "library/*", Actions: []string{"push"}},
	{User: "*", Repo: "public/*", Actions: []string{"pull"}},
}

func (r Rule) matchesUser(user string, anonymous bool) bool {
	switch r.User {
	case "*":
		return true
	case "":
		return anonymous
	default:
		return !anonymous && r.User == user
	}
}

func (r Rule) matchesResource(typ, name string) bool {
	rt := r.Type
	if rt == "" {
		rt = "repository"
	}
	if rt != typ {
		return false
	}
	switch {
	case r.Repo == "*":
		return true
	case strings.HasSuffix(r.Repo, "/*"):
		return strings.HasPrefix(name, strings.TrimSuffix(r.Repo, "*"))
	default:
		return name == r.Repo
	}
}

// scope is one resource scope of a token request, also the shape of an
// entry of a token's "access" claim.
type scope struct {
	Type    string   `json:"type"`
	Class   string   `json:"class,omitempty"`
	Name    string   `json:"name"`
	Actions []string `json:"actions"`
}

// parseScopes splits the values of the scope parameters (each may hold
// several space-separated scopes) and merges actions of repeated resources.
// A scope is type:name:actions; the name may itself contain ':' (a registry
// port), so it is split at the first and the last ':'. Malformed scopes are
// ignored, as token services do.
func parseScopes(values []string) []scope {
	var out []scope
	for _, v := range values {
		for _, f := range strings.Fields(v) {
			i, j := strings.Index(f, ":"), strings.LastIndex(f, ":")
			if i <= 0 || j == i || i+1 == j {
				continue
			}
			sc := scope{Type: f[:i], Name: f[i+1 : j]}
			if open := strings.IndexByte(sc.Type, '('); open > 0 && strings.HasSuffix(sc.Type, ")") {
				sc.Class = sc.Type[open+1 : len(sc.Type)-1]
				sc.Type = sc.Type[:open]
			}
			for _, a := range strings.Split(f[j+1:], ",") {
				if a != "" {
					sc.Actions = append(sc.Actions, a)
				}
			}
			merged := false
			for k := range out {
				if out[k].Type == sc.Type && out[k].Name == sc.Name && out[k].Class == sc.Class {
					for _, a := range sc.Actions {
						if !slices.Contains(out[k].Actions, a) {
							out[k].Actions = append(out[k].Actions, a)
						}
					}
					merged = true
					break
				}
			}
			if !merged {
				out = append(out, sc)
			}
		}
	}
	return out
}

// grant intersects the requested scopes with what rules allow user. Every
// requested resource appears in the result; one the user may not use gets an
// empty action list (a reduced token, not an error).
func grant(rules []Rule, user string, anonymous bool, requested []scope) []scope {
	out := make([]scope, 0, len(requested))
	for _, req := range requested {
		allowed := map[string]bool{}
		for _, r := range rules {
			if r.matchesUser(user, anonymous) && r.matchesResource(req.Type, req.Name) {
				for _, a := range r.Actions {
					allowed[a] = true
				}
			}
		}
		g := scope{Type: req.Type, Class: req.Class, Name: req.Name, Actions: []string{}}
		for _, a := range req.Actions {
			if allowed["*"] || (a != "*" && allowed[a]) {
				g.Actions = append(g.Actions, a)
			}
		}
		out = append(out, g)
	}
	return out
}

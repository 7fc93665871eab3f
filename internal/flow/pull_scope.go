package flow

import (
	"fmt"
	"slices"
	"strings"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/diagnose"
)

// analyseScopes builds the scope table (what a challenge asked for, what
// was requested, what the token grants) and reports INSUFFICIENT_SCOPE
// when a requested action is not granted or the registry said so.
func (p *puller) analyseScopes() {
	rows := map[string]*ScopeRow{}
	var order []string
	row := func(s challenge.Scope) *ScopeRow {
		key := resourceKey(s)
		if r, ok := rows[key]; ok {
			return r
		}
		r := &ScopeRow{Resource: key}
		rows[key] = r
		order = append(order, key)
		return r
	}
	for _, raw := range p.scopes {
		if s, ok := challenge.ParseScope(raw); ok {
			r := row(s)
			r.Requested = addActions(r.Requested, s.Actions)
		}
	}
	for _, st := range p.trace.Steps {
		if (st.Kind != StepManifest && st.Kind != StepBlob && st.Kind != StepUpload) || st.Response == nil || st.Response.Status != 401 {
			continue
		}
		for _, c := range st.Response.Challenges {
			if c.Scheme != "bearer" {
				continue
			}
			for _, s := range c.Scopes() {
				r := row(s)
				r.Challenge = addActions(r.Challenge, s.Actions)
				if r.Challenge == nil {
					r.Challenge = []string{}
				}
			}
		}
	}
	grantKnown := p.grantKnown()
	if grantKnown {
		for _, a := range p.trace.Token.Decoded.Access {
			s := challenge.Scope{Type: a.Type, Class: a.Class, Name: a.Name}
			r := row(s)
			r.Granted = addActions(r.Granted, a.Actions)
			if r.Granted == nil {
				r.Granted = []string{}
			}
		}
		for _, r := range rows {
			if r.Granted == nil {
				r.Granted = []string{}
			}
		}
	}
	for _, k := range order {
		r := rows[k]
		if grantKnown {
			for _, a := range r.Requested {
				if !grants(r.Granted, a) {
					r.Missing = append(r.Missing, a)
				}
			}
		}
		p.rep.Scopes = append(p.rep.Scopes, *r)
	}
	p.reportInsufficient()
}

// grantKnown says whether the token's access list can be read, and notes
// why not when it cannot.
func (p *puller) grantKnown() bool {
	tv := p.trace.Token
	switch {
	case p.lastStep(StepToken) == nil && tv == nil && p.noChallenge:
		p.rep.GrantNote = "no token: the registry asked for no authentication"
	case p.lastStep(StepToken) == nil && tv == nil && strings.HasPrefix(p.auth, "Basic "):
		p.rep.GrantNote = "no token: the registry uses Basic authentication and decides per request"
	case tv == nil:
		p.rep.GrantNote = "no token was obtained"
	case tv.Decoded == nil:
		p.rep.GrantNote = "the token is not a JWT, so its grant cannot be read; the registry's answers are the only evidence"
	default:
		return true
	}
	return false
}

func (p *puller) requestedRow() *ScopeRow {
	for i := range p.rep.Scopes {
		if len(p.rep.Scopes[i].Requested) > 0 {
			return &p.rep.Scopes[i]
		}
	}
	return nil
}

// reportInsufficient names what is missing and the likely reasons, most
// likely first, from what the grant shows.
func (p *puller) reportInsufficient() {
	r := p.requestedRow()
	if r == nil || (len(r.Missing) == 0 && p.insufficient == nil) {
		return
	}
	var said []string
	if len(r.Missing) > 0 {
		granted := "nothing"
		if len(r.Granted) > 0 {
			granted = strings.Join(r.Granted, ",")
		}
		said = append(said, fmt.Sprintf("the token grants %s on %s; this %s needs %s, so %s is missing", granted, r.Resource, p.operation(), strings.Join(r.Requested, ","), strings.Join(r.Missing, ",")))
	}
	if st := p.insufficient; st != nil {
		said = append(said, fmt.Sprintf("the registry answered %s %s with 401 error=\"insufficient_scope\"", st.Request.Method, pathOf(st.Request.URL)))
	}
	name := p.req.Image.Repository
	var why []string
	hint := ""
	switch {
	case r.Granted != nil && len(r.Granted) == 0 && !p.opts.Credentials.HasSecret():
		why = append(why,
			fmt.Sprintf("%s is private: anonymous users are granted nothing; log in", name),
			fmt.Sprintf("there is no repository %s: many token services grant nothing rather than answer 404 (check the name and its namespace)", name))
		hint = fmt.Sprintf("Check that %s exists on %s; if it does, log in (docker login %s) with an account that may pull it.", name, p.req.Image.Domain, p.req.Image.Domain)
	case r.Granted != nil && len(r.Granted) == 0:
		why = append(why,
			fmt.Sprintf("there is no repository %s: many token services grant nothing rather than answer 404 (check the name and its namespace)", name),
			fmt.Sprintf("%s has no role on %s that includes pull", p.whoText(), name))
	case containsAction(r.Missing, "pull") && grants(r.Granted, "push"):
		why = append(why, fmt.Sprintf("push without pull: %s may push to %s but not pull, and the registry needs pull for every read (and for a push too)", p.whoText(), name))
	case containsAction(r.Missing, "push"):
		why = append(why,
			fmt.Sprintf("%s has a role on %s that allows pull but not push (a read-only member, a pull-only robot account or token)", p.whoText(), name),
			"the project or repository is read-only (a proxy cache, an immutable or locked project)")
		hint = fmt.Sprintf("Give %s a role that includes push on %s (Harbor: developer or above; Docker Hub: write access), or push with an account or token that has it.", p.whoText(), name)
	default:
		why = append(why,
			fmt.Sprintf("there is no repository %s (many token services grant nothing rather than answer 404)", name),
			fmt.Sprintf("%s lacks the role", p.whoText()))
	}
	p.trace.diag(diagnose.InsufficientScope, strings.Join(said, "; ")+". Likely reasons, most likely first: "+strings.Join(numbered(why), "; "), hint)
}

func resourceKey(s challenge.Scope) string {
	t := s.Type
	if s.Class != "" {
		t += "(" + s.Class + ")"
	}
	return t + ":" + s.Name
}

func addActions(have, add []string) []string {
	for _, a := range add {
		if a != "" && !slices.Contains(have, a) {
			have = append(have, a)
		}
	}
	return have
}

// grants says whether a granted action list covers action ("*" is all).
func grants(granted []string, action string) bool {
	return slices.Contains(granted, action) || slices.Contains(granted, "*")
}

func containsAction(xs []string, a string) bool { return slices.Contains(xs, a) }

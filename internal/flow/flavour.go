package flow

import (
	"github.com/regauth/regauth/internal/flavour"
)

// recogniseFlavour names the registry product from every answer of the
// trace and adds its specifics to the diagnoses. The knowledge is in
// internal/flavour; this only gathers the evidence.
func (e *engine) recogniseFlavour() {
	t := e.trace
	ev := TraceEvidence(t)
	if len(ev.Responses) == 0 {
		return // nothing answered: nothing to recognise
	}
	m := flavour.Recognise(ev)
	t.Flavour = &m
	t.Diagnoses = flavour.Apply(m, ev, t.Diagnoses)
}

// TraceEvidence is what a finished trace shows a flavour matcher: each
// answer's headers, challenges and body, and the tokens obtained.
func TraceEvidence(t *Trace) flavour.Evidence {
	ev := flavour.Evidence{Host: hostOf(t.Endpoint)}
	if ev.Host == "" || ev.Host == t.Endpoint {
		ev.Host = t.Registry
	}
	for _, s := range t.Steps {
		if s.Response == nil {
			continue
		}
		r := flavour.Response{Status: s.Response.Status, Headers: s.Response.Headers, Challenges: s.Response.Challenges, Body: s.Response.Body}
		if s.Request != nil {
			r.SentAuth = s.Request.Headers.Get("Authorization") != ""
		}
		ev.Responses = append(ev.Responses, r)
		if tv := s.Token; tv != nil && tv.Raw != "" {
			tok := flavour.Token{Raw: tv.Raw}
			if tv.Decoded != nil {
				tok.Issuer = tv.Decoded.Claims.Iss
			}
			ev.Tokens = append(ev.Tokens, tok)
		}
	}
	return ev
}

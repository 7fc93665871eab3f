package probe

import (
	"github.com/regauth/regauth/internal/flavour"
)

// recogniseFlavour names the registry product from the /v2/ answer (the
// /v1/ ones say only whether v1 is there) and adds its specifics to the
// diagnoses.
func (p *prober) recogniseFlavour(host string) {
	r := p.report
	x := r.Request("/v2/")
	if x == nil || x.Status == 0 {
		return // nothing answered
	}
	ev := flavour.Evidence{Host: host, Responses: []flavour.Response{{
		Status: x.Status, Headers: x.Headers, Challenges: x.Challenges, Body: x.Body,
	}}}
	m := flavour.Recognise(ev)
	r.Flavour = &m
	r.Diagnoses = flavour.Apply(m, ev, r.Diagnoses)
}

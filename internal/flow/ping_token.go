package flow

import (
	"context"
	"fmt"
	"net/http"

	"github.com/regauth/regauth/internal/diagnose"
)

// pingToken is what regclient does with the ping's answer: on a Bearer 401
// it fetches a token without scope or credentials and pings again with it;
// that token is never used for the repository. A Basic challenge ends the
// run where the client cannot answer it.
func (e *engine) pingToken(ctx context.Context, ep Endpoint, base string, ping *Step) bool {
	r := ping.Response
	if r.Status != http.StatusUnauthorized {
		return true
	}
	bearer, basic := pickChallenges(r.Challenges)
	if bearer == nil {
		if basic != nil && e.prof.Ping.BasicFails != "" {
			said := e.prof.Ping.BasicFails
			e.trace.diag(diagnose.PingStatusRefused, fmt.Sprintf("GET %s/v2/ asks for Basic credentials; %s stops at its ping: %q (observed with the live client over plain http)", base, e.clientName(), said), "Use a token-auth registry front, or another client, for this registry.")
			e.fail = &Failure{Stage: FailPingAuth, Method: http.MethodGet, URL: base + "/v2/", Status: r.Status, Transport: said}
			e.stop(VerdictRefused, said)
			return false
		}
		return true
	}
	realm, ok := e.checkRealm(ep, base, *bearer)
	if !ok || !e.realmAllowed(realm, base) {
		return false
	}
	st := e.getToken(ctx, realm, bearer.Params["service"], nil, false, basicCred{})
	st.Title = fmt.Sprintf("Request a token for the ping, anonymously and without scope (%s does this before anything else)", e.clientName())
	tok, ok := e.readToken(st, realm)
	if !ok {
		return false
	}
	again := e.get(ctx, StepAuthPing, "Ping again with that anonymous token", base+"/v2/", "Bearer "+tok)
	again.Notes = append(again.Notes, fmt.Sprintf("%s keeps this token for /v2/ only; the repository's requests start without credentials and learn their challenge from their own 401", e.clientName()))
	return true
}

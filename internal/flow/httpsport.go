package flow

import (
	"fmt"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// httpsOnly ends the trace when plain http reached a port that speaks only
// https (it answers 400 "Client sent an HTTP request to an HTTPS server").
// After an https attempt that failed, that failure is the real problem (a
// certificate, usually); otherwise plain http was asked for (--plain-http,
// http://) and is wrong. It reports whether it ended the trace.
func (e *engine) httpsOnly(st *Step, httpsAttempt *Step, ep Endpoint) bool {
	r := st.Response
	if !tlsinfo.HTTPSOnlyAnswer(r.Status, r.Body) {
		return false
	}
	st.Notes = append(st.Notes, "this is how a TLS port answers plain http: the port speaks https only")
	if httpsAttempt != nil {
		e.transportFailure(httpsAttempt, "registry", ep.Host)
		return true
	}
	t := e.trace
	t.Verdict = VerdictTransport
	t.Summary = fmt.Sprintf("the registry at %s could not be reached: the port speaks https, not plain http", ep.Host)
	t.diag(diagnose.HTTPRequestToHTTPS, fmt.Sprintf("%s answered plain http with %d %q: the port speaks https only", st.Request.URL, r.Status, oneLine(string(r.Body), 120)), tlsinfo.HTTPSOnlyHint(ep.Host))
	return true
}

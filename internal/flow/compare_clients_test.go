package flow

import "testing"

// A step that got no answer names its scheme: both clients usually try
// https first on loopback, and "no answer" alone reads like a hang.
func TestWireStepNamesTheSchemeOfAFailedAttempt(t *testing.T) {
	s := &Step{Request: &Request{Method: "GET", URL: "https://127.0.0.1:5000/v2/"}}
	if got, want := wireStep(s), "GET /v2/ (anonymous) -> no answer over https"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	s.Request.Headers = map[string][]string{"Authorization": {"Bearer abc.def"}}
	s.Response = &Response{Status: 200}
	if got, want := wireStep(s), "GET /v2/ (Bearer) -> 200"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

package flow

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/decode/regerror"
)

// clientError ends a failed trace with the line the replayed client prints,
// built from the step that failed, and makes it the summary: that line is
// what the user has in front of them.
func (e *engine) clientError() {
	t := e.trace
	if t.OK() || t.Client == nil {
		return
	}
	if e.prof.Wording.Say == nil || e.plainError {
		if rw := e.prof.Wording.Rewrite; rw != nil {
			t.Summary = rw(t.Summary)
		}
		t.Client.Error = t.Summary
		if n := len(t.Steps); n == 0 {
		} else if re, ok := isRedirectFailure(t.Steps[n-1]); ok {
			// Docker prints Go's *url.Error as it is.
			t.Client.Error = re.Error()
		}
		return
	}
	f, ok := e.failure()
	if !ok {
		t.Client.Error = t.Summary
		return
	}
	said := e.prof.Wording.say(f)
	if said == "" {
		t.Client.Error = t.Summary
		return
	}
	t.Client.Error = said
	if e.prof.Wording.Events != nil {
		t.Client.Events = e.prof.Wording.Events(f, said)
	}
	t.Summary = said
}

// failure reads the last step into the terms client errors use.
func (e *engine) failure() (Failure, bool) {
	t := e.trace
	if len(t.Steps) == 0 {
		return Failure{}, false
	}
	st := t.Steps[len(t.Steps)-1]
	if re, ok := isRedirectFailure(st); ok && e.fail == nil {
		// Go's *url.Error: the first request's method, the Location.
		f := Failure{Stage: FailTransport, Method: re.method, URL: re.url, Transport: re.reason}
		switch {
		case st.Redirect != nil && st.Redirect.Of == StepPing:
			f.Stage = FailPing
			f.Earlier = e.earlierPingErrors(st.Redirect.From)
		case st.Redirect != nil && st.Redirect.Of == StepToken:
			// The token request's error is the registry request's: the
			// request that was answered 401 fails with Go's *url.Error.
			if reg := e.requestBefore(st.Redirect.From); reg != nil {
				f.Method, f.URL, f.Transport = reg.Request.Method, reg.Request.URL, re.Error()
			}
		}
		if img := e.image; img != nil {
			f.Ref, f.Host, f.Repo, f.Tag = clientRef(*img), img.Domain, img.Repository, img.Reference()
		} else {
			f.Host = hostOf(orDefault(t.Endpoint, e.opts.Registry))
		}
		return f, true
	}
	if st.Request == nil {
		return Failure{}, false
	}
	f := Failure{Method: st.Request.Method, URL: st.Request.URL}
	if e.fail != nil {
		f = *e.fail
	}
	if img := e.image; img != nil {
		f.Ref, f.Host, f.Repo, f.Tag = clientRef(*img), img.Domain, img.Repository, img.Reference()
	} else {
		f.Host = hostOf(orDefault(t.Endpoint, e.opts.Registry))
	}
	if e.fail != nil {
		return f, true
	}
	if st.Response == nil {
		f.Stage, f.Transport = FailTransport, st.Err
		if chainKind(st) == StepPing {
			f.Stage = FailPing
			f.Earlier = e.earlierPingErrors(st.Index)
		}
		return f, true
	}
	r := st.Response
	f.Status = r.Status
	f.Body, f.ContentType = r.Body, r.Headers.Get("Content-Type")
	res := regerror.Parse(r.Status, r.Headers.Get("Content-Type"), r.Body, r.Challenges)
	if len(res.Errors) > 0 && len(parseRegistryErrors(r.Body)) > 0 {
		f.Server = res.EngineText
	}
	switch {
	case chainKind(st) == StepToken:
		f.Stage = FailToken
		f.Anonymous = st.Request.Method == http.MethodGet && st.Request.Headers.Get("Authorization") == ""
	case chainKind(st) == StepPing:
		f.Stage = FailPing
	case e.authFailed != "":
		f.Stage, f.ErrorParam = FailAuth, e.authFailed
	default:
		f.Stage = FailManifest
	}
	return f, true
}

// clientRef is the reference as containerd and podman name it: the domain
// kept, Docker Hub's library/ included.
func clientRef(img imageref.Ref) string {
	ref := img.Canonical
	if ref == "" {
		ref = img.Domain + "/" + img.Repository + ":" + img.Tag
	}
	return strings.TrimSpace(ref)
}

// earlierPingErrors are the failed ping attempts before step n (https
// before http), as Go's *url.Error words them.
func (e *engine) earlierPingErrors(n int) []string {
	var out []string
	for _, st := range e.trace.Steps[:n-1] {
		if st.Kind == StepPing && st.Response == nil && st.Request != nil && st.Err != "" {
			out = append(out, fmt.Sprintf("%s %q: %s", methodWord(st.Request.Method), st.Request.URL, st.Err))
		}
	}
	return out
}

// requestBefore is the last registry request before step n.
func (e *engine) requestBefore(n int) *Step {
	for i := n - 2; i >= 0; i-- {
		if st := e.trace.Steps[i]; st.Request != nil && st.Kind != StepToken {
			return st
		}
	}
	return nil
}

package flow

import (
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
		if re, ok := isRedirectFailure(t.Steps[len(t.Steps)-1]); ok {
			// Docker prints Go's *url.Error as it is.
			t.Client.Error = re.Error()
		}
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
		if st.Redirect != nil && st.Redirect.Of == StepPing {
			f.Stage = FailPing
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

package flow

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/redact"
)

// engine carries one trace's state between steps.
type engine struct {
	opts  Options
	prof  *Profile
	trace *Trace
	// image is the pull's reference, for the client's error text.
	image *imageref.Ref
	// authFailed is the error= on which a client that authenticates on
	// 401 gave up.
	authFailed string
	// fail, when set, is the failure as the client words it, for failures
	// the last step does not show (a realm the client refused to ask).
	fail *Failure
	// refusedPOST is the OAuth2 POST the client did not fall back from.
	refusedPOST *Step
	// plainError: the client's error is the summary as the engine words
	// it (push-trace: the profiles' wording covers pulls).
	plainError bool
	// auth is the Authorization the registry requests carry.
	auth string
	// pingOrigin is scheme://host of the ping's last hop, where the Docker
	// engine stores the challenge and so the only origin it authorises.
	pingOrigin string
	// handlerHost is the host whose 401 gave the client its auth handler,
	// for clients that keep one per host (HandlerPer401Host).
	handlerHost string
}

// clientName is the replayed client's short name for messages.
func (e *engine) clientName() string {
	if e.prof == nil {
		return "Docker"
	}
	return e.prof.Short()
}

// sendOnce performs req as one step and records everything about it,
// following no redirect.
func (e *engine) sendOnce(ctx context.Context, kind StepKind, title string, req *http.Request) *Step {
	st := &Step{Index: len(e.trace.Steps) + 1, Kind: kind, Title: title, Started: e.opts.Now()}
	e.trace.Steps = append(e.trace.Steps, st)
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", e.opts.UserAgent)
	}
	st.Request = &Request{Method: req.Method, URL: req.URL.String(), Headers: req.Header.Clone()}
	if req.GetBody != nil {
		if rc, err := req.GetBody(); err == nil {
			st.Request.Body, _ = io.ReadAll(io.LimitReader(rc, e.opts.MaxBody))
			rc.Close()
		}
	}

	ctx, cancel := context.WithTimeout(ctx, e.opts.Timeout)
	defer cancel()
	var t timer
	ctx = httptrace.WithClientTrace(ctx, t.clientTrace())
	start := time.Now()
	t.start = start
	resp, err := e.opts.Transport.RoundTrip(req.WithContext(ctx))
	if err != nil {
		st.Timing = t.result(time.Since(start))
		st.Err = describeTransportError(err, ctx, e.opts.Timeout)
		st.err = err
		return st
	}
	defer resp.Body.Close()
	body, truncated, readErr := readBounded(resp.Body, e.opts.MaxBody)
	st.Timing = t.result(time.Since(start))
	st.Response = &Response{
		Status:        resp.StatusCode,
		StatusText:    http.StatusText(resp.StatusCode),
		Proto:         resp.Proto,
		Headers:       resp.Header.Clone(),
		Body:          body,
		BodyTruncated: truncated,
	}
	if readErr != nil {
		st.Err = "reading the body: " + describeTransportError(readErr, ctx, e.opts.Timeout)
	}
	if ce := resp.Header.Get("Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") && !acceptsEncoding(req.Header.Values("Accept-Encoding"), ce) {
		st.Response.Encoding = ce
		more := ""
		if truncated {
			more = " (more than the read limit)"
		}
		e.trace.diag(diagnose.UnrequestedEncoding, fmt.Sprintf("step %d: the answer came with Content-Encoding: %s, which the request did not ask for (no Accept-Encoding names it): %d bytes of %s%s", st.Index, redact.Printable(ce), len(body), redact.Printable(ce), more), "")
	}
	if hs := resp.Header.Values("WWW-Authenticate"); len(hs) > 0 {
		st.Response.Challenges = challenge.ParseEngine(hs)
		st.Response.Misreadings = challenge.Compare(hs)
	}
	return st
}

// acceptsEncoding says whether the Accept-Encoding values name enc.
func acceptsEncoding(accept []string, enc string) bool {
	for _, line := range accept {
		for _, part := range strings.Split(line, ",") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(name, enc) || name == "*" {
				return true
			}
		}
	}
	return false
}

// readBounded reads at most limit bytes and says whether there was more. It
// does not drain the rest: a 50 MB reply must not cost 50 MB.
func readBounded(r io.Reader, limit int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if int64(len(b)) > limit {
		return b[:limit], true, nil
	}
	return b, false, err
}

// timer collects httptrace events into a Timing. The transport may finish
// a dial it started for this request after the request went out on another
// connection, so the callbacks can run after result: they lock, and events
// after result are dropped (they are not this request's).
type timer struct {
	mu                              sync.Mutex
	done                            bool
	start                           time.Time
	dnsStart, connStart, tlsStart   time.Time
	dns, connect, tlsDur, firstByte time.Duration
}

// record runs f under the lock unless the request is already measured.
func (t *timer) record(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.done {
		f()
	}
}

func (t *timer) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart:             func(httptrace.DNSStartInfo) { t.record(func() { t.dnsStart = time.Now() }) },
		DNSDone:              func(httptrace.DNSDoneInfo) { t.record(func() { t.dns = time.Since(t.dnsStart) }) },
		ConnectStart:         func(_, _ string) { t.record(func() { t.connStart = time.Now() }) },
		ConnectDone:          func(_, _ string, _ error) { t.record(func() { t.connect = time.Since(t.connStart) }) },
		TLSHandshakeStart:    func() { t.record(func() { t.tlsStart = time.Now() }) },
		TLSHandshakeDone:     func(tls.ConnectionState, error) { t.record(func() { t.tlsDur = time.Since(t.tlsStart) }) },
		GotFirstResponseByte: func() { t.record(func() { t.firstByte = time.Since(t.start) }) },
	}
}

func (t *timer) result(total time.Duration) Timing {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.done = true
	return Timing{DNS: t.dns, Connect: t.connect, TLS: t.tlsDur, FirstByte: t.firstByte, Total: total}
}

// describeTransportError turns a transport failure into one line that says
// what failed, naming a timeout as such.
func describeTransportError(err error, ctx context.Context, timeout time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "no answer within " + timeout.String() + " (--timeout)"
	}
	// http.Client words a plain-http answer to a TLS hello this way, and so
	// does every Docker error the user has seen; RoundTrip alone does not.
	var rec tls.RecordHeaderError
	if errors.As(err, &rec) && string(rec.RecordHeader[:]) == "HTTP/" {
		return "http: server gave HTTP response to HTTPS client"
	}
	return err.Error()
}

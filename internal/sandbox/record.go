package sandbox

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"net/http"
	"sync"
)

// Request is one request that reached a sandbox listener.
type Request struct {
	Host     string // the Host the client addressed ("127.0.0.1:PORT")
	Method   string
	Path     string
	RawQuery string
	// AuthScheme is the scheme of the Authorization header: "", "Basic",
	// "Bearer" (or the word as sent for any other scheme).
	AuthScheme    string
	Authorization string // the whole header, unmasked (sandbox secrets only)
	// Body is the form body of a POST (the OAuth2 token request), at most
	// maxRecordedBody bytes; empty for other requests.
	Body      string
	Status    int // 0 while the request is still being served
	UserAgent string
	// Header is every request header as sent (Accept lines in order), for
	// comparing clients header by header.
	Header http.Header
}

const maxRecordedBody = 4096

type recorder struct {
	mu   sync.Mutex
	reqs []*Request
}

func (rec *recorder) list() []Request {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := make([]Request, len(rec.reqs))
	for i, r := range rec.reqs {
		out[i] = *r
	}
	return out
}

func (rec *recorder) reset() {
	rec.mu.Lock()
	rec.reqs = nil
	rec.mu.Unlock()
}

// wrap records every request h serves, in arrival order; the status is
// filled in when the response header is written.
func (rec *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entry := &Request{
			Host:          r.Host,
			Method:        r.Method,
			Path:          r.URL.Path,
			RawQuery:      r.URL.RawQuery,
			AuthScheme:    authScheme(r.Header.Get("Authorization")),
			Authorization: r.Header.Get("Authorization"),
			UserAgent:     r.UserAgent(),
			Header:        r.Header.Clone(),
		}
		if r.Method == http.MethodPost && isForm(r.Header.Get("Content-Type")) && r.Body != nil {
			buf, _ := io.ReadAll(io.LimitReader(r.Body, maxRecordedBody))
			entry.Body = string(buf)
			r.Body = readCloser{io.MultiReader(bytes.NewReader(buf), r.Body), r.Body}
		}
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, entry)
		rec.mu.Unlock()
		sw := &hookWriter{ResponseWriter: w, onHeader: func(code int) {
			rec.mu.Lock()
			entry.Status = code
			rec.mu.Unlock()
		}}
		h.ServeHTTP(sw, r)
		if !sw.wrote {
			sw.WriteHeader(http.StatusOK)
		}
	})
}

func isForm(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/x-www-form-urlencoded"
}

type readCloser struct {
	io.Reader
	io.Closer
}

// hookWriter calls onHeader once, just before the status line is written,
// so wrappers can see the status and still add headers.
type hookWriter struct {
	http.ResponseWriter
	onHeader func(code int)
	wrote    bool
}

func (w *hookWriter) WriteHeader(code int) {
	if !w.wrote {
		// 1xx informational responses are not the final status.
		if code >= 200 {
			w.wrote = true
			if w.onHeader != nil {
				w.onHeader(code)
			}
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *hookWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

func (w *hookWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *hookWriter) Flush() {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *hookWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if h, ok := w.ResponseWriter.(http.Hijacker); ok {
		return h.Hijack()
	}
	return nil, nil, errors.New("hijacking not supported")
}

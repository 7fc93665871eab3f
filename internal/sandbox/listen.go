package sandbox

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"time"
)

// endpoint is one loopback listener with its HTTP server. Listening and
// serving are separate steps because a front's handler needs its own
// address (the realm) before it can be built. tlsConfig is reserved for the
// TLS variants: when set, the listener is wrapped and the scheme is https.
type endpoint struct {
	ln        net.Listener
	srv       *http.Server
	tlsConfig *tls.Config
	done      chan struct{}
}

// listen binds ip on an ephemeral port. ip must be a loopback address.
func listen(ip string, tlsConfig *tls.Config) (*endpoint, error) {
	if addr := net.ParseIP(ip); addr == nil || !addr.IsLoopback() {
		return nil, errors.New("sandbox listeners bind loopback only, not " + ip)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, "0"))
	if err != nil {
		return nil, err
	}
	if tlsConfig != nil {
		ln = tls.NewListener(ln, tlsConfig)
	}
	return &endpoint{ln: ln, tlsConfig: tlsConfig}, nil
}

func (e *endpoint) host() string { return e.ln.Addr().String() }

func (e *endpoint) scheme() string {
	if e.tlsConfig != nil {
		return "https"
	}
	return "http"
}

func (e *endpoint) url() string { return e.scheme() + "://" + e.host() }

func (e *endpoint) serve(h http.Handler) {
	e.srv = &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       30 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
	e.done = make(chan struct{})
	go func() {
		defer close(e.done)
		_ = e.srv.Serve(e.ln)
	}()
}

// close stops the server (finishing in-flight requests for up to 2 s) and
// frees the port.
func (e *endpoint) close() error {
	if e == nil {
		return nil
	}
	if e.srv == nil {
		return e.ln.Close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err := e.srv.Shutdown(ctx)
	if err != nil {
		err = e.srv.Close()
	}
	<-e.done
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

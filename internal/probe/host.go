package probe

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// probeHost looks at one host:port: DNS, TCP, a TLS handshake and a plain
// http request, each bounded by the timeout. path is what the plain http
// request asks for (/v2/ on a registry, the realm's path on a token host).
func (p *prober) probeHost(ctx context.Context, role, hostport, want, path string) *HostReport {
	h := &HostReport{Role: role, Host: hostport, Want: want}
	name, port, _ := net.SplitHostPort(hostport)
	h.DNS = p.lookup(ctx, name)
	if h.DNS.Err != "" {
		return h
	}
	h.TCP = p.connect(ctx, h.DNS.Addresses, port)
	if h.TCP.Err != "" {
		return h
	}
	h.TLS = p.handshake(ctx, h.TCP.Address, name, hostport)
	h.HTTP = p.plainHTTP(ctx, hostport, path)
	https := h.TLS.Err == "" && !h.TLS.PlainHTTP
	plain := h.HTTP.Err == "" && !h.HTTP.HTTPSOnly
	switch {
	case https && plain:
		h.Speaks = "both"
	case https:
		h.Speaks = "https"
	case plain:
		h.Speaks = "http"
	default:
		h.Speaks = "neither"
	}
	return h
}

func (p *prober) lookup(ctx context.Context, name string) DNSResult {
	r := DNSResult{Name: name}
	if ip := net.ParseIP(strings.Trim(name, "[]")); ip != nil {
		r.Literal, r.Addresses = true, []string{ip.String()}
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	start := time.Now()
	addrs, err := p.o.Resolver.LookupIPAddr(ctx, name)
	r.Duration = time.Since(start)
	if err != nil {
		r.Err = timeoutOr(ctx, err, p.o.Timeout)
		return r
	}
	for _, a := range addrs {
		r.Addresses = append(r.Addresses, a.IP.String())
	}
	if len(r.Addresses) == 0 {
		r.Err = "lookup " + name + ": no addresses"
	}
	return r
}

// connect tries the addresses in order and keeps the first that accepts.
// The connection is closed at once: it only measures the connect time.
func (p *prober) connect(ctx context.Context, addrs []string, port string) *TCPResult {
	res := &TCPResult{}
	for _, a := range addrs {
		res.Address = net.JoinHostPort(a, port)
		dctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
		start := time.Now()
		conn, err := (&net.Dialer{}).DialContext(dctx, "tcp", res.Address)
		res.Duration = time.Since(start)
		if err == nil {
			cancel()
			conn.Close()
			res.Err = ""
			return res
		}
		res.Err = timeoutOr(dctx, err, p.o.Timeout)
		cancel()
	}
	return res
}

// handshake makes a TLS handshake without verifying, to see the chain, and
// verifies it afterwards against each trust source.
func (p *prober) handshake(ctx context.Context, addr, name, hostport string) *TLSResult {
	res := &TLSResult{}
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	raw, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		res.Err = timeoutOr(ctx, err, p.o.Timeout)
		return res
	}
	defer raw.Close()
	cfg := &tls.Config{
		ServerName:         name,
		InsecureSkipVerify: true, //nolint:gosec // verified below, source by source
		Certificates:       p.o.ClientCertificates,
		NextProtos:         []string{"h2", "http/1.1"},
		MinVersion:         tls.VersionTLS12,
	}
	conn := tls.Client(raw, cfg)
	start := time.Now()
	err = conn.HandshakeContext(ctx)
	res.Duration = time.Since(start)
	if err != nil {
		var rec tls.RecordHeaderError
		if errors.As(err, &rec) && string(rec.RecordHeader[:]) == "HTTP/" {
			res.PlainHTTP = true
			res.Err = "the port answered the TLS hello with plain http"
		} else {
			res.Err = timeoutOr(ctx, err, p.o.Timeout)
		}
		return res
	}
	st := conn.ConnectionState()
	res.Version = tls.VersionName(st.Version)
	res.Cipher = tls.CipherSuiteName(st.CipherSuite)
	res.ALPN = st.NegotiatedProtocol
	res.Chain = tlsinfo.DescribeAll(st.PeerCertificates)
	p.verify(res, st.PeerCertificates, name, hostport)
	return res
}

// plainHTTP sends GET path over plain http to the port: a registry answers,
// a TLS port answers 400 "Client sent an HTTP request to an HTTPS server".
func (p *prober) plainHTTP(ctx context.Context, hostport, path string) *HTTPCheck {
	c := &HTTPCheck{URL: "http://" + hostport + path}
	rt := &http.Transport{Proxy: nil, DisableKeepAlives: true, DialContext: (&net.Dialer{}).DialContext, ResponseHeaderTimeout: p.o.Timeout}
	defer rt.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.URL, nil)
	if err != nil {
		c.Err = err.Error()
		return c
	}
	req.Header.Set("User-Agent", p.o.UserAgent)
	start := time.Now()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		c.Duration = time.Since(start)
		c.Err = timeoutOr(ctx, err, p.o.Timeout)
		if strings.Contains(err.Error(), "malformed HTTP") {
			c.Err = "the port did not answer in http (" + redact.OneLine(err.Error()) + ")"
		}
		return c
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	c.Duration = time.Since(start)
	c.Status = resp.StatusCode
	c.Body = firstLine(body)
	c.HTTPSOnly = tlsinfo.HTTPSOnlyAnswer(resp.StatusCode, body)
	return c
}

func firstLine(b []byte) string {
	s := strings.TrimSpace(string(b))
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	s = redact.OneLine(s)
	if len(s) > 120 {
		s = s[:120] + "…"
	}
	return s
}

// timeoutOr names a timeout as such; other errors keep their own words.
func timeoutOr(ctx context.Context, err error, limit time.Duration) string {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return "no answer within " + limit.String() + " (--timeout)"
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "no answer within " + limit.String() + " (--timeout)"
	}
	return redact.OneLine(err.Error())
}

package probe

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/flow"
)

// chooseScheme picks what the API requests use: the scheme the client
// would use first if the port speaks it, then http when the client would
// fall back (loopback), then whatever the port does speak, so the API can
// still be asked (the mismatch is diagnosed in judge).
func (p *prober) chooseScheme(h *HostReport, ep flow.Endpoint) string {
	https := h.Speaks == "https" || h.Speaks == "both"
	plain := h.Speaks == "http" || h.Speaks == "both"
	allowsHTTP := false
	for _, s := range ep.Schemes {
		if s == "http" {
			allowsHTTP = true
		}
	}
	switch {
	case ep.Schemes[0] == "https" && https:
		return "https"
	case allowsHTTP && plain:
		return "http"
	case https:
		return "https"
	case plain:
		return "http"
	}
	return ""
}

// apiPaths are the requests an old and a new client start with.
var apiPaths = []struct{ name, path string }{
	{"/v2/", "/v2/"},
	{"/v1/_ping", "/v1/_ping"},
	{"/v1/users/", "/v1/users/"},
}

// askAPI sends the API requests without credentials. Over https with a
// certificate that failed the checks, they go unverified (and say so): the
// point is to show what the registry would answer once trust is fixed, and
// nothing secret is sent.
func (p *prober) askAPI(ctx context.Context, h *HostReport, base, scheme string) {
	unverified := scheme == "https" && (h.TLS == nil || !h.TLS.Verified)
	name, _, _ := net.SplitHostPort(h.Host)
	rt := &http.Transport{
		Proxy:       nil,
		DialContext: (&net.Dialer{}).DialContext,
		TLSClientConfig: &tls.Config{
			ServerName:         name,
			RootCAs:            p.pool,
			Certificates:       p.o.ClientCertificates,
			InsecureSkipVerify: unverified, //nolint:gosec // no credentials are sent; the failure is reported
			MinVersion:         tls.VersionTLS12,
		},
		TLSHandshakeTimeout:   p.o.Timeout,
		ResponseHeaderTimeout: p.o.Timeout,
		DisableCompression:    true,
	}
	defer rt.CloseIdleConnections()
	for _, a := range apiPaths {
		x := p.get(ctx, rt, a.name, base+a.path)
		x.Unverified = unverified
		p.report.Requests = append(p.report.Requests, x)
	}
}

func (p *prober) get(ctx context.Context, rt http.RoundTripper, name, url string) *Exchange {
	x := &Exchange{Name: name, Method: http.MethodGet, URL: url, UserAgent: p.o.UserAgent}
	ctx, cancel := context.WithTimeout(ctx, p.o.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		x.Err = err.Error()
		return x
	}
	req.Header.Set("User-Agent", p.o.UserAgent)
	start := time.Now()
	resp, err := rt.RoundTrip(req)
	if err != nil {
		x.Duration = time.Since(start)
		x.Err = timeoutOr(ctx, err, p.o.Timeout)
		return x
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, p.o.MaxBody+1))
	x.Duration = time.Since(start)
	if int64(len(body)) > p.o.MaxBody {
		body, x.BodyTruncated = body[:p.o.MaxBody], true
	}
	x.Status, x.StatusText = resp.StatusCode, http.StatusText(resp.StatusCode)
	x.Headers, x.Body = resp.Header.Clone(), body
	x.APIVersion = resp.Header.Get("Docker-Distribution-API-Version")
	x.V1Version = resp.Header.Get("X-Docker-Registry-Version")
	if hs := resp.Header.Values("WWW-Authenticate"); len(hs) > 0 {
		x.Challenges = challenge.ParseEngine(hs)
		x.Misreadings = challenge.Compare(hs)
	}
	return x
}

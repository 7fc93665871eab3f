package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/flow"
)

// Options configure a probe. No credentials: the probe never sends any.
type Options struct {
	// Registry is host[:port] or a URL, read as login-trace reads it.
	Registry  string
	PlainHTTP bool
	// Insecure skips certificate verification (the chain is still shown).
	Insecure bool
	// Trust are the places certificates are checked against (LoadTrust).
	Trust []TrustSource
	// ClientCertificates are presented when a server asks (certs.d
	// client.cert/client.key).
	ClientCertificates []tls.Certificate
	Timeout            time.Duration // each step; default 10 s
	MaxBody            int64         // each answer; default 64 KiB
	UserAgent          string
	Now                func() time.Time
	Resolver           *net.Resolver
	// Proxy is the proxy the environment names for the registry, if any:
	// reported, not used (the probe looks at the registry itself).
	Proxy string
}

func (o *Options) defaults() {
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	if o.MaxBody <= 0 {
		o.MaxBody = 64 << 10
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Resolver == nil {
		o.Resolver = net.DefaultResolver
	}
	if o.UserAgent == "" {
		o.UserAgent = "regauth (docker-compatible)"
	}
}

type prober struct {
	o      Options
	pool   *x509.CertPool // every trust source together
	report *Report
}

// Run probes o.Registry. It fails only on input it cannot read (the
// registry name); everything the network does goes into the report.
func Run(ctx context.Context, o Options) (*Report, error) {
	o.defaults()
	ep, err := flow.ParseEndpoint(o.Registry, o.PlainHTTP)
	if err != nil {
		return nil, err
	}
	p := &prober{o: o, pool: union(o.Trust)}
	r := &Report{Registry: o.Registry, Started: o.Now(), Proxy: o.Proxy, Requests: []*Exchange{}}
	p.report = r
	if o.Proxy != "" {
		r.Notes = append(r.Notes, "a proxy is configured for this registry ("+o.Proxy+"): Docker would go through it; the probe connects directly")
	}

	hostport := withPort(ep.Host, ep.Schemes[0])
	reg := p.probeHost(ctx, RoleRegistry, hostport, ep.Schemes[0], ep.Prefix+"/v2/")
	r.Hosts = append(r.Hosts, reg)
	scheme := p.chooseScheme(reg, ep)
	if scheme != "" {
		base := scheme + "://" + ep.Host + ep.Prefix
		r.Endpoint = base
		p.askAPI(ctx, reg, base, scheme)
		p.probeRealm(ctx, reg, scheme)
	}
	p.judge(ep)
	p.recogniseFlavour(ep.Host)
	r.Duration = o.Now().Sub(r.Started)
	return r, nil
}

// probeRealm checks the token service's host when the challenge names one
// elsewhere than the registry's host:port.
func (p *prober) probeRealm(ctx context.Context, reg *HostReport, scheme string) {
	v2 := p.report.Request("/v2/")
	if v2 == nil {
		return
	}
	var realm string
	for _, c := range v2.Challenges {
		if c.Scheme == "bearer" {
			realm = c.Params["realm"]
			break
		}
	}
	u, err := url.Parse(realm)
	if realm == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return
	}
	p.report.Realm = realm
	hostport := withPort(u.Host, u.Scheme)
	if strings.EqualFold(hostport, reg.Host) {
		p.report.Hosts = append(p.report.Hosts, &HostReport{Role: RoleTokenService, Host: hostport, Want: u.Scheme, SameAs: RoleRegistry, DNS: DNSResult{Name: u.Hostname()}})
		return
	}
	path := u.Path
	if path == "" {
		path = "/"
	}
	p.report.Hosts = append(p.report.Hosts, p.probeHost(ctx, RoleTokenService, hostport, u.Scheme, path))
}

// withPort adds the scheme's default port, so hosts compare as clients
// compare them (the engine keys challenges by scheme://host:port).
func withPort(host, scheme string) string {
	if _, _, err := net.SplitHostPort(host); err == nil {
		return strings.ToLower(host)
	}
	port := "443"
	if scheme == "http" {
		port = "80"
	}
	return strings.ToLower(net.JoinHostPort(strings.Trim(host, "[]"), port))
}

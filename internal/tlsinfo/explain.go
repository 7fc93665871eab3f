package tlsinfo

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

// Finding is a TLS (or http-vs-https) failure explained: the diagnosis code,
// a few words for a summary line, the specific message and what to do.
type Finding struct {
	Code    diagnose.Code
	Short   string
	Message string
	Hint    string
}

// Explain turns a transport error into a Finding when it is a certificate
// problem or a plain-http answer to a TLS hello. host is host[:port] as the
// user named it: certs.d folders are named that way.
func Explain(err error, host string, now time.Time) (Finding, bool) {
	if err == nil {
		return Finding{}, false
	}
	var (
		unknown x509.UnknownAuthorityError
		name    x509.HostnameError
		invalid x509.CertificateInvalidError
		record  tls.RecordHeaderError
		verr    *tls.CertificateVerificationError
	)
	var sent []*x509.Certificate
	if errors.As(err, &verr) {
		sent = verr.UnverifiedCertificates
	}
	var f Finding
	switch {
	case errors.As(err, &unknown):
		f = UnknownAuthority(unknown.Cert, sent, host)
	case errors.As(err, &name):
		f = HostnameMismatch(name.Certificate, name.Host)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		f = Expired(invalid.Cert, sent, now)
	case errors.As(err, &record) && string(record.RecordHeader[:]) == "HTTP/",
		strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return PlainHTTPAnswer(host), true
	default:
		return Finding{}, false
	}
	f.Message += LoopbackNote(host)
	return f, true
}

// LoopbackNote is said next to a certificate problem on a loopback host:
// the Docker daemon treats 127.0.0.0/8 and ::1 as insecure registries and
// does not verify their certificates, so docker itself would not fail there.
func LoopbackNote(host string) string {
	h := host
	if sh, _, err := net.SplitHostPort(host); err == nil {
		h = sh
	}
	h = strings.Trim(h, "[]")
	if ip := net.ParseIP(h); h != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return ""
	}
	return " (note: the Docker daemon treats loopback as an insecure registry and skips this check; clients using another address do not)"
}

// UnknownAuthority explains a chain that leads to no trusted CA. stop is the
// certificate where the chain ended (Go's UnknownAuthorityError.Cert); sent
// is what the server sent, leaf first (may be nil).
func UnknownAuthority(stop *x509.Certificate, sent []*x509.Certificate, host string) Finding {
	f := Finding{Code: diagnose.TLSUnknownAuthority, Short: "certificate signed by an unknown authority", Hint: TrustHint(host)}
	if stop == nil {
		f.Message = "the certificate chain leads to no trusted certificate authority"
		return f
	}
	subject, issuer := Short(stop.Subject), Short(stop.Issuer)
	switch {
	case SelfSigned(stop) && !stop.IsCA:
		f.Message = fmt.Sprintf("the server's certificate %q is self-signed, and this machine does not trust it", subject)
	case SelfSigned(stop):
		f.Message = fmt.Sprintf("the chain ends at the CA %q, which this machine does not trust", subject)
	default:
		f.Message = fmt.Sprintf("the chain ends at %q, issued by %q, and no trusted CA is %q", subject, issuer, issuer)
	}
	if len(sent) > 0 && !SelfSigned(stop) {
		f.Message += fmt.Sprintf("; the server sent %s", chainSummary(sent))
	}
	if MissingIntermediate(sent) {
		f.Message += fmt.Sprintf(": if %q is an intermediate CA, the server does not send it (a missing intermediate: browsers fetch it, Docker and other Go clients do not)", issuer)
		f.Hint = "Make the server send its intermediate certificate after its own (one PEM file: the server's certificate first, then the intermediate). Until then clients can trust the intermediate as if it were a CA: " + trustPlaces(host)
	}
	return f
}

// MissingIntermediate reports the shape of a missing intermediate: the
// server sent its own certificate and nothing that issued it.
func MissingIntermediate(sent []*x509.Certificate) bool {
	if len(sent) == 0 {
		return false
	}
	last := sent[len(sent)-1]
	return !SelfSigned(last) && !last.IsCA
}

func chainSummary(sent []*x509.Certificate) string {
	if len(sent) == 1 {
		return "only its own certificate"
	}
	names := make([]string, 0, len(sent))
	for _, c := range sent {
		names = append(names, fmt.Sprintf("%q", Short(c.Subject)))
	}
	return fmt.Sprintf("%d certificates (%s)", len(sent), strings.Join(names, " <- "))
}

// HostnameMismatch compares the names in the certificate with the one used.
func HostnameMismatch(c *x509.Certificate, used string) Finding {
	f := Finding{Code: diagnose.TLSHostnameMismatch, Short: "the certificate does not name " + used}
	if c == nil {
		f.Message = "the certificate does not name " + used
		return f
	}
	_, why := NamesMatch(c, used)
	f.Message = fmt.Sprintf("%s (certificate %q)", why, Short(c.Subject))
	names := SANs(c)
	if len(names) > 0 {
		f.Hint = fmt.Sprintf("Address the registry by a name the certificate lists (%s), or reissue the certificate with %s in its subjectAltName; the CN is not enough for Go clients such as Docker.", strings.Join(names, ", "), used)
	} else {
		f.Hint = fmt.Sprintf("Reissue the certificate with %s in its subjectAltName; Go clients such as Docker ignore the CN.", used)
	}
	return f
}

// Expired names the certificate that is out of its validity period and
// since (or until) when.
func Expired(c *x509.Certificate, sent []*x509.Certificate, now time.Time) Finding {
	f := Finding{Code: diagnose.TLSExpired, Short: "a certificate has expired or is not yet valid"}
	if c == nil {
		f.Message = "a certificate in the chain has expired or is not yet valid"
		return f
	}
	which := "the server's certificate"
	if len(sent) > 0 && c != sent[0] {
		which = "the CA certificate"
	}
	_, why := Validity(c, now)
	if why == "" {
		why = fmt.Sprintf("is outside its validity period %s to %s", c.NotBefore.UTC().Format(time.RFC3339), c.NotAfter.UTC().Format(time.RFC3339))
	}
	f.Message = fmt.Sprintf("%s %q %s", which, Short(c.Subject), why)
	if now.Before(c.NotBefore) {
		f.Short = "a certificate is not yet valid"
		f.Hint = "Check this machine's clock (and the server's): the certificate is not valid yet."
	} else {
		f.Short = "a certificate has expired"
		f.Hint = fmt.Sprintf("Renew %q and reload the server that serves it (a proxy in front of the registry holds its own copy).", Short(c.Subject))
	}
	return f
}

// PlainHTTPAnswer explains a port that answers plain http to a TLS hello.
func PlainHTTPAnswer(host string) Finding {
	return Finding{
		Code:    diagnose.HTTPResponseToHTTPS,
		Short:   "the port answers plain http to a TLS hello",
		Message: host + " answers plain http to a TLS hello (Docker: \"http: server gave HTTP response to HTTPS client\")",
		Hint:    InsecureHint(host),
	}
}

// TrustHint says where each client looks for the CA that signs host's
// certificate.
func TrustHint(host string) string {
	return "Give the clients the CA certificate: " + trustPlaces(host)
}

func trustPlaces(host string) string {
	return fmt.Sprintf("Docker reads /etc/docker/certs.d/%s/ca.crt (no daemon restart needed); podman, skopeo and buildah /etc/containers/certs.d/%s/*.crt; containerd the ca in /etc/containerd/certs.d/%s/hosts.toml; all of them also the system store (update-ca-certificates; restart the Docker daemon after it). Here: --ca-file FILE, or --certs-dir DIR with DIR/%s/ca.crt.", host, host, host, host)
}

// InsecureHint explains how a client is told to talk plain http to host.
func InsecureHint(host string) string {
	return fmt.Sprintf("Serve TLS on this port, or tell the clients it is plain http: Docker needs \"insecure-registries\": [%q] in /etc/docker/daemon.json and a daemon restart (systemctl restart docker), podman insecure = true for %s in /etc/containers/registries.conf; here use --plain-http (or http://%s).", host, host, host)
}

// HTTPSOnlyHint explains what to do when plain http reached a TLS port.
func HTTPSOnlyHint(host string) string {
	return fmt.Sprintf("The port speaks https: drop --plain-http (and http://), and remove %s from the daemon's insecure-registries if it is there only for this.", host)
}

// HTTPSOnlyAnswer recognises what a TLS port answers to plain http: Go's
// server "400 Client sent an HTTP request to an HTTPS server.", nginx's
// "400 The plain HTTP request was sent to HTTPS port".
func HTTPSOnlyAnswer(status int, body []byte) bool {
	if status != 400 {
		return false
	}
	b := strings.ToLower(string(body))
	return strings.Contains(b, "http request to an https server") || strings.Contains(b, "plain http request was sent to https port")
}

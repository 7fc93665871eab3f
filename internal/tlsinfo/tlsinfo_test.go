package tlsinfo

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

func selfSigned(t *testing.T, cn string, dns []string, from, until time.Time) *x509.Certificate {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn}, DNSNames: dns, NotBefore: from, NotAfter: until}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return c
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		90 * time.Second:            "90 seconds",
		5 * time.Minute:             "5 minutes",
		3*time.Hour + time.Minute:   "3 hours",
		49 * time.Hour:              "2 days",
		89*24*time.Hour + time.Hour: "89 days",
	} {
		if got := Ago(d); got != want {
			t.Errorf("Ago(%s) = %q, want %q", d, got, want)
		}
	}
}

func TestExplain(t *testing.T) {
	now := time.Now()
	if _, ok := Explain(errors.New("connection refused"), "h:1", now); ok {
		t.Error("a connection error is not a TLS finding")
	}
	if _, ok := Explain(nil, "h:1", now); ok {
		t.Error("nil is nothing")
	}
	rec := tls.RecordHeaderError{}
	copy(rec.RecordHeader[:], "HTTP/")
	f, ok := Explain(rec, "reg.example:5000", now)
	if !ok || f.Code != diagnose.HTTPResponseToHTTPS || !strings.Contains(f.Hint, `"insecure-registries": ["reg.example:5000"]`) {
		t.Errorf("plain http answer: %+v", f)
	}

	c := selfSigned(t, "reg.example", []string{"reg.example"}, now.Add(-72*time.Hour), now.Add(-50*time.Hour))
	f, ok = Explain(x509.CertificateInvalidError{Cert: c, Reason: x509.Expired}, "reg.example", now)
	if !ok || f.Code != diagnose.TLSExpired || !strings.Contains(f.Message, `"CN=reg.example" expired 2 days ago`) {
		t.Errorf("expired: %+v", f)
	}
	f, _ = Explain(x509.HostnameError{Certificate: c, Host: "other.example"}, "other.example", now)
	if f.Code != diagnose.TLSHostnameMismatch || !strings.Contains(f.Message, "names DNS:reg.example, not other.example") {
		t.Errorf("name: %+v", f)
	}
	f, _ = Explain(x509.UnknownAuthorityError{Cert: c}, "127.0.0.1:5000", now)
	if f.Code != diagnose.TLSUnknownAuthority || !strings.Contains(f.Message, "self-signed") || !strings.Contains(f.Message, "loopback") {
		t.Errorf("self-signed on loopback: %+v", f)
	}
	if !strings.Contains(f.Hint, "/etc/docker/certs.d/127.0.0.1:5000/ca.crt") || !strings.Contains(f.Hint, "/etc/containers/certs.d/127.0.0.1:5000/") {
		t.Errorf("the hint says where each client looks: %s", f.Hint)
	}
}

func TestNamesMatchWithoutSANs(t *testing.T) {
	c := selfSigned(t, "reg.example", nil, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	ok, why := NamesMatch(c, "reg.example")
	if ok || !strings.Contains(why, "no subjectAltName") {
		t.Errorf("a CN alone does not name a host for Go clients: %v %q", ok, why)
	}
}

func TestHTTPSOnlyAnswer(t *testing.T) {
	if !HTTPSOnlyAnswer(400, []byte("Client sent an HTTP request to an HTTPS server.\n")) ||
		!HTTPSOnlyAnswer(400, []byte("<html><head><title>400 The plain HTTP request was sent to HTTPS port</title>")) ||
		HTTPSOnlyAnswer(404, []byte("Client sent an HTTP request to an HTTPS server.")) ||
		HTTPSOnlyAnswer(400, []byte(`{"errors":[]}`)) {
		t.Error("HTTPSOnlyAnswer")
	}
}

func TestLoopbackNote(t *testing.T) {
	for host, loop := range map[string]bool{"127.0.0.1:5000": true, "localhost": true, "[::1]:443": true, "reg.example:443": false, "10.0.0.1": false} {
		if got := LoopbackNote(host) != ""; got != loop {
			t.Errorf("LoopbackNote(%s): %v", host, got)
		}
	}
}

package sandbox

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

// clientTrusting is a client that trusts only the sandbox's root CA.
func clientTrusting(t *testing.T, rootPEM []byte) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(rootPEM) {
		t.Fatal("CAPEM holds no certificate")
	}
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil, TLSClientConfig: &tls.Config{RootCAs: pool}}}
}

func TestTLSSandboxFaults(t *testing.T) {
	cases := []struct {
		fault TLSFault
		check func(error) bool
	}{
		{TLSValid, func(err error) bool { return err == nil }},
		{TLSMissingIntermediate, func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{TLSSelfSigned, func(err error) bool { var e x509.UnknownAuthorityError; return errors.As(err, &e) }},
		{TLSWrongName, func(err error) bool { var e x509.HostnameError; return errors.As(err, &e) }},
		{TLSExpired, func(err error) bool {
			var e x509.CertificateInvalidError
			return errors.As(err, &e) && e.Reason == x509.Expired
		}},
	}
	for _, c := range cases {
		t.Run(string(c.fault)+"/", func(t *testing.T) {
			sb := start(t, Options{Like: LikeHarbor, TLS: &TLSOptions{Fault: c.fault}})
			if !strings.HasPrefix(sb.URL(), "https://127.0.0.1:") || !strings.HasPrefix(sb.TokenURL(), "https://") {
				t.Fatalf("a TLS sandbox is https, realm included: %s %s", sb.URL(), sb.TokenURL())
			}
			resp, err := clientTrusting(t, sb.CAPEM()).Get(sb.URL() + "/v2/")
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("/v2/: %d", resp.StatusCode)
				}
			}
			if !c.check(err) {
				t.Errorf("a client trusting the root CA: %v", err)
			}
		})
	}
}

func TestTLSSandboxPushesAndSeparateTokenHost(t *testing.T) {
	sb := start(t, Options{Like: LikeDockerHub, TLS: &TLSOptions{Fault: TLSExpired}})
	if _, err := sb.PushImage(t.Context(), "library/hello", "latest"); err != nil {
		t.Fatalf("the sandbox pushes to its own TLS listener whatever the fault: %v", err)
	}
	// Only the registry carries the fault: the token host is valid.
	resp, err := clientTrusting(t, sb.CAPEM()).Get(sb.TokenURL() + "?service=" + sb.Service())
	if err != nil {
		t.Fatalf("token host: %v", err)
	}
	resp.Body.Close()
}

func TestUnknownTLSFault(t *testing.T) {
	if _, err := Start(t.Context(), Options{TLS: &TLSOptions{Fault: "bogus"}}); err == nil || !strings.Contains(err.Error(), "bogus") {
		t.Errorf("an unknown fault is an error naming it: %v", err)
	}
}

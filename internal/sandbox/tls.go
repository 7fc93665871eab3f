package sandbox

import (
	"crypto/tls"
	"fmt"
	"time"
)

// TLSFault is what is wrong with the certificate the registry serves.
type TLSFault string

const (
	TLSValid               TLSFault = ""                     // leaf and intermediate, named for 127.0.0.1, 127.0.0.2 and localhost
	TLSMissingIntermediate TLSFault = "missing-intermediate" // the leaf alone: a client trusting the root cannot build the chain
	TLSWrongName           TLSFault = "wrong-name"           // names registry.example.test and 192.0.2.10 only
	TLSExpired             TLSFault = "expired"              // expired two days ago
	TLSSelfSigned          TLSFault = "self-signed"          // signs itself
)

// TLSOptions serve the sandbox over https with certificates made at start.
// Only the registry's certificate carries the fault; a separate token host
// (dockerhub) gets a valid one, so a test sees one problem at a time.
type TLSOptions struct {
	Fault TLSFault
}

// sandboxNames are what a valid sandbox certificate names: every address
// the sandbox may listen on.
var sandboxNames = []string{"127.0.0.1", "127.0.0.2", "localhost"}

// tlsConfigs makes the PKI and the server configurations for the registry
// and the token host.
func (s *Sandbox) tlsConfigs(o *TLSOptions) (reg, tok *tls.Config, err error) {
	now := time.Now()
	if s.pki, err = NewPKI(now); err != nil {
		return nil, nil, fmt.Errorf("making the sandbox certificates: %w", err)
	}
	good, err := s.pki.ServerCert(LeafOptions{Names: sandboxNames})
	if err != nil {
		return nil, nil, err
	}
	lo := LeafOptions{Names: sandboxNames}
	switch o.Fault {
	case TLSValid:
	case TLSMissingIntermediate:
		lo.LeafOnly = true
	case TLSWrongName:
		lo.Names = []string{"registry.example.test", "192.0.2.10"}
	case TLSExpired:
		lo.NotBefore, lo.NotAfter = now.AddDate(0, 0, -92), now.Add(-48*time.Hour)
	case TLSSelfSigned:
		lo.SelfSigned = true
	default:
		return nil, nil, fmt.Errorf("unknown TLS fault %q (want missing-intermediate, wrong-name, expired or self-signed)", o.Fault)
	}
	served := good
	if o.Fault != TLSValid {
		if served, err = s.pki.ServerCert(lo); err != nil {
			return nil, nil, err
		}
	}
	reg = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{served}}
	tok = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{good}}
	return reg, tok, nil
}

// CAPEM is the sandbox's root CA certificate (nil without TLS): what a
// client puts in --ca-file or certs.d/<host:port>/ca.crt.
func (s *Sandbox) CAPEM() []byte {
	if s.pki == nil {
		return nil
	}
	return append([]byte(nil), s.pki.RootPEM...)
}

// IntermediatePEM is the intermediate CA certificate (nil without TLS).
func (s *Sandbox) IntermediatePEM() []byte {
	if s.pki == nil {
		return nil
	}
	return append([]byte(nil), s.pki.IntermediatePEM...)
}

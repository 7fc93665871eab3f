package probe

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TrustSource is one place a client takes CA certificates from. The probe
// checks the chain against each separately, so the user sees which one
// would make it trusted.
type TrustSource struct {
	Name string // "system pool", "--ca-file", "certs.d"
	Path string
	Pool *x509.CertPool // nil: nothing there
	// Detail says why the source is empty ("not given", "no such folder").
	Detail string
	// CAs are the certificates the source holds (not listed for the system
	// pool, which is large and not enumerable everywhere).
	CAs []*x509.Certificate
}

// maxPEM bounds a CA file: a bundle of every public CA is about 250 KiB.
const maxPEM = 4 << 20

// LoadTrust reads the three places: the system pool, caFile (regauth's
// --ca-file) and the certs.d folder for host (<certsDir>/<host:port>/*.crt,
// where Docker looks). A named file that cannot be read is an error: the
// user would be misled otherwise.
func LoadTrust(caFile, certsDir, host string) ([]TrustSource, error) {
	var out []TrustSource
	sys := TrustSource{Name: "system pool"}
	if pool, err := x509.SystemCertPool(); err != nil || pool == nil {
		sys.Detail = "not available on this system"
	} else {
		sys.Pool = pool
	}
	out = append(out, sys)

	ca := TrustSource{Name: "--ca-file", Path: caFile, Detail: "not given"}
	if caFile != "" {
		certs, err := readPEMCerts(caFile)
		if err != nil {
			return nil, fmt.Errorf("--ca-file: %w", err)
		}
		ca.CAs, ca.Pool, ca.Detail = certs, poolOf(certs), ""
	}
	out = append(out, ca)

	cd := TrustSource{Name: "certs.d", Detail: "not given"}
	if certsDir != "" && host != "" {
		dir := filepath.Join(certsDir, host)
		cd.Path = dir
		entries, err := os.ReadDir(dir)
		switch {
		case os.IsNotExist(err):
			cd.Detail = "no such folder"
		case err != nil:
			return nil, fmt.Errorf("--certs-dir: %w", err)
		default:
			for _, e := range entries {
				if !strings.HasSuffix(e.Name(), ".crt") {
					continue
				}
				certs, err := readPEMCerts(filepath.Join(dir, e.Name()))
				if err != nil {
					return nil, fmt.Errorf("--certs-dir: %w", err)
				}
				cd.CAs = append(cd.CAs, certs...)
			}
			if len(cd.CAs) == 0 {
				cd.Detail = "no *.crt file in the folder"
			} else {
				cd.Pool, cd.Detail = poolOf(cd.CAs), ""
			}
		}
	}
	out = append(out, cd)
	return out, nil
}

func readPEMCerts(path string) ([]*x509.Certificate, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxPEM+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxPEM {
		return nil, fmt.Errorf("%s: larger than %d MiB, not a CA bundle", path, maxPEM>>20)
	}
	var certs []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, fmt.Errorf("%s: no PEM certificate in it", path)
	}
	return certs, nil
}

func poolOf(certs []*x509.Certificate) *x509.CertPool {
	p := x509.NewCertPool()
	for _, c := range certs {
		p.AddCert(c)
	}
	return p
}

// union is every source's certificates in one pool: what a client given
// all of them trusts.
func union(srcs []TrustSource) *x509.CertPool {
	var p *x509.CertPool
	for _, s := range srcs {
		if s.Name == "system pool" && s.Pool != nil {
			p = s.Pool.Clone()
		}
	}
	if p == nil {
		p = x509.NewCertPool()
	}
	for _, s := range srcs {
		for _, c := range s.CAs {
			p.AddCert(c)
		}
	}
	return p
}

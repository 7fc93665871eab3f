package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

func startTLSSandbox(t *testing.T, like sandbox.Like, fault sandbox.TLSFault) *sandbox.Sandbox {
	t.Helper()
	sb, err := sandbox.Start(t.Context(), sandbox.Options{Like: like, TLS: &sandbox.TLSOptions{Fault: fault}})
	if err != nil {
		t.Fatalf("sandbox: %v", err)
	}
	t.Cleanup(func() { sb.Close() })
	return sb
}

// caFile writes the sandbox's root CA where --ca-file can read it.
func caFile(t *testing.T, sb *sandbox.Sandbox) string {
	return writeFile(t, t.TempDir(), "ca.pem", string(sb.CAPEM()))
}

// certsDir lays the root CA out as Docker's certs.d: DIR/<host:port>/ca.crt.
func certsDir(t *testing.T, sb *sandbox.Sandbox) string {
	dir := t.TempDir()
	writeFile(t, dir, filepath.Join(sb.Host(), "ca.crt"), string(sb.CAPEM()))
	return dir
}

var (
	certDaysRE = regexp.MustCompile(`\(in \d+ days\)`)
	sha256RE   = regexp.MustCompile(`[0-9a-f]{64}`)
	cipherRE   = regexp.MustCompile(`TLS_(AES|CHACHA20|ECDHE)[A-Z0-9_]*`)
)

// normaliseProbe is normalise plus what changes with freshly made
// certificates and the machine: days left, fingerprints, the cipher (Go
// prefers ChaCha20 without AES hardware).
func normaliseProbe(s string) string {
	s = normalise(s, true)
	s = certDaysRE.ReplaceAllString(s, "(in N days)")
	s = sha256RE.ReplaceAllString(s, "SHA256")
	return cipherRE.ReplaceAllString(s, "CIPHER")
}

func TestProbeGolden(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSValid)
	empty := t.TempDir()

	// The CA is not trusted: TLS is the problem, and the API is still shown.
	r := traceCLI(t).run("probe", sb.Host(), "--certs-dir", empty, "--no-color").wantCode(t, exitTransport)
	golden(t, "probe-untrusted.golden", normaliseProbe(r.out))

	// Trusted through --ca-file: a v2 registry, the rest is authentication.
	r = traceCLI(t).run("probe", sb.Host(), "--ca-file", caFile(t, sb), "--certs-dir", empty, "--no-color").wantCode(t, exitOK)
	golden(t, "probe-ca-file.golden", normaliseProbe(r.out))

	r = traceCLI(t).run("probe", sb.Host(), "--ca-file", caFile(t, sb), "--certs-dir", empty, "-o", "json").wantCode(t, exitOK)
	var doc map[string]any
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, r.out)
	}
	if doc["schemaVersion"] != float64(1) || doc["command"] != "probe" || doc["api"] != "v2" || doc["problem"] != "none" {
		t.Errorf("probe JSON: %v", doc)
	}
	golden(t, "probe-ca-file.json.golden", normaliseProbe(r.out))

	// Plain http addressed as https.
	plain := startSandbox(t, sandbox.LikeHarbor)
	r = traceCLI(t).run("probe", "https://"+plain.Host(), "--certs-dir", empty, "--no-color").wantCode(t, exitTransport)
	golden(t, "probe-plain-as-https.golden", normaliseProbe(r.out))
}

// Each certificate fault: exit 3, the right code, and the words that say
// which certificate, which names, since when.
func TestProbeTLSFaults(t *testing.T) {
	cases := []struct {
		fault    sandbox.TLSFault
		code     string
		mentions []string
	}{
		{sandbox.TLSMissingIntermediate, "TLS_UNKNOWN_AUTHORITY", []string{"missing intermediate", `the server sent only its own certificate`, "--ca-file /TMP not trusted"}},
		{sandbox.TLSWrongName, "TLS_HOSTNAME_MISMATCH", []string{"the certificate names DNS:registry.example.test, IP:192.0.2.10, not 127.0.0.1", "--ca-file /TMP trusted"}},
		{sandbox.TLSExpired, "TLS_EXPIRED", []string{`the server's certificate "CN=127.0.0.1" expired 2 days ago, on TIME`, "--ca-file /TMP trusted"}},
		{sandbox.TLSSelfSigned, "TLS_UNKNOWN_AUTHORITY", []string{"is self-signed", "(self-signed)"}},
	}
	for _, c := range cases {
		t.Run(string(c.fault), func(t *testing.T) {
			sb := startTLSSandbox(t, sandbox.LikeDistribution, c.fault)
			r := traceCLI(t).run("probe", sb.Host(), "--ca-file", caFile(t, sb), "--certs-dir", t.TempDir())
			r.wantCode(t, exitTransport)
			out := normaliseProbe(r.out)
			for _, m := range append([]string{"error   " + c.code + ":", "The problem is TLS"}, c.mentions...) {
				if !strings.Contains(out, m) {
					t.Errorf("the probe should say %q:\n%s", m, out)
				}
			}
		})
	}
}

// Trust from a certs.d folder laid out as Docker's, and --insecure.
func TestProbeCertsDirAndInsecure(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSValid)
	r := traceCLI(t).run("probe", sb.Host(), "--certs-dir", certsDir(t, sb)).wantCode(t, exitOK)
	if !regexp.MustCompile(`certs\.d /\S+/` + regexp.QuoteMeta(sb.Host()) + `: trusted`).MatchString(r.out) {
		t.Errorf("the certs.d row should say trusted:\n%s", r.out)
	}
	r = traceCLI(t).run("probe", sb.Host(), "--certs-dir", t.TempDir(), "--insecure").wantCode(t, exitOK)
	if !strings.Contains(r.out, "not checked (--insecure)") || strings.Contains(r.out, "TLS_UNKNOWN_AUTHORITY") {
		t.Errorf("--insecure shows the chain and checks nothing:\n%s", r.out)
	}
}

// Plain http to a TLS port is the reverse mismatch.
func TestProbePlainHTTPToTLSPort(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeHarbor, sandbox.TLSValid)
	r := traceCLI(t).run("probe", sb.Host(), "--plain-http", "--certs-dir", t.TempDir()).wantCode(t, exitTransport)
	for _, w := range []string{"HTTP_REQUEST_TO_HTTPS", "speaks https only", "The problem is http vs https"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("want %q:\n%s", w, r.out)
		}
	}
}

// A Hub-like layout: the token service on another host is checked on its
// own, with its own certificate.
func TestProbeRealmOnAnotherHost(t *testing.T) {
	sb := startTLSSandbox(t, sandbox.LikeDockerHub, sandbox.TLSValid)
	tok := strings.TrimPrefix(strings.TrimSuffix(sb.TokenURL(), "/token"), "https://")
	r := traceCLI(t).run("probe", sb.Host(), "--ca-file", caFile(t, sb), "--certs-dir", t.TempDir(), "-o", "json").wantCode(t, exitOK)
	var doc struct {
		Hosts []struct {
			Role, Host, Speaks string
			TLS                *struct{ Verified bool }
		}
		Diagnoses []struct{ Code string }
	}
	if err := json.Unmarshal([]byte(r.out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Hosts) != 2 || doc.Hosts[1].Role != "token service" || doc.Hosts[1].Host != tok || doc.Hosts[1].TLS == nil || !doc.Hosts[1].TLS.Verified {
		t.Fatalf("the token service host should be probed on its own: %s", r.out)
	}
	if !strings.Contains(r.out, "REALM_OTHER_HOST") {
		t.Errorf("credentials go to another host: say so\n%s", r.out)
	}
}

// Registries that answer but are not usable: exit 1.
func TestProbeAPIVersions(t *testing.T) {
	v1only := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/v1/_ping":
			w.Header().Set("X-Docker-Registry-Version", "0.9.1")
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte("true"))
		case "/v1/users/":
			w.WriteHeader(http.StatusUnauthorized)
		default:
			http.NotFound(w, r)
		}
	}))
	defer v1only.Close()
	r := traceCLI(t).run("probe", v1only.URL).wantCode(t, exitRefused)
	for _, w := range []string{"speaks the v1 API only", "X-Docker-Registry-Version: 0.9.1", "The problem is the API version", "NOT_A_REGISTRY"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("v1 only: want %q\n%s", w, r.out)
		}
	}

	ui := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>a web UI</html>"))
	}))
	defer ui.Close()
	r = traceCLI(t).run("probe", ui.URL, "-o", "json").wantCode(t, exitRefused)
	if !strings.Contains(r.out, `"summary": "not a registry"`) || !strings.Contains(r.out, `"problem": "api-version"`) {
		t.Errorf("a web UI is not a registry:\n%s", r.out)
	}
}

func TestProbeNetworkFailures(t *testing.T) {
	r := traceCLI(t).run("probe", "127.0.0.9:1", "--timeout", "2s").wantCode(t, exitTransport)
	if !strings.Contains(r.out, "REGISTRY_UNREACHABLE") || !strings.Contains(r.out, "The problem is the network") {
		t.Errorf("a closed port:\n%s", r.out)
	}
	r = traceCLI(t).run("probe", "no-such-host.invalid:5000", "--timeout", "2s").wantCode(t, exitTransport)
	if !strings.Contains(r.out, "The problem is DNS") {
		t.Errorf("a name that does not resolve:\n%s", r.out)
	}
}

func TestProbeBadInput(t *testing.T) {
	cases := [][]string{
		{"probe"},
		{"probe", "a", "b"},
		{"probe", "ftp://reg.example"},
		{"probe", "reg.example", "--timeout", "0s"},
		{"probe", "reg.example", "--ca-file", "/no/such/ca.pem"},
		{"probe", "reg.example", "-u", "alice"},
	}
	for _, args := range cases {
		r := newCLI(t).run(args...)
		if r.code != exitUsage {
			t.Errorf("%v: exit %d, want 2 (%q)", args, r.code, r.err)
		}
		r.wantOneLineError(t, "probe")
	}
	junk := writeFile(t, t.TempDir(), "junk.pem", "not a certificate")
	newCLI(t).run("probe", "reg.example", "--ca-file", junk).wantCode(t, exitUsage).wantOneLineError(t, "probe", "no PEM certificate")
}

func TestProbeHelp(t *testing.T) {
	r := newCLI(t).run("probe", "--help").wantCode(t, exitOK)
	for _, w := range []string{"Examples:", "Exit codes: 0 a v2 registry answers", "--ca-file", "--certs-dir", "--insecure", "--plain-http", "--timeout", "--user-agent"} {
		if !strings.Contains(r.out, w) {
			t.Errorf("probe --help should show %q", w)
		}
	}
	if strings.Contains(r.out, "--password") {
		t.Errorf("probe takes no credentials:\n%s", r.out)
	}
	if r := newCLI(t).run("--help"); !strings.Contains(r.out, "regauth probe") {
		t.Errorf("the root examples should show probe:\n%s", r.out)
	}
}

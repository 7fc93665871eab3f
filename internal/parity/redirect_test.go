package parity

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/realclient"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/sandbox"
)

// redirectFront is a fake, and says so: a proxy in front of the real
// sandbox registry that redirects as misconfigured proxies do (the real
// registry never redirects its API or its token service). It logs every
// request it gets; the sandbox logs what reaches it.
type redirectFront struct {
	srv  *http.Server
	host string
	mu   sync.Mutex
	log  []string
}

// Redirect modes of the front.
const (
	realmOtherHost = "realm-other-host" // the realm answers 302 to the token service under another hostname
	realmSameHost  = "realm-same-host"  // the realm answers 302 to another path on the same host
	v2Moved        = "v2-moved"         // /v2/ answers 301 to the registry under another hostname
	v2Loop         = "v2-loop"          // /v2/ answers 302 to itself
)

func startRedirectFront(t *testing.T, sb *sandbox.Sandbox, mode string) *redirectFront {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &redirectFront{host: l.Addr().String()}
	target, _ := url.Parse("http://" + sb.Host())
	// "localhost" reaches the same listener under another hostname: a host
	// change for Go's client.
	elsewhere := "http://" + strings.Replace(sb.Host(), "127.0.0.1", "localhost", 1)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(r *http.Response) error {
		// Point the realm at the front, which redirects it.
		for i, h := range r.Header.Values("WWW-Authenticate") {
			if strings.Contains(h, "realm=") && (mode == realmOtherHost || mode == realmSameHost) {
				r.Header["Www-Authenticate"][i] = strings.Replace(h, "http://"+sb.Host()+"/auth/token", "http://"+f.host+"/moved-token", 1)
			}
		}
		return nil
	}
	mux := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w, status: 200}
		switch {
		case r.URL.Path == "/moved-token" && mode == realmOtherHost:
			http.Redirect(rec, r, elsewhere+"/auth/token?"+r.URL.RawQuery, http.StatusFound)
		case r.URL.Path == "/moved-token" && mode == realmSameHost:
			http.Redirect(rec, r, "/auth/token?"+r.URL.RawQuery, http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/v2/") && mode == v2Moved:
			http.Redirect(rec, r, elsewhere+r.URL.RequestURI(), http.StatusMovedPermanently)
		case r.URL.Path == "/v2/" && mode == v2Loop:
			http.Redirect(rec, r, "/v2/", http.StatusFound)
		default:
			r.Host = target.Host
			proxy.ServeHTTP(rec, r)
		}
		scheme, _, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		f.mu.Lock()
		f.log = append(f.log, fmt.Sprintf("%s %s auth=%s -> %s", r.Method, r.URL.Path, orDash(scheme), strconv.Itoa(rec.status)))
		f.mu.Unlock()
	})
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go f.srv.Serve(l)
	t.Cleanup(func() { f.srv.Close() })
	return f
}

func (f *redirectFront) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.log
	f.log = nil
	return out
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}

// The redirect cases: each real client's login and regauth's replay send
// the same requests to the front and to the registry behind it, and agree
// on the outcome.
func TestRedirectLoginParity(t *testing.T) {
	logins := []struct {
		profile string
		run     func(ctx context.Context, t testing.TB, host, user, pass string) realclient.Result
	}{
		{"docker", realclient.DockerLogin},
		{"podman", realclient.SkopeoLogin},
		{"oras", realclient.OrasLogin},
		{"regctl", realclient.RegctlLogin},
	}
	ctx := context.Background()
	for _, mode := range []string{realmOtherHost, realmSameHost, v2Moved, v2Loop} {
		t.Run(mode, func(t *testing.T) {
			sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			front := startRedirectFront(t, sb, mode)
			pass := sb.Users()["alice"]
			for _, l := range logins {
				t.Run(l.profile, func(t *testing.T) {
					sb.ResetRequests()
					front.take()
					real := l.run(ctx, t, front.host, "alice", pass)
					wantFront, wantReg := front.take(), wireLines(sb, sb.Requests(), pass, false)

					sb.ResetRequests()
					prof, err := flow.LookupProfile(l.profile)
					if err != nil {
						t.Fatal(err)
					}
					tr := flow.Login(ctx, flow.Options{Registry: front.host, Profile: prof, Timeout: 10 * time.Second,
						Credentials: flow.Credentials{Username: "alice", Password: pass, Source: "test"}})
					gotFront, gotReg := front.take(), wireLines(sb, sb.Requests(), pass, false)
					if strings.Join(gotFront, "\n") != strings.Join(wantFront, "\n") || strings.Join(gotReg, "\n") != strings.Join(wantReg, "\n") {
						t.Errorf("the wire differs from the real login's\n--- %s (real): front ---\n%s\n--- registry ---\n%s\n--- regauth: front ---\n%s\n--- registry ---\n%s\n--- real output ---\n%s",
							l.profile, strings.Join(wantFront, "\n"), strings.Join(wantReg, "\n"), strings.Join(gotFront, "\n"), strings.Join(gotReg, "\n"), real.Output)
					}
					if real.OK() != tr.OK() {
						t.Errorf("real login ok=%v, regauth ok=%v (%s)\n%s", real.OK(), tr.OK(), tr.Summary, real.Output)
					}
					t.Logf("%s: real: %q | regauth: %s | client error: %s", l.profile, real.Output, tr.Summary, clientError(tr))
				})
			}
		})
	}
}

func clientError(tr *flow.Trace) string {
	if tr.Client == nil {
		return ""
	}
	return tr.Client.Error
}

// The same redirects under a pull: each real client and regauth's replay
// send the same requests to the front and to the registry behind it.
func TestRedirectPullParity(t *testing.T) {
	if os.Getenv("REGAUTH_PARITY") == "" && os.Getenv("CI") != "true" && testing.Short() {
		t.Skip("-short")
	}
	ctx := context.Background()
	cls := clients(t)
	for _, mode := range []string{realmOtherHost, realmSameHost, v2Moved, v2Loop} {
		t.Run(mode, func(t *testing.T) {
			sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeDistribution})
			if err != nil {
				t.Fatal(err)
			}
			defer sb.Close()
			front := startRedirectFront(t, sb, mode)
			pass := sb.Users()["alice"]
			for _, cl := range cls {
				t.Run(cl.profile, func(t *testing.T) {
					tag := strings.NewReplacer("@", "-", ".", "-").Replace(mode + "-" + cl.profile)
					if _, err := sb.PushImage(ctx, "library/hello", tag); err != nil {
						t.Fatal(err)
					}
					ref := front.host + "/library/hello:" + tag
					sb.ResetRequests()
					front.take()
					real := cl.run(ctx, t, ref, "alice", pass)
					wantFront, wantReg := upToManifest(front.take()), wire(sb, sb.Requests(), pass, cl.sortAccept)

					sb.ResetRequests()
					tr := replay(t, cl.profile, ref, "alice", pass)
					gotFront, gotReg := upToManifest(front.take()), wire(sb, sb.Requests(), pass, cl.sortAccept)
					if strings.Join(gotFront, "\n") != strings.Join(wantFront, "\n") || strings.Join(gotReg, "\n") != strings.Join(wantReg, "\n") {
						t.Errorf("the wire differs from the real pull's\n--- %s (real): front ---\n%s\n--- registry ---\n%s\n--- regauth: front ---\n%s\n--- registry ---\n%s\n--- real output ---\n%s",
							cl.profile, strings.Join(wantFront, "\n"), strings.Join(wantReg, "\n"), strings.Join(gotFront, "\n"), strings.Join(gotReg, "\n"), real.Output)
					}
					if real.OK() != tr.OK() {
						t.Errorf("real client ok=%v, regauth ok=%v (%s)\n%s", real.OK(), tr.OK(), tr.Summary, real.Output)
					}
					if !real.OK() && tr.Client != nil {
						core := cl.errorCore(real.Output, ref)
						if core == "" || !strings.Contains(redact.OneLine(tr.Client.Error), redact.OneLine(core)) {
							t.Errorf("error text\n real:    %s\n regauth: %s", core, tr.Client.Error)
						}
					}
				})
			}
		})
	}
}

// upToManifest cuts the front's log after its last manifest request, as
// wire cuts the registry's.
func upToManifest(lines []string) []string {
	last := -1
	for i, l := range lines {
		if strings.Contains(l, "/manifests/") {
			last = i
		}
	}
	if last >= 0 {
		return lines[:last+1]
	}
	return lines
}

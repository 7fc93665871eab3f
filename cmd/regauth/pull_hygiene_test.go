package main

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// Secret hygiene for pull-trace: the password, the Basic value and every
// token (the anonymous comparison's too) stay masked on every output path;
// --show-secrets shows them, or the test proves nothing.
func TestSecretHygienePullTrace(t *testing.T) {
	for _, like := range []sandbox.Like{sandbox.LikeHarbor, sandbox.LikeDockerHub, sandbox.LikeBasic} {
		t.Run(string(like), func(t *testing.T) {
			sb := pullSandbox(t, like)
			pw := sb.Users()["alice"]
			basic := base64.StdEncoding.EncodeToString([]byte("alice:" + pw))
			chk := leakCheck{name: string(like), secrets: []string{pw, basic}, jwt: true}
			variants := [][]string{
				{"-v", "--curl", "--blob", "--compare-anonymous"},
				{"-o", "json", "--blob", "--compare-anonymous", "--push"},
			}
			for _, v := range variants {
				har := filepath.Join(t.TempDir(), "x.har")
				args := append([]string{"pull-trace", sb.Host() + "/library/hello", "--plain-http", "-u", "alice", "--password-stdin", "--har", har}, v...)
				c := traceCLI(t)
				c.in = pw
				r := c.run(args...).wantCode(t, 0)
				chk.assertHidden(t, strings.Join(v, " "), r.out, r.err, readHAR(t, har))

				c.in = pw
				r = c.run(append(args, "--show-secrets")...).wantCode(t, 0)
				leakCheck{name: chk.name, secrets: []string{basic}, jwt: like != sandbox.LikeBasic}.assertShown(t, strings.Join(v, " "), r.out, readHAR(t, har))
			}
			// Stale credentials: the wrong password is a secret too.
			wrong := "Wrong-Pass-4242"
			c := traceCLI(t)
			c.in = wrong
			r := c.run("pull-trace", sb.Host()+"/public/hello", "--plain-http", "-u", "alice", "--password-stdin", "-v", "--curl", "--compare-anonymous")
			leakCheck{name: "stale", secrets: []string{wrong, base64.StdEncoding.EncodeToString([]byte("alice:" + wrong))}, jwt: true}.assertHidden(t, "a refused pull", r.out, r.err)
		})
	}
}

// TestSecretHygienePullTraceRedirect runs pull-trace --blob against a
// scripted fake (not a real registry: the sandbox's storage does not
// redirect): a Basic-auth registry whose config blob redirects to
// "object storage" on a second loopback host with a presigned URL. The
// signature must be masked everywhere, and storage must get no credentials.
func TestSecretHygienePullTraceRedirect(t *testing.T) {
	const sig, cred = "Sig-Secret-0042", "AKIA-Secret-Cred"
	config := []byte(`{"architecture":"amd64","os":"linux"}`)
	cfg := sha256Hex(config)
	storage := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			t.Errorf("storage received Authorization")
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		w.Write(config)
	}))
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		storage.Listener.Close()
		storage.Listener = l
	}
	storage.Start()
	defer storage.Close()

	manifest := []byte(fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":%q,"size":%d},"layers":[]}`, cfg, len(config)))
	mdg := sha256Hex(manifest)
	reg := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != "alice" || p != "Basic-Pw-777" {
			w.Header().Set("WWW-Authenticate", `Basic realm="fake"`)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch r.URL.Path {
		case "/v2/team/app/manifests/latest", "/v2/team/app/manifests/" + mdg:
			w.Header().Set("Content-Type", "application/vnd.docker.distribution.manifest.v2+json")
			w.Header().Set("Docker-Content-Digest", mdg)
			w.Write(manifest)
		case "/v2/team/app/blobs/" + cfg:
			http.Redirect(w, r, storage.URL+"/bucket/"+cfg+"?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential="+cred+"&X-Amz-Signature="+sig, http.StatusTemporaryRedirect)
		default:
			http.NotFound(w, r)
		}
	}))
	defer reg.Close()
	host := strings.TrimPrefix(reg.URL, "http://")

	chk := leakCheck{name: "redirect", secrets: []string{sig, cred, "Basic-Pw-777"}}
	for _, v := range [][]string{{"-v", "--curl"}, {"-o", "json"}} {
		har := filepath.Join(t.TempDir(), "x.har")
		args := append([]string{"pull-trace", host + "/team/app", "--plain-http", "-u", "alice", "-p", "Basic-Pw-777", "--blob", "--har", har}, v...)
		r := traceCLI(t).run(args...).wantCode(t, 0)
		chk.assertHidden(t, strings.Join(v, " "), r.out, r.err, readHAR(t, har))
		if !strings.Contains(r.out, "Authorization not sent") {
			t.Errorf("%v: the trace should say Authorization was not sent to storage:\n%s", v, r.out)
		}
		r = traceCLI(t).run(append(args, "--show-secrets")...).wantCode(t, 0)
		leakCheck{name: "redirect", secrets: []string{sig}}.assertShown(t, strings.Join(v, " "), r.out, readHAR(t, har))
	}
}

func sha256Hex(b []byte) string {
	return "sha256:" + fmt.Sprintf("%x", sha256.Sum256(b))
}

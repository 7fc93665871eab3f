package sandbox

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"time"
)

// Media types of the image PushImage writes (Docker schema 2, which every
// client accepts without asking for OCI types).
const (
	MediaTypeManifest = "application/vnd.docker.distribution.manifest.v2+json"
	mediaTypeConfig   = "application/vnd.docker.container.image.v1+json"
	mediaTypeLayer    = "application/vnd.docker.image.rootfs.diff.tar.gzip"
)

// newLoopbackClient is an HTTP client that never uses a proxy.
func newLoopbackClient() *http.Client {
	return &http.Client{
		Timeout: 30 * time.Second,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 4,
			IdleConnTimeout:     10 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

type descriptor struct {
	MediaType string `json:"mediaType"`
	Size      int    `json:"size"`
	Digest    string `json:"digest"`
}

func digestOf(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// tinyImage builds a real, runnable-looking image: one gzipped tar layer with
// one text file, a config naming its diff ID, and a schema 2 manifest.
func tinyImage(repo, tag string) (config, layer, manifest []byte, err error) {
	content := []byte(fmt.Sprintf("hello from the regauth sandbox (%s:%s)\n", repo, tag))
	var tarBuf bytes.Buffer
	tw := tar.NewWriter(&tarBuf)
	mtime := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err = tw.WriteHeader(&tar.Header{Name: "hello.txt", Mode: 0o644, Size: int64(len(content)), ModTime: mtime, Typeflag: tar.TypeReg}); err != nil {
		return
	}
	if _, err = tw.Write(content); err != nil {
		return
	}
	if err = tw.Close(); err != nil {
		return
	}
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	if _, err = zw.Write(tarBuf.Bytes()); err != nil {
		return
	}
	if err = zw.Close(); err != nil {
		return
	}
	layer = gzBuf.Bytes()
	config, err = json.Marshal(map[string]any{
		"architecture": runtime.GOARCH,
		"os":           "linux",
		"created":      mtime.Format(time.RFC3339),
		"config":       map[string]any{"Cmd": []string{"/hello.txt"}},
		"rootfs":       map[string]any{"type": "layers", "diff_ids": []string{digestOf(tarBuf.Bytes())}},
		"history":      []map[string]any{{"created": mtime.Format(time.RFC3339), "created_by": "regauth-sandbox"}},
	})
	if err != nil {
		return
	}
	manifest, err = json.MarshalIndent(map[string]any{
		"schemaVersion": 2,
		"mediaType":     MediaTypeManifest,
		"config":        descriptor{MediaType: mediaTypeConfig, Size: len(config), Digest: digestOf(config)},
		"layers":        []descriptor{{MediaType: mediaTypeLayer, Size: len(layer), Digest: digestOf(layer)}},
	}, "", "   ")
	return
}

// PushImage pushes a tiny image to repo:tag through the registry's HTTP API
// (blob uploads, then the manifest), authorised with an internal admin
// token (or the hidden htpasswd account on the basic front). It returns the
// manifest digest.
func (s *Sandbox) PushImage(ctx context.Context, repo, tag string) (string, error) {
	if repo == "" || tag == "" {
		return "", fmt.Errorf("push: repository and tag must not be empty")
	}
	authz, err := s.adminAuthorization(repo)
	if err != nil {
		return "", err
	}
	return pusher{client: s.client, base: s.URL(), authz: authz}.push(ctx, repo, tag)
}

// PushImageTo pushes the same tiny image to a registry outside the sandbox
// (the end-to-end tests' Debian registry), with the Authorization value
// given. It returns the manifest digest.
func PushImageTo(ctx context.Context, registryURL, authorization, repo, tag string) (string, error) {
	if repo == "" || tag == "" {
		return "", fmt.Errorf("push: repository and tag must not be empty")
	}
	return pusher{client: newLoopbackClient(), base: strings.TrimSuffix(registryURL, "/"), authz: authorization}.push(ctx, repo, tag)
}

// pusher uploads through one registry's API with one Authorization value.
type pusher struct {
	client *http.Client
	base   string
	authz  string
}

func (p pusher) push(ctx context.Context, repo, tag string) (string, error) {
	config, layer, manifest, err := tinyImage(repo, tag)
	if err != nil {
		return "", fmt.Errorf("push: building the image: %w", err)
	}
	for _, blob := range [][]byte{layer, config} {
		if err := p.uploadBlob(ctx, repo, blob); err != nil {
			return "", fmt.Errorf("push %s:%s: %w", repo, tag, err)
		}
	}
	want := digestOf(manifest)
	resp, err := p.do(ctx, http.MethodPut, p.base+"/v2/"+repo+"/manifests/"+tag, MediaTypeManifest, manifest)
	if err != nil {
		return "", fmt.Errorf("push %s:%s: manifest: %w", repo, tag, err)
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("push %s:%s: manifest: %s", repo, tag, statusErr(resp))
	}
	if got := resp.Header.Get("Docker-Content-Digest"); got != "" && got != want {
		return "", fmt.Errorf("push %s:%s: registry says digest %s, expected %s", repo, tag, got, want)
	}
	return want, nil
}

func (p pusher) uploadBlob(ctx context.Context, repo string, blob []byte) error {
	dgst := digestOf(blob)
	resp, err := p.do(ctx, http.MethodHead, p.base+"/v2/"+repo+"/blobs/"+dgst, "", nil)
	if err != nil {
		return fmt.Errorf("blob %s: %w", dgst, err)
	}
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	resp, err = p.do(ctx, http.MethodPost, p.base+"/v2/"+repo+"/blobs/uploads/", "", nil)
	if err != nil {
		return fmt.Errorf("starting upload: %w", err)
	}
	if resp.StatusCode != http.StatusAccepted {
		return fmt.Errorf("starting upload: %s", statusErr(resp))
	}
	loc, err := url.Parse(p.base + "/v2/")
	if err == nil {
		loc, err = loc.Parse(resp.Header.Get("Location"))
	}
	if err != nil {
		return fmt.Errorf("upload location %q: %w", resp.Header.Get("Location"), err)
	}
	q := loc.Query()
	q.Set("digest", dgst)
	loc.RawQuery = q.Encode()
	resp, err = p.do(ctx, http.MethodPut, loc.String(), "application/octet-stream", blob)
	if err != nil {
		return fmt.Errorf("uploading blob %s: %w", dgst, err)
	}
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("uploading blob %s: %s", dgst, statusErr(resp))
	}
	return nil
}

// do sends one request and returns the response with its body (at most
// 64 KiB) already read and buffered, so the connection is reused.
func (p pusher) do(ctx context.Context, method, u, contentType string, body []byte) (*http.Response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("User-Agent", pushUserAgent)
	if p.authz != "" {
		req.Header.Set("Authorization", p.authz)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp, nil
}

func statusErr(resp *http.Response) string {
	b, _ := io.ReadAll(resp.Body)
	msg := strings.TrimSpace(string(b))
	if len(msg) > 300 {
		msg = msg[:300] + "..."
	}
	if msg == "" {
		return resp.Status
	}
	return resp.Status + ": " + msg
}

// adminAuthorization is the Authorization header PushImage uses: a token
// the registry accepts whatever the token service is set up to get wrong,
// or Basic with the hidden htpasswd account.
func (s *Sandbox) adminAuthorization(repo string) (string, error) {
	if s.like == LikeBasic {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(adminUser+":"+s.adminPass)), nil
	}
	access := []scope{{Type: "repository", Name: repo, Actions: []string{"pull", "push"}}}
	tok, err := mintToken(s.signer, KidThumbprint, s.issuer, s.service, adminUser, access, time.Now(), 5*time.Minute)
	if err != nil {
		return "", fmt.Errorf("push: minting the admin token: %w", err)
	}
	return "Bearer " + tok, nil
}

// pushUserAgent marks the sandbox's own pushes (ReadOnly lets them through).
const pushUserAgent = "regauth-sandbox/push"

// AdminAuthorization is an Authorization value granting pull and push on
// repo (tests use it to look at what a trace left behind).
func (s *Sandbox) AdminAuthorization(repo string) (string, error) {
	return s.adminAuthorization(repo)
}

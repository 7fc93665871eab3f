package sandbox

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestTokenPOSTStatus(t *testing.T) {
	for _, code := range []int{400, 403, 404, 500} {
		s, err := Start(context.Background(), Options{Like: LikeDockerHub, TokenPOSTStatus: code})
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {DefaultUsers["alice"]}, "service": {s.Service()}, "client_id": {"containerd-client"}}
		resp, err := http.PostForm(s.TokenURL(), form)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		html := strings.Contains(resp.Header.Get("Content-Type"), "html")
		if resp.StatusCode != code || html != (code >= 500) {
			t.Errorf("POST: %d %s %q, want %d", resp.StatusCode, resp.Header.Get("Content-Type"), body, code)
		}
		req, _ := http.NewRequest(http.MethodGet, s.TokenURL()+"?service="+url.QueryEscape(s.Service()), nil)
		req.SetBasicAuth("alice", DefaultUsers["alice"])
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET still works: got %d", resp.StatusCode)
		}
		s.Close()
	}
}

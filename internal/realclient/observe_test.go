package realclient

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// TestObserve prints what each real client sends (REGAUTH_OBSERVE=1): the
// raw material for the client profiles.
func TestObserve(t *testing.T) {
	if os.Getenv("REGAUTH_OBSERVE") == "" {
		t.Skip("REGAUTH_OBSERVE=1 prints the real clients' wire")
	}
	ctx := context.Background()
	only := os.Getenv("REGAUTH_OBSERVE_CLIENT")
	var ctrd *Containerd
	var dkd *Dockerd
	type scen struct {
		like       sandbox.Like
		post       int
		user, pass string
		repo       string
	}
	var scens []scen
	tagN := 0
	for _, l := range sandbox.Likes {
		scens = append(scens, scen{l, 0, "alice", "alice-sandbox-pw", "library/hello"}, scen{l, 0, "alice", "wrong", "library/hello"}, scen{l, 0, "", "", "library/hello"}, scen{l, 0, "bob", "bob-sandbox-pw", "private/secret"})
	}
	for _, l := range []sandbox.Like{sandbox.LikeDistribution, sandbox.LikeHarbor, sandbox.LikeDockerHub} {
		for _, p := range []int{404, 400, 403, 500} {
			scens = append(scens, scen{l, p, "alice", "alice-sandbox-pw", "library/hello"})
		}
	}
	for _, sc := range scens {
		sb, err := sandbox.Start(ctx, sandbox.Options{Like: sc.like, TokenPOSTStatus: sc.post})
		if err != nil {
			t.Fatal(err)
		}
		var ref string // set before each client runs
		clients := map[string]func() Result{
			"ctr": func() Result {
				if ctrd == nil {
					ctrd = StartContainerd(t)
				}
				return ctrd.Fetch(ctx, ref, sc.user, sc.pass)
			},
			"ctr-refresh": func() Result {
				if ctrd == nil {
					ctrd = StartContainerd(t)
				}
				rt, err := observeRefreshToken(sb, sc.user, sc.pass)
				sb.ResetRequests()
				if err != nil {
					return Result{Err: err, Output: err.Error()}
				}
				return ctrd.FetchRefresh(ctx, ref, rt)
			},
			"skopeo": func() Result { return Skopeo(ctx, t, ref, sc.user, sc.pass) },
			"crane":  func() Result { return Crane(ctx, t, ref, sc.user, sc.pass) },
			"regctl": func() Result { return Regctl(ctx, t, ref, sc.user, sc.pass) },
			"oras":   func() Result { return Oras(ctx, t, ref, sc.user, sc.pass) },
			"dockerd": func() Result {
				if dkd == nil {
					dkd = StartDockerd(t, []string{"127.0.0.0/8"})
				}
				return dkd.Pull(ctx, t, ref, sc.user, sc.pass)
			},
			"skopeo-login": func() Result { return SkopeoLogin(ctx, t, sb.Host(), sc.user, sc.pass) },
			"oras-login":   func() Result { return OrasLogin(ctx, t, sb.Host(), sc.user, sc.pass) },
			"regctl-login": func() Result { return RegctlLogin(ctx, t, sb.Host(), sc.user, sc.pass) },
			"docker-login": func() Result { return DockerLogin(ctx, t, sb.Host(), sc.user, sc.pass) },
		}
		for _, name := range []string{"ctr", "ctr-refresh", "skopeo", "crane", "regctl", "oras", "dockerd", "skopeo-login", "oras-login", "regctl-login", "docker-login"} {
			if only != "" && !strings.Contains(","+only+",", ","+name+",") {
				continue
			}
			if strings.HasSuffix(name, "-login") && sc.user == "" {
				continue
			}
			// An identity token only where docker login gets one.
			if name == "ctr-refresh" && (sc.like == sandbox.LikeBasic || sc.like == sandbox.LikeHarbor || sc.user != "alice" || sc.pass != sb.Users()["alice"]) {
				continue
			}
			// A tag of its own (so digests of its own): content stores
			// skip what an earlier run fetched.
			tagN++
			tag := fmt.Sprintf("obs%d", tagN)
			for _, img := range []string{"library/hello", "private/secret"} {
				if _, err := sb.PushImage(ctx, img, tag); err != nil {
					t.Fatal(err)
				}
			}
			ref = sb.Host() + "/" + sc.repo + ":" + tag
			sb.ResetRequests()
			res := clients[name]()
			var b strings.Builder
			fmt.Fprintf(&b, "### %s like=%s post=%d user=%q pass=%q repo=%s ok=%v\n", name, sc.like, sc.post, sc.user, sc.pass, sc.repo, res.OK())
			for _, r := range sb.Requests() {
				role := "reg"
				if r.Host != sb.Host() {
					role = "tok"
				}
				fmt.Fprintf(&b, "  %s %s %s?%s auth=%s -> %d", r.Method, role, r.Path, r.RawQuery, r.AuthScheme, r.Status)
				if r.Body != "" {
					fmt.Fprintf(&b, " form=%s ct=%q", mask(r.Body, sc.pass), r.Header.Get("Content-Type"))
				}
				fmt.Fprintf(&b, "\n     UA=%q Accept=%q", r.UserAgent, r.Header.Values("Accept"))
				for k := range r.Header {
					switch k {
					case "User-Agent", "Accept", "Authorization", "Content-Type", "Content-Length", "Accept-Encoding", "Connection":
						continue
					}
					fmt.Fprintf(&b, " %s=%q", k, r.Header.Values(k))
				}
				if ae := r.Header.Get("Accept-Encoding"); ae != "" && ae != "gzip" {
					fmt.Fprintf(&b, " Accept-Encoding=%q", ae)
				}
				b.WriteString("\n")
			}
			if !res.OK() {
				fmt.Fprintf(&b, "  ERR: %s\n", tailLines(res.Output, 3))
			}
			fmt.Print(b.String())
		}
		sb.Close()
	}
}

// tailLines is the last n non-empty lines of out, joined by " / ".
func tailLines(out string, n int) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, strings.TrimRight(l, "\r"))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " / ")
}

// observeRefreshToken gets a refresh token as docker login does (GET with
// offline_token=true).
func observeRefreshToken(sb *sandbox.Sandbox, user, pass string) (string, error) {
	q := url.Values{"service": {sb.Service()}, "offline_token": {"true"}, "client_id": {"docker"}, "account": {user}}
	req, err := http.NewRequest(http.MethodGet, sb.TokenURL()+"?"+q.Encode(), nil)
	if err != nil {
		return "", err
	}
	req.SetBasicAuth(user, pass)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var tr struct {
		RefreshToken string `json:"refresh_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil || tr.RefreshToken == "" {
		return "", fmt.Errorf("no refresh token (%d): %v", resp.StatusCode, err)
	}
	return tr.RefreshToken, nil
}

// TestObservePush prints what each real client sends when it pushes
// (REGAUTH_OBSERVE=1).
func TestObservePush(t *testing.T) {
	if os.Getenv("REGAUTH_OBSERVE") == "" {
		t.Skip("REGAUTH_OBSERVE=1 prints the real clients' push wire")
	}
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeHarbor})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	if _, err := sb.PushImage(ctx, "library/hello", "latest"); err != nil {
		t.Fatal(err)
	}
	tarball := t.TempDir() + "/img.tar"
	if r := CranePull(ctx, t, sb.Host()+"/library/hello:latest", "alice", "alice-sandbox-pw", tarball); !r.OK() {
		t.Fatal(r)
	}
	for _, c := range []struct {
		name string
		run  func(ref, user, pass string) Result
	}{
		{"crane", func(ref, u, p string) Result { return CranePush(ctx, t, tarball, ref, u, p) }},
		{"skopeo", func(ref, u, p string) Result { return SkopeoPush(ctx, t, tarball, ref, u, p) }},
		{"regctl", func(ref, u, p string) Result { return RegctlPush(ctx, t, tarball, ref, u, p) }},
	} {
		for _, who := range [][2]string{{"alice", "alice-sandbox-pw"}, {"bob", "bob-sandbox-pw"}} {
			sb.ResetRequests()
			res := c.run(sb.Host()+"/library/pushed-"+c.name+":"+who[0], who[0], who[1])
			fmt.Printf("### %s push as %s ok=%v\n", c.name, who[0], res.OK())
			for _, r := range sb.Requests() {
				fmt.Printf("  %s %s?%s auth=%s -> %d loc=%q\n", r.Method, r.Path, r.RawQuery, r.AuthScheme, r.Status, r.Header.Get("Content-Type"))
			}
			if !res.OK() {
				fmt.Printf("  ERR: %s\n", res.LastLine())
			}
		}
	}
}

// mask hides the password (as sent, and form-encoded) in a form body.
func mask(body, pass string) string {
	if pass == "" {
		return body
	}
	body = strings.ReplaceAll(body, url.QueryEscape(pass), "***")
	return strings.ReplaceAll(body, pass, "***")
}

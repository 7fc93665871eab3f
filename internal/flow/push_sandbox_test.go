package flow

// push-trace against the real distribution registry in the sandbox: what a
// push is allowed to do, and that nothing is left behind.

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

func pushAs(t *testing.T, sb *sandbox.Sandbox, client, user, pass, image string, edit func(*PushRequest)) (*Trace, *PushReport) {
	t.Helper()
	ref, err := imageref.Parse(sb.Host() + "/" + image)
	if err != nil {
		t.Fatal(err)
	}
	prof, err := LookupProfile(client)
	if err != nil {
		t.Fatal(err)
	}
	if pass == "" && user != "" {
		pass = sb.Users()[user]
	}
	o := sandboxOpts(sb, user, pass)
	o.Registry, o.PlainHTTP, o.Profile = ref.Registry, true, prof
	o.Anonymous = user == ""
	req := PushRequest{Image: ref}
	if edit != nil {
		edit(&req)
	}
	return Push(context.Background(), o, req)
}

func codesOf(tr *Trace) map[diagnose.Code]bool {
	m := map[diagnose.Code]bool{}
	for _, d := range tr.Diagnoses {
		m[d.Code] = true
	}
	return m
}

func TestPushAllowedLeavesNothing(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr, rep := pushAs(t, sb, "docker", "alice", "", "library/new:1", nil)
	if !tr.OK() {
		t.Fatalf("alice may push library/new: %s\n%s", tr.Summary, diagText(tr))
	}
	wantWire(t, wireOf(sb),
		"GET /v2/ ",
		"GET /service/token Basic",
		"HEAD /v2/library/new/blobs/"+EmptyBlob+" Bearer",
		"POST /v2/library/new/blobs/uploads/ Bearer",
		"GET /service/token Basic",
		"DELETE "+pathOf(rep.Upload.Location)+" Bearer")
	if q := sb.Requests()[1].RawQuery; q != "account=alice&scope=repository%3Alibrary%2Fnew%3Apush%2Cpull&service=harbor-registry" {
		t.Errorf("Docker's push token query %q", q)
	}
	if !strings.Contains(sb.Requests()[4].RawQuery, "delete") {
		t.Errorf("the clean-up token asks for delete: %q", sb.Requests()[4].RawQuery)
	}
	if rep.Upload == nil || !rep.Upload.Cancelled || rep.Upload.UUID == "" {
		t.Fatalf("upload %+v", rep.Upload)
	}
	for _, r := range sb.Requests() {
		if r.Method == http.MethodPatch || r.Method == http.MethodPut {
			t.Errorf("push-trace wrote: %s %s", r.Method, r.Path)
		}
	}
	// The session is gone: its Location answers 404 BLOB_UPLOAD_UNKNOWN.
	status, body := adminGet(t, sb, "library/new", rep.Upload.Location)
	if status != http.StatusNotFound || !strings.Contains(body, "BLOB_UPLOAD_UNKNOWN") {
		t.Errorf("after push-trace the session answers %d %s", status, body)
	}
	if tr.Token == nil || tr.Token.Decoded == nil || len(tr.Token.Decoded.Access) == 0 || tr.Token.Decoded.Access[0].Actions[0] != "push" {
		t.Errorf("the trace's token is the push token, not the clean-up's: %+v", tr.Token)
	}
}

func TestPushRefusals(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	cases := []struct {
		name, user, pass string
		want             diagnose.Code
	}{
		{"pull only", "bob", "", diagnose.PushDenied},
		{"push only", "carol", "", diagnose.PushWithoutPull},
		{"anonymous", "", "", diagnose.PushDenied},
		{"wrong password", "alice", "not-the-password", diagnose.BadCredentials},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sb.ResetRequests()
			tr, rep := pushAs(t, sb, "docker", c.user, c.pass, "library/new:1", nil)
			if tr.OK() || !codesOf(tr)[c.want] {
				t.Fatalf("want refused with %s: %s\n%s", c.want, tr.Summary, diagText(tr))
			}
			if rep.Upload != nil {
				t.Errorf("no session may be open: %+v", rep.Upload)
			}
		})
	}
	sb.ResetRequests()
	tr, _ := pushAs(t, sb, "docker", "bob", "", "library/new:1", nil)
	if tr.Summary != "denied: requested access to the resource is denied" {
		t.Errorf("docker push's line: %q", tr.Summary)
	}
}

func TestPushUploadNotCancelled(t *testing.T) {
	access := append([]sandbox.Rule{{User: "dave", Repo: "library/*", Actions: []string{"pull", "push"}}}, sandbox.DefaultAccess...)
	users := map[string]string{"dave": "dave-pw"}
	for k, v := range sandbox.DefaultUsers {
		users[k] = v
	}
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor, Users: users, Access: access})
	tr, rep := pushAs(t, sb, "docker", "dave", "", "library/new:1", nil)
	if !tr.OK() || rep.Upload == nil || rep.Upload.Cancelled || !codesOf(tr)[diagnose.UploadNotCancelled] {
		t.Fatalf("dave may push but not delete: %s %+v\n%s", tr.Summary, rep.Upload, diagText(tr))
	}
	if !strings.Contains(rep.Upload.Left, rep.Upload.UUID) || !strings.Contains(rep.Upload.Left, "uploadpurging") {
		t.Errorf("what is left: %q", rep.Upload.Left)
	}
}

func TestPushReadOnlyRegistry(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor, ReadOnly: true})
	tr, _ := pushAs(t, sb, "docker", "alice", "", "library/new:1", nil)
	if tr.OK() || !codesOf(tr)[diagnose.UploadNotSupported] {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
}

func TestPushContainerdSequence(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	tr, _ := pushAs(t, sb, "containerd", "alice", "", "library/new:1", nil)
	if !tr.OK() {
		t.Fatalf("%s\n%s", tr.Summary, diagText(tr))
	}
	got := wireOf(sb)
	wantWire(t, got[:6],
		"HEAD /v2/library/new/blobs/"+EmptyBlob+" ",
		"POST /service/token ",
		"GET /service/token Basic",
		"HEAD /v2/library/new/blobs/"+EmptyBlob+" Bearer",
		"POST /v2/library/new/blobs/uploads/ Bearer",
		"POST /service/token ")
	// containerd's pull,push merged with the challenge's pull.
	if q := sb.Requests()[2].RawQuery; q != "scope=repository%3Alibrary%2Fnew%3Apull&scope=repository%3Alibrary%2Fnew%3Apull%2Cpush&service=harbor-registry" {
		t.Errorf("containerd's fallback GET %q", q)
	}
}

func TestPushMount(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{Like: sandbox.LikeHarbor})
	for _, img := range []string{"library/base", "other/src"} {
		if _, err := sb.PushImage(context.Background(), img, "1"); err != nil {
			t.Fatal(err)
		}
	}
	src := func(s string) func(*PushRequest) {
		return func(r *PushRequest) {
			ref, _ := imageref.Parse(sb.Host() + "/" + s)
			r.MountFrom = &ref
		}
	}
	sb.ResetRequests()
	tr, rep := pushAs(t, sb, "docker", "alice", "", "library/new:1", src("library/base:1"))
	if !tr.OK() || rep.Mount == nil || rep.Mount.Sent || rep.Mount.Digest == "" {
		t.Fatalf("without --allow-write: %s %+v", tr.Summary, rep.Mount)
	}
	for _, r := range sb.Requests() {
		if strings.Contains(r.RawQuery, "mount=") {
			t.Errorf("a mount request reached the registry without --allow-write: %s?%s", r.Path, r.RawQuery)
		}
	}
	if len(rep.Scopes) != 2 {
		t.Errorf("the scope table shows both repositories: %+v", rep.Scopes)
	}

	sb.ResetRequests()
	tr, rep = pushAs(t, sb, "docker", "alice", "", "library/new:1", func(r *PushRequest) { src("library/base:1")(r); r.AllowWrite = true })
	if !tr.OK() || rep.Mount.Outcome != "mounted" || rep.Mount.Status != http.StatusCreated {
		t.Fatalf("with --allow-write: %s %+v\n%s", tr.Summary, rep.Mount, diagText(tr))
	}

	sb.ResetRequests()
	tr, rep = pushAs(t, sb, "docker", "alice", "", "library/new:1", func(r *PushRequest) { src("other/src:1")(r); r.AllowWrite = true })
	if tr.OK() || !codesOf(tr)[diagnose.MountRefused] || rep.Mount.Outcome != "refused" {
		t.Fatalf("alice cannot read other/src: %s %+v\n%s", tr.Summary, rep.Mount, diagText(tr))
	}

	sb.ResetRequests()
	tr, _ = pushAs(t, sb, "docker", "alice", "", "library/new:1", func(r *PushRequest) {
		ref, _ := imageref.Parse("registry.example.com/library/base:1")
		r.MountFrom = &ref
	})
	if tr.OK() || !codesOf(tr)[diagnose.MountCrossHost] || len(sb.Requests()) != 0 || len(tr.Steps) != 0 {
		t.Fatalf("cross-host: nothing sent: %s, %d requests", tr.Summary, len(sb.Requests()))
	}
}

// adminGet reads a URL of the sandbox with the admin's rights on repo.
func adminGet(t *testing.T, sb *sandbox.Sandbox, repo, url string) (int, string) {
	t.Helper()
	authz, err := sb.AdminAuthorization(repo)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", authz)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b := make([]byte, 4096)
	n, _ := resp.Body.Read(b)
	return resp.StatusCode, string(b[:n])
}

package flow

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/sandbox"
)

// A login-trace against each sandbox front names the flavour that front
// imitates, from the wire alone (the fronts all listen on 127.0.0.1, so no
// host name helps).
func TestSandboxLoginNamesFlavour(t *testing.T) {
	tests := []struct {
		like sandbox.Like
		want string
	}{
		{sandbox.LikeHarbor, "harbor"},
		{sandbox.LikeDockerHub, "dockerhub"},
		{sandbox.LikeDistribution, "distribution"},
		{sandbox.LikeBasic, "distribution"},
		{sandbox.LikeGHCR, "ghcr"},
		{sandbox.LikeGitLab, "gitlab"},
		{sandbox.LikeECR, "ecr"},
		{sandbox.LikeACR, "acr"},
		{sandbox.LikeQuay, "quay"},
		{sandbox.LikeArtifactory, "artifactory"},
	}
	for _, tt := range tests {
		t.Run(string(tt.like), func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Like: tt.like})
			tr := Login(context.Background(), sandboxOpts(sb, "alice", sb.Users()["alice"]))
			if !tr.OK() {
				t.Fatalf("login should succeed: %s\n%s", tr.Summary, diagText(tr))
			}
			if tr.Flavour == nil || tr.Flavour.ID != tt.want {
				t.Fatalf("flavour %+v, want %s", tr.Flavour, tt.want)
			}
			if tr.Flavour.Why == "" {
				t.Errorf("no why")
			}
		})
	}
}

// The flavour's specifics reach the diagnoses a real trace against each
// front produces.
func TestSandboxFlavourHints(t *testing.T) {
	containerd := func(o *Options) {
		p, err := LookupProfile("containerd")
		if err != nil {
			t.Fatal(err)
		}
		o.Profile = p
	}
	pull := func(user, image string, edit func(*Options)) func(*testing.T, *sandbox.Sandbox) *Trace {
		return func(t *testing.T, sb *sandbox.Sandbox) *Trace {
			tr, _ := pullAsWith(t, sb, user, image, edit)
			return tr
		}
	}
	push := func(user, image string, expect time.Duration) func(*testing.T, *sandbox.Sandbox) *Trace {
		return func(t *testing.T, sb *sandbox.Sandbox) *Trace {
			tr, _ := pushAs(t, sb, "docker", user, "", image, func(r *PushRequest) { r.ExpectUpload = expect })
			return tr
		}
	}
	tests := []struct {
		name    string
		like    sandbox.Like
		run     func(*testing.T, *sandbox.Sandbox) *Trace
		code    diagnose.Code
		hintHas string
	}{
		{"harbor empty grant", sandbox.LikeHarbor, pull("bob", "private/secret:latest", nil), diagnose.InsufficientScope, "Harbor issues a token with empty actions"},
		{"ghcr private like absent", sandbox.LikeGHCR, pull("", "private/secret:latest", nil), diagnose.NoCredentials, "missing package and a private one alike"},
		{"gitlab cuts the grant", sandbox.LikeGitLab, push("bob", "library/hello:latest", 0), diagnose.InsufficientScope, "GitLab cuts the grant down silently"},
		{"gitlab token lifetime", sandbox.LikeGitLab, push("alice", "alice/big:latest", 10*time.Minute), diagnose.TokenExpiresDuringUpload, "5 min on self-managed"},
		{"quay cuts the grant", sandbox.LikeQuay, pull("bob", "private/secret:latest", nil), diagnose.InsufficientScope, "Quay cuts the grant down silently"},
		{"acr POST 400", sandbox.LikeACR, pull("alice", "library/hello:latest", containerd), diagnose.OAuthFallback, "ACR is known to answer the password-grant POST with 400"},
		{"acr invalid_token unprompted", sandbox.LikeACR, pull("alice", "library/hello:latest", nil), diagnose.FlavourExpected, "Nothing to fix"},
		{"artifactory POST 401", sandbox.LikeArtifactory, pull("alice", "library/hello:latest", containerd), diagnose.OAuthFallback, "Artifactory is known to answer the OAuth2 POST with 401"},
		{"artifactory upstream credentials", sandbox.LikeArtifactory, pull("alice", "remote/hello:latest", nil), diagnose.UpstreamCredentials, "administrator"},
		{"ecr IAM denial", sandbox.LikeECR, pull("bob", "private/secret:latest", nil), diagnose.AccessDenied, "lacks the ecr: action"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sb := startSandbox(t, sandbox.Options{Like: tt.like})
			for _, repo := range []string{"library/hello", "private/secret"} {
				if _, err := sb.PushImage(context.Background(), repo, "latest"); err != nil {
					t.Fatal(err)
				}
			}
			tr := tt.run(t, sb)
			if tr.Flavour == nil || tr.Flavour.ID != string(tt.like) {
				t.Fatalf("flavour %+v, want %s", tr.Flavour, tt.like)
			}
			if tt.code == diagnose.UpstreamCredentials && tr.Diagnoses[0].Code != tt.code {
				t.Errorf("the upstream's credentials are not the first cause:\n%s", diagText(tr))
			}
			for _, d := range tr.Diagnoses {
				if d.Code == tt.code {
					if !strings.Contains(d.Hint, tt.hintHas) {
						t.Errorf("%s hint lacks %q: %s", d.Code, tt.hintHas, d.Hint)
					}
					return
				}
			}
			t.Errorf("no %s; got:\n%s", tt.code, diagText(tr))
		})
	}
}

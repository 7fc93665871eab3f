package flow

import (
	"context"
	"testing"

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
			t.Logf("%s: %s (%s) %v", tt.like, tr.Flavour.Name, tr.Flavour.Why, tr.Diagnoses)
		})
	}
}

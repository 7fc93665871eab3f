package credkind

import (
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// Tokens that announce themselves with a public prefix. The prefix is
// documented by its issuer and shown as is; nothing after it ever is.

// byPrefix recognises Docker Hub, GitHub, GitLab and Zot tokens.
func (c *classifier) byPrefix() bool {
	s := c.in.Secret
	switch {
	case strings.HasPrefix(s, "dckr_pat_"):
		c.set("dockerhub-pat", "Docker Hub personal access token", "dckr_pat_")
		c.fits("Docker Hub personal access token", false, famHub)
	case strings.HasPrefix(s, "dckr_oat_"):
		c.set("dockerhub-org-token", "Docker Hub organisation access token", "dckr_oat_")
		c.fact("username", "must be the organisation's name")
		c.fits("Docker Hub organisation access token", false, famHub)
		if u := c.in.Username; u == "" || strings.Contains(u, "@") {
			c.find(diagnose.CredentialWrongUsername, fmt.Sprintf("a Docker Hub organisation access token (dckr_oat_) is used with the username %q; Docker Hub accepts it only with the organisation's name as the username", u), "")
		}
	case strings.HasPrefix(s, "ghp_"):
		c.set("github-classic-pat", "GitHub personal access token (classic)", "ghp_")
		c.fact("ghcr.io needs", "the read:packages scope (write:packages to push)")
		c.github("GitHub personal access token")
	case strings.HasPrefix(s, "github_pat_"):
		c.set("github-fine-grained-pat", "GitHub fine-grained personal access token", "github_pat_")
		c.github("GitHub fine-grained personal access token")
		if c.host.family == famGHCR {
			c.find(diagnose.GHCRNeedsClassicPAT, "a GitHub fine-grained personal access token (github_pat_) is stored for ghcr.io, which accepts only classic tokens (ghp_); it answers \"denied: permission_denied: The token provided does not match expected scopes.\"", "")
		}
	case strings.HasPrefix(s, "gho_"):
		c.set("github-oauth", "GitHub OAuth access token (gh auth token)", "gho_")
		c.fact("ghcr.io needs", "the read:packages scope: gh auth refresh -s read:packages")
		c.github("GitHub OAuth access token")
	case strings.HasPrefix(s, "ghu_"):
		c.set("github-oauth", "GitHub App user access token", "ghu_")
		c.github("GitHub App user access token")
	case strings.HasPrefix(s, "ghs_"):
		c.set("github-actions", "GitHub Actions / GitHub App installation token (GITHUB_TOKEN)", "ghs_")
		c.fact("lifetime", "until the job ends (GITHUB_TOKEN), at most 1h for an app installation")
		c.github("GitHub installation token")
		c.stored("a GitHub installation token (ghs_, the Actions GITHUB_TOKEN)")
	case strings.HasPrefix(s, "glpat-"):
		c.set("gitlab-pat", "GitLab personal, project or group access token", "glpat-")
		c.fact("registry needs", "the read_registry scope (write_registry to push)")
		c.gitlab("GitLab access token")
	case strings.HasPrefix(s, "gldt-"):
		c.set("gitlab-deploy-token", "GitLab deploy token", "gldt-")
		c.fact("username", "the deploy token's own username (gitlab+deploy-token-N unless set)")
		c.gitlab("GitLab deploy token")
	case strings.HasPrefix(s, "glcbt-"):
		c.set("gitlab-ci-build-token", "GitLab CI/CD job token", "glcbt-")
		c.gitlab("GitLab CI/CD job token")
		c.jobTokenUser()
		c.stored("a GitLab CI/CD job token (glcbt-)")
	case strings.HasPrefix(s, "zak_"):
		c.set("zot-api-key", "Zot API key", "zak_")
		c.fact("username", "must be the key's owner; the key may expire")
		c.fits("Zot API key", true)
	default:
		return false
	}
	return true
}

func (c *classifier) github(what string) {
	// GitHub Enterprise Server serves its registry under its own host name.
	c.fits(what, true, famGHCR)
}

func (c *classifier) gitlab(what string) {
	c.fits(what, true, famGitLab)
}

// jobTokenUser checks the username a GitLab job token needs.
func (c *classifier) jobTokenUser() {
	if c.in.Username != "gitlab-ci-token" {
		c.find(diagnose.CredentialWrongUsername, fmt.Sprintf("a GitLab CI/CD job token is used with the username %q; GitLab's registry accepts it only as gitlab-ci-token", c.in.Username), "")
	}
}

// stored reports a token that dies with its CI job kept in a file.
func (c *classifier) stored(what string) {
	if c.in.Stored {
		c.find(diagnose.JobTokenStored, what+" is stored; it stops working when its job ends", "")
	}
}

package credkind

import (
	"net"
	"strings"
)

// family is the registry service a host name belongs to, as far as the
// name alone says. "" is a host regauth cannot place (self-hosted, a
// mirror): no kind is ever out of place there unless it only exists on a
// hosted service.
type family string

const (
	famHub       family = "dockerhub"
	famGHCR      family = "ghcr"
	famGitLab    family = "gitlab"
	famECR       family = "ecr"
	famECRPublic family = "ecr-public"
	famGoogle    family = "google"
	famACR       family = "acr"
	famQuay      family = "quay"
)

// String is the family's name in messages.
func (f family) String() string {
	switch f {
	case famHub:
		return "Docker Hub"
	case famGHCR:
		return "GitHub Container Registry"
	case famGitLab:
		return "GitLab"
	case famECR:
		return "Amazon ECR"
	case famECRPublic:
		return "Amazon ECR Public"
	case famGoogle:
		return "Google Artifact Registry / GCR"
	case famACR:
		return "Azure Container Registry"
	case famQuay:
		return "Quay"
	}
	return "an unrecognised registry"
}

// host is a registry name reduced to what classification needs.
type host struct {
	name    string // lower-cased, no scheme, path or port
	family  family
	account string // ECR only
	region  string // ECR only
}

// parseHost reads a registry as a config key or a user writes it:
// "https://index.docker.io/v1/", "ghcr.io", "reg.example:5000/path".
func parseHost(s string) host {
	s = strings.ToLower(strings.TrimSpace(s))
	if i := strings.Index(s, "://"); i >= 0 {
		s = s[i+3:]
	}
	if i := strings.IndexAny(s, "/?#"); i >= 0 {
		s = s[:i]
	}
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[i+1:]
	}
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	s = strings.TrimSuffix(s, ".")
	h := host{name: s}
	h.family, h.account, h.region = placeHost(s)
	return h
}

func placeHost(s string) (family, string, string) {
	switch s {
	case "docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com":
		return famHub, "", ""
	case "ghcr.io", "docker.pkg.github.com":
		return famGHCR, "", ""
	case "registry.gitlab.com", "gitlab.com":
		return famGitLab, "", ""
	case "public.ecr.aws":
		return famECRPublic, "", ""
	case "gcr.io", "pkg.dev":
		return famGoogle, "", ""
	case "quay.io":
		return famQuay, "", ""
	}
	if acct, region, ok := ecrHost(s); ok {
		return famECR, acct, region
	}
	labels := strings.Split(s, ".")
	switch {
	case strings.HasSuffix(s, ".gcr.io"), strings.HasSuffix(s, ".pkg.dev"):
		return famGoogle, "", ""
	case strings.HasSuffix(s, ".azurecr.io"), strings.HasSuffix(s, ".azurecr.cn"), strings.HasSuffix(s, ".azurecr.us"):
		return famACR, "", ""
	}
	// Self-managed GitLab puts its registry on a host named after it often
	// enough (registry.gitlab.example.com) to count a "gitlab" label.
	for _, l := range labels[:max(len(labels)-1, 0)] {
		if l == "gitlab" {
			return famGitLab, "", ""
		}
	}
	return "", "", ""
}

// ecrHost reads ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn] and the
// dual-stack ACCOUNT.dkr-ecr[-fips].REGION.on.aws.
func ecrHost(s string) (account, region string, ok bool) {
	l := strings.Split(s, ".")
	if len(l) < 5 || !twelveDigits(l[0]) {
		return "", "", false
	}
	switch {
	case len(l) >= 6 && l[1] == "dkr" && (l[2] == "ecr" || l[2] == "ecr-fips") && l[4] == "amazonaws" && l[5] == "com" && (len(l) == 6 || len(l) == 7 && l[6] == "cn"):
		return l[0], l[3], true
	case len(l) == 5 && (l[1] == "dkr-ecr" || l[1] == "dkr-ecr-fips") && l[3] == "on" && l[4] == "aws":
		return l[0], l[2], true
	}
	return "", "", false
}

func twelveDigits(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

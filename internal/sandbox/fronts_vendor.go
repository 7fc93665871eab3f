package sandbox

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"time"
)

// The vendor fronts: the same distribution registry and token service,
// answering on the wire as the hosted registries do (challenge, realm,
// headers, token form, error bodies). Sources: the research notes in
// /work/shared/reference/registry-flavours.md; what they leave open is
// marked "sandbox guess" where it is used.
const (
	LikeGHCR        Like = "ghcr"        // ghcr.io: realm /token, service ghcr.io, opaque v1: tokens
	LikeGitLab      Like = "gitlab"      // GitLab: realm /jwt/auth on a second host, service container_registry
	LikeECR         Like = "ecr"         // Amazon ECR: Basic only, service ecr.amazonaws.com, user AWS
	LikeACR         Like = "acr"         // Azure: realm /oauth2/token, error="invalid_token" on every 401, POST password grant 400
	LikeQuay        Like = "quay"        // Quay: realm /v2/auth, /v2/ 401 body "true"
	LikeArtifactory Like = "artifactory" // JFrog: realm /artifactory/api/docker/REPO/v2/token, Artifactory headers and error bodies
)

// vendorLikes are the fronts of this file, in --help order.
var vendorLikes = []Like{LikeGHCR, LikeGitLab, LikeECR, LikeACR, LikeQuay, LikeArtifactory}

// Realm paths and names of the vendor fronts.
const (
	artifactoryRepo  = "docker-local"
	artifactoryRealm = "/artifactory/api/docker/" + artifactoryRepo + "/v2/token"
	ecrUser          = "AWS"
)

// vendorTokenAuth sets the service, issuer and realm a vendor front's
// registry is configured with.
func (s *Sandbox) vendorTokenAuth() error {
	switch s.like {
	case LikeGHCR:
		s.service, s.issuer, s.tokenURL = "ghcr.io", "ghcr.io", s.reg.url()+"/token"
	case LikeGitLab:
		tok, err := s.listenSecondHost()
		if err != nil {
			return err
		}
		s.tok = tok
		s.service, s.issuer, s.tokenURL = "container_registry", "gitlab-issuer", tok.url()+"/jwt/auth"
	case LikeECR:
		// ECR's realm is the registry itself; the front answers Basic.
		s.service, s.issuer, s.tokenURL = "ecr.amazonaws.com", "ecr-sandbox-issuer", s.reg.url()+"/"
	case LikeACR:
		s.service, s.issuer, s.tokenURL = s.reg.host(), "Azure Container Registry", s.reg.url()+"/oauth2/token"
	case LikeQuay:
		s.service, s.issuer, s.tokenURL = s.reg.host(), "quay", s.reg.url()+"/v2/auth"
	case LikeArtifactory:
		s.service, s.issuer, s.tokenURL = "artifactory", "jfrt@01sandbox", s.reg.url()+artifactoryRealm
	default:
		return fmt.Errorf("no token layout for front %q", s.like)
	}
	return nil
}

// vendorFront is the handler in front of the registry (and, for GitLab,
// starts the second host's token service).
func (s *Sandbox) vendorFront() http.Handler {
	switch s.like {
	case LikeGHCR:
		return s.ghcrFront()
	case LikeGitLab:
		s.tok.serve(s.rec.wrap(s.gitlabTokenHost()))
		return s.gitlabFront()
	case LikeECR:
		return s.ecrFront()
	case LikeACR:
		return s.acrFront()
	case LikeQuay:
		return s.quayFront()
	case LikeArtifactory:
		return s.artifactoryFront()
	}
	return s.app
}

// listenSecondHost binds the token service's own host (127.0.0.2), or
// another port of 127.0.0.1 where only that is routed.
func (s *Sandbox) listenSecondHost() (*endpoint, error) {
	tok, err := listen("127.0.0.2", s.tok2TLS)
	if err == nil {
		return tok, nil
	}
	s.notes = append(s.notes, fmt.Sprintf("cannot bind 127.0.0.2 (%v); the token service runs on another port of 127.0.0.1", err))
	if tok, err = listen("127.0.0.1", s.tok2TLS); err != nil {
		return nil, fmt.Errorf("listening on loopback for the token service: %w", err)
	}
	return tok, nil
}

// frontUsers are a front's default accounts: DefaultUsers, and for ECR
// also AWS with an ECR-shaped authorization token as its password.
func frontUsers(like Like, now time.Time) map[string]string {
	if like != LikeECR {
		return DefaultUsers
	}
	u := maps.Clone(DefaultUsers)
	u[ecrUser] = ecrPassword(now.Add(12 * time.Hour))
	return u
}

// frontAccess are a front's default rules: DefaultAccess, with AWS given
// alice's rights on ECR, and anyone pull on Artifactory's remote/*
// (whose upstream credentials are broken).
func frontAccess(like Like) []Rule {
	switch like {
	case LikeECR:
		out := slices.Clone(DefaultAccess)
		for _, r := range DefaultAccess {
			if r.User == "alice" {
				r.User = ecrUser
				out = append(out, r)
			}
		}
		return out
	case LikeArtifactory:
		return append(slices.Clone(DefaultAccess), Rule{User: "*", Repo: "remote/*", Actions: []string{"pull"}})
	}
	return DefaultAccess
}

func likeNames() string {
	var out string
	for i, l := range Likes {
		switch {
		case i == 0:
		case i == len(Likes)-1:
			out += " or "
		default:
			out += ", "
		}
		out += string(l)
	}
	return out
}

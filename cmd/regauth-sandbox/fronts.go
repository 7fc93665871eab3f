package main

import "github.com/regauth/regauth/internal/sandbox"

// frontNote says what a vendor front does that is worth trying.
func frontNote(l sandbox.Like) string {
	switch l {
	case sandbox.LikeGHCR:
		return "GHCR: tokens are opaque (base64 v1:NAME:N); private/secret and an absent package both get 403 denied"
	case sandbox.LikeGitLab:
		return "GitLab: the realm is on another host; bob's push to library/* is cut down to pull without a word"
	case sandbox.LikeECR:
		return "ECR: log in as AWS with the long password below (an ECR-shaped token, expires in 12 h); bob gets IAM 403s"
	case sandbox.LikeACR:
		return "ACR: every 401 says error=\"invalid_token\", even before a token; --client containerd sees the POST answered 400"
	case sandbox.LikeQuay:
		return "Quay: GET /v2/ answers 401 with the body \"true\"; a registry:catalog scope gets 400"
	case sandbox.LikeArtifactory:
		return "Artifactory: pull remote/hello to see a remote repository whose upstream credentials are wrong"
	}
	return ""
}

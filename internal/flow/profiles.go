package flow

import (
	"net/http"

	"github.com/regauth/regauth/internal/decode/manifest"
)

// The profiles, one per client release whose handshake differs. Sources are
// named per value; docs/clients.md has the table.

const (
	basisLive   = "checked on the wire against the real client"
	basisSource = "from source, not verified against a live client here"
)

// containerdAccept is the resolver's one Accept header (NewResolver).
var containerdAccept = []string{manifest.DockerManifest, manifest.DockerManifestList, manifest.OCIManifest, manifest.OCIIndex, "*/*"}

// containersImageAccept is manifest.DefaultRequestedManifestMIMETypes.
var containersImageAccept = []string{
	manifest.OCIManifest, manifest.DockerManifest,
	"application/vnd.docker.distribution.manifest.v1+prettyjws",
	"application/vnd.docker.distribution.manifest.v1+json",
	manifest.DockerManifestList, manifest.OCIIndex,
}

// containerdFallback is authorizer.go fetchToken's POST->GET rule, the same
// from v1.6.38 to main: 400, 401, 404, and 405 only with a username.
func containerdFallback(status int, hasUsername bool) bool {
	switch status {
	case http.StatusBadRequest, http.StatusUnauthorized, http.StatusNotFound:
		return true
	case http.StatusMethodNotAllowed:
		return hasUsername
	}
	return false
}

func containerdToken() TokenRule {
	return TokenRule{
		Post:                PostWithSecret,
		ClientID:            "containerd-client",
		PostContentType:     "application/x-www-form-urlencoded; charset=utf-8",
		OmitEmptyScope:      true,
		PostServiceAlways:   true,
		Fallback:            containerdFallback,
		FallbackText:        "400, 401 and 404, and 405 only with a username",
		Basic:               BasicWithSecret,
		MergeChallengeScope: true,
	}
}

func containerdManifest(max401 int) ManifestRule {
	return ManifestRule{
		Sequence: HeadThenGetByDigest, Auth: AuthOn401,
		Accept: containerdAccept, AcceptJoin: ", ",
		DigestAcceptFromHead: true,
		HeadErrorGET:         []int{http.StatusMethodNotAllowed},
		Max401:               max401,
	}
}

func containerdProfile(name, version string, legacy bool, aliases []string, title, basis string, verified bool, w Wording) *Profile {
	max401 := 5 // main and v2.3.4: maxAttempts = 5
	if legacy {
		max401 = 6 // v2.3.0 and older: len(responses) > 5
	}
	return &Profile{
		Name: name, Version: version, Legacy: legacy, Aliases: aliases, Title: title,
		Basis: basis, Verified: verified,
		NoLogin:   "containerd has no login; it authenticates at pull time, on the 401 of its first request",
		Ping:      PingRule{Send: false},
		Token:     containerdToken(),
		Manifest:  containerdManifest(max401),
		UserAgent: "containerd/" + version,
		Wording:   w,
	}
}

func buildProfiles() []*Profile {
	docker := &Profile{
		Name: "docker", Version: "20.10-28 (classic store)", Title: "Docker Engine, classic image store",
		Basis: basisLive, Verified: true,
		Login: &LoginRule{Fields: map[string]string{"client_id": dockerClientID, "offline_token": "true"}},
		Ping:  PingRule{Send: true},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: dockerClientID,
			PostContentType: "application/x-www-form-urlencoded",
			Account:         true, AccountNeedsPassword: true,
			Basic: BasicWithUserAndPassword,
		},
		Manifest: ManifestRule{
			Sequence: HeadThenGetByDigest, Auth: AuthFromPing,
			Accept:       manifest.Accept,
			HeadErrorGET: []int{0},
		},
		UserAgent: "",
	}
	dockerContainerd := containerdProfile("docker-containerd", "2.1", false, []string{"docker29", "moby-containerd"},
		"Docker Engine 29+, containerd image store (containerd's resolver in the daemon)", basisSource, false, dockerContainerdWording())
	dockerContainerd.NoLogin = ""
	// docker login is the daemon's loginV2 with either store.
	dockerContainerd.Login = &LoginRule{Via: docker}
	dockerContainerd.UserAgent = "docker/29 containerd-client/2.1 storage-driver/overlayfs"

	ctrd := containerdProfile("containerd", "2.3", false, []string{"ctr", "nerdctl"},
		"containerd 2.x resolver (ctr, nerdctl, CRI)", basisSource, false, ctrWording(false))
	ctrd16 := containerdProfile("containerd", "1.6.20", true, nil,
		"containerd 1.6.20 resolver (Debian's ctr)", basisLive, true, ctrWording(true))
	kubelet := containerdProfile("kubelet", "2.3", false, []string{"cri", "k8s", "kubernetes"},
		"the kubelet through containerd's CRI (containerd 2.x resolver)", basisSource, false, kubeletWording())
	kubelet.Variant = true

	podman := &Profile{
		Name: "podman", Version: "5.x (containers/image v5.36)", Aliases: []string{"skopeo", "buildah", "cri-o", "crio", "containers-image"},
		Title: "containers/image (podman, skopeo, buildah, cri-o)", Basis: basisLive, Verified: true,
		Login: &LoginRule{},
		Ping:  PingRule{Send: true, Accepts: []int{http.StatusOK, http.StatusUnauthorized}},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: "containers/image",
			PostContentType: "application/x-www-form-urlencoded",
			ScopeEach:       true,
			Account:         true,
			Basic:           BasicWithUserAndPassword,
		},
		Manifest: ManifestRule{
			Sequence: GetTag, Auth: AuthFromPing,
			Accept:                 containersImageAccept,
			RetryInsufficientScope: true,
		},
		Headers:   http.Header{"Docker-Distribution-API-Version": {"registry/2.0"}},
		UserAgent: "containers/5.36 (github.com/containers/image)",
		Wording:   containersImageWording("podman"),
	}
	return []*Profile{docker, dockerContainerd, ctrd, ctrd16, kubelet, podman}
}

var profileTable = buildProfiles()

func profiles() []*Profile { return profileTable }

package flow

import (
	"net/http"
	"strings"
	"sync"
	"time"

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

func containerdManifest(max401 int, freshAuth bool) ManifestRule {
	return ManifestRule{
		FreshAuthPerFetch: freshAuth,
		Sequence:          HeadThenGetByDigest, Auth: AuthOn401,
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
		Manifest:  containerdManifest(max401, name == "containerd" || name == "kubelet"),
		UserAgent: "containerd/" + version,
		Wording:   w,
		// resolver.go request.do: its CheckRedirect authorises hops to
		// hosts it has a handler for.
		Redirect: RedirectRule{ReAuth: ReAuthRegistryHost, HandlerPer401Host: true},
		// pusher.go: ContextWithRepositoryScope(ctx, refspec, true).
		Push: PushRule{Actions: "pull,push", HeadBlob: true,
			MountFallback: "containerd before 2.1 aborts the push when a mount is refused; 2.1 and later fall back to a plain upload on 401, and still abort on 403"},
	}
}

func buildProfiles() []*Profile {
	docker := &Profile{
		Name: "docker", Version: "20.10-28 (classic store)", Title: "Docker Engine, classic image store", Display: "Docker",
		Basis: basisLive, Verified: true,
		Login: &LoginRule{Fields: map[string]string{"client_id": dockerClientID, "offline_token": "true"}, RepeatPingWhenOpen: true},
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
		Redirect:  RedirectRule{ReAuth: ReAuthPingedV2},
		// moby push_v2.go: newRepository(..., "push", "pull").
		Push: PushRule{Actions: "push,pull", HeadBlob: true,
			MountFallback: "Docker (classic store) falls back to a plain upload when a mount is refused"},
	}
	// Docker 20.10 (Debian's) still vendors schema 1: its Accept lines
	// add the signed schema 1 type and application/json.
	docker2010 := *docker
	docker2010.Version, docker2010.Legacy, docker2010.Title = "20.10", true, "Docker Engine 20.10, classic image store"
	docker2010.Manifest.Accept = append(append([]string(nil), manifest.Accept...), "application/vnd.docker.distribution.manifest.v1+prettyjws", "application/json")
	// Its vendored distribution client reads an empty 401 as the error
	// code's default message.
	docker2010.Wording = Wording{Rewrite: func(s string) string {
		if strings.HasSuffix(s, ": unauthorized:") {
			return s + " authentication required"
		}
		return s
	}}
	docker.Version = "23-28 (classic store)"

	dockerContainerd := containerdProfile("docker-containerd", "2.1", false, []string{"docker29", "moby-containerd"},
		"Docker Engine 29+, containerd image store (containerd's resolver in the daemon)", basisSource, false, dockerContainerdWording())
	dockerContainerd.NoLogin = ""
	// docker login is the daemon's loginV2 with either store.
	dockerContainerd.Login = &LoginRule{Via: docker}
	dockerContainerd.UserAgent = "docker/29 containerd-client/2.1 storage-driver/overlayfs"
	// daemon/containerd/resolver.go: credentials only for the login's host.
	dockerContainerd.Redirect.CredsForRegistryHostOnly = true
	dockerContainerd.HostCreds = HostCredsRegistryOnly

	ctrd := containerdProfile("containerd", "2.3", false, []string{"ctr", "nerdctl"},
		"containerd 2.x resolver (ctr, nerdctl, CRI)", basisSource, false, ctrWording(false))
	ctrd16 := containerdProfile("containerd", "1.6.20", true, nil,
		"containerd 1.6.20 resolver (Debian's ctr)", basisLive, true, ctrWording(true))
	kubelet := containerdProfile("kubelet", "2.3", false, []string{"cri", "k8s", "kubernetes"},
		"the kubelet through containerd's CRI (containerd 2.x resolver)", basisSource, false, kubeletWording())
	kubelet.Variant = true
	kubelet.HostCreds = HostCredsCRI

	podman := &Profile{
		Name: "podman", Version: "5.x (containers/image v5.36)", Aliases: []string{"skopeo", "buildah", "cri-o", "crio", "containers-image"},
		Title: "containers/image (podman, skopeo, buildah, cri-o)", Basis: basisLive, Verified: true,
		Login: &LoginRule{},
		Ping:  PingRule{Send: true, Accepts: []int{http.StatusOK, http.StatusUnauthorized}, V1ProbeOnFailure: true},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: "containers/image",
			PostContentType: "application/x-www-form-urlencoded",
			ScopeEach:       true,
			Account:         true,
			Basic:           BasicWithUserAndPassword,
		},
		Manifest: ManifestRule{
			Sequence: GetTag, Auth: AuthFromPing,
			Accept:   containersImageAccept,
			Retry401: RetryWidenScope,
		},
		Headers:   http.Header{"Docker-Distribution-API-Version": {"registry/2.0"}},
		UserAgent: "containers/5.36 (github.com/containers/image)",
		Wording:   containersImageWording(),
		Push: PushRule{Actions: "pull,push", HeadBlob: true,
			MountFallback: "containers/image tries a mount only for blobs it knows in another repository, and uploads when that fails"},
	}
	crane := &Profile{
		Name: "crane", Version: "0.22.1", Aliases: []string{"ggcr", "go-containerregistry", "ko", "kaniko"},
		Title: "crane (go-containerregistry v0.22.1; ko and kaniko share its transport)", Basis: basisLive, Verified: true,
		NoLogin: "crane auth login writes the credentials into the Docker config and sends nothing to the registry",
		Ping:    PingRule{Send: true, Accepts: []int{http.StatusOK, http.StatusUnauthorized}},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: "go-containerregistry",
			PostContentType: "application/x-www-form-urlencoded",
			Fallback:        func(status int, _ bool) bool { return status == http.StatusNotFound },
			FallbackText:    "404 only",
			Basic:           BasicWithUserAndPassword,
			RealmGuard:      craneRealmGuard,
			RealmMatchPort:  true,
		},
		Manifest: ManifestRule{
			Sequence: GetTag, Auth: AuthFromPing,
			Accept: []string{"application/vnd.docker.distribution.manifest.v1+json", "application/vnd.docker.distribution.manifest.v1+prettyjws",
				manifest.DockerManifest, manifest.OCIManifest, manifest.DockerManifestList, manifest.OCIIndex},
			AcceptJoin: ",",
			Retry401:   RetryRefresh,
		},
		UserAgent: "crane/v0.22.1 go-containerregistry/v0.22.1",
		Wording:   craneWording(),
		// bearer.go adds the token on a hop to the registry's host;
		// fetcher.go checkRedirectSSRF and bearer.go realmRedirectCheck guard hops.
		Redirect: RedirectRule{ReAuth: ReAuthRegistryHost, PrivateHopGuard: craneSSRFGuard, TokenHopGuard: craneTokenHop},
		Push: PushRule{Actions: "push,pull", HeadManifest: true, HeadBlob: true,
			MountFallback: "go-containerregistry uploads the blob when the registry answers the mount with 202, and fails on a refusal"},
	}
	regctlID := "regclient/regctl (v0.11.7)"
	regctl := &Profile{
		Name: "regctl", Version: "0.11.7", Aliases: []string{"regclient", "regbot", "regsync"},
		Title: "regctl (regclient v0.11.7)", Basis: basisLive, Verified: true,
		Login: &LoginRule{},
		// No ping before a pull: the manifest's own 401 gives the challenge.
		// (The GET /v2/ and anonymous token once seen here came from
		// `regctl registry set` checking the host, not from the pull.)
		Ping: PingRule{Send: false},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: regctlID,
			PostContentType: "application/x-www-form-urlencoded",
			Account:         true, AccountNeedsPassword: true,
			Basic:     BasicWithUserAndPassword,
			GetFields: map[string]string{"client_id": regctlID},
			// The scope of the 401's challenge, as the registry words it
			// (the distribution registry's action order is not stable).
			ChallengeScope: true,
		},
		Manifest: ManifestRule{
			Sequence: GetTag, Auth: AuthOn401,
			Accept: []string{manifest.OCIIndex, manifest.OCIManifest, manifest.DockerManifestList, manifest.DockerManifest,
				"application/vnd.docker.distribution.manifest.v1+prettyjws", "application/vnd.docker.distribution.manifest.v1+json",
				"application/vnd.oci.artifact.manifest.v1+json"},
			Max401: 2,
		},
		UserAgent: regctlID,
		Wording:   regctlWording(),
		// reghttp checkRedirect: regnet.AllowRedirect, then the host's auth.
		// reghttp: a failed request is retried with backoff until
		// backoffCur reaches retryLimit (5); delayInit 100 ms << n.
		Redirect: RedirectRule{ReAuth: ReAuthRegistryHost, RefuseDowngrade: true, HandlerPer401Host: true, CredsForRegistryHostOnly: true,
			Attempts: 5, Backoff: func(n int) time.Duration { return 100 * time.Millisecond << n }},
		Push: PushRule{Actions: "pull,push", MountFallback: "regclient falls back to a plain upload when a mount fails"},
	}
	oras := &Profile{
		Name: "oras", Version: "1.3.6", Aliases: []string{"oras-go", "helm"},
		Title: "oras (oras-go v2.7.0; helm's OCI client is built on oras-go)", Basis: basisLive, Verified: true,
		Login: &LoginRule{},
		Ping:  PingRule{Send: false},
		Token: TokenRule{
			Post: PostWithIdentityToken, ClientID: "oras",
			PostContentType: "application/x-www-form-urlencoded",
			Basic:           BasicWithUserAndPassword,
			RealmGuard:      orasRealmGuard,
			RealmResolves:   true,
		},
		Manifest: ManifestRule{
			Sequence: GetTag, Auth: AuthOn401,
			Accept:     []string{manifest.DockerManifest, manifest.DockerManifestList, manifest.OCIManifest, manifest.OCIIndex, "application/vnd.oci.artifact.manifest.v1+json"},
			AcceptJoin: ", ",
			Max401:     2,
		},
		UserAgent: "oras/1.3.6",
		Wording:   orasWording(),
		// registry/remote/auth client.go: sendRedirectSafe, Client.Do,
		// realmRedirectGuard (v2.7.0).
		Redirect: RedirectRule{DropAtOriginChange: true, IgnoreOtherOrigin401: true, TokenHopGuard: orasTokenHop},
		Push:     PushRule{Actions: "pull,push", HeadBlob: true, MountFallback: "oras-go falls back to a plain upload when a mount fails"},
	}
	buildkit := containerdProfile("buildkit", "0.34", false, []string{"buildx", "docker-build"},
		"BuildKit (buildx, docker build): containerd's resolver with BuildKit's session auth", basisSource, false, buildkitWording())
	buildkit.NoLogin = "BuildKit has no login; it takes the Docker CLI's credentials through its session at pull time"
	buildkit.Token.ClientID = "buildkit-client"
	// session/auth/authprovider: GET after the POST on 401, 404 or 405.
	buildkit.Token.Fallback = func(status int, _ bool) bool {
		return status == http.StatusUnauthorized || status == http.StatusNotFound || status == http.StatusMethodNotAllowed
	}
	buildkit.Token.FallbackText = "401, 404 and 405"
	buildkit.Version = "0.34"
	buildkit.UserAgent = "buildkit/v0.34"
	buildkit.Manifest.FreshAuthPerFetch = false

	return []*Profile{docker, &docker2010, dockerContainerd, ctrd, ctrd16, kubelet, podman, crane, regctl, oras, buildkit}
}

// The table is built on first use, not at start-up: "regauth version"
// and the decoders never need it (issue 13, start-up).
var profileTable = sync.OnceValue(buildProfiles)

func profiles() []*Profile { return profileTable() }

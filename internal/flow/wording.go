package flow

import (
	"fmt"
	"net/http"
	"strings"
)

// FailureStage says which request a client's error came from.
type FailureStage string

const (
	FailPing      FailureStage = "ping"
	FailToken     FailureStage = "token"
	FailManifest  FailureStage = "manifest"
	FailTransport FailureStage = "transport"
	FailAuth      FailureStage = "auth"  // the client gave up on repeated 401s
	FailRealm     FailureStage = "realm" // the client refused the realm itself
)

// Failure is what went wrong, in the terms client error texts are built
// from. The engine fills it; a profile's Wording turns it into the line the
// client prints.
type Failure struct {
	Stage  FailureStage
	Method string
	URL    string // with query, as Go's errors show it
	Status int
	// Anonymous: the failed token request carried no secret.
	Anonymous bool
	// Server is the registry's error body as clients print it
	// ("unauthorized: authentication required"), "" when it sent none.
	Server string
	// ErrorParam is the Bearer challenge's error= on a repeated 401.
	ErrorParam string
	// Transport is the transport error's text.
	Transport string
	// Earlier are the failed attempts before a failed ping (https before
	// http), in Go's words, for clients that print them all (crane).
	Earlier []string
	// Ref is the reference as the client names it ("127.0.0.1:5000/app:1");
	// Host, Repo and Tag its parts.
	Ref, Host, Repo, Tag string
	// Body and ContentType are the failed answer's, for clients that print
	// the registry's errors their own way.
	Body        []byte
	ContentType string
}

// statusLine is Go's resp.Status: "403 Forbidden".
func (f Failure) statusLine() string {
	if t := http.StatusText(f.Status); t != "" {
		return fmt.Sprintf("%d %s", f.Status, t)
	}
	return fmt.Sprint(f.Status)
}

// Wording is a client's own error text. Say returns the line the user sees;
// Events, when set, the lines around it (the kubelet's pod events).
type Wording struct {
	Say    func(f Failure) string
	Events func(f Failure, said string) []string
	// Rewrite adjusts the engine's Docker text for a release that words
	// it differently (used when Say is nil).
	Rewrite func(summary string) string
}

func (w Wording) say(f Failure) string {
	if w.Say == nil {
		return ""
	}
	return w.Say(f)
}

// containerdResolveError is the resolver's error for a failure, as
// containerd 1.6.25+/1.7/2.x words it (core/remotes/docker, errors.go);
// oldFormat is 1.6.24 and older ("unexpected status: 403 Forbidden").
func containerdResolveError(f Failure, oldFormat bool) string {
	unexpected := func() string {
		s := fmt.Sprintf("unexpected status from %s request to %s: %s", f.Method, f.URL, f.statusLine())
		if oldFormat {
			s = "unexpected status: " + f.statusLine()
		}
		return s
	}
	switch f.Stage {
	case FailToken:
		which := "oauth"
		if f.Anonymous {
			which = "anonymous"
		}
		return fmt.Sprintf("failed to authorize: failed to fetch %s token: %s", which, unexpected())
	case FailAuth:
		return fmt.Sprintf("pull access denied, repository does not exist or may require authorization: server message: %s: authorization failed", f.ErrorParam)
	case FailManifest:
		if f.Status == http.StatusNotFound {
			return fmt.Sprintf("%s: not found", f.Ref)
		}
		if oldFormat {
			return fmt.Sprintf("pulling from host %s failed with status code [manifests %s]: %s", f.Host, f.Tag, f.statusLine())
		}
		return unexpected()
	case FailTransport, FailPing:
		return fmt.Sprintf("failed to do request: %s %q: %s", methodWord(f.Method), f.URL, f.Transport)
	}
	return ""
}

// methodWord is how Go's url.Error names a method ("Head", "Get").
func methodWord(m string) string {
	if m == "" {
		return "Get"
	}
	return m[:1] + strings.ToLower(m[1:])
}

func ctrWording(oldFormat bool) Wording {
	return Wording{Say: func(f Failure) string {
		return fmt.Sprintf("ctr: failed to resolve reference %q: %s", f.Ref, containerdResolveError(f, oldFormat))
	}}
}

// kubeletWording is the chain the kubelet shows in `kubectl describe pod`
// (pkg/kubelet/images/image_manager.go; containerd's CRI local pull).
func kubeletWording() Wording {
	return Wording{
		Say: func(f Failure) string {
			return fmt.Sprintf("Failed to pull image %q: failed to pull and unpack image %q: failed to resolve reference %q: %s", f.Ref, f.Ref, f.Ref, containerdResolveError(f, false))
		},
		Events: func(f Failure, said string) []string {
			return []string{
				"Warning  Failed   " + said,
				"Warning  Failed   Error: ErrImagePull",
				fmt.Sprintf("Normal   BackOff  Back-off pulling image %q", f.Ref),
				"Warning  Failed   Error: ImagePullBackOff",
			}
		},
	}
}

// dockerContainerdWording is Docker 29's containerd store: the daemon
// rewrites ErrInvalidAuthorization and passes the rest through.
func dockerContainerdWording() Wording {
	return Wording{Say: func(f Failure) string {
		if f.Stage == FailAuth {
			return fmt.Sprintf("Error response from daemon: pull access denied for %s, repository does not exist or may require 'docker login'", f.Repo)
		}
		return "Error response from daemon: " + containerdResolveError(f, false)
	}}
}

// containersImageWording is containers/image as podman and skopeo print it
// (docker/docker_client.go, docker_image_src.go).
func containersImageWording() Wording {
	return Wording{Say: func(f Failure) string {
		prefix := "Error: "
		switch f.Stage {
		case FailPing, FailTransport:
			why := f.Transport
			if why == "" {
				why = fmt.Sprintf("invalid status code from registry %d (%s)", f.Status, http.StatusText(f.Status))
			} else {
				// Go's *url.Error names the method and URL.
				why = fmt.Sprintf("%s %q: %s", methodWord(f.Method), f.URL, why)
			}
			return prefix + fmt.Sprintf("initializing source docker://%s: pinging container registry %s: %s", f.Ref, f.Host, why)
		case FailToken:
			// Without a JSON error body, the 401 reads as the registry
			// error code's default message.
			msg := fmt.Sprintf("unable to retrieve auth token: invalid username/password: %s", orDefault(f.Server, "unauthorized: authentication required"))
			if f.Status != http.StatusUnauthorized {
				msg = fmt.Sprintf("requesting bearer token: invalid status code from registry %d (%s)", f.Status, http.StatusText(f.Status))
			}
			return prefix + fmt.Sprintf("initializing source docker://%s: %s", f.Ref, msg)
		}
		return prefix + fmt.Sprintf("initializing source docker://%s: reading manifest %s in %s/%s: %s", f.Ref, f.Tag, f.Host, f.Repo, orDefault(f.Server, f.statusLine()))
	}}
}

// buildkitWording is what `docker buildx build` prints when the base
// image's resolve fails (the solver wraps the resolver's error).
func buildkitWording() Wording {
	return Wording{Say: func(f Failure) string {
		return fmt.Sprintf("ERROR: failed to solve: %s: failed to resolve source metadata for %s: %s", f.Ref, f.Ref, containerdResolveError(f, false))
	}}
}

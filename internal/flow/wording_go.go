package flow

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
)

// registryErrors is a registry's JSON error body as Go clients decode it:
// code, message and the detail as fmt prints an interface{} value.
type registryErrors []struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Detail  any    `json:"detail,omitempty"`
}

func parseRegistryErrors(body []byte) registryErrors {
	var doc struct {
		Errors registryErrors `json:"errors"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return nil
	}
	return doc.Errors
}

// ggcrError is go-containerregistry's transport.Error text
// (pkg/v1/remote/transport/error.go).
func ggcrError(f Failure) string {
	prefix := fmt.Sprintf("%s %s: ", f.Method, f.URL)
	errs := parseRegistryErrors(f.Body)
	item := func(i int) string {
		e := errs[i]
		s := e.Code + ": " + e.Message
		if e.Detail != nil {
			s += fmt.Sprintf("; %v", e.Detail)
		}
		return s
	}
	switch len(errs) {
	case 0:
		if len(f.Body) == 0 {
			if f.Method == http.MethodHead {
				return prefix + fmt.Sprintf("unexpected status code %d %s (HEAD responses have no body, use GET for details)", f.Status, http.StatusText(f.Status))
			}
			return prefix + fmt.Sprintf("unexpected status code %d %s", f.Status, http.StatusText(f.Status))
		}
		return prefix + fmt.Sprintf("unexpected status code %d %s: %s", f.Status, http.StatusText(f.Status), f.Body)
	case 1:
		return prefix + item(0)
	}
	var all []string
	for i := range errs {
		all = append(all, item(i))
	}
	return prefix + "multiple errors returned: " + strings.Join(all, "; ")
}

func craneWording() Wording {
	return Wording{Say: func(f Failure) string {
		var why string
		switch f.Stage {
		case FailRealm:
			why = f.Transport
		case FailPing, FailTransport:
			if f.Transport != "" {
				why = fmt.Sprintf("%s %q: %s", methodWord(f.Method), f.URL, f.Transport)
				if f.Stage == FailPing && len(f.Earlier) > 0 {
					// transport.Ping joins each scheme's error.
					why = strings.Join(append(append([]string(nil), f.Earlier...), why), "; ")
				}
			} else {
				why = ggcrError(f)
			}
		default:
			why = ggcrError(f)
		}
		return fmt.Sprintf("Error: fetching manifest %s: %s", f.Ref, why)
	}}
}

// craneRealmGuard is go-containerregistry's refusal of private realms.
func craneRealmGuard(host, _ string, _ bool) string {
	return fmt.Sprintf("invalid realm in www-authenticate: realm host %q is a private or link-local address", host)
}

// craneSSRFGuard is go-containerregistry's refusal of a registry redirect to
// another host on a private or loopback address (fetcher.go checkRedirectSSRF).
func craneSSRFGuard(from, to string) string {
	return fmt.Sprintf("SSRF protection: redirect from %q to private/link-local host %q denied", from, to)
}

// orasRealmGuard is oras-go's validateRealm: it names the blocked prefix,
// and for a name the address it resolved to.
func orasRealmGuard(host, addr string, resolved bool) string {
	prefix := "127.0.0.0/8"
	for _, p := range []string{"127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16", "0.0.0.0/8", "::1/128", "fc00::/7", "fe80::/10"} {
		_, n, _ := net.ParseCIDR(p)
		if ip := net.ParseIP(addr); ip != nil && n.Contains(ip) {
			prefix = p
			break
		}
	}
	if resolved {
		return fmt.Sprintf("bearer realm host %q resolves to %s, in blocked prefix %s", host, addr, prefix)
	}
	return fmt.Sprintf("bearer realm host %q is %s, in blocked prefix %s", host, addr, prefix)
}

// craneTokenHop and orasTokenHop word a refused hop of a token request.
func craneTokenHop(hopURL, why string) string {
	return fmt.Sprintf("refusing token-server redirect to %q: %s", hopURL, why)
}

func orasTokenHop(_, why string) string { return "redirect of token request rejected: " + why }

// orasErrors is oras-go's errcode text: "code: message: detail" per error.
func orasErrors(f Failure) string {
	errs := parseRegistryErrors(f.Body)
	if len(errs) == 0 {
		return fmt.Sprintf("%s %q: response status code %d: %s", f.Method, f.URL, f.Status, http.StatusText(f.Status))
	}
	var all []string
	for _, e := range errs {
		s := strings.ToLower(e.Code) + ": " + e.Message
		if e.Detail != nil {
			s += fmt.Sprintf(": %v", e.Detail)
		}
		all = append(all, s)
	}
	return strings.Join(all, "; ")
}

func orasWording() Wording {
	return Wording{Say: func(f Failure) string {
		switch f.Stage {
		case FailRealm:
			return fmt.Sprintf("Error: failed to fetch the content of %q: %s %q: %s", f.Ref, f.Method, f.URL, f.Transport)
		case FailTransport, FailPing:
			return fmt.Sprintf("Error: failed to fetch the content of %q: %s %q: %s", f.Ref, f.Method, f.URL, f.Transport)
		case FailManifest:
			if h := hostOf(f.URL); f.Status != 0 && h != "" && !strings.EqualFold(h, f.Host) {
				// A 401 from a redirect target is not the registry's
				// answer to oras: its error is printed as it is.
				return fmt.Sprintf("Error: failed to fetch the content of %q: %s %q: response status code %d: %s", f.Ref, f.Method, f.URL, f.Status, orasErrors(f))
			}
		case FailToken:
			if len(parseRegistryErrors(f.Body)) == 0 {
				return fmt.Sprintf("Error response from registry: %s %q: response status code %d: %s", f.Method, f.URL, f.Status, http.StatusText(f.Status))
			}
		}
		return "Error response from registry: " + orasErrors(f)
	}}
}

func regctlWording() Wording {
	return Wording{Say: func(f Failure) string {
		switch f.Stage {
		case FailRealm, FailTransport, FailPing:
			return fmt.Sprintf("failed to get manifest %s: %s", f.Ref, orDefault(f.Transport, http.StatusText(f.Status)))
		}
		switch f.Status {
		case http.StatusUnauthorized:
			return fmt.Sprintf("failed to get manifest %s: unauthorized", f.Ref)
		case http.StatusForbidden:
			return fmt.Sprintf("failed to get manifest %s: forbidden", f.Ref)
		}
		return fmt.Sprintf("failed to get manifest %s: request failed: %s [http %d]: %s", f.Ref, strings.ToLower(http.StatusText(f.Status)), f.Status, strings.TrimSpace(string(f.Body)))
	}}
}

package diagnose

// Redirects (every request a client profile makes).

const (
	RedirectDropsCredentials Code = "REDIRECT_DROPS_CREDENTIALS"
	RedirectLoop             Code = "REDIRECT_LOOP"
	RedirectToHTTP           Code = "REDIRECT_TO_HTTP"
)

// fillRedirect adds this area's entries; fill calls it.
func fillRedirect() {
	add(RedirectDropsCredentials, Warning, "the credentials stopped at a redirect to another host",
		"Point the realm or the registry at its final address (the Location of the redirect) so the first request goes there with the credentials; redirects to object storage for blobs are expected to drop them.")
	add(RedirectLoop, Error, "the redirects never end",
		"Fix the proxy or server rule that sends the request back where it came from (often http->https->http behind a TLS-terminating proxy, or a trailing-slash rule); the client gives up after 10 requests.")
	add(RedirectToHTTP, Warning, "an https request was redirected to plain http",
		"Make the server redirect to https (check X-Forwarded-Proto handling behind a TLS-terminating proxy); some clients refuse the hop, the others send the request in clear.")
}

package redact

import (
	"net/url"
	"strings"
)

// signedURLKeys are query parameters whose values authorise a request on
// their own (presigned object-storage and CDN URLs). Dates and expiry
// times are left out: registering "300" as a secret would mask it in
// every "expires_in 300s".
var signedURLKeys = map[string]bool{
	"signature": true, "sig": true, "x-amz-signature": true, "x-amz-credential": true,
	"x-amz-security-token": true, "x-goog-signature": true, "x-goog-credential": true,
	"token": true, "access_token": true, "password": true, "key-pair-id": true, "policy": true,
}

// minURLSecretLen keeps short values from masking ordinary text.
const minURLSecretLen = 8

// AddURLSecrets registers the signature and credential values in raw's
// query, so they are masked wherever the URL is echoed, not only where it is
// printed as a URL: a redirect's HTML body, a Location header, a note.
func (r *Redactor) AddURLSecrets(raw string) {
	u, err := url.Parse(raw)
	if r == nil || err != nil {
		return
	}
	for k, vs := range u.Query() {
		if !signedURLKeys[strings.ToLower(k)] {
			continue
		}
		for _, v := range vs {
			if len(v) >= minURLSecretLen {
				r.Add("signature", v)
			}
		}
	}
}

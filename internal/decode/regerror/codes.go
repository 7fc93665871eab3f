// Package regerror reads registry and token-service error answers and
// writes the error text the Docker engine would show for them.
package regerror

// defaultMessages are the distribution error codes' own messages; an entry
// whose message equals its code's and carries no detail prints as the bare
// code word, as the engine prints it.
var defaultMessages = map[string]string{
	"BLOB_UNKNOWN":              "blob unknown to registry",
	"BLOB_UPLOAD_INVALID":       "blob upload invalid",
	"BLOB_UPLOAD_UNKNOWN":       "blob upload unknown to registry",
	"DIGEST_INVALID":            "provided digest did not match uploaded content",
	"MANIFEST_BLOB_UNKNOWN":     "blob unknown to registry",
	"MANIFEST_INVALID":          "manifest invalid",
	"MANIFEST_UNKNOWN":          "manifest unknown",
	"MANIFEST_UNVERIFIED":       "manifest failed signature verification",
	"NAME_INVALID":              "invalid repository name",
	"NAME_UNKNOWN":              "repository name not known to registry",
	"SIZE_INVALID":              "provided length did not match content length",
	"TAG_INVALID":               "manifest tag did not match URI",
	"PAGINATION_NUMBER_INVALID": "invalid number of results requested",
	"RANGE_INVALID":             "invalid content range",
	"UNAUTHORIZED":              "authentication required",
	"DENIED":                    "requested access to the resource is denied",
	"UNSUPPORTED":               "The operation is unsupported.",
	"TOOMANYREQUESTS":           "too many requests",
	"UNAVAILABLE":               "service unavailable",
	"UNKNOWN":                   "unknown error",
}

// Known reports whether code is a registry error code.
func Known(code string) bool {
	_, ok := defaultMessages[code]
	return ok
}

// codeForStatus is the code the engine gives a body it cannot read as JSON.
func codeForStatus(status int) string {
	switch status {
	case 401:
		return "UNAUTHORIZED"
	case 403:
		return "DENIED"
	case 429:
		return "TOOMANYREQUESTS"
	}
	return "UNKNOWN"
}

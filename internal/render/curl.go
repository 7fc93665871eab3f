package render

import (
	"sort"
	"strings"

	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// Curl is a curl command that sends req again, credentials masked unless the
// redactor shows secrets (then it can be pasted and run as it is).
func Curl(req *flow.Request, r *redact.Redactor) string {
	parts := []string{"curl", "-sS", "-i"}
	if req.Method != "GET" {
		if req.Method == "HEAD" {
			parts = append(parts, "-I")
		} else {
			parts = append(parts, "-X", req.Method)
		}
	}
	keys := make([]string, 0, len(req.Headers))
	for k := range req.Headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range req.Headers[k] {
			parts = append(parts, "-H", shellQuote(k+": "+r.Header(k, v)))
		}
	}
	if len(req.Body) > 0 {
		parts = append(parts, "--data-raw", shellQuote(maskBody(req.Body, r)))
	}
	parts = append(parts, shellQuote(r.URL(req.URL)))
	return strings.Join(parts, " ")
}

// shellQuote single-quotes s for a POSIX shell.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(redact.OneLine(s), "'", `'\''`) + "'"
}

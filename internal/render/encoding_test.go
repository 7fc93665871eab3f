package render

import (
	"testing"

	"github.com/regauth/regauth/internal/flow"
)

// A compressed body nobody asked for is named, never printed as bytes.
func TestResponseBodyNamesUnrequestedEncoding(t *testing.T) {
	p := &flow.Response{Body: []byte{0x1f, 0x8b, 0x08, 0x00, 0xff}, Encoding: "gzip", BodyTruncated: true}
	if got := responseBody(p); got != "5+ bytes of gzip (not decoded)" {
		t.Errorf("got %q", got)
	}
	p.Encoding = "x\x1b[31m"
	if got := responseBody(p); got != `5+ bytes of x\x1b[31m (not decoded)` {
		t.Errorf("the encoding's name is a server string too: %q", got)
	}
}

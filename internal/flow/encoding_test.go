package flow

// A fake, because the real registry never compresses unasked: a token
// service (a proxy in front of it, in life) that gzips its reply to a
// request that sent no Accept-Encoding.

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestUnrequestedEncoding(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	fmt.Fprintf(zw, `{"token":%q,"expires_in":300}`, testJWT(t, time.Now(), nil))
	zw.Close()
	reg := newScripted(t, false)
	reg.on("GET", "/v2/", challengeWith(fmt.Sprintf(`Bearer realm="%s/token",service="fake.registry"`, reg.URL)))
	var asked string
	reg.on("GET", "/token", func(w http.ResponseWriter, r *http.Request) {
		asked = r.Header.Get("Accept-Encoding")
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(zipped.Bytes())
	})
	o := plainOpts(reg)
	// regauth's own transport: Go would otherwise ask for gzip itself.
	o.Transport = &http.Transport{DisableCompression: true}
	tr := Login(context.Background(), o)
	if asked != "" {
		t.Fatalf("the request asked for %q", asked)
	}
	if !hasCode(tr, diagnose.UnrequestedEncoding) || !strings.Contains(diagText(tr), fmt.Sprintf("%d bytes of gzip", zipped.Len())) {
		t.Errorf("want UNREQUESTED_ENCODING naming the size:\n%s", diagText(tr))
	}
	var tok *Step
	for _, st := range tr.Steps {
		if st.Kind == StepToken {
			tok = st
		}
	}
	if tok == nil || tok.Response.Encoding != "gzip" || !bytes.Equal(tok.Response.Body, zipped.Bytes()) {
		t.Fatalf("the body is kept as the compressed bytes: %+v", tok)
	}
	if tr.OK() {
		t.Errorf("a gzip token reply cannot be read as JSON: %s", tr.Summary)
	}
}

func TestRequestedEncodingIsNotNamed(t *testing.T) {
	if !acceptsEncoding([]string{"br;q=1.0, gzip"}, "gzip") || acceptsEncoding([]string{"br"}, "gzip") || !acceptsEncoding([]string{"*"}, "zstd") {
		t.Error("Accept-Encoding parsing")
	}
}

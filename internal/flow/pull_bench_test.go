package flow

import (
	"context"
	"testing"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/sandbox"
)

// BenchmarkPullTrace is a whole pull trace (ping, token, HEAD, GET by
// digest: 4 requests) against the real registry behind the Harbor-like
// front on loopback, in-process.
func BenchmarkPullTrace(b *testing.B) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeHarbor})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	if _, err := sb.PushImage(ctx, "library/hello", "latest"); err != nil {
		b.Fatal(err)
	}
	ref, err := imageref.Parse(sb.Host() + "/library/hello")
	if err != nil {
		b.Fatal(err)
	}
	o := Options{Registry: ref.Registry, PlainHTTP: true, Credentials: Credentials{Username: "alice", Password: sb.Users()["alice"], Source: "bench"}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if tr, _ := Pull(ctx, o, PullRequest{Image: ref}); !tr.OK() {
			b.Fatalf("pull failed: %s", tr.Summary)
		}
	}
}

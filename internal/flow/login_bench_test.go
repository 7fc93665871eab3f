package flow

import (
	"context"
	"testing"

	"github.com/regauth/regauth/internal/sandbox"
)

// BenchmarkLoginHarbor is a whole login handshake (3 requests) against the
// real registry behind the Harbor-like front on loopback, in-process.
func BenchmarkLoginHarbor(b *testing.B) {
	sb, err := sandbox.Start(context.Background(), sandbox.Options{Like: sandbox.LikeHarbor})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	o := Options{Registry: "http://" + sb.Host(), Credentials: Credentials{Username: "alice", Password: sb.Users()["alice"], Source: "bench"}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if tr := Login(context.Background(), o); !tr.OK() {
			b.Fatalf("login failed: %s", tr.Summary)
		}
	}
}

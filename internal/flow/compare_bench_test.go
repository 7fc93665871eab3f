package flow

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/decode/imageref"
	"github.com/regauth/regauth/internal/sandbox"
)

// The speed target: compare runs the clients concurrently, so it
// costs about the slowest single client, not their sum. Compare
// BenchmarkCompareClients/rtt=X with the slowest BenchmarkPullEachClient/rtt=X/*.
//
// rtt=0 is raw loopback: there the in-process sandbox's RSA token signing
// is most of the CPU, and four clients share this machine's two cores with
// the server. rtt=5ms adds one simulated network round trip per request,
// as any registry not on this machine has.
var benchRTTs = []time.Duration{0, 5 * time.Millisecond}

type rttTransport struct {
	rtt  time.Duration
	next http.RoundTripper
}

func (t rttTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(t.rtt)
	return t.next.RoundTrip(r)
}

func benchSandbox(b *testing.B) (Options, imageref.Ref) {
	ctx := context.Background()
	sb, err := sandbox.Start(ctx, sandbox.Options{Like: sandbox.LikeHarbor})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { sb.Close() })
	if _, err := sb.PushImage(ctx, "library/hello", "latest"); err != nil {
		b.Fatal(err)
	}
	ref, err := imageref.Parse(sb.Host() + "/library/hello")
	if err != nil {
		b.Fatal(err)
	}
	return Options{Registry: ref.Registry, PlainHTTP: true, Credentials: Credentials{Username: "alice", Password: sb.Users()["alice"], Source: "bench"}}, ref
}

func withRTT(o Options, rtt time.Duration) Options {
	if rtt > 0 {
		o.Transport = rttTransport{rtt: rtt, next: http.DefaultTransport}
	}
	return o
}

func BenchmarkPullEachClient(b *testing.B) {
	base, ref := benchSandbox(b)
	for _, rtt := range benchRTTs {
		for _, p := range Profiles() {
			b.Run(fmt.Sprintf("rtt=%s/%s", rtt, p.ID()), func(b *testing.B) {
				o := withRTT(base, rtt)
				o.Profile = p
				for i := 0; i < b.N; i++ {
					if tr, _ := Pull(context.Background(), o, PullRequest{Image: ref}); !tr.OK() {
						b.Fatalf("%s: %s", p.ID(), tr.Summary)
					}
				}
			})
		}
	}
}

func BenchmarkCompareClients(b *testing.B) {
	base, ref := benchSandbox(b)
	profs := Profiles()
	for _, rtt := range benchRTTs {
		b.Run(fmt.Sprintf("rtt=%s", rtt), func(b *testing.B) {
			o := withRTT(base, rtt)
			for i := 0; i < b.N; i++ {
				for _, r := range CompareClients(context.Background(), o, PullRequest{Image: ref}, profs) {
					if !r.Trace.OK() {
						b.Fatalf("%s: %s", r.Profile.ID(), r.Trace.Summary)
					}
				}
			}
		})
	}
}

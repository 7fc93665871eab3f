package doctor

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flow"
)

func TestRunKeepsOrderAndBoundsConcurrency(t *testing.T) {
	var running, most int32
	var targets []Target
	for i := 0; i < 20; i++ {
		targets = append(targets, Target{Registry: fmt.Sprintf("reg%02d.example", i)})
	}
	var calls []int
	rs := Run(context.Background(), targets, 3, func(ctx context.Context, t Target) Result {
		n := atomic.AddInt32(&running, 1)
		for {
			m := atomic.LoadInt32(&most)
			if n <= m || atomic.CompareAndSwapInt32(&most, m, n) {
				break
			}
		}
		time.Sleep(5 * time.Millisecond)
		atomic.AddInt32(&running, -1)
		return Result{Verdict: OK}
	}, func(done, total int, r Result) { calls = append(calls, done) })
	if most > 3 {
		t.Errorf("ran %d checks at once with --parallel 3", most)
	}
	if most < 2 {
		t.Errorf("checks did not run concurrently (at most %d at once)", most)
	}
	for i, r := range rs {
		if r.Registry != targets[i].Registry {
			t.Fatalf("result %d is %s, want %s: results keep the targets' order", i, r.Registry, targets[i].Registry)
		}
	}
	if len(calls) != 20 || calls[19] != 20 {
		t.Errorf("progress: %v", calls)
	}
}

func TestJudge(t *testing.T) {
	mk := func(v flow.Verdict, codes ...diagnose.Code) *flow.Trace {
		tr := &flow.Trace{Verdict: v}
		for _, c := range codes {
			tr.Diagnoses = append(tr.Diagnoses, diagnose.New(c, "m", ""))
		}
		return tr
	}
	cases := []struct {
		tr   *flow.Trace
		want Verdict
		exit int
	}{
		{mk(flow.VerdictOK, diagnose.HTTPFallback), OK, 0},
		{mk(flow.VerdictOK, diagnose.OpenRegistry), Open, 0},
		{mk(flow.VerdictRefused, diagnose.BadCredentials), BadCredentials, 1},
		{mk(flow.VerdictRefused, diagnose.NoCredentials), NoCredentials, 1},
		{mk(flow.VerdictRefused, diagnose.TokenEndpointError), TokenServiceBroken, 1},
		{mk(flow.VerdictRefused, diagnose.TokenRejected, diagnose.ClockSkew), TokenRejected, 1},
		{mk(flow.VerdictTransport, diagnose.TLSUnknownAuthority), TLSProblem, 3},
		{mk(flow.VerdictTransport, diagnose.RegistryUnreachable), Unreachable, 3},
		{mk(flow.VerdictTransport, diagnose.Timeout), Timeout, 3},
	}
	for _, c := range cases {
		got, _ := Judge(c.tr)
		if got != c.want || got.Exit() != c.exit {
			t.Errorf("%v: got %s (exit %d), want %s (exit %d)", c.tr.Diagnoses, got, got.Exit(), c.want, c.exit)
		}
	}
	if WorstExit([]Result{{Verdict: OK}, {Verdict: BadCredentials}, {Verdict: TLSProblem}}) != 3 || WorstExit([]Result{{Verdict: OK}}) != 0 {
		t.Errorf("WorstExit")
	}
}

// BenchmarkDoctorSlowRegistries: 20 registries that each take 1 s to
// answer, checked 8 at a time, take about 3 s (20/8 rounded up), not 20 s.
// The servers are scripted fakes: a real registry cannot be made slow.
func BenchmarkDoctorSlowRegistries(b *testing.B) {
	var targets []Target
	for i := 0; i < 20; i++ {
		s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(time.Second)
			w.Header().Set("Docker-Distribution-API-Version", "registry/2.0")
			w.Write([]byte("{}"))
		}))
		defer s.Close()
		targets = append(targets, Target{Registry: s.URL})
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rs := Run(context.Background(), targets, DefaultParallel, func(ctx context.Context, t Target) Result {
			tr := flow.Login(ctx, flow.Options{Registry: t.Registry})
			v, _ := Judge(tr)
			return Result{Verdict: v, Summary: tr.Summary}
		}, nil)
		for _, r := range rs {
			if r.Verdict.Exit() != 0 {
				b.Fatalf("%s: %s %s", r.Registry, r.Verdict, r.Summary)
			}
		}
	}
	b.ReportMetric(float64(len(targets)), "registries")
}

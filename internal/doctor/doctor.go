// Package doctor checks every registry a Docker config knows, several at a
// time, with login-trace's handshake, and gives each one a verdict.
package doctor

import (
	"context"
	"sync"
	"time"

	"github.com/regauth/regauth/internal/decode/credkind"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/flow"
)

// DefaultParallel is how many registries are checked at once.
const DefaultParallel = 8

// Target is one registry to check.
type Target struct {
	// Registry is what the handshake is pointed at: host[:port], or a key
	// as the user typed it.
	Registry string `json:"registry"`
	// Found says where the registry was listed: `auths`, `credHelpers`,
	// `credsStore list`, or `argument`.
	Found string `json:"found"`
}

// Result is one registry's verdict.
type Result struct {
	Registry   string               `json:"registry"`
	User       string               `json:"user"`
	Source     string               `json:"source"`
	Verdict    Verdict              `json:"verdict"`
	Code       diagnose.Code        `json:"code,omitempty"`
	Summary    string               `json:"summary"`
	DurationMS float64              `json:"duration_ms"`
	Diagnoses  []diagnose.Diagnosis `json:"diagnoses"`
	Flavour    *flavour.Match       `json:"flavour,omitempty"` // set from Trace when rendered
	Kind       *credkind.Kind       `json:"kind,omitempty"`    // what the secret is; set from Trace when rendered
	Trace      *flow.Trace          `json:"-"`
}

// Check runs the handshake for one target.
type Check func(ctx context.Context, t Target) Result

// Run checks every target with at most parallel checks at once, calling
// progress (when not nil) after each, and returns the results in the
// targets' order.
func Run(ctx context.Context, targets []Target, parallel int, check Check, progress func(done, total int, r Result)) []Result {
	if parallel <= 0 {
		parallel = DefaultParallel
	}
	results := make([]Result, len(targets))
	sem := make(chan struct{}, parallel)
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		done int
	)
	for i, t := range targets {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			start := time.Now()
			r := check(ctx, t)
			if r.Registry == "" {
				r.Registry = t.Registry
			}
			if r.DurationMS == 0 {
				r.DurationMS = float64(time.Since(start).Microseconds()) / 1e3
			}
			results[i] = r
			if progress != nil {
				mu.Lock()
				done++
				progress(done, len(targets), r)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

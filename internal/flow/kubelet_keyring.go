package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// KubeletCred is one credential the kubelet's keyring matched, in its turn.
type KubeletCred struct {
	// Key is the registry key as written; Source where it came from.
	Key, Source string
	Credentials Credentials
}

// KubeletAttempt is one CRI PullImage the kubelet makes with one credential.
type KubeletAttempt struct {
	Turn   int         `json:"turn"`
	Key    string      `json:"key,omitempty"`
	Source string      `json:"source"`
	Trace  *Trace      `json:"-"`
	Report *PullReport `json:"-"`
	// Hosts is the attempt over containerd's host list, with
	// --containerd-hosts-dir; Trace is then its answering (or last) pull.
	Hosts *HostsResult `json:"-"`
}

// Label names the credential by its source and registry key: one Secret
// often holds several keys, and the source alone does not tell them apart.
func (a KubeletAttempt) Label() string {
	if a.Key == "" {
		return a.Source
	}
	return fmt.Sprintf("%s, registry %q", a.Source, a.Key)
}

// HostsPull replays one credential's pull over containerd's host list.
type HostsPull func(ctx context.Context, o Options, req PullRequest) *HostsResult

// KubeletResult is the kubelet's pull: every attempt in order, and what the
// pod shows at the end.
type KubeletResult struct {
	Attempts []KubeletAttempt `json:"attempts"`
	// Anonymous: no credential matched, so there was one pull without any.
	Anonymous bool    `json:"anonymous"`
	Verdict   Verdict `json:"verdict"`
	Summary   string  `json:"summary"`
	// Error is the kubelet's error (each attempt's, deduplicated, as
	// apimachinery's aggregate prints them); Events the pod's events.
	Error     string               `json:"error,omitempty"`
	Events    []string             `json:"events,omitempty"`
	Diagnoses []diagnose.Diagnosis `json:"diagnoses"`
}

// KubeletPull replays the kubelet's PullImage: one containerd pull per
// matching credential, in the keyring's order, until one succeeds; with no
// credential, one anonymous pull. After every credential failed there is no
// anonymous try (pkg/kubelet/kuberuntime/kuberuntime_image.go).
func KubeletPull(ctx context.Context, opts Options, req PullRequest, creds []KubeletCred) *KubeletResult {
	return KubeletPullOver(ctx, opts, req, creds, nil)
}

// KubeletPullOver is KubeletPull with each attempt going over containerd's
// host list (mirrors first) when hosts is set: the CRI hands the attempt's
// credential to every host.
func KubeletPullOver(ctx context.Context, opts Options, req PullRequest, creds []KubeletCred, hosts HostsPull) *KubeletResult {
	res := &KubeletResult{Diagnoses: []diagnose.Diagnosis{}}
	if len(creds) == 0 {
		res.Anonymous = true
		creds = []KubeletCred{{Source: "none: no credential in the kubelet's keyring matches the image",
			Credentials: Credentials{Source: "none: no credential in the kubelet's keyring matches the image, so the kubelet hands the runtime none"}}}
		res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.KeyringNoMatch,
			fmt.Sprintf("no credential in the pull Secrets or the node config matches %s: the kubelet pulls anonymously", kubeletName(req)), ""))
	}
	var errs []string
	for i, c := range creds {
		o := opts
		o.Credentials, o.Anonymous = c.Credentials, false
		if o.Credentials.Username == "" && o.Credentials.HasSecret() {
			// Secrets give username and password only; containerd's
			// ParseAuth reads a password only with a username.
			o.Credentials = Credentials{Source: c.Credentials.Source + " (no username: containerd sends no credentials)"}
		}
		var t *Trace
		var rep *PullReport
		var hr *HostsResult
		if hosts != nil {
			hr = hosts(ctx, o, req)
			t, rep = hr.finalPull()
		} else {
			t, rep = Pull(ctx, o, req)
		}
		att := KubeletAttempt{Turn: i + 1, Key: c.Key, Source: c.Source, Trace: t, Report: rep, Hosts: hr}
		res.Attempts = append(res.Attempts, att)
		if t.Client != nil {
			// The pod shows the kubelet's events once, for all attempts.
			t.Client.Events = nil
		}
		res.Verdict = t.Verdict
		if t.OK() {
			res.Summary = fmt.Sprintf("the kubelet's pull would succeed with attempt %d of %d (%s): %s", i+1, len(creds), att.Label(), t.Summary)
			if i > 0 {
				res.Diagnoses = append(res.Diagnoses, diagnose.New(diagnose.KeyringRefusedFirst,
					fmt.Sprintf("%s refused; the pull succeeds with attempt %d (%s)", refusedList(res.Attempts[:i]), i+1, att.Label()), ""))
			}
			if res.Anonymous {
				res.Summary = "the kubelet's anonymous pull would succeed: " + t.Summary
			}
			return res
		}
		errs = append(errs, criError(t, req))
	}
	res.Error = aggregate(errs)
	ref := clientRef(req.Image)
	said := fmt.Sprintf("Failed to pull image %q: %s", ref, res.Error)
	res.Summary = said
	res.Events = kubeletWording().Events(Failure{Ref: ref}, said)
	return res
}

// criError is the runtime's error for one attempt: the kubelet's line
// without its "Failed to pull image" prefix, which it adds once.
func criError(t *Trace, req PullRequest) string {
	s := t.Summary
	if t.Client != nil && t.Client.Error != "" {
		s = t.Client.Error
	}
	return strings.TrimPrefix(s, fmt.Sprintf("Failed to pull image %q: ", clientRef(req.Image)))
}

// aggregate prints errors as apimachinery's utilerrors.NewAggregate does:
// one error as itself, several deduplicated in brackets.
func aggregate(errs []string) string {
	var uniq []string
	seen := map[string]bool{}
	for _, e := range errs {
		if !seen[e] {
			seen[e] = true
			uniq = append(uniq, e)
		}
	}
	if len(uniq) == 1 {
		return uniq[0]
	}
	return "[" + strings.Join(uniq, ", ") + "]"
}

func refusedList(atts []KubeletAttempt) string {
	var parts []string
	for _, a := range atts {
		parts = append(parts, fmt.Sprintf("attempt %d (%s) was", a.Turn, a.Label()))
	}
	return strings.Join(parts, "; ")
}

// kubeletName is the name the keyring matches: domain/path, no tag.
func kubeletName(req PullRequest) string {
	return req.Image.Domain + "/" + req.Image.Repository
}

// KubeletKeyringFailed is the kubelet's answer when it cannot read the
// pod's pull Secrets at all: no pull is made, and the pod fails with the
// parse error (MakeDockerKeyring's error ends PullImage).
func KubeletKeyringFailed(req PullRequest, why string) *KubeletResult {
	ref := clientRef(req.Image)
	said := fmt.Sprintf("Failed to pull image %q: %s", ref, why)
	return &KubeletResult{
		Attempts: []KubeletAttempt{}, Verdict: VerdictRefused, Summary: said, Error: why,
		Events: kubeletWording().Events(Failure{Ref: ref}, said), Diagnoses: []diagnose.Diagnosis{},
	}
}

// finalPull is the pull that decided a host-list attempt: the host that
// answered, else the last one tried; with no host tried, a trace of the
// list's own verdict.
func (out *HostsResult) finalPull() (*Trace, *PullReport) {
	var last, answered *HostAttempt
	for i := range out.Attempts {
		a := &out.Attempts[i]
		if a.Trace == nil {
			continue
		}
		last = a
		if a.Outcome == "answered" {
			answered = a
		}
	}
	if out.Verdict == VerdictOK && answered != nil {
		return answered.Trace, answered.Report
	}
	if last == nil {
		return &Trace{Command: "pull-trace", Verdict: out.Verdict, Summary: out.Summary}, nil
	}
	return last.Trace, last.Report
}

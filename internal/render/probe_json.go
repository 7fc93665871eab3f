package render

import (
	"github.com/regauth/regauth/internal/decode/challenge"
	"github.com/regauth/regauth/internal/diagnose"
	"github.com/regauth/regauth/internal/flavour"
	"github.com/regauth/regauth/internal/probe"
	"github.com/regauth/regauth/internal/redact"
	"github.com/regauth/regauth/internal/tlsinfo"
)

// ProbeDoc is the JSON document of a probe (docs/json.md).
type ProbeDoc struct {
	SchemaVersion int                  `json:"schemaVersion"`
	Command       string               `json:"command"`
	Registry      string               `json:"registry"`
	Endpoint      string               `json:"endpoint"`
	OK            bool                 `json:"ok"`
	Verdict       string               `json:"verdict"`
	API           string               `json:"api"`
	Summary       string               `json:"summary"`
	Problem       string               `json:"problem"`
	Next          string               `json:"next"`
	Realm         string               `json:"realm,omitempty"`
	Flavour       *flavour.Match       `json:"flavour,omitempty"`
	Proxy         string               `json:"proxy,omitempty"`
	Notes         []string             `json:"notes,omitempty"`
	Hosts         []ProbeHostDoc       `json:"hosts"`
	Requests      []ProbeRequestDoc    `json:"requests"`
	Diagnoses     []diagnose.Diagnosis `json:"diagnoses"`
	DurationMS    float64              `json:"duration_ms"`
}

type ProbeHostDoc struct {
	Role   string        `json:"role"`
	Host   string        `json:"host"`
	Want   string        `json:"want"`
	SameAs string        `json:"same_as,omitempty"`
	DNS    *ProbeDNSDoc  `json:"dns,omitempty"`
	TCP    *ProbeTCPDoc  `json:"tcp,omitempty"`
	TLS    *ProbeTLSDoc  `json:"tls,omitempty"`
	HTTP   *ProbeHTTPDoc `json:"http,omitempty"`
	Speaks string        `json:"speaks"`
}

type ProbeDNSDoc struct {
	Name       string   `json:"name"`
	Addresses  []string `json:"addresses"`
	Literal    bool     `json:"literal,omitempty"`
	DurationMS float64  `json:"duration_ms"`
	Error      string   `json:"error,omitempty"`
}

type ProbeTCPDoc struct {
	Address    string  `json:"address"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

type ProbeTLSDoc struct {
	Version    string             `json:"version,omitempty"`
	Cipher     string             `json:"cipher,omitempty"`
	ALPN       string             `json:"alpn,omitempty"`
	DurationMS float64            `json:"duration_ms"`
	Chain      []tlsinfo.Cert     `json:"chain"`
	Trust      []probe.TrustCheck `json:"trust"`
	Trusted    bool               `json:"trusted"`
	NameOK     bool               `json:"name_ok"`
	NameDetail string             `json:"name_detail,omitempty"`
	Verified   bool               `json:"verified"`
	Skipped    bool               `json:"skipped,omitempty"`
	PlainHTTP  bool               `json:"plain_http,omitempty"`
	Error      string             `json:"error,omitempty"`
}

type ProbeHTTPDoc struct {
	URL        string  `json:"url"`
	Status     int     `json:"status,omitempty"`
	HTTPSOnly  bool    `json:"https_only,omitempty"`
	Body       string  `json:"body,omitempty"`
	DurationMS float64 `json:"duration_ms"`
	Error      string  `json:"error,omitempty"`
}

type ProbeRequestDoc struct {
	Name          string                 `json:"name"`
	Method        string                 `json:"method"`
	URL           string                 `json:"url"`
	UserAgent     string                 `json:"user_agent"`
	Status        int                    `json:"status"`
	Headers       map[string][]string    `json:"headers,omitempty"`
	Body          string                 `json:"body"`
	BodyTruncated bool                   `json:"body_truncated,omitempty"`
	APIVersion    string                 `json:"api_version,omitempty"`
	V1Version     string                 `json:"v1_version,omitempty"`
	Challenges    []challenge.Challenge  `json:"challenges,omitempty"`
	Misreadings   []challenge.Difference `json:"misreadings,omitempty"`
	Unverified    bool                   `json:"unverified,omitempty"`
	DurationMS    float64                `json:"duration_ms"`
	Error         string                 `json:"error,omitempty"`
}

// NewProbeDoc builds the JSON view of a probe report.
func NewProbeDoc(rep *probe.Report, r *redact.Redactor) ProbeDoc {
	d := ProbeDoc{
		SchemaVersion: SchemaVersion,
		Command:       "probe",
		Registry:      r.String(rep.Registry),
		Endpoint:      r.URL(rep.Endpoint),
		OK:            rep.Verdict == probe.VerdictOK,
		Verdict:       string(rep.Verdict),
		API:           string(rep.API),
		Summary:       rep.Summary,
		Problem:       string(rep.Problem),
		Next:          r.String(rep.Next),
		Realm:         r.URL(rep.Realm),
		Flavour:       flavourDoc(rep.Flavour, r),
		Proxy:         r.URL(rep.Proxy),
		Hosts:         []ProbeHostDoc{},
		Requests:      []ProbeRequestDoc{},
		Diagnoses:     maskDiagnoses(rep.Diagnoses, r),
		DurationMS:    ms(rep.Duration),
	}
	if d.API == "" {
		d.API = "unknown"
	}
	for _, n := range rep.Notes {
		d.Notes = append(d.Notes, r.String(n))
	}
	for _, h := range rep.Hosts {
		d.Hosts = append(d.Hosts, probeHostDoc(h))
	}
	for _, x := range rep.Requests {
		d.Requests = append(d.Requests, ProbeRequestDoc{
			Name: x.Name, Method: x.Method, URL: r.URL(x.URL), UserAgent: x.UserAgent,
			Status: x.Status, Headers: maskHeaders(x.Headers, r), Body: r.String(previewBody(x.Body)),
			BodyTruncated: x.BodyTruncated, APIVersion: x.APIVersion, V1Version: x.V1Version,
			Challenges: x.Challenges, Misreadings: x.Misreadings, Unverified: x.Unverified,
			DurationMS: ms(x.Duration), Error: x.Err,
		})
	}
	return d
}

func probeHostDoc(h *probe.HostReport) ProbeHostDoc {
	d := ProbeHostDoc{Role: h.Role, Host: h.Host, Want: h.Want, SameAs: h.SameAs, Speaks: h.Speaks}
	if h.SameAs != "" {
		return d
	}
	d.DNS = &ProbeDNSDoc{Name: h.DNS.Name, Addresses: h.DNS.Addresses, Literal: h.DNS.Literal, DurationMS: ms(h.DNS.Duration), Error: h.DNS.Err}
	if d.DNS.Addresses == nil {
		d.DNS.Addresses = []string{}
	}
	if t := h.TCP; t != nil {
		d.TCP = &ProbeTCPDoc{Address: t.Address, DurationMS: ms(t.Duration), Error: t.Err}
	}
	if t := h.TLS; t != nil {
		d.TLS = &ProbeTLSDoc{Version: t.Version, Cipher: t.Cipher, ALPN: t.ALPN, DurationMS: ms(t.Duration),
			Chain: t.Chain, Trust: t.Trust, Trusted: t.Trusted, NameOK: t.NameOK, NameDetail: t.NameDetail,
			Verified: t.Verified, Skipped: t.Skipped, PlainHTTP: t.PlainHTTP, Error: t.Err}
		if d.TLS.Chain == nil {
			d.TLS.Chain = []tlsinfo.Cert{}
		}
		if d.TLS.Trust == nil {
			d.TLS.Trust = []probe.TrustCheck{}
		}
	}
	if c := h.HTTP; c != nil {
		d.HTTP = &ProbeHTTPDoc{URL: c.URL, Status: c.Status, HTTPSOnly: c.HTTPSOnly, Body: c.Body, DurationMS: ms(c.Duration), Error: c.Err}
	}
	return d
}

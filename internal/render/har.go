package render

import (
	"io"
	"net/url"
	"time"

	"github.com/regauth/regauth/internal/buildinfo"
	"github.com/regauth/regauth/internal/flow"
	"github.com/regauth/regauth/internal/redact"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), masked like
// every other output, so it can be attached to a ticket.
type harDoc struct {
	Log harLog `json:"log"`
}

type harLog struct {
	Version string     `json:"version"`
	Creator harCreator `json:"creator"`
	Entries []harEntry `json:"entries"`
}

type harCreator struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
}

type harNV struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harRequest struct {
	Method      string       `json:"method"`
	URL         string       `json:"url"`
	HTTPVersion string       `json:"httpVersion"`
	Cookies     []harNV      `json:"cookies"`
	Headers     []harNV      `json:"headers"`
	QueryString []harNV      `json:"queryString"`
	PostData    *harPostData `json:"postData,omitempty"`
	HeadersSize int          `json:"headersSize"`
	BodySize    int          `json:"bodySize"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type harResponse struct {
	Status      int        `json:"status"`
	StatusText  string     `json:"statusText"`
	HTTPVersion string     `json:"httpVersion"`
	Cookies     []harNV    `json:"cookies"`
	Headers     []harNV    `json:"headers"`
	Content     harContent `json:"content"`
	RedirectURL string     `json:"redirectURL"`
	HeadersSize int        `json:"headersSize"`
	BodySize    int        `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
	Text     string `json:"text,omitempty"`
}

type harTimings struct {
	DNS     float64 `json:"dns"`
	Connect float64 `json:"connect"`
	SSL     float64 `json:"ssl"`
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

func harHeaders(h map[string][]string, r *redact.Redactor) []harNV {
	out := []harNV{}
	for _, k := range sortedKeys(h) {
		for _, v := range h[k] {
			out = append(out, harNV{k, r.Header(k, v)})
		}
	}
	return out
}

func harMS(d time.Duration) float64 {
	if d <= 0 {
		return -1
	}
	return ms(d)
}

// HAR writes the trace's exchanges as a HAR 1.2 log. Steps that got no
// answer are kept, with status 0 and the error as a comment.
func HAR(w io.Writer, traces []*flow.Trace, r *redact.Redactor) error {
	doc := harDoc{Log: harLog{Version: "1.2", Creator: harCreator{"regauth", buildinfo.Get().Version}, Entries: []harEntry{}}}
	for _, t := range traces {
		for _, s := range t.Steps {
			if s.Request == nil {
				continue
			}
			doc.Log.Entries = append(doc.Log.Entries, harStep(s, r))
		}
	}
	return JSON(w, doc)
}

func harStep(s *flow.Step, r *redact.Redactor) harEntry {
	q := s.Request
	e := harEntry{
		StartedDateTime: s.Started.UTC().Format(time.RFC3339Nano),
		Time:            ms(s.Timing.Total),
		Comment:         s.Title,
		Request: harRequest{
			Method: q.Method, URL: r.URL(q.URL), HTTPVersion: "HTTP/1.1",
			Cookies: []harNV{}, Headers: harHeaders(q.Headers, r), QueryString: []harNV{},
			HeadersSize: -1, BodySize: len(q.Body),
		},
		Timings: harTimings{DNS: harMS(s.Timing.DNS), Connect: harMS(s.Timing.Connect), SSL: harMS(s.Timing.TLS), Send: 0, Wait: ms(s.Timing.FirstByte), Receive: ms(s.Timing.Total - s.Timing.FirstByte)},
	}
	if u, err := url.Parse(e.Request.URL); err == nil {
		for k, vs := range u.Query() {
			for _, v := range vs {
				e.Request.QueryString = append(e.Request.QueryString, harNV{k, v})
			}
		}
	}
	if len(q.Body) > 0 {
		e.Request.PostData = &harPostData{MimeType: q.Headers.Get("Content-Type"), Text: maskBody(q.Body, r)}
	}
	if s.Err != "" {
		e.Comment += " (error: " + r.String(s.Err) + ")"
	}
	if p := s.Response; p != nil {
		e.Response = harResponse{
			Status: p.Status, StatusText: p.StatusText, HTTPVersion: p.Proto,
			Cookies: []harNV{}, Headers: harHeaders(p.Headers, r),
			Content:     harContent{Size: len(p.Body), MimeType: p.Headers.Get("Content-Type"), Text: r.String(previewBody(p.Body))},
			RedirectURL: r.URL(p.Headers.Get("Location")),
			HeadersSize: -1, BodySize: len(p.Body),
		}
	} else {
		e.Response = harResponse{Cookies: []harNV{}, Headers: []harNV{}, HTTPVersion: "", HeadersSize: -1, BodySize: -1}
	}
	return e
}

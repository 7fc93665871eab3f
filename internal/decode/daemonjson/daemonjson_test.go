package daemonjson

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func load(t *testing.T, name string) (*Config, error) {
	t.Helper()
	p := filepath.Join("testdata", name)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return Parse(p, data)
}

func TestParseDocsExamples(t *testing.T) {
	tests := []struct {
		file    string
		mirrors []string
		hosts   []string
		cidrs   []string
		notes   int
	}{
		{"mirror.json", []string{"https://mirror.gcr.io/"}, []string{}, []string{"::1/128", "127.0.0.0/8"}, 0},
		{"insecure.json", []string{}, []string{"myregistrydomain.com:5000"}, []string{"10.10.0.0/16", "::1/128", "127.0.0.0/8"}, 0},
		// The scheme is dropped with dockerd's warning; the duplicate
		// mirror (with and without a slash) is kept once.
		{"full.json", []string{"https://mirror-a.example.com/", "https://mirror-b.example.com/"}, []string{"registry.internal:5000"}, []string{"::1/128", "127.0.0.0/8"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := load(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Mirrors, tt.mirrors) || !reflect.DeepEqual(c.InsecureHosts, tt.hosts) || !reflect.DeepEqual(c.InsecureCIDRs, tt.cidrs) {
				t.Errorf("got mirrors %q hosts %q cidrs %q", c.Mirrors, c.InsecureHosts, c.InsecureCIDRs)
			}
			if len(c.Notes) != tt.notes {
				t.Errorf("notes %q, want %d", c.Notes, tt.notes)
			}
		})
	}
}

func TestParseFaults(t *testing.T) {
	tests := []struct {
		file string
		code diagnose.Code
		says string
	}{
		{"broken-comma.json", diagnose.DaemonJSONInvalid, "line 3, column 1: invalid character '}'"},
		{"broken-singular.json", diagnose.DaemonUnknownKey, "don't match any configuration option: registry-mirror"},
		{"broken-noscheme.json", diagnose.DaemonMirrorInvalid, `no scheme specified for "mirror.gcr.io"`},
		{"broken-userinfo.json", diagnose.DaemonMirrorInvalid, "username/password not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, err := load(t, tt.file)
			var e *Error
			if !errors.As(err, &e) || e.Code != tt.code || !strings.Contains(e.Msg, tt.says) {
				t.Fatalf("got %v, want %s saying %q", err, tt.code, tt.says)
			}
			if strings.Contains(err.Error(), "Synth3tic-Mirror-pw") {
				t.Errorf("the error shows the mirror's password: %v", err)
			}
		})
	}
}

func TestValidateMirror(t *testing.T) {
	tests := []struct{ in, out, err string }{
		{"https://mirror.example.com", "https://mirror.example.com/", ""},
		{"http://10.0.0.5:5000/", "http://10.0.0.5:5000/", ""},
		{"https://proxy.example.com/dockerhub", "https://proxy.example.com/dockerhub/", ""},
		{"mirror.example.com:5000", "", "no scheme specified"},
		{"ftp://mirror.example.com", "", `unsupported scheme "ftp"`},
		{"https://mirror.example.com/?x=1", "", "query or fragment"},
		{"https://mirror.example.com/#top", "", "query or fragment"},
	}
	for _, tt := range tests {
		got, err := ValidateMirror(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.out {
			t.Errorf("%s: got %q, %v; want %q", tt.in, got, err, tt.out)
		}
	}
}

func TestInsecureMatching(t *testing.T) {
	c, err := Parse("daemon.json", []byte(`{"insecure-registries":["registry.internal:5000","10.1.0.0/16","https://plain.example.com"]}`))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host string
		want bool
	}{
		{"registry.internal:5000", true},
		{"registry.internal", false}, // dockerd matches host:port exactly
		{"10.1.2.3:443", true},
		{"10.2.0.1", false},
		{"plain.example.com", true},
		{"127.0.0.1:5000", true},
		{"[::1]:5000", true},
		{"registry.example.com", false},
	}
	for _, tt := range tests {
		if got, why := c.Insecure(tt.host); got != tt.want || (got && why == "") {
			t.Errorf("%s: insecure %v (%q), want %v", tt.host, got, why, tt.want)
		}
	}
	for _, bad := range []string{`{"insecure-registries":["tcp://x:1"]}`, `{"insecure-registries":["-bad.example.com"]}`, `{"insecure-registries":["bad host"]}`} {
		var e *Error
		if _, err := Parse("daemon.json", []byte(bad)); !errors.As(err, &e) || e.Code != diagnose.DaemonInsecureInvalid {
			t.Errorf("%s: got %v, want DAEMON_INSECURE_INVALID", bad, err)
		}
	}
}

func TestParseEmptyAndWrongShapes(t *testing.T) {
	if c, err := Parse("daemon.json", []byte("  \n")); err != nil || len(c.Mirrors) != 0 {
		t.Errorf("an empty file: %v, %v", c, err)
	}
	for _, bad := range []string{`[]`, `{"registry-mirrors":"https://m.example.com"}`, `{"registry-mirrors":[1]}`} {
		var e *Error
		if _, err := Parse("daemon.json", []byte(bad)); !errors.As(err, &e) || e.Code != diagnose.DaemonJSONInvalid {
			t.Errorf("%s: got %v, want DAEMON_JSON_INVALID", bad, err)
		}
	}
}

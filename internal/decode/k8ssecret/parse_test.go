package k8ssecret

import (
	"os"
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// all is every finding of a file, its Secrets' and their entries'.
func all(f *File) []diagnose.Diagnosis {
	ds := append([]diagnose.Diagnosis(nil), f.Findings...)
	for _, s := range f.Secrets {
		ds = append(ds, s.Findings...)
		for _, e := range s.Entries {
			ds = append(ds, e.Findings...)
		}
	}
	return ds
}

func codes(ds []diagnose.Diagnosis) map[diagnose.Code]string {
	out := map[diagnose.Code]string{}
	for _, d := range ds {
		out[d.Code] += d.Message + "\n"
	}
	return out
}

// secretRow is what a user reads off a decoded Secret: who, where from,
// whether the kubelet uses it.
type secretRow struct {
	ref, key, field string
	used            bool
	entries         string // key=user, ...
}

func rowsOf(f *File) []secretRow {
	var out []secretRow
	for _, s := range f.Secrets {
		var es []string
		for _, e := range s.Entries {
			es = append(es, e.Key+"="+e.Username)
		}
		out = append(out, secretRow{s.Ref(), s.Key, s.Field, s.Used, strings.Join(es, ",")})
	}
	return out
}

func TestParseKubectlOutput(t *testing.T) {
	cases := []struct {
		file   string
		format string
		want   []secretRow
		codes  []diagnose.Code
	}{
		{"regcred.yaml", FormatSecret, []secretRow{{"regcred", ".dockerconfigjson", "data", true, "registry.example.com=alice"}}, nil},
		{"regcred.json", FormatSecret, []secretRow{{"team/regcred", ".dockerconfigjson", "data", true, "registry.example.com:5000=bob"}}, nil},
		{"hub.yaml", FormatSecret, []secretRow{{"hubcred", ".dockerconfigjson", "data", true, "https://index.docker.io/v1/=hubuser"}}, []diagnose.Code{diagnose.SecretHubKey}},
		{"generic.yaml", FormatSecret, []secretRow{{"regcred-generic", ".dockerconfigjson", "data", false, "registry.example.com=carol"}}, []diagnose.Code{diagnose.SecretTypeMismatch}},
		{"multi.yaml", FormatSecret, []secretRow{
			{"first", ".dockerconfigjson", "data", true, "registry.example.com=alice"},
			{"team/second", ".dockerconfigjson", "data", true, "*.example.com=bob"}}, nil},
		{"bare.txt", FormatBare, []secretRow{{"(bare value)", ".dockerconfigjson", "", true, "registry.example.com=alice"}}, nil},
		{"list.yaml", FormatSecret, []secretRow{
			{"build/legacy", ".dockercfg", "data", true, "quay.io/org=dave"},
			{"build/plain", ".dockerconfigjson", "stringData", true, "ghcr.io=erin"}}, []diagnose.Code{diagnose.SecretNotASecret}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := Parse(c.file, read(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			if f.Format != c.format {
				t.Errorf("format %q, want %q", f.Format, c.format)
			}
			got := rowsOf(f)
			if len(got) != len(c.want) {
				t.Fatalf("secrets %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("secret %d: %+v, want %+v", i, got[i], c.want[i])
				}
			}
			have := codes(all(f))
			for _, code := range c.codes {
				if have[code] == "" {
					t.Errorf("no %s in %v", code, have)
				}
			}
			if len(have) != len(c.codes) {
				t.Errorf("findings %v, want only %v", have, c.codes)
			}
			if !Detect(read(t, c.file)) {
				t.Errorf("Detect does not recognise %s", c.file)
			}
		})
	}
}

func TestParsePasswordsAsTheKubeletReadsThem(t *testing.T) {
	f, err := Parse("regcred.yaml", read(t, "regcred.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	e := f.Secrets[0].Entries[0]
	if e.Password != "alice-Synth3tic-pw" || !e.FromAuth || e.Email != "alice@example.com" {
		t.Errorf("entry %+v", e)
	}
	f, err = Parse("list.yaml", read(t, "list.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if p := f.Secrets[1].Entries[0].Password; p != "erin-Synth3tic-pw" {
		t.Errorf("stringData password %q", p)
	}
}

func TestParseBrokenShapes(t *testing.T) {
	cases := []struct {
		file string
		// says maps a code to words its message must hold.
		says map[diagnose.Code][]string
		used []bool
	}{
		{"broken.yaml", map[diagnose.Code][]string{
			diagnose.SecretBadBase64:       {"Secret team/urlsafe", `data[".dockerconfigjson"]`, "at byte", "URL-safe"},
			diagnose.SecretNotDockerConfig: {"Secret team/cfgshape", ".dockercfg shape", "no credentials"},
			diagnose.SecretTypeMismatch:    {"Secret team/wrongkey", "document 3", "type kubernetes.io/dockercfg reads key .dockercfg", "holds .dockerconfigjson", "ignores"},
		}, []bool{false, true, false}},
		{"entries.json", map[diagnose.Code][]string{
			diagnose.SecretAuthMismatch: {`registry "registry.example.com"`, `auth names user "ivan" but username is "henry"`, "password differs", "uses auth"},
			diagnose.SecretEmailOnly:    {`registry "mail.example.com"`, "only an email", "anonymous"},
			diagnose.SecretHubKeyUnused: {`registry "registry-1.docker.io"`, "never get these credentials"},
			diagnose.SecretHubKey:       {`registry "docker.io"`, `registry "https://index.docker.io/v1/"`, `"index.docker.io"`, "only when no other entry"},
		}, []bool{true}},
		{"badauth.yaml", map[diagnose.Code][]string{
			diagnose.SecretAuthInvalid: {"Secret badauth", "no ':'", "every pull of the pod fails"},
		}, []bool{false}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			f, err := Parse(c.file, read(t, c.file))
			if err != nil {
				t.Fatal(err)
			}
			have := codes(all(f))
			for code, words := range c.says {
				for _, w := range words {
					if !strings.Contains(have[code], w) {
						t.Errorf("%s does not say %q:\n%s", code, w, have[code])
					}
				}
			}
			if len(have) != len(c.says) {
				t.Errorf("findings %v", have)
			}
			for i, u := range c.used {
				if f.Secrets[i].Used != u {
					t.Errorf("secret %s used=%v, want %v (%s)", f.Secrets[i].Ref(), f.Secrets[i].Used, u, f.Secrets[i].Ignored)
				}
			}
			for _, d := range all(f) {
				if strings.Contains(d.Message, "Synth3tic") || strings.Contains(d.Message, "Other-pw") {
					t.Errorf("a finding shows a password: %s", d.Message)
				}
			}
		})
	}
}

func TestParseEntriesAsTheKubelet(t *testing.T) {
	f, err := Parse("entries.json", read(t, "entries.json"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]Entry{}
	for _, e := range f.Secrets[0].Entries {
		got[e.Key] = e
	}
	// auth wins over the literal fields; unpadded auth decodes.
	if e := got["registry.example.com"]; e.Username != "ivan" || e.Password != "ivan-Synth3tic-pw" {
		t.Errorf("auth did not win: %+v", e)
	}
	if e := got["docker.io"]; e.Username != "liam" || e.Password != "liam-Synth3tic-pw" {
		t.Errorf("unpadded auth: %+v", e)
	}
}

func TestParseRefusesWhatNoToolReads(t *testing.T) {
	cases := []struct{ name, in, says string }{
		{"yaml syntax", "apiVersion: v1\nkind: Secret\ndata: [unclosed\n", "not YAML or JSON"},
		{"not an object", "apiVersion: v1\nkind: Secret\nmetadata: 7\n", "metadata"},
		{"no kind", "foo: bar\n", "no kind or apiVersion"},
		{"empty", "---\n# nothing\n", "no Kubernetes object"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("x.yaml", []byte(c.in))
			if err == nil || !strings.Contains(err.Error(), c.says) || strings.Contains(err.Error(), "\n") {
				t.Errorf("err %v, want one line saying %q", err, c.says)
			}
		})
	}
}

func TestDetectLeavesDockerConfigsAlone(t *testing.T) {
	for _, in := range []string{
		`{"auths":{"registry.example.com":{"auth":"YTpi"}}}`,
		"auth = YTpi\nemail = a@example.com\n",
		`{"registry.example.com":{"auth":"YTpi","email":"a@b"}}`,
		"",
		"YTpi", // base64 of "a:b": not JSON
	} {
		if Detect([]byte(in)) {
			t.Errorf("Detect(%q) = true", in)
		}
	}
}

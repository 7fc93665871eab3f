package credhelper

import (
	"strings"
	"testing"
)

func TestBoundedBuffer(t *testing.T) {
	b := boundedBuffer{limit: 5}
	for _, p := range []string{"abc", "def", "ghi"} {
		if n, err := b.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v; must accept everything", p, n, err)
		}
	}
	if string(b.buf) != "abcde" || !b.truncated {
		t.Errorf("kept %q truncated=%v", b.buf, b.truncated)
	}
	exact := boundedBuffer{limit: 3}
	exact.Write([]byte("abc"))
	if exact.truncated {
		t.Error("a write that fits exactly is not truncated")
	}
}

func TestOneLine(t *testing.T) {
	tests := map[string]string{
		"plain":                "plain",
		"  two\nlines\r\n":     "two lines",
		"tab\tand  spaces":     "tab and spaces",
		"esc\x1b[31mred":       "esc.[31mred",
		"bad utf8 \xff here":   "bad utf8 . here",
		"\n\n":                 "",
		strings.Repeat("a", 3): "aaa",
	}
	for in, want := range tests {
		if got := oneLine(in); got != want {
			t.Errorf("oneLine(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Kind: KindNotInstalled, Helper: "docker-credential-desktop", Msg: "executable file not found in $PATH"},
			"docker-credential-desktop: executable file not found in $PATH"},
		{Error{Kind: KindFailed, Helper: "docker-credential-pass", ExitCode: 1, Msg: "exit status 1: boom", Stderr: "line one\nline two"},
			"docker-credential-pass get: exit status 1: boom; stderr: line one line two"},
		{Error{Kind: KindTimeout, Helper: "docker-credential-x", Msg: "no answer within 10s (--helper-timeout)"},
			"docker-credential-x get: no answer within 10s (--helper-timeout)"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

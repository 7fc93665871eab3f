package regtoken

import (
	"strings"
	"testing"
)

func TestParseJSON(t *testing.T) {
	for in, wantErr := range map[string]string{
		`{"a":1}`:   "",
		` [1] `:     "",
		``:          "it is empty",
		`{"a":1}{}`: "unexpected data after the JSON value at byte 7",
		`{"a":`:     "unexpected EOF",
	} {
		_, err := parseJSON([]byte(in))
		if wantErr == "" && err != nil || wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)) {
			t.Errorf("parseJSON(%q) err = %v, want %q", in, err, wantErr)
		}
	}
}

func TestKindOf(t *testing.T) {
	v, _ := parseJSON([]byte(`[null,"s",1,true,[],{}]`))
	want := []string{"null", "a string", "a number", "a boolean", "an array", "an object"}
	for i, e := range v.([]any) {
		if got := kindOf(e); got != want[i] {
			t.Errorf("kindOf(%#v) = %q, want %q", e, got, want[i])
		}
	}
}

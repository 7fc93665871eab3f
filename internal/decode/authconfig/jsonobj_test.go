package authconfig

import (
	"encoding/json"
	"testing"
)

func TestNotJSONPositions(t *testing.T) {
	tests := []struct {
		in, want string
		whole    bool
	}{
		{"{\n \"a\": x}", "not JSON: invalid character 'x' looking for beginning of value at byte 8 (line 2)", false},
		{"x", "not JSON: invalid character 'x' looking for beginning of value at byte 0 (line 1)", false},
		{"{\n\t\"auths\": {\n", "not JSON: unexpected end of input at byte 14 (line 3)", false},
		{"\x00\x01garbage", "not JSON: invalid character '\\x00' looking for beginning of value at byte 0 (line 1)", false},
		{`{"a":1} trailing`, "", false},
		{`{"a":1} trailing`, "not JSON: invalid character 't' after top-level value at byte 8 (line 1)", true},
		{"", "not JSON: unexpected end of input at byte 0 (line 1)", true},
		{"{\"a\":", "not JSON: unexpected end of input at byte 5 (line 1)", true},
	}
	for _, tt := range tests {
		var err error
		if tt.whole {
			_, err = wholeValue([]byte(tt.in))
		} else {
			_, err = firstValue([]byte(tt.in))
		}
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("%q (whole=%v):\n got %q\nwant %q", tt.in, tt.whole, got, tt.want)
		}
	}
}

func TestMembers(t *testing.T) {
	ms, err := members(json.RawMessage(`{"b":1,"a":{"x":2},"b":"3"}`), "top")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, m := range ms {
		names = append(names, m.name+"="+string(m.value))
	}
	want := []string{"b=1", `a={"x":2}`, `b="3"`}
	if len(names) != 3 || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Errorf("members = %v, want %v (document order, duplicates kept)", names, want)
	}
	for raw, msg := range map[string]string{
		`[1]`:  "top is an array, not an object",
		`"s"`:  "top is a string, not an object",
		`null`: "top is null, not an object",
		`12`:   "top is a number, not an object",
		`true`: "top is a boolean, not an object",
	} {
		if _, err := members(json.RawMessage(raw), "top"); err == nil || err.Error() != msg {
			t.Errorf("members(%s) error = %v, want %q", raw, err, msg)
		}
	}
}

func TestStringValue(t *testing.T) {
	if s, err := stringValue(json.RawMessage(`"a\u0041"`), "x"); s != "aA" || err != nil {
		t.Errorf("got %q, %v", s, err)
	}
	if s, err := stringValue(json.RawMessage(`null`), "x"); s != "" || err != nil {
		t.Errorf("null: got %q, %v", s, err)
	}
	if _, err := stringValue(json.RawMessage(`12`), `auths["r"].auth`); err == nil || err.Error() != `auths["r"].auth is a number, want a string` {
		t.Errorf("number: got %v", err)
	}
}

func TestQuoteKey(t *testing.T) {
	if got := quoteKey("auths", "reg.example\n"); got != `auths["reg.example\n"]` {
		t.Errorf("got %s", got)
	}
}

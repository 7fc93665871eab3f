package flow

import "testing"

// The kubelet joins its attempts' errors as apimachinery's aggregate does.
func TestKubeletAggregate(t *testing.T) {
	cases := []struct {
		in   []string
		want string
	}{
		{[]string{"a"}, "a"},
		{[]string{"a", "a"}, "a"},
		{[]string{"a", "b"}, "[a, b]"},
		{[]string{"a", "b", "a", "c"}, "[a, b, c]"},
	}
	for _, c := range cases {
		if got := aggregate(c.in); got != c.want {
			t.Errorf("aggregate(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

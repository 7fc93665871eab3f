package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

// The demo runs end to end and shows each verdict it promises, the push
// cases included.
func TestDemo(t *testing.T) {
	var out bytes.Buffer
	if err := runDemo(context.Background(), &out, &demoOptions{Like: "harbor", NoColor: true}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"OK login succeeds",
		"OK a push to ",
		"the registry opened an upload session (nothing was written)",
		"REFUSED denied: requested access to the resource is denied",
		"PUSH_DENIED",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the demo lacks %q", want)
		}
	}
}

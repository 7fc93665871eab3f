package authconfig

import (
	"strings"
	"testing"
)

func TestMatchNameTopLevel(t *testing.T) {
	tests := []struct {
		name, meant string
		how         nameMatch
	}{
		{"auths", "auths", nameExact},
		{"credsStore", "credsStore", nameExact},
		{"HttpHeaders", "HttpHeaders", nameExact},
		{"currentContext", "currentContext", nameExact},
		{"Auths", "auths", nameFolded},
		{"credsstore", "credsStore", nameFolded},
		{"credSstore", "credsStore", nameFolded},
		{"credhelpers", "credHelpers", nameFolded},
		{"credStore", "credsStore", nameTypo},
		{"credHelper", "credHelpers", nameTypo},
		{"auth", "auths", nameTypo},
		{"credentialHelpers", "credHelpers", nameTypo},
		{"credentialsStore", "credsStore", nameTypo},
		{"auto", "", nameUnknown},
		{"registry.example.com", "", nameUnknown},
		{"stackOrchestrator", "stackOrchestrator", nameExact},
		{strings.Repeat("credsStore", 100), "", nameUnknown},
	}
	for _, tt := range tests {
		meant, how := matchName(tt.name, dockerTopKeys)
		if meant != tt.meant || how != tt.how {
			t.Errorf("matchName(%q) = %q, %d; want %q, %d", tt.name, meant, how, tt.meant, tt.how)
		}
	}
}

func TestMatchNameEntry(t *testing.T) {
	tests := []struct {
		name, meant string
		how         nameMatch
	}{
		{"auth", "auth", nameExact},
		{"Auth", "auth", nameFolded},
		{"identityToken", "identitytoken", nameFolded},
		{"identity_token", "identitytoken", nameTypo},
		{"passwd", "password", nameTypo},
		{"user", "username", nameTypo},
		{"auths", "auth", nameTypo},
		{"comment", "", nameUnknown},
	}
	for _, tt := range tests {
		meant, how := matchName(tt.name, dockerEntryFields)
		if meant != tt.meant || how != tt.how {
			t.Errorf("matchName(%q) = %q, %d; want %q, %d", tt.name, meant, how, tt.meant, tt.how)
		}
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2},
		{"auths", "auth", 1}, {"credsstore", "credstore", 1},
		{"ab", "ba", 1}, {"kitten", "sitting", 3},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

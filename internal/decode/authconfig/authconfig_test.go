package authconfig

import "testing"

func TestEntrySecret(t *testing.T) {
	tests := []struct {
		e          Entry
		kind, want string
	}{
		{Entry{}, "", ""},
		{Entry{Username: "u"}, "", ""},
		{Entry{Password: "p"}, "password", "p"},
		{Entry{Password: "p", RegistryToken: "r"}, "registrytoken", "r"},
		{Entry{Password: "p", RegistryToken: "r", IdentityToken: "i"}, "identitytoken", "i"},
	}
	for _, tt := range tests {
		kind, secret := tt.e.Secret()
		if kind != tt.kind || secret != tt.want {
			t.Errorf("%+v.Secret() = %q, %q; want %q, %q", tt.e, kind, secret, tt.kind, tt.want)
		}
	}
}

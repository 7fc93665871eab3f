package authconfig

import "testing"

func TestHosts(t *testing.T) {
	tests := []struct {
		key, docker, host, lookup, containers, registry string
	}{
		{HubKey, "index.docker.io", "docker.io", HubKey, "index.docker.io", "index.docker.io"},
		{"https://reg:5000/v1/", "reg:5000", "reg:5000", "https://reg:5000/v1/", "reg:5000", "reg:5000"},
		{"REG.Example.com", "REG.Example.com", "reg.example.com", "REG.Example.com", "REG.Example.com", "REG.Example.com"},
		{"docker.io", "docker.io", "docker.io", HubKey, "index.docker.io", "docker.io"},
		{"index.docker.io", "index.docker.io", "index.docker.io", HubKey, "index.docker.io", "index.docker.io"},
		{"registry-1.docker.io", "registry-1.docker.io", "registry-1.docker.io", "registry-1.docker.io", "index.docker.io", "registry-1.docker.io"},
		{"quay.io/org/repo", "quay.io", "quay.io", "quay.io/org/repo", "quay.io", "quay.io"},
		{"http://[::1]:5000/x", "[::1]:5000", "[::1]:5000", "http://[::1]:5000/x", "[::1]:5000", "[::1]:5000"},
		{"https://%zz", "https:", "https:", "https://%zz", "%zz", "%zz"},
		{"", "", "", "", "", ""},
	}
	for _, tt := range tests {
		if got := dockerHostname(tt.key); got != tt.docker {
			t.Errorf("dockerHostname(%q) = %q, want %q", tt.key, got, tt.docker)
		}
		if got := hostOf(tt.key); got != tt.host {
			t.Errorf("hostOf(%q) = %q, want %q", tt.key, got, tt.host)
		}
		if got := dockerLookupKey(tt.key); got != tt.lookup {
			t.Errorf("dockerLookupKey(%q) = %q, want %q", tt.key, got, tt.lookup)
		}
		if got := containersHost(tt.key); got != tt.containers {
			t.Errorf("containersHost(%q) = %q, want %q", tt.key, got, tt.containers)
		}
		if got := containersRegistry(tt.key); got != tt.registry {
			t.Errorf("containersRegistry(%q) = %q, want %q", tt.key, got, tt.registry)
		}
	}
}

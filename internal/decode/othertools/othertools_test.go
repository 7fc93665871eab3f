package othertools

import "testing"

func TestIdentify(t *testing.T) {
	for in, want := range map[string]string{
		`{"hosts":{"reg.example":{"user":"u","pass":"p","tls":"enabled"}},"incDockerCred":true}`:                     "regctl",
		`{"registry-mirrors":["https://mirror.example"],"insecure-registries":["10.0.0.0/8"]}`:                       "daemon.json",
		"[containers]\nlog_driver = \"k8s-file\"\n[engine]\ncgroup_manager = \"systemd\"\n":                          "containers.conf",
		"unqualified-search-registries = [\"docker.io\"]\n[[registry]]\nprefix = \"a\"\n":                            "registries.conf",
		"version = 2\n[plugins.\"io.containerd.grpc.v1.cri\".registry]\nconfig_path = \"/etc/containerd/certs.d\"\n": "containerd-config",
		`{"auths":{"reg.example":{"auth":"dTpw"}}}`:                                                                  "",
		`{"hosts":"x"}`: "",
		"":              "",
		"\x00\xff[":     "",
	} {
		if got := Identify([]byte(in)); got.ID != want || (want != "" && got.Note == "") {
			t.Errorf("Identify(%q) = %+v, want %q", in, got, want)
		}
	}
}

func TestParseRegctl(t *testing.T) {
	c, err := ParseRegctl([]byte(`{"hosts":{"zz.example":{"user":"bob","credHelper":"docker-credential-x"},"reg.example:5000":{"hostname":"real.example:5000","user":"alice","pass":"pw-Secret-9","tls":"disabled"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Hosts) != 2 || c.Hosts[0].Name != "reg.example:5000" || c.Hosts[0].Hostname != "real.example:5000" || c.Hosts[0].TLS != "disabled" || c.Hosts[1].Hostname != "zz.example" {
		t.Errorf("%+v", c.Hosts)
	}
	if _, err := ParseRegctl([]byte(`{"hosts":[1]}`)); err == nil {
		t.Error("a hosts list is not regctl's")
	}
}

func FuzzIdentify(f *testing.F) {
	f.Add([]byte(`{"hosts":{"a":{}}}`))
	f.Add([]byte("[engine]\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Identify(b)
		ParseRegctl(b)
	})
}

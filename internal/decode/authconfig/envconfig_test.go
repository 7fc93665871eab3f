package authconfig

import (
	"strings"
	"testing"

	"github.com/regauth/regauth/internal/diagnose"
)

func TestParseEnvAuthConfig(t *testing.T) {
	f, err := ParseEnvAuthConfig(string(fixture(t, "docker-auth-config.env")))
	if err != nil {
		t.Fatal(err)
	}
	if f.Path != "env:DOCKER_AUTH_CONFIG" {
		t.Errorf("path %q", f.Path)
	}
	checkFile(t, f, FormatEnvAuthConfig, nil, []wantEntry{
		{"registry.example.com:5000", "registry.example.com:5000", false, "grace", "password", "fake-env-secret", nil},
	})
}

func TestParseEnvAuthConfigTolerated(t *testing.T) {
	tests := []struct {
		in        string
		fileCodes []diagnose.Code
		entries   int
	}{
		{"", nil, 0},
		{"  ", nil, 0},
		{`{}`, nil, 0},
		{`{"auths": null}`, nil, 0},
		{`{"auths": {}, "credsStore": "desktop"}`, []diagnose.Code{unknown}, 0},
		{`{"auth": {}}`, []diagnose.Code{unknown}, 0},
		{`{"Auths": {"r": {"Auth": "` + b64("u:p") + `"}}}`, []diagnose.Code{unknown}, 1},
		{`{"auths": {"https://index.docker.io/v1/": {"auth": "` + b64("u:p") + `"}}} trailing`, nil, 1},
	}
	for _, tt := range tests {
		f, err := ParseEnvAuthConfig(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		if !sameCodes(f.Findings, tt.fileCodes...) || len(f.Entries) != tt.entries {
			t.Errorf("%s: findings %v entries %v", tt.in, codes(f.Findings), keysOf(f))
		}
	}
	f, _ := ParseEnvAuthConfig(`{"auth": {}}`)
	if want := `top-level key "auth" in env:DOCKER_AUTH_CONFIG is ignored: the Docker CLI reads only "auths" from DOCKER_AUTH_CONFIG; it was probably meant to be "auths"`; f.Findings[0].Message != want {
		t.Errorf("got  %q\nwant %q", f.Findings[0].Message, want)
	}
	f, _ = ParseEnvAuthConfig(`{"auths": {"r": {"Auth": "` + b64("u:p") + `"}}}`)
	if e := mustEntry(t, f, "r"); !sameCodes(e.Findings, unknown) || e.Username != "u" {
		t.Errorf("case variant of auth is read, with a finding: %+v", e)
	}
}

func TestParseEnvAuthConfigErrors(t *testing.T) {
	const tail = " (the Docker CLI ignores a DOCKER_AUTH_CONFIG it cannot use)"
	tests := map[string]string{
		`{"auths": {"r": {"auth": "` + b64("u:p") + `", "email": "e"}}}`: `auths["r"].email: a DOCKER_AUTH_CONFIG entry may hold only "auth" (base64 of user:password)`,
		`{"auths": {"r": {"username": "u", "password": "p"}}}`:           `auths["r"].username: a DOCKER_AUTH_CONFIG entry may hold only "auth" (base64 of user:password)`,
		`{"auths": {"r": {}}}`:                                 `auths["r"]: no "auth"; the Docker CLI requires one in every DOCKER_AUTH_CONFIG entry`,
		`{"auths": {"reg.example": {"auth": "YWxpY2U%cHc="}}}`: `auths["reg.example"].auth: not valid base64 at byte 7`,
		`{"auths": {"r": {"auth": "` + b64("nocolon") + `"}}}`: `auths["r"].auth: no ':' between username and password`,
		`{"auths": {"r": {"auth": 5}}}`:                        `auths["r"].auth is a number, want a string`,
		`{"auths": []}`:                                        `auths is an array, not an object`,
		`{"auths": {"r": "x"}}`:                                `auths["r"] is a string, not an object`,
		"{\n\"auths\": x}":                                     "not JSON: invalid character 'x' looking for beginning of value at byte 11 (line 2)",
		`[]`:                                                   "the top level is an array, not an object",
	}
	for in, want := range tests {
		_, err := ParseEnvAuthConfig(in)
		if err == nil || err.Error() != want+tail {
			t.Errorf("ParseEnvAuthConfig(%s)\n error %v\n want  %s", in, err, want+tail)
		}
		if err != nil && strings.ContainsAny(err.Error(), "\n\r") {
			t.Errorf("error is not one line: %q", err)
		}
	}
}

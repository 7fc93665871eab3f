// Package e2e runs regauth against parts nobody here wrote: Debian's
// distribution registry 2.8 behind an nginx laid out like Harbor's proxy,
// a second registry with htpasswd Basic auth, and the real Docker CLI. It
// checks that regauth puts on the wire what docker does.
//
// The tests need docker-registry, nginx and the docker CLI (.ci/run
// installs them). Without them they skip, except under CI=true, where a
// missing part fails with what to install.
package e2e

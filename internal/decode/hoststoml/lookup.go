package hoststoml

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/regauth/regauth/internal/diagnose"
)

// DefaultDir is containerd's usual config_path.
const DefaultDir = "/etc/containerd/certs.d"

// FS is what the lookup reads: the host directories, hosts.toml and the
// certificate files it names.
type FS interface {
	Stat(name string) (fs.FileInfo, error)
	ReadFile(name string) ([]byte, error)
	ReadDir(name string) ([]fs.DirEntry, error)
}

// OS reads the real file system, each file within MaxSize.
type OS struct{}

func (OS) Stat(name string) (fs.FileInfo, error)      { return os.Stat(name) }
func (OS) ReadDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }
func (OS) ReadFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err == nil && len(b) > MaxSize {
		return nil, fmt.Errorf("%s: larger than %d KiB", name, MaxSize>>10)
	}
	return b, err
}

// Options are what the client adds to the host directory.
type Options struct {
	// DefaultScheme is the scheme of a registry the files name no server
	// for: "http" for ctr --plain-http, "" for containerd's own choice.
	DefaultScheme string
	// DefaultTLS: the client has TLS settings of its own (ctr --tlscacert,
	// --tlscert), so an http host is tried over https first.
	DefaultTLS bool
}

// Candidate is one directory containerd looks for.
type Candidate struct {
	Dir   string `json:"dir"`
	Found bool   `json:"found"`
}

// Resolution is containerd's host list for one registry.
type Resolution struct {
	// Registry is the image's registry as containerd is asked for it
	// (docker.io, host:port).
	Registry string `json:"registry"`
	// Roots are the host directories searched, in order (config_path may
	// list several, separated by ':').
	Roots []string    `json:"roots"`
	Root  string      `json:"root"`
	Tried []Candidate `json:"tried"`
	// Dir is the directory used, "" for none; File its hosts.toml when
	// containerd read one.
	Dir  string `json:"dir,omitempty"`
	File string `json:"file,omitempty"`
	// CertFiles: no usable hosts.toml, so the Docker certificate layout
	// (*.crt, *.cert and *.key) of Dir applies to the registry itself.
	CertFiles bool                 `json:"cert_files,omitempty"`
	Hosts     []Host               `json:"hosts"`
	Findings  []diagnose.Diagnosis `json:"findings"`
	// Fatal is containerd's error when it cannot build the hosts at all
	// (a CA or client file it cannot read): every pull of the registry
	// fails with it.
	Fatal string `json:"fatal,omitempty"`
}

// HostPaths are the directories containerd tries for host, in order
// (config_unix.go hostPaths): host_port_ (when there is a port), the name
// as written (host:port), then _default.
func HostPaths(root, host string) []string {
	var out []string
	if ch := hostDirectory(host); ch != host {
		out = append(out, filepath.Join(root, ch))
	}
	return append(out, filepath.Join(root, host), filepath.Join(root, "_default"))
}

func hostDirectory(host string) string {
	if i := strings.LastIndex(host, ":"); i > 0 {
		return host[:i] + "_" + host[i+1:] + "_"
	}
	return host
}

// Lookup finds registry's directory under the roots as containerd's
// HostDirFromRoot does (the CRI's hostDirFromRoots: root by root, the first
// directory found wins), reads it as loadHostDir does, and fills in the
// registry itself as ConfigureHosts does when no server is named.
func Lookup(fsys FS, roots []string, registry string, o Options) *Resolution {
	res := &Resolution{Registry: registry, Roots: roots, Findings: []diagnose.Diagnosis{}}
	var paths []string
	for _, root := range roots {
		paths = HostPaths(root, registry)
		res.Root = root
		for _, p := range paths {
			_, err := fsys.Stat(p)
			c := Candidate{Dir: p, Found: err == nil}
			res.Tried = append(res.Tried, c)
			if c.Found && res.Dir == "" {
				res.Dir = p
			}
		}
		if res.Dir != "" {
			break
		}
	}
	if len(roots) == 0 {
		res.Hosts = []Host{{Server: true, Default: "no host directory configured: containerd uses the registry itself"}}
		res.fill(o)
		return res
	}
	res.dirFindings(fsys, paths)
	if res.Dir == "" {
		res.Hosts = []Host{{Server: true, Default: "no host directory: containerd uses the registry itself"}}
	} else {
		res.readDir(fsys)
	}
	res.fill(o)
	res.checkFiles(fsys)
	return res
}

func (res *Resolution) readDir(fsys FS) {
	name := filepath.Join(res.Dir, "hosts.toml")
	data, err := fsys.ReadFile(name)
	switch {
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		res.Fatal = err.Error()
		res.Findings = append(res.Findings, diagnose.New(diagnose.HostsFileMissing,
			fmt.Sprintf("%s cannot be read (%s): containerd fails every pull of %s with that error", name, unwrap(err), res.Registry), ""))
		return
	case len(data) == 0:
		why := "has no hosts.toml"
		if err == nil {
			why = "has an empty hosts.toml"
		}
		res.Findings = append(res.Findings, diagnose.New(diagnose.HostsNoTOML,
			fmt.Sprintf("%s %s: containerd uses the registry itself, with the directory's *.crt as CAs and *.cert/*.key as client certificates", res.Dir, why), ""))
		res.certFiles(fsys, "no hosts.toml: the registry itself, with "+res.Dir+"'s certificate files")
		return
	}
	f := Parse(name, data)
	res.Findings = append(res.Findings, f.Findings...)
	if f.Ignored {
		res.certFiles(fsys, "hosts.toml ignored: the registry itself, with "+res.Dir+"'s certificate files")
		return
	}
	res.File, res.Hosts = name, f.Hosts
	if last := &res.Hosts[len(res.Hosts)-1]; last.Host == "" {
		last.Default = "no server in " + name + ": containerd appends the registry itself"
	}
}

// certFiles is containerd's loadCertFiles: one host, the registry, with
// the directory's Docker-style certificates.
func (res *Resolution) certFiles(fsys FS, why string) {
	res.CertFiles = true
	h := Host{Server: true, Default: why, Source: res.Dir}
	ents, _ := fsys.ReadDir(res.Dir)
	for _, e := range ents {
		if e.IsDir() {
			continue
		}
		n := e.Name()
		if strings.HasSuffix(n, ".crt") {
			h.CA = append(h.CA, filepath.Join(res.Dir, n))
		}
		if strings.HasSuffix(n, ".cert") {
			pair := [2]string{filepath.Join(res.Dir, n), ""}
			key := filepath.Join(res.Dir, strings.TrimSuffix(n, ".cert")+".key")
			if _, err := fsys.Stat(key); err == nil {
				pair[1] = key
			}
			h.Client = append(h.Client, pair)
		}
	}
	res.Hosts = []Host{h}
}

// fill is ConfigureHosts' default for a last entry without a host, and its
// https-first rule for http hosts with TLS settings.
func (res *Resolution) fill(o Options) {
	last := &res.Hosts[len(res.Hosts)-1]
	if last.Host == "" {
		last.Path = "/v2"
		last.Capabilities = append([]string(nil), AllCapabilities...)
		switch {
		case res.Registry == "docker.io":
			last.Scheme, last.Host = "https", "registry-1.docker.io"
		case IsLocalhost(res.Registry):
			last.Host = res.Registry
			if o.DefaultScheme != "" {
				last.Scheme = o.DefaultScheme
				break
			}
			_, port, _ := net.SplitHostPort(res.Registry)
			last.Scheme = "http"
			if port == "" || port == "443" {
				last.Scheme = "https"
			}
			if port != "80" {
				t := true
				last.SkipVerify = &t
			}
		default:
			last.Host, last.Scheme = res.Registry, "https"
			if o.DefaultScheme != "" {
				last.Scheme = o.DefaultScheme
			}
		}
	}
	for i := range res.Hosts {
		h := &res.Hosts[i]
		explicit := o.DefaultTLS || h.CA != nil || h.Client != nil || h.SkipVerify != nil
		if h.Scheme == "http" && explicit {
			if _, port, _ := net.SplitHostPort(h.Host); port != "80" {
				h.Scheme, h.HTTPFallback = "https", true
			}
		}
		if h.Source == "" {
			h.Source = "containerd's default"
		}
	}
}

// checkFiles reads every CA and client file as ConfigureHosts will: one it
// cannot read fails every pull of the registry.
func (res *Resolution) checkFiles(fsys FS) {
	for _, h := range res.Hosts {
		var files []string
		files = append(files, h.CA...)
		for _, p := range h.Client {
			files = append(files, p[0])
			if p[1] != "" {
				files = append(files, p[1])
			}
		}
		for _, f := range files {
			if _, err := fsys.Stat(f); err != nil {
				msg := fmt.Sprintf("%s (for %s, %s) cannot be read: %s; containerd fails every pull of %s with \"unable to read CA cert\" or \"unable to read CERT file\" before sending a request", f, h.URL(), h.Source, unwrap(err), res.Registry)
				res.Findings = append(res.Findings, diagnose.New(diagnose.HostsFileMissing, msg, ""))
				// containerd stops at the first file it cannot read.
				res.Fatal = fmt.Sprintf("unable to read %q: %s", f, unwrap(err))
				return
			}
		}
	}
}

// dirFindings names the directory mix-ups: both spellings of a host:port
// directory, a directory without the port, Docker Hub's other names.
func (res *Resolution) dirFindings(fsys FS, paths []string) {
	host, port, _ := net.SplitHostPort(res.Registry)
	if port != "" && len(paths) == 3 && exists(fsys, paths[0]) && exists(fsys, paths[1]) {
		res.Findings = append(res.Findings, diagnose.New(diagnose.HostsDirShadowed,
			fmt.Sprintf("both %s and %s exist: containerd reads only the first (the host_port_ spelling); %s is ignored", paths[0], paths[1], paths[1]), ""))
	}
	if res.Dir == filepath.Join(res.Root, "_default") {
		res.Findings = append(res.Findings, diagnose.New(diagnose.HostsDefaultDir,
			fmt.Sprintf("%s has no directory of its own (%s): containerd uses %s", res.Registry, strings.Join(paths[:len(paths)-1], " or "), res.Dir), ""))
	}
	if res.Dir != "" && res.Dir != filepath.Join(res.Root, "_default") {
		return
	}
	var near []string
	if port != "" {
		near = append(near, host)
	}
	if res.Registry == "docker.io" {
		near = append(near, "registry-1.docker.io", "index.docker.io")
	}
	for _, n := range near {
		d := filepath.Join(res.Root, n)
		if _, err := fsys.Stat(d); err == nil {
			res.Findings = append(res.Findings, diagnose.New(diagnose.HostsDirMisnamed,
				fmt.Sprintf("%s exists, but containerd looks up %s only under %s: the directory is not used for this image", d, res.Registry, strings.Join(paths[:len(paths)-1], " or ")), ""))
		}
	}
	if res.Dir == "" && port != "" {
		res.Findings = append(res.Findings, diagnose.New(diagnose.HostsDirNotFound,
			fmt.Sprintf("no directory for %s under %s (containerd looks for %s): it uses the registry itself", res.Registry, res.Root, strings.Join(paths, ", ")),
			fmt.Sprintf("Create %s/hosts.toml; the %s spelling works on file systems and tools that do not allow ':' in a name.", paths[1], filepath.Base(paths[0]))))
	}
}

func exists(fsys FS, p string) bool {
	_, err := fsys.Stat(p)
	return err == nil
}

// IsLocalhost is containerd's docker.IsLocalhost.
func IsLocalhost(host string) bool {
	h, _, err := net.SplitHostPort(host)
	if err != nil {
		h = host
	}
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(strings.Trim(h, "[]"))
	return ip != nil && ip.IsLoopback()
}

func unwrap(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

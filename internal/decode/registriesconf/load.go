package registriesconf

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
)

// Paths say which files make up the configuration.
type Paths struct {
	Main string
	// Explicit: the user named Main (--registries-conf,
	// CONTAINERS_REGISTRIES_CONF), so a missing file is an error.
	Explicit bool
	// Dirs are the drop-in directories, in order; a missing one is fine.
	Dirs []string
}

// Reader is the file access Load needs (os.ReadFile and os.ReadDir, or
// fakes in tests).
type Reader struct {
	ReadFile func(string) ([]byte, error)
	ReadDir  func(string) ([]fs.DirEntry, error)
}

// Load reads the main file and the *.conf drop-ins of each directory (in
// name order, no recursion) and merges them.
func Load(p Paths, rd Reader) (*Config, error) {
	where := p.Main
	if len(p.Dirs) > 0 {
		where += " or " + strings.Join(p.Dirs, ", ")
	}
	var main *File
	missing := ""
	data, err := rd.ReadFile(p.Main)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !p.Explicit:
		missing = p.Main
	case err != nil:
		return nil, fmt.Errorf("loading registries configuration %q: %w", p.Main, unwrap(err))
	default:
		if main, err = Parse(p.Main, data, false); err != nil {
			return nil, err
		}
	}
	var drops []*File
	for _, dir := range p.Dirs {
		entries, err := rd.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading registries.conf.d: %w", err)
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
		for _, e := range entries {
			if e.IsDir() || !strings.HasSuffix(e.Name(), ".conf") {
				continue
			}
			path := filepath.Join(dir, e.Name())
			data, err := rd.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("loading drop-in registries configuration %q: %w", path, unwrap(err))
			}
			f, err := Parse(path, data, true)
			if err != nil {
				return nil, err
			}
			drops = append(drops, f)
		}
	}
	c := Merge(where, main, drops...)
	c.Missing = missing
	return c, nil
}

func unwrap(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Environment variables naming a configuration file, in priority order.
const (
	EnvHuntkit  = "HUNTKIT_CONFIG"
	EnvMsticpy  = "MSTICPYCONFIG"
	huntkitHome = ".huntkit"
	msticpyHome = ".msticpy"
)

// Candidate is one place a configuration file may be found.
type Candidate struct {
	Source string // "--config", "$HUNTKIT_CONFIG", "$MSTICPYCONFIG", "current folder", "~/.huntkit", "~/.msticpy"
	Path   string // the file path ("" when the source is not in use, e.g. an unset variable)
	// Required is true for an explicit choice (--config or a variable): a missing file is an
	// error rather than a reason to look further.
	Required bool
}

// Candidates lists the places Discover looks, in order: explicit (--config),
// $HUNTKIT_CONFIG, $MSTICPYCONFIG, ./msticpyconfig.yaml, ~/.huntkit/msticpyconfig.yaml,
// ~/.msticpy/msticpyconfig.yaml. Unset sources have an empty Path.
func Candidates(explicit string) []Candidate {
	out := []Candidate{
		{Source: "--config", Path: ExpandHome(explicit), Required: explicit != ""},
		{Source: "$" + EnvHuntkit, Path: ExpandHome(os.Getenv(EnvHuntkit)), Required: os.Getenv(EnvHuntkit) != ""},
		{Source: "$" + EnvMsticpy, Path: ExpandHome(os.Getenv(EnvMsticpy)), Required: os.Getenv(EnvMsticpy) != ""},
	}
	cwd := ""
	if wd, err := os.Getwd(); err == nil {
		cwd = filepath.Join(wd, FileName)
	}
	out = append(out, Candidate{Source: "current folder", Path: cwd})
	home, err := os.UserHomeDir()
	if err != nil {
		home = ""
	}
	for _, d := range []string{huntkitHome, msticpyHome} {
		p := ""
		if home != "" {
			p = filepath.Join(home, d, FileName)
		}
		out = append(out, Candidate{Source: "~/" + d, Path: p})
	}
	return out
}

// Discover returns the configuration file to use: explicit (the --config flag) over
// $HUNTKIT_CONFIG over $MSTICPYCONFIG over ./msticpyconfig.yaml over
// ~/.huntkit/msticpyconfig.yaml over ~/.msticpy/msticpyconfig.yaml. It returns "" when none
// exists. A file named explicitly or by a variable that does not exist is an error
// (matching fs.ErrNotExist) naming where the name came from.
func Discover(explicit string) (string, error) {
	c, err := discover(explicit)
	return c.Path, err
}

func discover(explicit string) (Candidate, error) {
	for _, c := range Candidates(explicit) {
		if c.Path == "" {
			continue
		}
		st, err := os.Stat(c.Path)
		switch {
		case err == nil && st.Mode().IsRegular():
			return c, nil
		case err == nil && c.Required:
			return Candidate{}, fmt.Errorf("config file %s (from %s): not a regular file: %w", c.Path, c.Source, ErrInvalid)
		case err != nil && c.Required:
			if errors.Is(err, fs.ErrNotExist) {
				return Candidate{}, fmt.Errorf("config file %s (from %s): %w", c.Path, c.Source, fs.ErrNotExist)
			}
			return Candidate{}, fmt.Errorf("config file %s (from %s): %w", c.Path, c.Source, err)
		}
	}
	return Candidate{}, nil
}

package markov

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/huntkit/huntkit/frame"
)

// FileFormat and FileVersion identify a saved model. Readers accept versions up to
// FileVersion and refuse newer ones.
const (
	FileFormat  = "huntkit-markov-model"
	FileVersion = 1
)

// maxCount bounds every count of a model file, so sums cannot overflow.
const maxCount = 1 << 40

// ErrModelFile says that a model file cannot be read.
var ErrModelFile = errors.New("model file")

// The file holds raw counts (not probabilities), so a loaded model is the trained one.
type fileModel struct {
	Format     string        `json:"format"`
	Version    int           `json:"version"`
	Level      string        `json:"level"`
	Sessions   int64         `json:"sessions"`
	Commands   []fileCommand `json:"commands"`
	Params     []fileParam   `json:"params,omitempty"`
	Modellable *[]string     `json:"modellable,omitempty"`
}

type fileCommand struct {
	Name   string           `json:"name"`
	Count  int64            `json:"count"`
	Next   map[string]int64 `json:"next,omitempty"`
	Params []fileCount      `json:"params,omitempty"`
}

type fileParam struct {
	Name   string      `json:"name"`
	Count  int64       `json:"count"`
	Values []fileCount `json:"values,omitempty"`
}

type fileCount struct {
	Name  string `json:"name"`
	Count int64  `json:"count"`
}

// Save writes the model as versioned JSON.
func (m *Model) Save(w io.Writer) error {
	fm := fileModel{Format: FileFormat, Version: FileVersion, Level: m.level.String(), Sessions: m.sessions}
	next := make([]map[string]int64, len(m.names))
	for k, n := range m.next {
		a, b := int32(k>>32), int32(uint32(k))
		if next[a] == nil {
			next[a] = map[string]int64{}
		}
		next[a][m.names[b]] = n
	}
	for a, name := range m.names {
		fc := fileCommand{Name: name, Count: m.cmdCount[a], Next: next[a]}
		for _, pc := range m.cmdParams[a] {
			fc.Params = append(fc.Params, fileCount{m.params[pc.id], pc.count})
		}
		fm.Commands = append(fm.Commands, fc)
	}
	for id, name := range m.params {
		fp := fileParam{Name: name, Count: m.paramCount[id]}
		for _, v := range m.values[id] {
			fp.Values = append(fp.Values, fileCount{v.value, v.count})
		}
		fm.Params = append(fm.Params, fp)
	}
	if m.level == Values {
		mp := m.ModellableParams()
		if mp == nil {
			mp = []string{}
		}
		fm.Modellable = &mp
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	return enc.Encode(fm)
}

// SaveFile writes the model to path atomically (readable by the owner only).
func (m *Model) SaveFile(path string) error {
	return frame.AtomicWrite(path, 0o600, m.Save)
}

// LoadFile reads a model saved by SaveFile.
func LoadFile(path string) (*Model, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrModelFile, err)
	}
	return Load(data, path)
}

// Load reads a saved model; name is used in errors, which carry line:col for bad JSON.
func Load(data []byte, name string) (*Model, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w %s: %s", ErrModelFile, name, fmt.Sprintf(format, args...))
	}
	var fm fileModel
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fm); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			l, c := lineCol(data, se.Offset-1)
			return nil, bad("%d:%d: %v", l, c, se)
		case errors.As(err, &te):
			l, c := lineCol(data, te.Offset)
			return nil, bad("%d:%d: %s: want %s", l, c, te.Field, te.Type)
		}
		return nil, bad("%v", err)
	}
	if fm.Format != FileFormat {
		return nil, bad("not a huntkit Markov model (format %q, want %q)", fm.Format, FileFormat)
	}
	if fm.Version < 1 || fm.Version > FileVersion {
		return nil, bad("version %d is not supported (this huntkit reads versions 1 to %d)", fm.Version, FileVersion)
	}
	level, err := ParseLevel(fm.Level)
	if err != nil {
		return nil, bad("%v", err)
	}
	if fm.Sessions < 1 || fm.Sessions > maxCount {
		return nil, bad("sessions %d: want at least 1", fm.Sessions)
	}
	m := newModel(level)
	m.sessions = fm.Sessions
	if len(fm.Commands) == 0 || fm.Commands[0].Name != StartToken {
		return nil, bad("the first command must be %s", StartToken)
	}
	for i, c := range fm.Commands {
		if c.Name == "" {
			return nil, bad("command %d has no name", i+1)
		}
		if _, dup := m.cmdIdx[c.Name]; dup && i > 0 {
			return nil, bad("command %q is listed twice", c.Name)
		}
		if c.Count < 0 || c.Count > maxCount {
			return nil, bad("command %q: count out of range (0 to 2^40)", c.Name)
		}
		m.cmdCount[m.cmd(c.Name)] = c.Count
	}
	if _, ok := m.cmdIdx[EndToken]; !ok {
		return nil, bad("no %s command", EndToken)
	}
	for i, p := range fm.Params {
		if _, dup := m.paramIdx[p.Name]; dup {
			return nil, bad("parameter %q is listed twice", p.Name)
		}
		if p.Count < 0 || p.Count > maxCount {
			return nil, bad("parameter %q: count out of range (0 to 2^40)", p.Name)
		}
		id := m.param(p.Name)
		m.paramCount[id] = p.Count
		for _, v := range p.Values {
			if v.Count < 1 || v.Count > maxCount || v.Name == "" {
				return nil, bad("parameter %d (%q): value %q: want a non-empty value with a count of at least 1", i+1, p.Name, v.Name)
			}
			if m.valueAt[id] == nil {
				m.valueAt[id] = map[string]int{}
			}
			if _, dup := m.valueAt[id][v.Name]; dup {
				return nil, bad("parameter %q: value %q is listed twice", p.Name, v.Name)
			}
			m.valueAt[id][v.Name] = len(m.values[id])
			m.values[id] = append(m.values[id], valueCount{v.Name, v.Count})
		}
	}
	for a, c := range fm.Commands {
		for nb, n := range c.Next {
			b, ok := m.cmdIdx[nb]
			if !ok || b == 0 {
				return nil, bad("command %q: next %q is not a listed command", c.Name, nb)
			}
			if n < 1 || n > maxCount {
				return nil, bad("command %q: next %q: want a count of at least 1", c.Name, nb)
			}
			m.addPair(int32(a), b, n)
		}
		for _, p := range c.Params {
			id, ok := m.paramIdx[p.Name]
			if !ok {
				return nil, bad("command %q: parameter %q is not listed in params", c.Name, p.Name)
			}
			if p.Count < 1 || p.Count > maxCount {
				return nil, bad("command %q: parameter %q: want a count of at least 1", c.Name, p.Name)
			}
			k := pair(int32(a), id)
			if _, dup := m.cmdParamAt[k]; dup {
				return nil, bad("command %q: parameter %q is listed twice", c.Name, p.Name)
			}
			m.cmdParamAt[k] = len(m.cmdParams[a])
			m.cmdParams[a] = append(m.cmdParams[a], paramCount{id, p.Count})
		}
	}
	if fm.Modellable != nil {
		m.fixedModel = true
		for _, p := range *fm.Modellable {
			id, ok := m.paramIdx[p]
			if !ok {
				return nil, bad("modellable parameter %q is not listed in params", p)
			}
			m.modellable[id] = true
		}
	}
	m.finish()
	if m.total <= 0 {
		return nil, bad("no counts")
	}
	return m, nil
}

// lineCol turns a byte offset into a 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	off = min(max(off, 0), int64(len(data)))
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return line, col
}

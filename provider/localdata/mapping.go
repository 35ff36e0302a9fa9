package localdata

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/query"
)

//go:embed mappings/*.yaml
var builtinMappings embed.FS

// ErrMapping is wrapped by every error about a table mapping: a bad mapping file, or a
// mapping that does not fit the data (a column it names is missing).
var ErrMapping = errors.New("table mapping")

// Mapping says which Sentinel tables local files stand for and which of their columns carry
// Sentinel's column names, so templates written for Sentinel run on other schemas.
type Mapping struct {
	File   string     // where the mapping was read from ("otrf" for the built-in one)
	Tables []TableMap // in file order
}

// TableMap maps the tables of data files (Source: a table name or a glob such as "*" or
// "windows_*", case-insensitive) to one Sentinel table: a view named Table selecting every
// column of the sources, plus each Columns entry (Sentinel name -> source column) under its
// Sentinel name, keeping only the rows where Where (a DuckDB SQL condition) holds.
type TableMap struct {
	Source  string
	Table   string
	Where   string
	Columns []ColumnAlias
	Line    int // the entry's line in File
}

// ColumnAlias is one column of a TableMap: the Sentinel name and the source column.
type ColumnAlias struct {
	Name, From string
	Line       int
}

// glob reports whether the source names several tables by pattern.
func (m TableMap) glob() bool { return strings.ContainsAny(m.Source, "*?[") }

// matches reports whether table is a source of m.
func (m TableMap) matches(table string) bool {
	ok, err := path.Match(strings.ToLower(m.Source), strings.ToLower(table))
	return err == nil && ok
}

// BuiltinMappings lists the names of the mappings shipped with huntkit (for --map NAME).
func BuiltinMappings() []string {
	ents, _ := builtinMappings.ReadDir("mappings")
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(out)
	return out
}

// LoadMapping reads a mapping file, or a built-in mapping by name ("otrf"). Errors name the
// file and line and wrap ErrMapping.
func LoadMapping(name string) (*Mapping, error) {
	if b, err := builtinMappings.ReadFile("mappings/" + strings.ToLower(name) + ".yaml"); err == nil && !strings.ContainsAny(name, `/\.`) {
		return ParseMapping(strings.ToLower(name), b)
	}
	file := config.ExpandHome(name)
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w (built-in mappings: %s)", ErrMapping, name, err, strings.Join(BuiltinMappings(), ", "))
	}
	return ParseMapping(file, b)
}

// ParseMapping reads a mapping document; file names it in errors.
//
//	tables:
//	  - source: "*"              # data file table name or glob
//	    table: SecurityEvent     # the Sentinel table it stands for
//	    where: Channel = 'Security'
//	    columns:
//	      TimeGenerated: TimeCreated
//	      Computer: Hostname
func ParseMapping(file string, b []byte) (*Mapping, error) {
	bad := func(line int, format string, a ...any) error {
		return fmt.Errorf("%w: %s:%d: %s", ErrMapping, file, line, fmt.Sprintf(format, a...))
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%w: %s: %w", ErrMapping, file, err)
	}
	m := &Mapping{File: file}
	if len(doc.Content) == 0 {
		return nil, bad(1, "empty mapping: want a tables: list")
	}
	root := doc.Content[0]
	tables := mapValue(root, "tables")
	if root.Kind != yaml.MappingNode || tables == nil || tables.Kind != yaml.SequenceNode {
		return nil, bad(root.Line, "want a tables: list")
	}
	targets := map[string]int{}
	for _, n := range tables.Content {
		if n.Kind != yaml.MappingNode {
			return nil, bad(n.Line, "a tables entry must be a mapping with source, table and columns")
		}
		tm := TableMap{Line: n.Line}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			switch k.Value {
			case "source", "table", "where":
				if v.Kind != yaml.ScalarNode {
					return nil, bad(v.Line, "%s must be a string", k.Value)
				}
				*map[string]*string{"source": &tm.Source, "table": &tm.Table, "where": &tm.Where}[k.Value] = v.Value
			case "columns":
				if v.Kind != yaml.MappingNode {
					return nil, bad(v.Line, "columns must map Sentinel names to source columns (TimeGenerated: TimeCreated)")
				}
				for j := 0; j+1 < len(v.Content); j += 2 {
					cn, cv := v.Content[j], v.Content[j+1]
					if cv.Kind != yaml.ScalarNode || cv.Value == "" {
						return nil, bad(cv.Line, "column %s: want the source column's name", cn.Value)
					}
					tm.Columns = append(tm.Columns, ColumnAlias{Name: cn.Value, From: cv.Value, Line: cn.Line})
				}
			default:
				return nil, bad(k.Line, "unknown key %q (want source, table, where, columns)", k.Value)
			}
		}
		if tm.Source == "" || tm.Table == "" {
			return nil, bad(n.Line, "an entry needs source and table")
		}
		if _, err := path.Match(tm.Source, ""); err != nil {
			return nil, bad(n.Line, "source %q: %v", tm.Source, err)
		}
		key := strings.ToLower(tm.Table)
		if prev, dup := targets[key]; dup {
			return nil, bad(n.Line, "table %s is already mapped on line %d", tm.Table, prev)
		}
		targets[key] = n.Line
		m.Tables = append(m.Tables, tm)
	}
	return m, nil
}

func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// mappingFrom reads the mapping named by the --map option, else by the config key
// DataProviders.LocalData.Args.Mappings; nil when neither is set.
func mappingFrom(s query.Settings) (*Mapping, error) {
	name := s.Options["map"]
	if name == "" && s.Config != nil {
		name, _ = s.Config.String("DataProviders.LocalData.Args.Mappings")
	}
	if name == "" {
		return nil, nil
	}
	return LoadMapping(name)
}

// execer is the workspace capability of running a statement (engine.Workspace).
type execer interface {
	Exec(ctx context.Context, sql string, args ...any) error
}

// ensureMapped makes the views of the mapped tables text names: their source files are
// imported first. It is called with d.mu not held.
func (d *Driver) ensureMapped(ctx context.Context, text string) error {
	if d.mapping == nil {
		return nil
	}
	for _, tm := range d.mapping.Tables {
		if !mentions(text, tm.Table) {
			continue
		}
		d.mu.Lock()
		done := d.mapped[strings.ToLower(tm.Table)]
		d.mu.Unlock()
		if done {
			continue
		}
		if err := d.makeView(ctx, tm); err != nil {
			return err
		}
		d.mu.Lock()
		d.mapped[strings.ToLower(tm.Table)] = true
		d.mu.Unlock()
	}
	return nil
}

// ensureAllMapped makes the views of every mapped table (for Schema).
func (d *Driver) ensureAllMapped(ctx context.Context) error {
	if d.mapping == nil {
		return nil
	}
	for _, tm := range d.mapping.Tables {
		if err := d.ensureMapped(ctx, tm.Table); err != nil {
			return err
		}
	}
	return nil
}

// makeView imports tm's sources and creates the view named tm.Table over them.
func (d *Driver) makeView(ctx context.Context, tm TableMap) error {
	at := fmt.Sprintf("%s:%d", d.mapping.File, tm.Line)
	var sources []string
	for _, t := range d.Tables() {
		if strings.EqualFold(t, tm.Table) {
			return fmt.Errorf("%w: %s: table %s is also the name of a data file (%s); rename one", ErrMapping, at, tm.Table, d.files[t])
		}
		if tm.matches(t) {
			sources = append(sources, t)
		}
	}
	if len(sources) == 0 {
		return fmt.Errorf("%w: %s: source %q names no data file (tables: %s)", ErrMapping, at, tm.Source, strings.Join(d.Tables(), ", "))
	}
	if err := d.ensure(ctx, sources...); err != nil {
		return err
	}
	var selects []string
	for _, src := range sources {
		cols, err := d.columns(ctx, src)
		if err != nil {
			return err
		}
		sel, err := d.mappedSelect(tm, src, cols)
		if err != nil {
			if tm.glob() && errors.Is(err, errMissingColumn) {
				d.mu.Lock()
				d.skipped = append(d.skipped, fmt.Errorf("%w (not part of %s)", err, tm.Table))
				d.mu.Unlock()
				continue // a pattern takes the files that have the columns
			}
			return err
		}
		selects = append(selects, sel)
	}
	if len(selects) == 0 {
		return fmt.Errorf("%w: %s: no table matching %q has the mapped columns (%s)", ErrMapping, at, tm.Source, joinFrom(tm.Columns))
	}
	var err error
	stmt := "CREATE OR REPLACE VIEW " + engine.QuoteIdent(tm.Table) + " AS " + strings.Join(selects, "\nUNION ALL BY NAME\n")
	if x, ok := d.ws.(execer); ok {
		err = x.Exec(ctx, stmt)
	} else {
		_, err = d.ws.Query(ctx, stmt)
	}
	if err != nil {
		return fmt.Errorf("%s: table %s: %w", at, tm.Table, err)
	}
	return nil
}

var errMissingColumn = errors.New("column not found")

// mappedSelect is the SELECT of one source table: every column, the aliases added (or
// replacing a column of the same name), a text TimeGenerated read as a timestamp.
func (d *Driver) mappedSelect(tm TableMap, src string, cols []columnInfo) (string, error) {
	have := map[string]columnInfo{}
	names := make([]string, 0, len(cols))
	for _, c := range cols {
		have[strings.ToLower(c.name)] = c
		names = append(names, c.name)
	}
	var replace, add []string
	for _, a := range tm.Columns {
		c, ok := have[strings.ToLower(a.From)]
		if !ok {
			return "", fmt.Errorf("%w: %s:%d: %s: %w: %s (columns: %s)", ErrMapping, d.mapping.File, a.Line, src, errMissingColumn, a.From, strings.Join(names, ", "))
		}
		expr := engine.QuoteIdent(c.name)
		if strings.EqualFold(a.Name, "TimeGenerated") && c.text {
			expr = "TRY_CAST(" + expr + " AS TIMESTAMP)"
		}
		if _, exists := have[strings.ToLower(a.Name)]; exists {
			if !strings.EqualFold(a.Name, a.From) || expr != engine.QuoteIdent(c.name) {
				replace = append(replace, expr+" AS "+engine.QuoteIdent(a.Name))
			}
			continue
		}
		add = append(add, expr+" AS "+engine.QuoteIdent(a.Name))
	}
	sel := "SELECT *"
	if len(replace) > 0 {
		sel += " REPLACE (" + strings.Join(replace, ", ") + ")"
	}
	for _, a := range add {
		sel += ", " + a
	}
	sel += " FROM " + engine.QuoteIdent(src)
	if tm.Where != "" {
		sel += " WHERE " + tm.Where
	}
	return sel, nil
}

func joinFrom(cols []ColumnAlias) string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.From
	}
	return strings.Join(out, ", ")
}

// columnInfo is a column of a workspace table: its name and whether it holds text.
type columnInfo struct {
	name string
	text bool
}

// columns lists table's columns in the workspace.
func (d *Driver) columns(ctx context.Context, table string) ([]columnInfo, error) {
	f, err := d.ws.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, err
	}
	out := make([]columnInfo, f.Len())
	cn, dt := f.Col("column_name"), f.Col("data_type")
	for i := range out {
		out[i] = columnInfo{name: cn.Str(i), text: dt.Str(i) == "VARCHAR"}
	}
	return out, nil
}

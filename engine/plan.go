package engine

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Source is a file to import and the table it becomes.
type Source struct {
	Path  string
	Table string
}

// Plan is what an import of files and folders will do: the sources with distinct table names,
// the entries skipped with the reason (files of a folder that are not importable, subfolders,
// and entries that are not regular files: FIFOs, devices, sockets), and notices for files whose
// table was renamed because another file maps to the same name.
type Plan struct {
	Sources []Source
	Skipped []string // "path: why"
	Notices []string
}

// PlanImport lists the importable files among paths (files, or folders whose importable
// files are taken, not recursing) and names their tables. Files whose names map to the same
// table name (TableName; DuckDB compares names case-insensitively, so T.csv and t.csv
// collide) get distinct, predictable names: in path order, the first keeps the name and the
// others get _2, _3, ... with a notice naming both files. Only regular files are imported;
// others, and a folder's files of a type Import does not read, are listed in Skipped with
// the reason (a file named directly is kept, so that its import fails with the reason). A path that does not exist is an error.
func PlanImport(paths []string) (Plan, error) {
	var p Plan
	var files []string
	for _, a := range paths {
		st, err := os.Stat(a)
		if err != nil {
			return p, err
		}
		if !st.IsDir() {
			if err := CheckRegular(a); err != nil {
				p.Skipped = append(p.Skipped, err.Error())
				continue
			}
			files = append(files, a)
			continue
		}
		ents, err := os.ReadDir(a)
		if err != nil {
			return p, err
		}
		for _, e := range ents {
			f := filepath.Join(a, e.Name())
			if e.IsDir() {
				p.Skipped = append(p.Skipped, f+": a folder (folders are not imported recursively)")
				continue
			}
			if _, err := sourceKind(f); err != nil {
				p.Skipped = append(p.Skipped, err.Error())
				continue
			}
			if err := CheckRegular(f); err != nil {
				p.Skipped = append(p.Skipped, err.Error())
				continue
			}
			files = append(files, f)
		}
	}
	names := NewTableNames()
	for _, f := range files {
		name, first := names.Add(f)
		if first != "" {
			p.Notices = append(p.Notices, fmt.Sprintf("%s imported as table %s: its name maps to the table of %s (%s)", f, name, first, names.Of(first)))
		}
		p.Sources = append(p.Sources, Source{Path: f, Table: name})
	}
	return p, nil
}

// TableNames hands out distinct table names for files (see PlanImport).
type TableNames struct {
	owner map[string]string // lower-case table name -> file that has it
	name  map[string]string // file -> its table name
}

// NewTableNames returns an empty set of names.
func NewTableNames() *TableNames {
	return &TableNames{owner: map[string]string{}, name: map[string]string{}}
}

// Of returns the table name given to file ("" when none).
func (t *TableNames) Of(file string) string { return t.name[file] }

// Add returns the table name for file: TableName(file) when free, else the first free
// TableName(file)_N (N = 2, 3, ...), with the file that holds the plain name.
func (t *TableNames) Add(file string) (name, collidesWith string) {
	base := TableName(file)
	name = base
	for n := 2; ; n++ {
		if _, taken := t.owner[strings.ToLower(name)]; !taken {
			break
		}
		name = base + "_" + strconv.Itoa(n)
	}
	if name != base {
		collidesWith = t.owner[strings.ToLower(base)]
	}
	t.owner[strings.ToLower(name)] = file
	t.name[file] = name
	return name, collidesWith
}

// Package config reads huntkit's settings from msticpyconfig.yaml-compatible files.
//
// A file written for MSTICPy loads unchanged: every section (AzureSentinel, Azure,
// QueryDefinitions, TIProviders, OtherProviders, DataProviders, KustoClusters, KeyVault,
// msticpy, UserDefaults, ...) is kept as parsed YAML with its line numbers, read through
// dotted key paths ("TIProviders.VirusTotal.Args.AuthKey"), checked by Validate with
// file:line:col positions, and printed with every secret masked by WriteMasked.
//
// Secrets are written as a literal string, as {EnvironmentVar: NAME} or as {KeyVault: ...}
// (empty for a secret named after the key path, "secret", or "vault/secret"). Secret resolves
// them through pluggable SecretResolvers; environment variables are built in, Key Vault is
// registered by the Azure support. Errors name the key path and never the secret value.
//
// The file is found by Discover: --config, $HUNTKIT_CONFIG, $MSTICPYCONFIG,
// ./msticpyconfig.yaml, ~/.huntkit/msticpyconfig.yaml, ~/.msticpy/msticpyconfig.yaml.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/internal/suggest"
)

// FileName is the name of the configuration file looked for in the current folder and in
// the per-user folders.
const FileName = "msticpyconfig.yaml"

// ErrInvalid marks a file that cannot be read as a configuration at all (bad YAML, a top
// level that is not a mapping). Problems inside a well-formed file are reported by Validate.
var ErrInvalid = errors.New("invalid configuration file")

// ParseError is a syntax-level failure of a configuration file, with its position.
// It matches ErrInvalid with errors.Is.
type ParseError struct {
	File string // the file name as given to Load or Parse
	Line int    // 1-based; 0 when unknown
	Col  int    // 1-based; 0 when unknown
	Msg  string
}

// Error formats the failure as "file:line:col: message".
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Col > 0 {
			fmt.Fprintf(&b, ":%d", e.Col)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap lets errors.Is(err, ErrInvalid) match.
func (e *ParseError) Unwrap() error { return ErrInvalid }

// Config is a loaded configuration. The zero value and a nil *Config are valid, empty
// configurations: every accessor reports "not set". A Config is not changed after loading
// and is safe for concurrent use.
type Config struct {
	path      string
	source    string
	root      *yaml.Node // the top-level mapping; nil when the file is empty
	resolvers map[string]SecretResolver
}

// Option adjusts how a configuration is loaded.
type Option func(*Config)

// WithResolver installs a secret resolver for one kind ("EnvironmentVar", "KeyVault") on
// this configuration only, taking precedence over the resolvers registered globally.
func WithResolver(kind string, r SecretResolver) Option {
	return func(c *Config) {
		if c.resolvers == nil {
			c.resolvers = map[string]SecretResolver{}
		}
		c.resolvers[kind] = r
	}
}

// Load reads and parses the configuration file at path. Syntax errors carry file:line
// (a *ParseError matching ErrInvalid); a missing file matches fs.ErrNotExist.
func Load(path string, opts ...Option) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data, opts...)
}

// LoadDefault finds the configuration file with Discover and loads it. When no file exists
// it returns an empty, usable Config.
func LoadDefault(explicit string, opts ...Option) (*Config, error) {
	cand, err := discover(explicit)
	if err != nil {
		return nil, err
	}
	if cand.Path == "" {
		c := &Config{source: "no configuration file found"}
		for _, o := range opts {
			o(c)
		}
		return c, nil
	}
	c, err := Load(cand.Path, opts...)
	if err != nil {
		return nil, err
	}
	c.source = cand.Source
	return c, nil
}

// Parse parses configuration text; name is used as the file name in positions and errors.
// The text must hold at most one YAML document whose top level is a mapping (or nothing).
func Parse(name string, data []byte, opts ...Option) (*Config, error) {
	c := &Config{path: name, source: name}
	for _, o := range opts {
		o(c)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return c, nil
		}
		return nil, yamlError(name, data, err)
	}
	var extra yaml.Node
	switch err := dec.Decode(&extra); {
	case err == nil:
		return nil, &ParseError{File: name, Line: extra.Line, Col: extra.Column,
			Msg: "a second YAML document; a configuration file holds exactly one"}
	case !errors.Is(err, io.EOF):
		return nil, yamlError(name, data, err)
	}
	root := resolve(&doc)
	if root == nil || isNull(root) {
		return c, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &ParseError{File: name, Line: root.Line, Col: root.Column,
			Msg: "the top level must be a mapping of sections (AzureSentinel:, TIProviders:, ...), found " + kindName(root)}
	}
	c.root = root
	return c, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlError turns a go-yaml error into a *ParseError with the line number pulled out and a
// hint for the usual causes.
func yamlError(name string, data []byte, err error) error {
	msg := err.Error()
	pe := &ParseError{File: name, Msg: strings.TrimPrefix(msg, "yaml: ")}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		pe.Line, _ = strconv.Atoi(m[1])
		pe.Msg = m[2]
	}
	lines := bytes.Split(data, []byte("\n"))
	if pe.Line > 0 {
		pe.Line = faultLine(lines, pe.Line, pe.Msg)
	}
	for i := max(0, pe.Line-1); i < len(lines) && i <= pe.Line; i++ {
		if bytes.HasPrefix(bytes.TrimLeft(lines[i], " "), []byte("\t")) {
			pe.Line, pe.Col = i+1, 0
			pe.Msg += " (a tab in the indentation: YAML indents with spaces)"
			return pe
		}
	}
	if strings.Contains(pe.Msg, "did not find expected key") {
		pe.Msg += " (check the indentation of this block)"
	}
	return pe
}

// maxFaultSearch bounds the prefixes faultLine parses.
const maxFaultSearch = 400

// faultLine finds the line at fault. go-yaml reports the line where the enclosing block or
// flow collection starts (its "context"), which can be lines before the fault: the fault is
// the first line from there whose prefix of the file fails with the same message.
func faultLine(lines [][]byte, reported int, msg string) int {
	for k := reported; k <= len(lines) && k < reported+maxFaultSearch; k++ {
		var n yaml.Node
		err := yaml.Unmarshal(bytes.Join(lines[:k], []byte("\n")), &n)
		if err == nil {
			continue
		}
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil && m[2] == msg {
			return k
		}
	}
	return reported
}

// Path returns the file the configuration was loaded from ("" when none).
func (c *Config) Path() string {
	if c == nil {
		return ""
	}
	return c.path
}

// Source says how the file was found, e.g. "$MSTICPYCONFIG" or "--config"; for an empty
// configuration it says that no file was found.
func (c *Config) Source() string {
	if c == nil {
		return "no configuration file found"
	}
	return c.source
}

// Lookup returns the value at a dotted key path as plain Go values: string, int, float64,
// bool, nil, []any or map[string]any. A numeric path element indexes a list
// ("QueryDefinitions.Custom.0"); keys that contain dots are matched too. Keys are
// case-sensitive, as in MSTICPy. Secrets are returned as written (not resolved).
func (c *Config) Lookup(keyPath string) (any, bool) {
	n := c.node(keyPath)
	if n == nil {
		return nil, false
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// IsSet reports whether the key path holds a value that is not null or empty.
func (c *Config) IsSet(keyPath string) bool {
	n := c.node(keyPath)
	if n == nil || isNull(n) {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value != ""
	case yaml.MappingNode, yaml.SequenceNode:
		return len(n.Content) > 0
	}
	return false
}

// String returns a scalar setting as text (numbers and booleans as written). It does not
// resolve secret references: a {EnvironmentVar: ...} value reports false; use Secret.
func (c *Config) String(keyPath string) (string, bool) {
	n := c.node(keyPath)
	if n == nil || n.Kind != yaml.ScalarNode || isNull(n) {
		return "", false
	}
	return n.Value, true
}

// Bool returns a boolean setting. Like MSTICPy's YAML reader it accepts true/false,
// yes/no and on/off in lower, title or upper case.
func (c *Config) Bool(keyPath string) (bool, bool) {
	n := c.node(keyPath)
	if n == nil || n.Kind != yaml.ScalarNode {
		return false, false
	}
	return parseBool(n.Value)
}

// Int returns an integer setting; a quoted number is accepted too.
func (c *Config) Int(keyPath string) (int, bool) {
	n := c.node(keyPath)
	if n == nil || n.Kind != yaml.ScalarNode {
		return 0, false
	}
	return parseInt(n.Value)
}

// Strings returns a list of scalars, e.g. "QueryDefinitions.Custom". An empty list
// returns an empty, non-nil slice and true; a value that is not a list reports false.
func (c *Config) Strings(keyPath string) ([]string, bool) {
	n := c.node(keyPath)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, it := range n.Content {
		it = resolve(it)
		if it == nil || it.Kind != yaml.ScalarNode {
			return nil, false
		}
		if isNull(it) {
			continue
		}
		out = append(out, it.Value)
	}
	return out, true
}

// Names returns the child keys of a mapping in file order, e.g. Names("TIProviders").
// An empty section path lists the top-level sections.
func (c *Config) Names(section string) []string {
	n := c.node(section)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	ents := entries(n)
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		out = append(out, e.name)
	}
	return out
}

// Workspace is one Microsoft Sentinel workspace from AzureSentinel.Workspaces.
type Workspace struct {
	Name           string // the key under Workspaces ("Default", "MyWorkspace", ...)
	WorkspaceID    string
	TenantID       string
	SubscriptionID string
	ResourceGroup  string
	WorkspaceName  string
}

// ErrMissing marks a setting that is not present, empty, or whose environment variable is
// not set.
var ErrMissing = errors.New("setting not set")

// Workspace returns the named Sentinel workspace; "" or "Default" returns the default one.
// A missing workspace is an error matching ErrMissing that lists the names defined.
func (c *Config) Workspace(name string) (Workspace, error) {
	if name == "" {
		name = "Default"
	}
	base := "AzureSentinel.Workspaces." + name
	if c.node(base) == nil {
		names := c.Names("AzureSentinel.Workspaces")
		hint := "none are defined"
		if len(names) > 0 {
			hint = "defined: " + strings.Join(names, ", ")
			if s := suggest.Closest(name, names); s != "" {
				hint = fmt.Sprintf("did you mean %q? (%s)", s, hint)
			}
		}
		return Workspace{}, fmt.Errorf("config: workspace %q: %w in AzureSentinel.Workspaces; %s", name, ErrMissing, hint)
	}
	get := func(k string) string { s, _ := c.String(base + "." + k); return s }
	return Workspace{
		Name:           name,
		WorkspaceID:    get("WorkspaceId"),
		TenantID:       get("TenantId"),
		SubscriptionID: get("SubscriptionId"),
		ResourceGroup:  get("ResourceGroup"),
		WorkspaceName:  get("WorkspaceName"),
	}, nil
}

// Workspaces returns every workspace of AzureSentinel.Workspaces in file order.
func (c *Config) Workspaces() []Workspace {
	var out []Workspace
	for _, name := range c.Names("AzureSentinel.Workspaces") {
		if ws, err := c.Workspace(name); err == nil {
			out = append(out, ws)
		}
	}
	return out
}

// QueryPaths returns the custom query-template folders: QueryDefinitions.Custom followed by
// msticpy.QueryDefinitions, with a leading ~ expanded.
func (c *Config) QueryPaths() []string {
	var out []string
	for _, k := range []string{"QueryDefinitions.Custom", "msticpy.QueryDefinitions"} {
		l, _ := c.Strings(k)
		for _, p := range l {
			out = append(out, ExpandHome(p))
		}
	}
	return out
}

// DataPaths returns DataProviders.LocalData.data_paths (also accepted under Args), with a
// leading ~ expanded.
func (c *Config) DataPaths() []string {
	l, ok := c.Strings("DataProviders.LocalData.data_paths")
	if !ok {
		l, _ = c.Strings("DataProviders.LocalData.Args.data_paths")
	}
	out := make([]string, 0, len(l))
	for _, p := range l {
		out = append(out, ExpandHome(p))
	}
	return out
}

// ExpandHome replaces a leading "~" or "~/" with the user's home folder.
func ExpandHome(p string) string {
	if p != "~" && !strings.HasPrefix(p, "~/") && !strings.HasPrefix(p, `~\`) {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	if p == "~" {
		return home
	}
	return filepath.Join(home, p[2:])
}

// node returns the (alias-resolved) value at a dotted key path, or nil.
func (c *Config) node(keyPath string) *yaml.Node {
	if c == nil || c.root == nil {
		return nil
	}
	n := c.root
	if keyPath == "" {
		return n
	}
	return walkPath(n, strings.Split(keyPath, "."))
}

// walkPath follows path parts from n. A key may itself contain dots ("prod.eu"), so a
// failed branch is retried with longer keys.
func walkPath(n *yaml.Node, parts []string) *yaml.Node {
	if len(parts) == 0 {
		return n
	}
	for j := 1; j <= len(parts); j++ {
		if ch := child(n, strings.Join(parts[:j], ".")); ch != nil {
			if r := walkPath(ch, parts[j:]); r != nil {
				return r
			}
		}
	}
	return nil
}

// child returns the value under key in a mapping, or the element at a numeric index in a
// sequence.
func child(n *yaml.Node, key string) *yaml.Node {
	n = resolve(n)
	if n == nil {
		return nil
	}
	switch n.Kind {
	case yaml.MappingNode:
		for _, e := range entries(n) {
			if e.name == key {
				return resolve(e.val)
			}
		}
	case yaml.SequenceNode:
		i, err := strconv.Atoi(key)
		if err == nil && i >= 0 && i < len(n.Content) {
			return resolve(n.Content[i])
		}
	}
	return nil
}

// entry is one effective key/value pair of a mapping.
type entry struct {
	name     string
	key, val *yaml.Node
}

// maxMergeWork bounds the work spent expanding merge keys of one mapping, so hostile
// files with nested merges of aliases cannot make a lookup explode.
const maxMergeWork = 10000

// entries returns the effective pairs of a mapping in first-appearance order: aliases are
// resolved, merge keys (<<) are expanded with explicit keys taking priority, and of
// duplicate keys the last one wins (as in PyYAML).
func entries(n *yaml.Node) []entry {
	work := 0
	return entriesBudget(n, 0, &work)
}

// entryCache memoises entries for walks over a whole document, where an anchored mapping
// may be reached through many aliases, and totals the expansion work.
type entryCache struct {
	m    map[*yaml.Node][]entry
	work int
}

func (ec *entryCache) entries(n *yaml.Node) []entry {
	n = resolve(n)
	if e, ok := ec.m[n]; ok {
		return e
	}
	if ec.m == nil {
		ec.m = map[*yaml.Node][]entry{}
	}
	work := 0
	e := entriesBudget(n, 0, &work)
	ec.work += work + 1
	ec.m[n] = e
	return e
}

func entriesBudget(n *yaml.Node, depth int, work *int) []entry {
	n = resolve(n)
	if n == nil || n.Kind != yaml.MappingNode || depth > 16 {
		return nil
	}
	var out []entry
	idx := map[string]int{}
	var merged []entry
	var mergedSeen map[string]bool // earlier merge sources win
	for i := 0; i+1 < len(n.Content); i += 2 {
		*work++
		if *work > maxMergeWork {
			break
		}
		k, v := n.Content[i], n.Content[i+1]
		if isMergeKey(k) {
			mv := resolve(v)
			if mv == nil {
				continue
			}
			var srcs []*yaml.Node
			switch mv.Kind {
			case yaml.MappingNode:
				srcs = []*yaml.Node{mv}
			case yaml.SequenceNode:
				srcs = mv.Content
			}
			for _, src := range srcs {
				for _, e := range entriesBudget(src, depth+1, work) {
					if !mergedSeen[e.name] {
						if mergedSeen == nil {
							mergedSeen = map[string]bool{}
						}
						mergedSeen[e.name] = true
						merged = append(merged, e)
					}
				}
			}
			continue
		}
		name, ok := keyName(k)
		if !ok {
			continue
		}
		if j, dup := idx[name]; dup {
			out[j].key, out[j].val = k, v
			continue
		}
		idx[name] = len(out)
		out = append(out, entry{name: name, key: k, val: v})
	}
	for _, e := range merged {
		if _, ok := idx[e.name]; ok {
			continue
		}
		idx[e.name] = len(out)
		out = append(out, e)
	}
	return out
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge"
}

// keyName returns the text of a scalar mapping key.
func keyName(k *yaml.Node) (string, bool) {
	k = resolve(k)
	if k == nil || k.Kind != yaml.ScalarNode {
		return "", false
	}
	return k.Value, true
}

// resolve follows document wrappers and aliases to the node holding a value.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < 64; i++ {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

func kindName(n *yaml.Node) string {
	switch {
	case n == nil:
		return "nothing"
	case isNull(n):
		return "an empty value"
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Kind == yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!bool":
			return "a boolean"
		case "!!int", "!!float":
			return "a number"
		}
		return "a string"
	}
	return "a value"
}

// parseBool accepts the YAML 1.1 boolean words PyYAML accepts.
func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON":
		return true, true
	case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF":
		return false, true
	}
	return false, false
}

func parseInt(s string) (int, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "")
	i, err := strconv.ParseInt(s, 0, 64)
	if err != nil || int64(int(i)) != i {
		return 0, false
	}
	return int(i), true
}

package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/google/uuid"
	"go.yaml.in/yaml/v3"
)

// Severity ranks a Problem.
type Severity uint8

// Severities: an error stops the affected feature from working; a warning is worth fixing
// but the setting is usable (unknown keys, deprecated sections, missing folders).
const (
	SeverityError Severity = iota
	SeverityWarning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as its name (for JSON output).
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText reads "error" or "warning".
func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = SeverityError
	case "warning":
		*s = SeverityWarning
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Problem is one finding of Validate, positioned in the file.
type Problem struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	KeyPath  string   `json:"key_path"`
	Message  string   `json:"message"`
	Severity Severity `json:"severity"`
}

// String formats the problem as "file:line:col: KeyPath: message".
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Col > 0 {
			fmt.Fprintf(&b, ":%d", p.Col)
		}
	}
	b.WriteString(": ")
	if p.KeyPath != "" {
		b.WriteString(p.KeyPath)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// HasErrors reports whether any problem has error severity.
func HasErrors(ps []Problem) bool {
	for _, p := range ps {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// Count returns the number of errors and warnings.
func Count(ps []Problem) (errs, warns int) {
	for _, p := range ps {
		if p.Severity == SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

// Validate checks the whole configuration against MSTICPy's schema and reports every
// problem at once, sorted by position: wrong value types, missing required keys of the
// providers that are configured, GUID and URL formats, secret references (unset
// environment variables, malformed or unresolvable Key Vault references), unknown sections,
// keys and provider names (warnings, with the closest known name), duplicate keys and bad
// folders. An empty configuration has no problems.
func (c *Config) Validate() []Problem {
	if c == nil || c.root == nil {
		return nil
	}
	v := &validator{c: c, file: c.path}
	v.check("", nil, c.root, rootSpec(), false, 0)
	v.walkRaw("", c.root, 0)
	sort.SliceStable(v.probs, func(i, j int) bool {
		a, b := v.probs[i], v.probs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
	return v.probs
}

// maxValidateWork bounds the number of nodes one validation visits (aliases can make a small
// file describe a huge tree).
const maxValidateWork = 200000

type validator struct {
	c     *Config
	file  string
	probs []Problem
	work  int
	seen  map[[3]any]bool
	ents  entryCache // merge-key expansion, memoised and bounded
}

func (v *validator) add(sev Severity, at *yaml.Node, path, format string, args ...any) {
	p := Problem{File: v.file, KeyPath: path, Message: MaskText(fmt.Sprintf(format, args...)), Severity: sev}
	if at != nil {
		p.Line, p.Col = at.Line, at.Column
	}
	// The same anchored node reached through several aliases is reported once.
	if v.seen == nil {
		v.seen = map[[3]any]bool{}
	}
	k := [3]any{p.Line, p.Col, p.KeyPath + "\x00" + p.Message}
	if v.seen[k] {
		return
	}
	v.seen[k] = true
	v.probs = append(v.probs, p)
}

func (v *validator) errorf(at *yaml.Node, path, format string, args ...any) {
	v.add(SeverityError, at, path, format, args...)
}

func (v *validator) warnf(at *yaml.Node, path, format string, args ...any) {
	v.add(SeverityWarning, at, path, format, args...)
}

// kind is the type a setting expects.
type kind uint8

const (
	kAny     kind = iota // anything
	kStr                 // a scalar
	kSecret              // a scalar or a secret reference
	kUUID                // a GUID
	kURL                 // an http(s) URL
	kBool                // true/false
	kInt                 // a whole number
	kTimeout             // number, list of numbers or mapping (msticpy.http_timeout)
	kList                // a list of scalars
	kEnum                // one of options
	kMEnum               // a list of options
	kFolder              // a folder path
	kFolders             // a list of folder paths
	kMap                 // a mapping
)

// spec describes the expected shape of one setting.
type spec struct {
	kind     kind
	required bool
	hint     string   // what the value is, for "missing" messages
	options  []string // kEnum, kMEnum
	mayMake  bool     // kFolder: a missing folder is fine (it is created on use)
	// kMap
	fields map[string]*spec
	open   bool // unknown keys are fine (no warning)
	// implied: when this (optional) mapping is absent, its required fields are reported
	// missing (e.g. Args of a provider that needs an AuthKey).
	implied bool
	entry   func(v *validator, path string, key, val *yaml.Node, depth int) // each child not in fields
	post    func(v *validator, path string, key, val *yaml.Node)            // after the walk
}

func nodePos(key, val *yaml.Node) *yaml.Node {
	if val != nil && val.Line > 0 {
		return val
	}
	return key
}

// check validates val (the value under key at path) against s.
func (v *validator) check(path string, key, val *yaml.Node, s *spec, inArgs bool, depth int) {
	v.work++
	if v.work > maxValidateWork || depth > 64 {
		return
	}
	at := nodePos(key, val)
	r := resolve(val)
	if r == nil || isNull(r) {
		if s.required {
			v.errorf(at, path, "missing value%s", hintOf(s))
		}
		if r != nil && s.post != nil {
			s.post(v, path, key, r)
		}
		return
	}
	if path != "" && isRefMap(r) && (s.kind == kSecret || (inArgs && s.kind != kMap && s.kind != kAny)) {
		return // checked by walkRaw
	}
	secret := isSecretPath(path)
	switch s.kind {
	case kAny:
	case kStr, kSecret:
		if r.Kind != yaml.ScalarNode {
			if s.kind == kSecret {
				v.errorf(at, path, "expected a string, {EnvironmentVar: NAME} or {KeyVault: ...}, found %s", kindName(r))
			} else {
				v.errorf(at, path, "expected a string, found %s", kindName(r))
			}
		} else if s.required && strings.TrimSpace(r.Value) == "" {
			v.errorf(at, path, "is empty%s", hintOf(s))
		}
	case kUUID:
		if r.Kind != yaml.ScalarNode {
			v.errorf(at, path, "expected a GUID, found %s", kindName(r))
		} else if _, err := uuid.Parse(strings.TrimSpace(r.Value)); err != nil {
			v.errorf(at, path, "%s is not a GUID (expected the form xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)", show(r, secret))
		}
	case kURL:
		if r.Kind != yaml.ScalarNode {
			v.errorf(at, path, "expected a URL, found %s", kindName(r))
		} else if u, err := url.Parse(strings.TrimSpace(r.Value)); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			v.errorf(at, path, "%s is not an http(s) URL", show(r, secret))
		}
	case kBool:
		v.checkBool(path, at, r)
	case kInt:
		if r.Kind != yaml.ScalarNode {
			v.errorf(at, path, "expected a whole number, found %s", kindName(r))
		} else if _, ok := parseInt(r.Value); !ok {
			v.errorf(at, path, "%s is not a whole number", show(r, secret))
		}
	case kTimeout:
		v.checkTimeout(path, at, r)
	case kList, kFolders, kMEnum:
		v.checkList(path, at, r, s)
	case kEnum:
		if r.Kind != yaml.ScalarNode {
			v.errorf(at, path, "expected one of %s, found %s", strings.Join(s.options, ", "), kindName(r))
		} else if !hasFold(s.options, r.Value) {
			v.errorf(at, path, "%q is not one of: %s%s", r.Value, strings.Join(s.options, ", "), didYouMean(r.Value, s.options))
		}
	case kFolder:
		if r.Kind != yaml.ScalarNode {
			v.errorf(at, path, "expected a folder path, found %s", kindName(r))
		} else {
			v.checkFolder(path, at, r.Value, s.mayMake)
		}
	case kMap:
		if r.Kind != yaml.MappingNode {
			v.errorf(at, path, "expected a mapping (indented key: value lines), found %s", kindName(r))
			return
		}
		v.checkMap(path, key, r, s, inArgs, depth)
	}
	if s.post != nil {
		s.post(v, path, key, r)
	}
}

func hintOf(s *spec) string {
	if s.hint == "" {
		return ""
	}
	return " (" + s.hint + ")"
}

func (v *validator) checkMap(path string, key, r *yaml.Node, s *spec, inArgs bool, depth int) {
	present := map[string]bool{}
	names := sortedKeys(s.fields)
	ents := v.ents.entries(r)
	if v.ents.work > maxValidateWork*10 {
		return
	}
	for _, e := range ents {
		present[e.name] = true
		cp := join(path, e.name)
		if f, ok := s.fields[e.name]; ok {
			v.check(cp, e.key, e.val, f, inArgs || e.name == "Args", depth+1)
			continue
		}
		if s.entry != nil {
			s.entry(v, cp, e.key, e.val, depth+1)
			continue
		}
		if s.open {
			continue
		}
		if fold := findFold(names, e.name); fold != "" {
			v.warnf(e.key, cp, "unknown key %q; keys are case-sensitive: did you mean %q?", e.name, fold)
		} else {
			v.warnf(e.key, cp, "unknown key %q (ignored)%s", e.name, didYouMean(e.name, names))
		}
	}
	at := key
	if at == nil {
		at = r
	}
	for _, name := range names {
		if !present[name] {
			v.missing(join(path, name), at, s.fields[name])
		}
	}
}

// missing reports a required setting that is absent, and the required settings inside an
// absent implied mapping.
func (v *validator) missing(path string, at *yaml.Node, f *spec) {
	if f.required {
		v.errorf(at, path, "missing required key%s", hintOf(f))
		return
	}
	if f.implied && f.kind == kMap {
		for _, name := range sortedKeys(f.fields) {
			if f.fields[name].required {
				v.errorf(at, join(path, name), "missing required key%s", hintOf(f.fields[name]))
			}
		}
	}
}

func (v *validator) checkBool(path string, at, r *yaml.Node) {
	if r.Kind != yaml.ScalarNode {
		v.errorf(at, path, "expected true or false, found %s", kindName(r))
		return
	}
	b, ok := parseBool(r.Value)
	switch {
	case !ok:
		v.errorf(at, path, "%s is not true or false", show(r, false))
	case r.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0:
		note := ""
		if !b {
			note = ", so it counts as true"
		}
		v.warnf(at, path, "%q is quoted: MSTICPy reads it as text%s; write %s without quotes", r.Value, note, r.Value)
	}
}

func (v *validator) checkTimeout(path string, at, r *yaml.Node) {
	isNum := func(n *yaml.Node) bool {
		n = resolve(n)
		if n == nil || n.Kind != yaml.ScalarNode {
			return false
		}
		f, err := strconv.ParseFloat(n.Value, 64)
		return err == nil && f >= 0
	}
	switch r.Kind {
	case yaml.ScalarNode:
		if !isNum(r) {
			v.errorf(at, path, "%s is not a number of seconds", show(r, false))
		}
	case yaml.SequenceNode:
		for i, it := range r.Content {
			if !isNum(it) {
				v.errorf(nodePos(nil, it), join(path, strconv.Itoa(i)), "expected a number of seconds, found %s", kindName(resolve(it)))
			}
		}
	case yaml.MappingNode:
		for _, e := range entries(r) {
			if !isNum(e.val) {
				v.errorf(nodePos(e.key, e.val), join(path, e.name), "expected a number of seconds, found %s", kindName(resolve(e.val)))
			}
		}
	}
}

func (v *validator) checkList(path string, at, r *yaml.Node, s *spec) {
	if r.Kind != yaml.SequenceNode {
		what := "a list"
		if s.kind == kMEnum {
			what = "a list of " + strings.Join(s.options, ", ")
		}
		v.errorf(at, path, "expected %s (e.g. [a, b] or one \"- item\" per line), found %s", what, kindName(r))
		return
	}
	for i, it := range r.Content {
		ip := join(path, strconv.Itoa(i))
		ri := resolve(it)
		if ri == nil || ri.Kind != yaml.ScalarNode || isNull(ri) {
			v.errorf(nodePos(nil, it), ip, "expected a string item, found %s", kindName(ri))
			continue
		}
		switch s.kind {
		case kMEnum:
			if !hasFold(s.options, ri.Value) {
				v.errorf(nodePos(nil, it), ip, "%q is not one of: %s%s", ri.Value, strings.Join(s.options, ", "), didYouMean(ri.Value, s.options))
			}
		case kFolders:
			v.checkFolder(ip, nodePos(nil, it), ri.Value, false)
		}
	}
}

func (v *validator) checkFolder(path string, at *yaml.Node, p string, mayMake bool) {
	p = strings.TrimSpace(p)
	if p == "" {
		v.errorf(at, path, "empty folder path")
		return
	}
	full := ExpandHome(p)
	st, err := os.Stat(full)
	switch {
	case err == nil && !st.IsDir():
		v.errorf(at, path, "%q is a file, not a folder", p)
	case err != nil && errors.Is(err, os.ErrNotExist):
		if !mayMake {
			v.warnf(at, path, "folder %q does not exist", p)
		} else if parent := nearestExisting(full); parent != "" {
			if pst, err := os.Stat(parent); err == nil && !pst.IsDir() {
				v.errorf(at, path, "%q cannot be created: %q is a file", p, parent)
			}
		}
	case err != nil && errors.Is(err, syscall.ENOTDIR):
		if parent := nearestExisting(full); parent != "" {
			v.errorf(at, path, "%q cannot be created: %q is a file", p, parent)
		} else {
			v.errorf(at, path, "%q cannot be created: part of the path is a file", p)
		}
	case err != nil:
		v.errorf(at, path, "folder %q cannot be read: %v", p, unwrapPathErr(err))
	}
}

func nearestExisting(p string) string {
	for i := 0; i < 64; i++ {
		parent := p[:max(0, strings.LastIndexAny(p, `/\`))]
		if parent == "" || parent == p {
			return ""
		}
		if _, err := os.Stat(parent); err == nil {
			return parent
		}
		p = parent
	}
	return ""
}

func unwrapPathErr(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// walkRaw visits the file as written (without following aliases) for the checks that are
// about the text itself: duplicate keys and secret references.
func (v *validator) walkRaw(path string, n *yaml.Node, depth int) {
	v.work++
	if n == nil || depth > 200 || v.work > 2*maxValidateWork {
		return
	}
	switch n.Kind {
	case yaml.SequenceNode:
		for i, it := range n.Content {
			v.walkRaw(join(path, strconv.Itoa(i)), it, depth+1)
		}
	case yaml.MappingNode:
		if path != "" && isRefMap(n) {
			v.checkRef(path, n)
			return
		}
		first := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			name, ok := keyName(k)
			if !ok || isMergeKey(k) {
				v.walkRaw(path, val, depth+1)
				continue
			}
			if f, dup := first[name]; dup {
				v.warnf(k, join(path, name), "duplicate key %q (first on line %d); the last one wins", name, f.Line)
			} else {
				first[name] = k
			}
			v.walkRaw(join(path, name), val, depth+1)
		}
	}
}

// checkRef validates one {EnvironmentVar: ...} / {KeyVault: ...} mapping.
func (v *validator) checkRef(path string, n *yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if name, ok := keyName(n.Content[i]); ok && name != KindEnv && name != KindKeyVault {
			v.warnf(n.Content[i], join(path, name), "unknown key %q next to a secret reference (ignored)", name)
		}
	}
	ref, err := v.c.refAt(path, n)
	if err != nil {
		var se *SecretError
		if errors.As(err, &se) {
			v.errorf(n, path, "%s", se.Reason)
		}
		return
	}
	switch ref.Kind {
	case KindEnv:
		// A warning: the variable is needed only when the provider is used, and then the
		// lookup fails with ErrMissing naming it.
		if val, ok := os.LookupEnv(ref.Name); !ok {
			v.warnf(n, path, "environment variable %s is not set (needed when this provider is used)", ref.Name)
		} else if val == "" {
			v.warnf(n, path, "environment variable %s is empty (needed when this provider is used)", ref.Name)
		}
	case KindKeyVault:
		if len(ref.Name) > 127 {
			v.errorf(n, path, "the Key Vault secret name %q is longer than 127 characters; write KeyVault: name", ref.Name)
		}
		if ref.Vault == "" {
			v.errorf(n, path, "Key Vault secret %s has no vault: set KeyVault.VaultName or write KeyVault: vault/secret", ref.Name)
		}
		if _, ok := v.c.resolver(KindKeyVault); !ok {
			v.warnf(n, path, "%s", noKeyVaultMsg)
		}
	}
}

// show quotes a scalar for a message, or hides it when the setting is secret.
func show(n *yaml.Node, secret bool) string {
	if secret {
		return "the value"
	}
	s := n.Value
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return strconv.Quote(s)
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

func hasFold(opts []string, s string) bool {
	s = strings.TrimSpace(s)
	for _, o := range opts {
		if strings.EqualFold(o, s) {
			return true
		}
	}
	return false
}

func findFold(names []string, s string) string {
	for _, n := range names {
		if strings.EqualFold(n, s) && n != s {
			return n
		}
	}
	return ""
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Check validates c and returns nil when it has no error-level problem, else one error
// (matching ErrInvalid) naming the first problem with its file:line:col and how many more
// there are, so that every command that loads the configuration reports its errors the same
// way as `config validate` (exit code 3). Warnings do not fail.
func Check(c *Config) error {
	var first *Problem
	n := 0
	for _, p := range c.Validate() {
		if p.Severity != SeverityError {
			continue
		}
		if first == nil {
			first = &p
		}
		n++
	}
	if first == nil {
		return nil
	}
	more := ""
	if n > 1 {
		more = fmt.Sprintf(" (and %d more errors)", n-1)
	}
	return fmt.Errorf("%w: %s%s; run 'huntkit config validate' for every problem", ErrInvalid, first.String(), more)
}

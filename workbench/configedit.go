package workbench

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
)

// The configuration editor reads msticpyconfig.yaml as a YAML node tree, shows it as a tree of
// fields with every secret withheld (a literal secret only says it is set; references show
// which variable or vault they name), applies edits to the nodes (so comments, key order and
// untouched values stay as they are), validates the result with config.Validate and writes it
// atomically after copying the old file to FILE.bak.

// cfgNode is one value of the configuration as the editor shows it.
type cfgNode struct {
	Type    string     `json:"type"` // map, list, scalar, secret, ref
	Value   string     `json:"value,omitempty"`
	Set     bool       `json:"set,omitempty"`  // secret: a literal value is present
	Kind    string     `json:"kind,omitempty"` // ref: EnvironmentVar or KeyVault
	Entries []cfgEntry `json:"entries,omitempty"`
	Items   []*cfgNode `json:"items,omitempty"`
}

type cfgEntry struct {
	Key   string   `json:"key"`
	Value *cfgNode `json:"value"`
}

// cfgEdit is one change: set (or delete) the value at Path (keys from the top).
type cfgEdit struct {
	Path  []string `json:"path"`
	Op    string   `json:"op"` // "set" or "delete"
	Value *cfgNode `json:"value,omitempty"`
}

type cfgProblem struct {
	Severity string `json:"severity"`
	KeyPath  string `json:"key_path"`
	Message  string `json:"message"`
	Text     string `json:"text"` // as `huntkit config validate` prints it
}

func (s *Server) configPath() string {
	if s.opts.ConfigFile != "" {
		return s.opts.ConfigFile
	}
	if cfg, err := s.hk.Config(); err == nil && cfg.Path() != "" {
		return cfg.Path()
	}
	return "msticpyconfig.yaml"
}

// readConfigFile returns the file's bytes ("" when it does not exist yet).
func readConfigFile(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return b, err
}

func version(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:8])
}

func (s *Server) handleConfig(w http.ResponseWriter, r *http.Request) {
	path := s.configPath()
	data, err := readConfigFile(path)
	if err != nil {
		fail(w, err)
		return
	}
	doc, err := parseDoc(data)
	if err != nil {
		fail(w, badInput("%s: %v", path, err))
		return
	}
	tree := toCfgNode("", docRoot(doc))
	writeJSON(w, http.StatusOK, map[string]any{"path": path, "exists": data != nil, "version": version(data),
		"tree": tree, "problems": validateText(path, data), "sections": config.Sections})
}

// parseDoc decodes the file into a document node (an empty mapping for an empty file).
func parseDoc(data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		doc = yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{{Kind: yaml.MappingNode, Tag: "!!map"}}}
	}
	if doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("the top level must be a mapping of sections")
	}
	return &doc, nil
}

func docRoot(doc *yaml.Node) *yaml.Node { return doc.Content[0] }

// toCfgNode converts a node for the browser, withholding secrets.
func toCfgNode(path string, n *yaml.Node) *cfgNode {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch n.Kind {
	case yaml.MappingNode:
		if kind, val, ok := refOf(n); ok {
			out := &cfgNode{Type: "ref", Kind: kind, Value: val}
			return out
		}
		out := &cfgNode{Type: "map", Entries: []cfgEntry{}}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i].Value
			out.Entries = append(out.Entries, cfgEntry{Key: k, Value: toCfgNode(join(path, k), n.Content[i+1])})
		}
		return out
	case yaml.SequenceNode:
		out := &cfgNode{Type: "list", Items: []*cfgNode{}}
		for i, c := range n.Content {
			out.Items = append(out.Items, toCfgNode(fmt.Sprintf("%s.%d", path, i), c))
		}
		return out
	}
	if config.IsSecretPath(path) && n.Tag != "!!null" {
		return &cfgNode{Type: "secret", Set: n.Value != ""}
	}
	v := n.Value
	if n.Tag == "!!null" {
		v = ""
	}
	if masked := config.MaskText(v); masked != v {
		return &cfgNode{Type: "secret", Set: true} // a secret found by its content
	}
	return &cfgNode{Type: "scalar", Value: v}
}

// refOf recognises {EnvironmentVar: NAME} and {KeyVault: ...} references.
func refOf(n *yaml.Node) (kind, val string, ok bool) {
	if n.Kind != yaml.MappingNode || len(n.Content) != 2 {
		return "", "", false
	}
	k, v := n.Content[0].Value, n.Content[1]
	if (k == "EnvironmentVar" || k == "KeyVault") && v.Kind == yaml.ScalarNode {
		val := v.Value
		if v.Tag == "!!null" {
			val = ""
		}
		return k, val, true
	}
	return "", "", false
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// applyEdits changes the document in place.
func applyEdits(doc *yaml.Node, edits []cfgEdit) error {
	for _, e := range edits {
		if len(e.Path) == 0 {
			return badInput("an edit without a key path")
		}
		for _, k := range e.Path {
			if k == "" || strings.ContainsAny(k, "\n\r") {
				return badInput("key path %q: empty or multi-line key", strings.Join(e.Path, "."))
			}
		}
		switch e.Op {
		case "delete":
			deleteKey(docRoot(doc), e.Path)
		case "set":
			if e.Value == nil {
				return badInput("%s: set without a value", strings.Join(e.Path, "."))
			}
			nv, err := fromCfgNode(e.Value)
			if err != nil {
				return badInput("%s: %v", strings.Join(e.Path, "."), err)
			}
			if err := setKey(docRoot(doc), e.Path, nv); err != nil {
				return badInput("%s: %v", strings.Join(e.Path, "."), err)
			}
		default:
			return badInput("edit %q: want set or delete", e.Op)
		}
	}
	return nil
}

var plainScalar = regexp.MustCompile(`^(true|false|yes|no|on|off|null|~|-?[0-9][0-9_.eE+-]*)$`)

// fromCfgNode builds the YAML node for an edited value. A "secret" carries a new literal; a
// secret left untouched is never sent, so no edit is made for it.
func fromCfgNode(c *cfgNode) (*yaml.Node, error) {
	switch c.Type {
	case "scalar", "secret":
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.Value}
		if c.Type == "scalar" && plainScalar.MatchString(strings.ToLower(c.Value)) {
			n.Tag = "" // let YAML type numbers and booleans as usual
		}
		if c.Type == "secret" || c.Value == "" || strings.ContainsAny(c.Value, ":#{}[]&*!|>'\"%@`,") {
			n.Style = yaml.DoubleQuotedStyle
		}
		return n, nil
	case "ref":
		if c.Kind != "EnvironmentVar" && c.Kind != "KeyVault" {
			return nil, fmt.Errorf("reference kind %q: want EnvironmentVar or KeyVault", c.Kind)
		}
		if c.Kind == "EnvironmentVar" && c.Value == "" {
			return nil, errors.New("an EnvironmentVar reference needs the variable's name")
		}
		val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.Value}
		if c.Value == "" {
			val = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
		}
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle,
			Content: []*yaml.Node{{Kind: yaml.ScalarNode, Tag: "!!str", Value: c.Kind}, val}}, nil
	case "list":
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
		for _, it := range c.Items {
			cn, err := fromCfgNode(it)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, cn)
		}
		return n, nil
	case "map":
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		for _, e := range c.Entries {
			cn, err := fromCfgNode(e.Value)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.Key}, cn)
		}
		return n, nil
	}
	return nil, fmt.Errorf("value type %q: want scalar, secret, ref, list or map", c.Type)
}

// setKey replaces the value at path (creating maps on the way), keeping the key node and the
// comments of the old value.
func setKey(m *yaml.Node, path []string, nv *yaml.Node) error {
	for i, k := range path {
		if m.Kind != yaml.MappingNode {
			return fmt.Errorf("%s is not a mapping", strings.Join(path[:i], "."))
		}
		var val *yaml.Node
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value == k {
				val = m.Content[j+1]
			}
		}
		last := i == len(path)-1
		if val == nil {
			val = nv
			if !last {
				val = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			}
			m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, val)
			if last {
				return nil
			}
			m = val
			continue
		}
		if last {
			nv.HeadComment, nv.LineComment, nv.FootComment = val.HeadComment, val.LineComment, val.FootComment
			*val = *nv
			return nil
		}
		for val.Kind == yaml.AliasNode && val.Alias != nil {
			val = val.Alias
		}
		m = val
	}
	return nil
}

func deleteKey(m *yaml.Node, path []string) {
	for i, k := range path {
		if m.Kind != yaml.MappingNode {
			return
		}
		for j := 0; j+1 < len(m.Content); j += 2 {
			if m.Content[j].Value != k {
				continue
			}
			if i == len(path)-1 {
				m.Content = append(m.Content[:j], m.Content[j+2:]...)
				return
			}
			m = m.Content[j+1]
			break
		}
	}
}

// indentOf guesses the file's indentation (2 when it cannot tell).
func indentOf(data []byte) int {
	for _, line := range strings.Split(string(data), "\n") {
		t := strings.TrimLeft(line, " ")
		if n := len(line) - len(t); n > 0 && t != "" && !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "- ") {
			if n <= 8 {
				return n
			}
		}
	}
	return 2
}

func encodeDoc(doc *yaml.Node, indent int) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(indent)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// validateText validates configuration text as `huntkit config validate` does.
func validateText(path string, data []byte) []cfgProblem {
	out := []cfgProblem{}
	c, err := config.Parse(path, data)
	if err != nil {
		return append(out, cfgProblem{Severity: "error", Message: oneLine(err.Error()), Text: oneLine(err.Error())})
	}
	for _, p := range c.Validate() {
		out = append(out, cfgProblem{Severity: p.Severity.String(), KeyPath: p.KeyPath, Message: p.Message, Text: p.String()})
	}
	return out
}

type cfgRequest struct {
	Version string    `json:"version"`
	Edits   []cfgEdit `json:"edits"`
}

// edited reads the file, applies the request's edits and returns the new text.
func (s *Server) edited(r *http.Request) (path string, old, text []byte, err error) {
	var req cfgRequest
	if err := readJSON(r, &req); err != nil {
		return "", nil, nil, err
	}
	path = s.configPath()
	old, err = readConfigFile(path)
	if err != nil {
		return "", nil, nil, err
	}
	if req.Version != "" && req.Version != version(old) {
		return "", nil, nil, fmt.Errorf("%w: %s changed on disk since the editor read it; reload the page", errConflict, path)
	}
	doc, err := parseDoc(old)
	if err != nil {
		return "", nil, nil, badInput("%s: %v", path, err)
	}
	if err := applyEdits(doc, req.Edits); err != nil {
		return "", nil, nil, err
	}
	text, err = encodeDoc(doc, indentOf(old))
	return path, old, text, err
}

var errConflict = errors.New("conflict")

func (s *Server) handleConfigCheck(w http.ResponseWriter, r *http.Request) {
	path, _, text, err := s.edited(r)
	if err != nil {
		configFail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"problems": validateText(path, text)})
}

func configFail(w http.ResponseWriter, err error) {
	if errors.Is(err, errConflict) {
		writeJSON(w, http.StatusConflict, apiError{Error: oneLine(err.Error())})
		return
	}
	fail(w, err)
}

// handleConfigSave validates the edited file and, when it has no error, writes it
// atomically, first copying the old file to FILE.bak.
func (s *Server) handleConfigSave(w http.ResponseWriter, r *http.Request) {
	path, old, text, err := s.edited(r)
	if err != nil {
		configFail(w, err)
		return
	}
	probs := validateText(path, text)
	for _, p := range probs {
		if p.Severity == "error" {
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "not saved: the configuration has errors", "problems": probs})
			return
		}
	}
	mode := os.FileMode(0o600)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	backup := ""
	if old != nil {
		backup = path + ".bak"
		if err := frame.AtomicWrite(backup, 0o600, func(w io.Writer) error { _, err := w.Write(old); return err }); err != nil {
			fail(w, fmt.Errorf("back up %s: %w", path, err))
			return
		}
	}
	if err := frame.AtomicWrite(path, mode, func(w io.Writer) error { _, err := w.Write(text); return err }); err != nil {
		fail(w, fmt.Errorf("save %s: %w", path, err))
		return
	}
	s.logf("saved %s (backup %s)", path, backup)
	writeJSON(w, http.StatusOK, map[string]any{"saved": path, "backup": backup, "version": version(text), "problems": probs,
		"note": "saved; queries and enrichments use the new settings after the workbench is restarted"})
}

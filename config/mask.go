package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Mask replaces every literal secret in WriteMasked output.
const Mask = "********"

// providerSections hold provider entries whose Args are treated as secret unless the
// argument is known to be harmless (an ID, a host, a folder...).
var providerSections = map[string]bool{
	"TIProviders": true, "OtherProviders": true, "DataProviders": true,
	"ContextProviders": true, "KustoClusters": true, "AzureCLI": true, "AzureSentinel": true,
}

// publicArgs are provider Args that are identifiers or options, not credentials
// (lower case).
var publicArgs = map[string]bool{
	"workspaceid": true, "tenantid": true, "clientid": true, "subscriptionid": true,
	"dbfolder": true, "accountid": true, "host": true, "username": true, "user": true, "port": true,
	"http_scheme": true, "verify": true, "owner": true, "app": true, "sharing": true,
	"autologin": true, "cluster": true, "integratedauth": true, "cloud": true,
	"accessid": true, "data_paths": true, "auth_methods": true, "usevt3privateapi": true,
	"instance": true, "database": true, "defaultdatabase": true, "connection_str": true,
	"timeout": true, "cache_file": true, "region": true, "authtype": true, "scopes": true,
	"resourcegroup": true, "workspacename": true, "certificate": true,
	// huntkit extensions
	"baseurl": true, "ratelimit": true, "concurrency": true, "maxageindays": true,
	"downloadurl": true, "editions": true, "maxagedays": true, "bootstrapurl": true,
	"cachefolder": true, "catalog": true, "datafolder": true, "apiurl": true, "rawurl": true,
	"paths": true, "path": true, "defaultseverity": true,
}

// secretWords mark a key as holding a credential wherever it appears (lower case).
var secretWords = []string{"secret", "password", "passwd", "authkey", "apikey", "api_key",
	"token", "accesskey", "access_key", "cookie", "privatekey", "private_key", "apiid", "credential"}

// IsSecretKey reports whether a setting name holds a credential wherever it appears
// (AuthKey, ApiID, ClientSecret, password, token, ...).
func IsSecretKey(name string) bool {
	l := strings.ToLower(name)
	switch l {
	case "key", "sas", "pwd", "pass", "pw", "sig", "signature", "passphrase":
		return true
	}
	if strings.HasPrefix(l, "pass_") || strings.HasSuffix(l, "_pass") || strings.HasSuffix(l, "pass") && len(l) > 4 && !strings.HasSuffix(l, "bypass") {
		return true
	}
	for _, w := range secretWords {
		if strings.Contains(l, w) {
			return true
		}
	}
	return false
}

// isSecretPath reports whether the value at a dotted key path is (part of) a secret: its
// name says so, or it is an Args value of a provider that is not a known public argument.
func isSecretPath(path string) bool {
	parts := strings.Split(path, ".")
	for i := len(parts) - 1; i >= 0; i-- {
		if _, err := strconv.Atoi(parts[i]); err == nil {
			continue // a list index: look at the key holding the list
		}
		if IsSecretKey(parts[i]) {
			return true
		}
		break
	}
	if len(parts) > 0 && providerSections[parts[0]] {
		for i := 1; i < len(parts)-1; i++ {
			if parts[i] == "Args" {
				return !publicArgs[strings.ToLower(parts[i+1])]
			}
		}
	}
	return false
}

// maxShowNodes bounds the size of the expanded tree WriteMasked prints.
const maxShowNodes = 100000

// WriteMasked writes the effective configuration as YAML with every secret masked: literal
// secrets print as "********", {EnvironmentVar: NAME} references stay as written with a
// comment saying whether the variable is set (never its value), Key Vault references
// name their vault and secret. Aliases and merge keys are expanded, comments are dropped
// (they may hold old secrets), and passwords inside URLs are masked. The first line
// says which file the settings came from.
func (c *Config) WriteMasked(w io.Writer) error { return c.WriteMaskedKey(w, "") }

// WriteMaskedKey is WriteMasked for the value at one dotted key path ("" = everything),
// e.g. "TIProviders.VirusTotal". A key that is not present is an error matching ErrMissing.
func (c *Config) WriteMaskedKey(w io.Writer, keyPath string) error {
	if keyPath != "" && c.node(keyPath) == nil {
		return fmt.Errorf("config: %s: %w in %s", keyPath, ErrMissing, c.Path())
	}
	var buf bytes.Buffer
	if c.Path() == "" {
		fmt.Fprintf(&buf, "# %s; huntkit runs with built-in defaults\n", c.Source())
	} else {
		src := ""
		if s := c.Source(); s != "" && s != c.Path() {
			src = " (found via " + s + ")"
		}
		fmt.Fprintf(&buf, "# huntkit configuration from %s%s\n", oneLine(c.Path()), src)
	}
	if keyPath != "" {
		buf.WriteString("# " + oneLine(keyPath) + ":\n")
	}
	buf.WriteString("# secrets are masked: literal values show as " + Mask + ", references show the variable or vault secret name\n")
	if c == nil || c.root == nil {
		buf.WriteString("{}\n")
		_, err := w.Write(buf.Bytes())
		return err
	}
	// A value anchored in one place and aliased under a secret key elsewhere is a secret
	// in both places: repeat until no new anchored secrets turn up.
	m := &masker{c: c, tainted: map[*yaml.Node]bool{}}
	var out *yaml.Node
	for range 8 {
		m.nodes, m.plain = 0, map[*yaml.Node]bool{}
		out = m.copy("", c.root, false, 0)
		if m.err != nil {
			return m.err
		}
		again := false
		for n := range m.plain {
			if m.tainted[n] {
				again = true // printed in clear before it was known to be secret
				break
			}
		}
		if !again {
			break
		}
	}
	if keyPath != "" {
		// the masked tree has the same keys, without aliases
		if out = walkPath(out, strings.Split(keyPath, ".")); out == nil {
			return fmt.Errorf("config: %s: %w in %s", keyPath, ErrMissing, c.Path())
		}
	}
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write masked config: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("write masked config: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func oneLine(s string) string { return strings.NewReplacer("\n", " ", "\r", " ").Replace(s) }

type masker struct {
	c       *Config
	nodes   int
	err     error
	tainted map[*yaml.Node]bool // nodes printed in a secret place (shared ones stay masked everywhere)
	plain   map[*yaml.Node]bool // scalars printed in clear in this pass
	ents    entryCache          // merge-key expansion, bounded by maxShowWork
}

// maxShowWork bounds the merge-key expansion work of one WriteMasked pass.
const maxShowWork = 2000000

var errTooBig = errors.New("config: the expanded configuration is too large to print (aliases nest too deeply)")

// copy builds a comment-free, alias-free copy of n with secrets masked.
func (m *masker) copy(path string, n *yaml.Node, secret bool, depth int) *yaml.Node {
	m.nodes++
	if m.nodes > maxShowNodes || depth > 100 {
		m.err = errTooBig
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	r := resolve(n)
	if r == nil {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
	}
	secret = secret || isSecretPath(path) || m.tainted[r]
	if secret {
		// the same node may be printed elsewhere through an alias or merge key
		m.tainted[r] = true
	}
	switch r.Kind {
	case yaml.MappingNode:
		if path != "" && isRefMap(r) {
			return m.ref(path, r)
		}
		out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: r.Style & yaml.FlowStyle}
		ents := m.ents.entries(r)
		if m.ents.work > maxShowWork {
			m.err = errTooBig
			return out
		}
		for _, e := range ents {
			k := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: e.name}
			if sk := resolve(e.key); sk != nil {
				k.Tag, k.Style = sk.ShortTag(), sk.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle)
			}
			out.Content = append(out.Content, k, m.copy(join(path, e.name), e.val, secret, depth+1))
			if m.err != nil {
				break
			}
		}
		return out
	case yaml.SequenceNode:
		out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: r.Style & yaml.FlowStyle}
		for i, it := range r.Content {
			out.Content = append(out.Content, m.copy(join(path, strconv.Itoa(i)), it, secret, depth+1))
			if m.err != nil {
				break
			}
		}
		return out
	default:
		out := &yaml.Node{Kind: yaml.ScalarNode, Tag: r.ShortTag(), Value: r.Value,
			Style: r.Style &^ (yaml.TaggedStyle | yaml.FlowStyle)}
		if !secret {
			m.plain[r] = true
		}
		switch {
		case isNull(r):
		case secret && r.Value != "":
			out.Tag, out.Value, out.Style = "!!str", Mask, yaml.DoubleQuotedStyle
		case r.Value != "":
			v, ok := maskURL(r.Value)
			if !ok {
				v = r.Value
			}
			if mv := MaskText(v); ok || mv != r.Value {
				out.Tag, out.Value, out.Style = "!!str", mv, yaml.DoubleQuotedStyle
			}
		}
		return out
	}
}

// ref prints a secret reference with a comment about its state.
func (m *masker) ref(path string, r *yaml.Node) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Style: yaml.FlowStyle}
	ref, err := m.c.refAt(path, r)
	if err != nil {
		var se *SecretError
		reason := "invalid reference"
		if errors.As(err, &se) {
			reason = se.Reason
		}
		out.Content = append(out.Content,
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: "invalid"},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: reason})
		return out
	}
	val := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ref.Name}
	switch ref.Kind {
	case KindEnv:
		switch v, ok := os.LookupEnv(ref.Name); {
		case !ok:
			out.LineComment = "NOT SET"
		case v == "":
			out.LineComment = "set but empty"
		default:
			out.LineComment = "set"
		}
	case KindKeyVault:
		vault := ref.Vault
		if vault == "" {
			vault = "(no vault)"
		}
		val.Value = ""
		if kv := child(r, KindKeyVault); kv != nil && !isNull(kv) {
			val.Value = kv.Value
		}
		if val.Value == "" {
			val.Tag, val.Value = "!!null", "null"
		}
		out.LineComment = "Key Vault secret " + vault + "/" + ref.Name
		if _, ok := m.c.resolver(KindKeyVault); !ok {
			out.LineComment += " (Key Vault support not configured)"
		}
	}
	out.Content = append(out.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: ref.Kind}, val)
	return out
}

// maskURL hides the password of a URL with user information ("https://u:p@host").
func maskURL(s string) (string, bool) {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return "", false
	}
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || u.User == nil {
		// unparsable but URL-like with user information: hide it all
		if i := strings.Index(s, "://"); i >= 0 {
			if j := strings.LastIndex(s, "@"); j > i {
				return s[:i+3] + Mask + s[j:], true
			}
		}
		return "", false
	}
	if _, has := u.User.Password(); !has {
		return "", false
	}
	u.User = url.UserPassword(u.User.Username(), "xxxxx")
	return strings.Replace(u.String(), ":xxxxx@", ":"+Mask+"@", 1), true
}

// IsSecretPath reports whether the value at a dotted key path holds a secret, by the same
// rule as WriteMasked: its name says so, or it is a provider's Args value that is not a
// known public argument. Editors (the workbench) use it to keep such values out of forms.
func IsSecretPath(path string) bool { return isSecretPath(path) }

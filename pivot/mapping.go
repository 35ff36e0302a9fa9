package pivot

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/query"
)

// Attr names an entity attribute: the type and the attribute (a property such as Address,
// or a derived one such as fqdn; see entity.Entity.Attr).
type Attr struct {
	Type entity.Type
	Attr string
}

// String returns "Class.attribute" (msticpy's spelling: IpAddress.Address).
func (a Attr) String() string { return a.Type.ClassName() + "." + a.Attr }

// Mapping maps query template parameter names to the entity attributes that fill them.
type Mapping map[string][]Attr

// DefaultMapping returns msticpy's parameter-to-attribute map (its PARAM_ENTITY_MAP with
// the aliases it adds: ip_address_list, source_ip_list, user, file_hash_list, domain_list,
// url_list, cmd_line, observables), plus huntkit's own parameters: system_alert_id and
// incident_number for alerts and incidents, file_name, file_path, upn and app_name.
//
// One difference: host_name is filled from Host.HostName (the NetBIOS-style first label),
// where msticpy uses Host.fqdn. Templates match hosts with KQL's has, and "WS01" finds
// "WS01.contoso.com" while the FQDN does not find a table (or an alert) that writes "WS01";
// a mapping file can set it back to Host.fqdn.
func DefaultMapping() Mapping {
	ip := []Attr{{entity.IP, "Address"}}
	acct := []Attr{{entity.Account, "Name"}}
	hash := []Attr{{entity.File, "file_hash"}, {entity.FileHash, "Value"}}
	dom := []Attr{{entity.DNS, "DomainName"}}
	url := []Attr{{entity.URL, "Url"}}
	cmd := []Attr{{entity.Process, "CommandLine"}}
	m := Mapping{
		"account_name":     acct,
		"user":             acct,
		"host_name":        {{entity.Host, "HostName"}},
		"process_name":     {{entity.Process, "ProcessFilePath"}},
		"ip_address":       ip,
		"ip_address_list":  ip,
		"source_ip_list":   ip,
		"domain":           dom,
		"domain_list":      dom,
		"logon_session_id": {{entity.Process, "LogonSession"}, {entity.Account, "LogonId"}},
		"process_id":       {{entity.Process, "ProcessId"}},
		"commandline":      cmd,
		"cmd_line":         cmd,
		"url":              url,
		"url_list":         url,
		"file_hash":        hash,
		"file_hash_list":   hash,
		"resource_id":      {{entity.AzureResource, "ResourceId"}},
		"observables":      {{entity.IP, "Address"}, {entity.DNS, "DomainName"}, {entity.File, "file_hash"}, {entity.FileHash, "Value"}, {entity.URL, "Url"}},
		// huntkit's own parameters
		"system_alert_id": {{entity.Alert, "SystemAlertId"}},
		"incident_number": {{entity.Incident, "IncidentNumber"}},
		"file_name":       {{entity.File, "Name"}},
		"file_path":       {{entity.File, "path"}},
		"upn":             {{entity.Account, "upn"}, {entity.Mailbox, "MailboxPrimaryAddress"}},
		"app_name":        {{entity.CloudApplication, "Name"}},
	}
	return m
}

// mappingFile is the YAML form of a mapping override:
//
//	parameters:
//	  host_name: [Host.HostName]          # replaces the default for host_name
//	  my_ip: [IpAddress.Address]          # a new parameter
//	  logon_session_id: []                # no entity fills it
type mappingFile struct {
	Parameters map[string][]string `yaml:"parameters"`
}

// LoadMapping reads a YAML override file and returns the default mapping with its
// parameters replaced or added. Errors name the file and line.
func LoadMapping(path string) (Mapping, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("pivot mapping: %w", err)
	}
	return ParseMapping(path, b)
}

// ParseMapping is LoadMapping on the file's content (name is used in errors).
func ParseMapping(name string, b []byte) (Mapping, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("pivot mapping %s: %w", name, err)
	}
	var mf mappingFile
	if err := doc.Decode(&mf); err != nil {
		return nil, fmt.Errorf("pivot mapping %s: %w", name, err)
	}
	m := DefaultMapping()
	for param, attrs := range mf.Parameters {
		var list []Attr
		for _, a := range attrs {
			cls, attr, ok := strings.Cut(a, ".")
			t, err := entity.ParseType(cls)
			if !ok || attr == "" || err != nil {
				why := "want Type.attribute, such as IpAddress.Address"
				if err != nil && ok {
					why = err.Error()
				}
				return nil, fmt.Errorf("pivot mapping %s:%d: parameter %s: %q: %s", name, lineOf(&doc, param), param, a, why)
			}
			list = append(list, Attr{t, attr})
		}
		m[param] = list
	}
	return m, nil
}

// lineOf finds the line of a key in the document (0 when not found).
func lineOf(n *yaml.Node, key string) int {
	if n == nil {
		return 0
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i].Line
			}
		}
	}
	for _, c := range n.Content {
		if l := lineOf(c, key); l > 0 {
			return l
		}
	}
	return 0
}

// timeParams are filled by the window, not by the entity.
var timeParams = map[string]bool{"start": true, "end": true}

// Binding is how a template accepts an entity type: the parameters the entity fills.
type Binding struct {
	Type   entity.Type
	Params map[string]string // parameter -> attribute
}

// Bind returns how template t accepts each entity type under m: a type is bound when at
// least one parameter maps to one of its attributes and every required parameter (no
// default; start and end aside) does. A template with no such parameter binds no type.
func (m Mapping) Bind(t *query.Template) []Binding {
	var out []Binding
	for _, et := range entity.Types {
		params := map[string]string{}
		ok := true
		for _, p := range t.Params {
			if timeParams[p.Name] {
				continue
			}
			attr := m.attrFor(p.Name, et)
			if attr != "" {
				params[p.Name] = attr
			} else if p.Required() {
				ok = false
				break
			}
		}
		if ok && len(params) > 0 {
			out = append(out, Binding{Type: et, Params: params})
		}
	}
	return out
}

func (m Mapping) attrFor(param string, t entity.Type) string {
	for _, a := range m[param] {
		if a.Type == t {
			return a.Attr
		}
	}
	return ""
}

// Params returns the mapping's parameter names, sorted.
func (m Mapping) Params() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Runner runs a query template by name with parameters in a window and returns the result
// and the query text it ran. The huntkit front door implements it over a Session.
type Runner func(ctx context.Context, template string, params map[string]any, w Window) (Output, error)

// QueryPivots makes one pivot per (template, entity type) binding: named env.Family.name,
// it fills the template's parameters from the entity's attributes (a list parameter gets a
// one-element list) and runs it with run. An entity missing an attribute the template
// needs is an error naming the attribute.
func QueryPivots(env string, entries []query.Entry, m Mapping, run Runner) []*Pivot {
	var out []*Pivot
	seen := map[*query.Template]bool{}
	for _, en := range entries {
		t := en.Template
		if seen[t] {
			continue // a template listed under several families (MDE and MDATP) is one pivot
		}
		seen[t] = true
		tmpl := en.Name
		if len(t.Families) > 0 {
			tmpl = t.Families[0] + "." + t.Name
		}
		for _, b := range m.Bind(t) {
			b := b
			name := env + "." + tmpl
			types := map[string]query.ParamType{}
			for _, p := range t.Params {
				types[p.Name] = p.Type
			}
			out = append(out, &Pivot{
				Name: name, Kind: KindQuery, Type: b.Type, Description: t.Description, Params: b.Params,
				Run: func(ctx context.Context, e *entity.Entity, w Window) (Output, error) {
					params := map[string]any{}
					for p, attr := range b.Params {
						v := e.Attr(attr)
						if v == "" {
							if pp := t.Param(p); pp != nil && !pp.Required() {
								continue
							}
							return Output{}, fmt.Errorf("the %s has no %s (needed for parameter %s)", e.Type, attr, p)
						}
						if types[p] == query.TypeList {
							params[p] = []string{v}
						} else {
							params[p] = v
						}
					}
					return run(ctx, tmpl, params, w)
				},
			})
		}
	}
	return out
}

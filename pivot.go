package huntkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/pivot"
	"github.com/huntkit/huntkit/proctree"
	"github.com/huntkit/huntkit/ti"
)

// PivotOptions choose where pivots look: the data environment of the query pivots and
// the built-in data pivots (alerts, incidents, process trees), the parameter mapping, and
// the GeoIP databases.
type PivotOptions struct {
	// Env is the data environment whose templates become query pivots (a name or alias:
	// MSSentinel, LocalData, ...). "" leaves out query and data pivots (enrichment only).
	Env string
	// Session options of that environment (WithData for LocalData, WithOptions, ...).
	Session []SessionOption
	// MappingFile is a YAML file overriding msticpy's parameter-to-attribute mapping.
	MappingFile string
	// TIProviders limits the TI pivots to these providers (names as registered, any case);
	// empty registers every provider (those not configured are listed as skipped).
	TIProviders []string
	// Enrich tunes the enrichment pivots (TI timeout and cache, GeoIP database folder,
	// whois bootstrap, ...) as for Enrich; Providers is ignored (each TI provider is its
	// own pivot).
	Enrich EnrichOptions
}

// Pivots is the pivot registry of one Huntkit and data environment; see package pivot.
// Close it (or the Huntkit) when done.
type Pivots struct {
	hk  *Huntkit
	reg *pivot.Registry
	s   *Session
	o   PivotOptions
	ti  map[string]ti.ProviderStatus
}

// Pivots builds the registry: every template of o.Env whose parameters map to an entity's
// attributes, the data pivots of alerts and incidents, every TI provider for its indicator
// types, GeoIP and whois, IoC extraction and decoding of text attributes, and the process
// tree of hosts and processes. An unknown environment or a bad mapping file is an
// ErrBadRequest.
func (h *Huntkit) Pivots(ctx context.Context, o PivotOptions) (*Pivots, error) {
	m := pivot.DefaultMapping()
	if o.MappingFile != "" {
		var err error
		if m, err = pivot.LoadMapping(o.MappingFile); err != nil {
			return nil, badRequest(err)
		}
	}
	p := &Pivots{hk: h, reg: pivot.NewRegistry(), o: o, ti: h.tiStatuses(ctx)}
	if o.Env != "" {
		s, err := h.Provider(o.Env, o.Session...)
		if err != nil {
			return nil, err
		}
		p.s = s
		entries, err := h.Queries(Filter{Env: s.Name()})
		if err != nil {
			return nil, err
		}
		p.reg.Add(pivot.QueryPivots(s.Name(), entries, m, p.runTemplate)...)
		p.addData()
		if err := p.envReady(); err != nil {
			for _, t := range entity.Types {
				for _, pv := range p.reg.For(t) {
					if pv.Kind == pivot.KindQuery || pv.Kind == pivot.KindData || pv.Kind == pivot.KindProcTree || pv.Kind == pivot.KindEntities && t == entity.Incident {
						pv.Ready = func() error { return err }
					}
				}
			}
		}
	}
	p.addEnrichment()
	return p, nil
}

// envReady says whether the data environment has settings (or data paths): without them
// its pivots are skipped as not configured rather than failing one by one.
func (p *Pivots) envReady() error {
	env := p.s.Environment()
	if env.Configured == nil || len(p.s.data) > 0 {
		return nil
	}
	cfg, err := p.hk.Config()
	if err != nil || env.Configured(cfg) {
		return nil
	}
	return fmt.Errorf("%w: data environment %s has no settings in the configuration (see 'huntkit providers')", pivot.ErrNotConfigured, env.Name)
}

// Registry returns the registry (to list or select pivots).
func (p *Pivots) Registry() *pivot.Registry { return p.reg }

// Session returns the data environment's session (nil without one).
func (p *Pivots) Session() *Session { return p.s }

// List returns the pivots of an entity type.
func (p *Pivots) List(t entity.Type) []*pivot.Pivot { return p.reg.For(t) }

// Run runs the pivots of e's type that match only (all when empty; names, kinds or globs)
// concurrently and returns one result per pivot. An unknown pivot name is an
// ErrBadRequest suggesting the nearest.
func (p *Pivots) Run(ctx context.Context, e *entity.Entity, only []string, o pivot.Options) ([]pivot.Result, error) {
	ps, err := p.reg.Select(e.Type, only)
	if err != nil {
		return nil, badRequest(err)
	}
	return pivot.Run(ctx, e, ps, o)
}

// Close closes the data environment's session.
func (p *Pivots) Close() error {
	if p.s == nil {
		return nil
	}
	return p.s.Close()
}

// runTemplate is the pivot.Runner over the session: it renders the template (so the
// query text is kept) and runs it. A configuration problem makes the pivot skipped.
func (p *Pivots) runTemplate(ctx context.Context, name string, params map[string]any, w pivot.Window) (pivot.Output, error) {
	req, err := p.s.Prepare(Request{Template: name, Params: params, Window: Window{Start: w.Start, End: w.End}})
	if err != nil {
		return pivot.Output{}, err
	}
	f, err := p.s.Execute(ctx, req)
	if errors.Is(err, ErrConfig) {
		err = fmt.Errorf("%w: %v", pivot.ErrNotConfigured, err)
	}
	return pivot.Output{Frame: f, Query: req.Text}, err
}

// query runs ad-hoc text in the session's language over an optional window.
func (p *Pivots) query(ctx context.Context, text string, w pivot.Window) (pivot.Output, error) {
	f, err := p.s.Query(ctx, text, Window{Start: w.Start, End: w.End})
	if errors.Is(err, ErrConfig) {
		err = fmt.Errorf("%w: %v", pivot.ErrNotConfigured, err)
	}
	return pivot.Output{Frame: f, Query: text}, err
}

// kqlString quotes s as a KQL string literal.
func kqlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// addData registers the pivots between alerts, incidents and their entities.
func (p *Pivots) addData() {
	p.reg.Add(
		&pivot.Pivot{Name: "entities", Kind: pivot.KindEntities, Type: entity.Alert,
			Description: "the entities the alert names (its Entities column)",
			Run: func(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
				out, ents, err := p.alertEntities(ctx, e, w)
				if err != nil {
					return out, err
				}
				out.Frame = ents.Frame()
				return out, nil
			}},
		&pivot.Pivot{Name: "alerts", Kind: pivot.KindData, Type: entity.Incident,
			Description: "the alerts of the incident (its AlertIds)",
			Run: func(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
				return p.incidentAlerts(ctx, e, w)
			}},
		&pivot.Pivot{Name: "entities", Kind: pivot.KindEntities, Type: entity.Incident,
			Description: "the entities of the incident's alerts, with how many alerts name each",
			Run: func(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
				out, err := p.incidentAlerts(ctx, e, w)
				if err != nil || out.Frame == nil {
					return out, err
				}
				set, _ := entity.FromFrame(mustSelect(out.Frame, "Entities"))
				out.Frame = set.Frame()
				return out, nil
			}},
	)
	for _, t := range []entity.Type{entity.Host, entity.Process} {
		t := t
		p.reg.Add(&pivot.Pivot{Name: "proctree", Kind: pivot.KindProcTree, Type: t,
			Description: "the process tree of the host (of the process's host, keeping the process's tree)",
			Run: func(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
				return p.procTree(ctx, e, w)
			}})
	}
}

func mustSelect(f *frame.Frame, col string) *frame.Frame {
	if c := f.Col(col); c != nil {
		g, err := frame.New(c)
		if err == nil {
			return g
		}
	}
	g, _ := frame.New()
	return g
}

// alertEntities returns the entities of an alert: from its Entities property, else from
// its row in SecurityAlert.
func (p *Pivots) alertEntities(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, *entity.Set, error) {
	var out pivot.Output
	js := e.Str("Entities")
	if js == "" {
		id := e.Str("SystemAlertId")
		if id == "" {
			return out, nil, errors.New("the alert has no SystemAlertId and no Entities")
		}
		var err error
		out, err = p.query(ctx, "SecurityAlert | where SystemAlertId == "+kqlString(id)+" | take 1 | project Entities", w)
		if err != nil {
			return out, nil, err
		}
		if out.Frame == nil || out.Frame.Len() == 0 {
			return out, entity.NewSet(), nil
		}
		js = out.Frame.Col("Entities").Str(0)
	}
	es, err := entity.ParseJSON([]byte(js))
	set := entity.NewSet()
	set.Add(es...)
	return out, set, err
}

// incidentAlerts returns the alerts of an incident: its AlertIds property, else its row in
// SecurityIncident (by number or name), then those alerts in SecurityAlert.
func (p *Pivots) incidentAlerts(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
	ids := alertIDs(e.Str("AlertIds"))
	var queries []string
	if len(ids) == 0 {
		var cond string
		switch {
		case e.Str("IncidentNumber") != "":
			n := e.Str("IncidentNumber")
			if strings.Trim(n, "0123456789") != "" {
				return pivot.Output{}, fmt.Errorf("incident number %q is not a number", n)
			}
			cond = "IncidentNumber == " + n
		case e.Str("IncidentName") != "":
			cond = "IncidentName == " + kqlString(e.Str("IncidentName"))
		default:
			return pivot.Output{}, errors.New("the incident has no IncidentNumber, IncidentName or AlertIds")
		}
		q := "SecurityIncident | where " + cond + " | summarize arg_max(TimeGenerated, AlertIds) | project AlertIds"
		out, err := p.query(ctx, q, w)
		if err != nil {
			return out, err
		}
		queries = append(queries, q)
		for i := 0; out.Frame != nil && i < out.Frame.Len(); i++ {
			ids = append(ids, alertIDs(out.Frame.Col("AlertIds").Text(i))...)
		}
		if len(ids) == 0 {
			return pivot.Output{Query: q}, nil
		}
	}
	quoted := make([]string, len(ids))
	for i, id := range ids {
		quoted[i] = kqlString(id)
	}
	q := "SecurityAlert | where SystemAlertId in (" + strings.Join(quoted, ", ") + ")" +
		" | summarize arg_max(TimeGenerated, *) by SystemAlertId" +
		" | project TimeGenerated, AlertName, AlertSeverity, CompromisedEntity, ProductName, Tactics, SystemAlertId, Entities" +
		" | order by TimeGenerated asc"
	out, err := p.query(ctx, q, pivot.Window{})
	out.Query = strings.Join(append(queries, q), "\n\n")
	return out, err
}

// alertIDs reads AlertIds as Sentinel stores it: a JSON array of strings.
func alertIDs(s string) []string {
	var ids []string
	if s == "" || json.Unmarshal([]byte(s), &ids) != nil {
		return nil
	}
	return ids
}

// procTree builds the process tree of a host from the environment's process events
// (Defender's DeviceProcessEvents, else Windows 4688 events); for a process, only the
// trees holding its command line are kept.
func (p *Pivots) procTree(ctx context.Context, e *entity.Entity, w pivot.Window) (pivot.Output, error) {
	host := e
	if e.Type == entity.Process {
		host = e.Ref("Host")
		if host == nil {
			return pivot.Output{}, errors.New("the process names no host")
		}
	}
	name := host.Str("HostName")
	var out pivot.Output
	var err error
	for _, t := range []string{"MDE.list_host_processes", "WindowsSecurity.list_host_processes"} {
		if _, terr := p.hk.Template(p.s.Name(), t); terr != nil {
			continue
		}
		out, err = p.runTemplate(ctx, t, map[string]any{"host_name": name}, w)
		if err == nil && out.Frame != nil && out.Frame.Len() > 0 {
			break
		}
	}
	if err != nil || out.Frame == nil || out.Frame.Len() == 0 {
		return out, err
	}
	tree, err := proctree.Build(ctx, out.Frame)
	if err != nil {
		return out, err
	}
	var ids []int
	if e.Type == entity.Process && e.Str("CommandLine") != "" {
		seen := map[int]bool{}
		for _, id := range tree.Find(e.Str("CommandLine")) {
			for _, t := range tree.TreeOf(id) {
				if !seen[t] {
					seen[t] = true
					ids = append(ids, t)
				}
			}
		}
		if len(ids) == 0 {
			ids = []int{}
		}
	}
	out.Frame = tree.Frame(ids...)
	return out, nil
}

// textAttrs names the text attributes IoC extraction and decoding read, per entity type.
var textAttrs = map[entity.Type]string{
	entity.Process: "CommandLine", entity.URL: "Url", entity.RegistryValue: "Value",
	entity.MailMessage: "Subject", entity.Alert: "Description", entity.File: "path",
}

// tiTypes lists the indicator types TI is asked about for each entity type.
var tiTypes = map[entity.Type][]ioc.Type{
	entity.IP: {ioc.IPv4, ioc.IPv6}, entity.DNS: {ioc.DNS}, entity.URL: {ioc.URL},
	entity.FileHash: {ioc.MD5, ioc.SHA1, ioc.SHA256}, entity.File: {ioc.MD5, ioc.SHA1, ioc.SHA256},
	entity.Mailbox: {ioc.Email},
}

// addEnrichment registers TI, GeoIP, whois, IoC extraction and decoding.
func (p *Pivots) addEnrichment() {
	for t, types := range tiTypes {
		for _, reg := range ti.Registered() {
			if !supportsAny(reg, types) || !p.tiWanted(reg.Name) {
				continue
			}
			reg := reg
			p.reg.Add(&pivot.Pivot{Name: "ti." + reg.Name, Kind: pivot.KindTI, Type: t,
				Description: reg.Description,
				Ready:       func() error { return p.tiStatus(reg.Name) },
				Run: func(ctx context.Context, e *entity.Entity, _ pivot.Window) (pivot.Output, error) {
					it, v, ok := e.IoCType()
					if !ok {
						return pivot.Output{}, fmt.Errorf("the %s carries no indicator value", e.Type)
					}
					if !reg.Supports(it) {
						return pivot.Output{}, fmt.Errorf("%w: %s does not answer %s", pivot.ErrNotConfigured, reg.Name, it)
					}
					return p.enrich(ctx, EnrichTI, v, p.enrichOptions(func(o *EnrichOptions) { o.Providers = []string{reg.Name} }))
				}})
		}
	}
	p.reg.Add(&pivot.Pivot{Name: "geoip", Kind: pivot.KindGeoIP, Type: entity.IP,
		Description: "location and network of the address (MaxMind GeoLite2)",
		Run: func(ctx context.Context, e *entity.Entity, _ pivot.Window) (pivot.Output, error) {
			return p.enrich(ctx, EnrichGeoIP, e.Value(), p.enrichOptions(nil))
		}})
	for _, t := range []entity.Type{entity.IP, entity.DNS, entity.URL} {
		p.reg.Add(&pivot.Pivot{Name: "whois", Kind: pivot.KindWhois, Type: t,
			Description: "registration data over RDAP (network, registrant, dates, abuse contact)",
			Run: func(ctx context.Context, e *entity.Entity, _ pivot.Window) (pivot.Output, error) {
				return p.enrich(ctx, EnrichWhois, e.Value(), p.enrichOptions(nil))
			}})
	}
	for t, attr := range textAttrs {
		attr := attr
		p.reg.Add(&pivot.Pivot{Name: "ioc", Kind: pivot.KindIoC, Type: t,
			Description: "indicators (addresses, domains, URLs, hashes, paths) in the " + attr, Params: map[string]string{"text": attr},
			Run: func(ctx context.Context, e *entity.Entity, _ pivot.Window) (pivot.Output, error) {
				return p.enrich(ctx, EnrichIoC, e.Attr(attr), p.enrichOptions(nil))
			}})
		if t == entity.Process || t == entity.RegistryValue || t == entity.Alert {
			p.reg.Add(&pivot.Pivot{Name: "decode", Kind: pivot.KindDecode, Type: t,
				Description: "base64 / hex / compressed payloads in the " + attr + ", decoded", Params: map[string]string{"text": attr},
				Run: func(ctx context.Context, e *entity.Entity, _ pivot.Window) (pivot.Output, error) {
					return p.enrich(ctx, EnrichDecode, e.Attr(attr), p.enrichOptions(nil))
				}})
		}
	}
}

// tiWanted reports whether the options keep the TI provider.
func (p *Pivots) tiWanted(name string) bool {
	if len(p.o.TIProviders) == 0 {
		return true
	}
	for _, n := range p.o.TIProviders {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

func supportsAny(r ti.Registration, types []ioc.Type) bool {
	for _, t := range types {
		if r.Supports(t) {
			return true
		}
	}
	return false
}

// tiStatus is nil when provider can be used, else why not (wrapping ErrNotConfigured). As
// msticpy's TILookup, only providers with a TIProviders entry are used, even those that
// need no key, so nothing is sent to a service the configuration does not name.
func (p *Pivots) tiStatus(name string) error {
	st, ok := p.ti[name]
	if !ok || len(st.Entries) == 0 {
		return fmt.Errorf("%w: no TIProviders.%s entry", pivot.ErrNotConfigured, name)
	}
	if st.Usable() {
		return nil
	}
	why := string(st.State)
	if st.Detail != "" {
		why += ": " + st.Detail
	}
	return fmt.Errorf("%w: %s", pivot.ErrNotConfigured, why)
}

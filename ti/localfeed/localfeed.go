// Package localfeed looks IoCs up in local threat feeds, fully offline: CSV files, plain
// text lists (one IoC a line), MISP feed folders (manifest.json plus one <uuid>.json event
// per entry, or single event files) and STIX 2.1 bundles. Importing it registers the
// "LocalFeed" provider with package ti.
package localfeed

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// ErrFeed wraps every feed-parsing error; the message names the file (and line or event).
var ErrFeed = errors.New("local feed")

var types = ti.TypeSet{ioc.IPv4, ioc.IPv6, ioc.DNS, ioc.URL, ioc.Email, ioc.MD5, ioc.SHA1, ioc.SHA256}

func init() {
	ti.Register(ti.Registration{
		Name: "LocalFeed", Aliases: []string{"Local", "LocalFeeds"},
		Description: "local feeds: CSV, text lists, MISP feed folders and STIX 2.1 bundles (offline)",
		Types:       types,
		Limits:      "none (offline)",
		TTL:         -1, NegativeTTL: -1, // answers are local: never cached
		Concurrency: 1,
		Local:       true, // lookups never leave the machine
		New:         New,
	})
}

// Hit is one feed record matching an IoC.
type Hit struct {
	Source      string      `json:"source"` // file[:line] or file#event
	Severity    ti.Severity `json:"severity"`
	Description string      `json:"description,omitempty"`
	Tags        []string    `json:"tags,omitempty"`
	Extra       any         `json:"extra,omitempty"`
}

// Feed is an in-memory index of feed records by (type, value).
type Feed struct {
	index map[ti.Item][]Hit
	files int
}

// Provider answers from a Feed.
type Provider struct{ feed *Feed }

// New loads Args.Paths (a list, or a comma/semicolon-separated string of files and
// folders). Args.DefaultSeverity (default "high") rates records that carry no severity.
func New(s ti.Settings) (ti.Provider, error) {
	var paths []string
	for k, v := range s.Args {
		if !strings.EqualFold(k, "Paths") && !strings.EqualFold(k, "Path") {
			continue
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				paths = append(paths, fmt.Sprint(e))
			}
		case []string:
			paths = append(paths, x...)
		default:
			for _, p := range strings.FieldsFunc(fmt.Sprint(x), func(r rune) bool { return r == ',' || r == ';' }) {
				paths = append(paths, strings.TrimSpace(p))
			}
		}
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("LocalFeed: %w: set %s.Args.Paths to feed files or folders", ti.ErrNotConfigured, s.ConfigKey)
	}
	def := ti.SevHigh
	if v, ok := s.Arg("DefaultSeverity"); ok {
		var err error
		if def, err = ti.ParseSeverity(v); err != nil {
			return nil, fmt.Errorf("%s.Args.DefaultSeverity: %w", s.ConfigKey, err)
		}
	}
	f, err := Load(def, paths...)
	if err != nil {
		return nil, err
	}
	return &Provider{feed: f}, nil
}

// Name returns "LocalFeed".
func (p *Provider) Name() string { return "LocalFeed" }

// Supports reports every network and hash IoC type.
func (p *Provider) Supports(t ioc.Type) bool { return types.Supports(t) }

// Lookup returns the matching feed records; the highest record severity wins.
func (p *Provider) Lookup(_ context.Context, it ti.Item) (ti.Result, error) {
	hits := p.feed.Match(it)
	if len(hits) == 0 {
		r := ti.NotFound(nil)
		r.QuerySubtype = "feed"
		return r, nil
	}
	sev := ti.SevUnknown
	var sources []string
	for _, h := range hits {
		sev = max(sev, h.Severity)
		sources = append(sources, h.Source)
	}
	return ti.Result{QuerySubtype: "feed", Found: true, Severity: sev,
		Details: map[string]any{"matches": len(hits), "sources": sources}, Raw: hits}, nil
}

// Len returns the number of distinct indicators in the feed.
func (f *Feed) Len() int { return len(f.index) }

// Match returns the records for an item (checked and normalised like any lookup).
func (f *Feed) Match(it ti.Item) []Hit {
	c := ti.Check(it)
	return f.index[c.Item]
}

// Load reads feed files and folders. Records that carry no severity get def.
func Load(def ti.Severity, paths ...string) (*Feed, error) {
	f := &Feed{index: map[ti.Item][]Hit{}}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrFeed, err)
		}
		if st.IsDir() {
			if err := f.loadDir(p, def); err != nil {
				return nil, err
			}
			continue
		}
		if err := f.loadFile(p, def); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func (f *Feed) add(value string, typ ioc.Type, h Hit) {
	c := ti.Check(ti.Item{Value: value, Type: typ})
	if c.Status != ti.StatusOK && c.Status != ti.StatusNotPublic {
		return
	}
	f.index[c.Item] = append(f.index[c.Item], h)
}

func (f *Feed) loadDir(dir string, def ti.Severity) error {
	if _, err := os.Stat(filepath.Join(dir, "manifest.json")); err == nil {
		return f.loadMISPFeed(dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFeed, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		switch strings.ToLower(filepath.Ext(e.Name())) {
		case ".csv", ".json", ".txt":
			if err := f.loadFile(filepath.Join(dir, e.Name()), def); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f *Feed) loadFile(path string, def ti.Severity) error {
	f.files++
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv", ".tsv":
		return f.loadCSV(path, def)
	case ".json":
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrFeed, err)
		}
		var probe struct {
			Type  string          `json:"type"`
			Event json.RawMessage `json:"Event"`
		}
		if err := json.Unmarshal(b, &probe); err != nil {
			return fmt.Errorf("%w: %s: %v", ErrFeed, path, jsonErr(b, err))
		}
		switch {
		case probe.Type == "bundle":
			return f.loadSTIX(path, b, def)
		case probe.Event != nil:
			return f.loadMISPEvent(path, b)
		}
		return fmt.Errorf("%w: %s: neither a STIX bundle (\"type\": \"bundle\") nor a MISP event (\"Event\")", ErrFeed, path)
	default:
		return f.loadText(path, def)
	}
}

// jsonErr adds a line:col to JSON syntax errors.
func jsonErr(b []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		line, col := 1, 1
		for _, c := range b[:min(int(se.Offset), len(b))] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		return fmt.Errorf("line %d:%d: %v", line, col, err)
	}
	return err
}

func (f *Feed) loadText(path string, def ti.Severity) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFeed, err)
	}
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "//") {
			continue
		}
		f.add(line, "", Hit{Source: fmt.Sprintf("%s:%d", filepath.Base(path), i+1), Severity: def})
	}
	return nil
}

var (
	valueCols = []string{"ioc", "indicator", "value", "observable", "ioc_value"}
	typeCols  = []string{"ioctype", "ioc_type", "type", "indicator_type"}
	descCols  = []string{"description", "threat", "malware", "comment", "info", "name"}
)

func findCol(header []string, names []string) int {
	for _, n := range names {
		for i, h := range header {
			if strings.EqualFold(strings.TrimSpace(h), n) {
				return i
			}
		}
	}
	return -1
}

func (f *Feed) loadCSV(path string, def ti.Severity) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFeed, err)
	}
	defer fh.Close()
	r := csv.NewReader(fh)
	if strings.EqualFold(filepath.Ext(path), ".tsv") {
		r.Comma = '\t'
	}
	r.Comment = '#'
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%w: %s:1: %v", ErrFeed, path, err)
	}
	header[0] = strings.TrimPrefix(header[0], "\ufeff")
	vc := findCol(header, valueCols)
	if vc < 0 {
		return fmt.Errorf("%w: %s:1: no indicator column (want one of %s)", ErrFeed, path, strings.Join(valueCols, ", "))
	}
	tc, sc, dc, gc := findCol(header, typeCols), findCol(header, []string{"severity"}), findCol(header, descCols), findCol(header, []string{"tags"})
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%w: %s:%d:%d: %v", ErrFeed, path, pe.Line, pe.Column, pe.Err)
			}
			return fmt.Errorf("%w: %s: %v", ErrFeed, path, err)
		}
		line, _ := r.FieldPos(0)
		get := func(i int) string {
			if i >= 0 && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		h := Hit{Source: fmt.Sprintf("%s:%d", filepath.Base(path), line), Severity: def, Description: get(dc)}
		if s := get(sc); s != "" {
			if h.Severity, err = ti.ParseSeverity(s); err != nil {
				return fmt.Errorf("%w: %s:%d: %v", ErrFeed, path, line, err)
			}
		}
		if g := get(gc); g != "" {
			h.Tags = strings.FieldsFunc(g, func(r rune) bool { return r == ';' || r == '|' || r == ',' })
		}
		v := get(vc)
		if v == "" {
			continue
		}
		var typ ioc.Type
		if t := get(tc); t != "" {
			typ = ti.IocType(t)
		}
		f.add(v, typ, h)
	}
}

// --- MISP ---

type mispAttr struct {
	Type     string `json:"type"`
	Value    string `json:"value"`
	Category string `json:"category"`
	ToIDS    any    `json:"to_ids"`
	Comment  string `json:"comment"`
	Deleted  any    `json:"deleted"`
}

type mispEvent struct {
	Event struct {
		UUID          string     `json:"uuid"`
		Info          string     `json:"info"`
		ThreatLevelID any        `json:"threat_level_id"`
		Date          string     `json:"date"`
		Attribute     []mispAttr `json:"Attribute"`
		Object        []struct {
			Name      string     `json:"name"`
			Attribute []mispAttr `json:"Attribute"`
		} `json:"Object"`
		Tag []struct {
			Name string `json:"name"`
		} `json:"Tag"`
	} `json:"Event"`
}

// mispSeverity maps threat_level_id (1 high, 2 medium, 3 low, 4 undefined).
func mispSeverity(v any) ti.Severity {
	switch strings.TrimSpace(fmt.Sprint(v)) {
	case "1":
		return ti.SevHigh
	case "2", "4":
		return ti.SevWarning
	case "3":
		return ti.SevInformation
	}
	return ti.SevWarning
}

// mispValues returns the IoC values and types of an attribute ("a|b" composite types
// carry two values).
func mispValues(a mispAttr) [][2]string {
	kinds := strings.Split(a.Type, "|")
	vals := strings.Split(a.Value, "|")
	var out [][2]string
	for i, k := range kinds {
		if i >= len(vals) {
			break
		}
		var t string
		switch k {
		case "ip-src", "ip-dst", "ip":
			t = "ip"
		case "domain", "hostname":
			t = "dns"
		case "url", "uri", "link":
			t = "url"
		case "email", "email-src", "email-dst":
			t = "email"
		case "md5", "sha1", "sha256":
			t = k
		default:
			continue // filename, port, ...
		}
		out = append(out, [2]string{vals[i], t})
	}
	return out
}

func (f *Feed) loadMISPFeed(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrFeed, err)
	}
	var manifest map[string]json.RawMessage
	if err := json.Unmarshal(b, &manifest); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrFeed, filepath.Join(dir, "manifest.json"), jsonErr(b, err))
	}
	uuids := make([]string, 0, len(manifest))
	for u := range manifest {
		uuids = append(uuids, u)
	}
	sort.Strings(uuids)
	for _, u := range uuids {
		if strings.ContainsAny(u, `/\`) || u == ".." {
			return fmt.Errorf("%w: %s: bad event uuid %q", ErrFeed, filepath.Join(dir, "manifest.json"), u)
		}
		p := filepath.Join(dir, u+".json")
		eb, err := os.ReadFile(p)
		if err != nil {
			return fmt.Errorf("%w: manifest lists event %s: %v", ErrFeed, u, err)
		}
		f.files++
		if err := f.loadMISPEvent(p, eb); err != nil {
			return err
		}
	}
	return nil
}

func (f *Feed) loadMISPEvent(path string, b []byte) error {
	var ev mispEvent
	if err := json.Unmarshal(b, &ev); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrFeed, path, jsonErr(b, err))
	}
	e := ev.Event
	sev := mispSeverity(e.ThreatLevelID)
	var tags []string
	for _, t := range e.Tag {
		tags = append(tags, t.Name)
	}
	attrs := append([]mispAttr{}, e.Attribute...)
	for _, o := range e.Object {
		attrs = append(attrs, o.Attribute...)
	}
	for _, a := range attrs {
		if del, _ := strconv.ParseBool(fmt.Sprint(a.Deleted)); del {
			continue
		}
		for _, vt := range mispValues(a) {
			desc := e.Info
			if a.Comment != "" {
				desc += " (" + a.Comment + ")"
			}
			f.add(vt[0], ti.IocType(vt[1]), Hit{Source: filepath.Base(path) + "#" + e.UUID, Severity: sev,
				Description: desc, Tags: tags,
				Extra: map[string]any{"event_date": e.Date, "category": a.Category, "misp_type": a.Type}})
		}
	}
	return nil
}

// --- STIX 2.1 ---

type stixObject struct {
	Type           string   `json:"type"`
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	Description    string   `json:"description"`
	Pattern        string   `json:"pattern"`
	PatternType    string   `json:"pattern_type"`
	IndicatorTypes []string `json:"indicator_types"`
	Labels         []string `json:"labels"`
	Confidence     *int     `json:"confidence"`
	ValidFrom      string   `json:"valid_from"`
	ValidUntil     string   `json:"valid_until"`
	Revoked        bool     `json:"revoked"`
}

// comparison matches one "object-path = 'value'" comparison of a STIX pattern.
var comparison = regexp.MustCompile(`([a-z0-9-]+):([A-Za-z0-9_.'\-]+)\s*=\s*'((?:[^'\\]|\\.)*)'`)

// stixType maps a STIX object path to an IoC type name.
func stixType(obj, path string) string {
	path = strings.ReplaceAll(path, "'", "")
	switch obj {
	case "ipv4-addr", "ipv6-addr":
		if path == "value" {
			return "ip"
		}
	case "domain-name":
		if path == "value" {
			return "dns"
		}
	case "url":
		if path == "value" {
			return "url"
		}
	case "email-addr":
		if path == "value" {
			return "email"
		}
	case "file", "artifact":
		switch strings.ToUpper(path) {
		case "HASHES.MD5":
			return "md5"
		case "HASHES.SHA-1", "HASHES.SHA1":
			return "sha1"
		case "HASHES.SHA-256", "HASHES.SHA256":
			return "sha256"
		}
	}
	return ""
}

func stixSeverity(o stixObject, def ti.Severity) ti.Severity {
	kinds := append(append([]string{}, o.IndicatorTypes...), o.Labels...)
	sev := ti.SevUnknown
	for _, k := range kinds {
		switch strings.ToLower(k) {
		case "malicious-activity", "attribution", "compromised":
			sev = max(sev, ti.SevHigh)
		case "anomalous-activity", "unknown":
			sev = max(sev, ti.SevWarning)
		case "benign":
			sev = max(sev, ti.SevInformation)
		}
	}
	if sev == ti.SevUnknown {
		return def
	}
	return sev
}

func (f *Feed) loadSTIX(path string, b []byte, def ti.Severity) error {
	var bundle struct {
		Objects []json.RawMessage `json:"objects"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrFeed, path, jsonErr(b, err))
	}
	now := time.Now()
	for i, raw := range bundle.Objects {
		var o stixObject
		if err := json.Unmarshal(raw, &o); err != nil {
			return fmt.Errorf("%w: %s: objects[%d]: %v", ErrFeed, path, i, err)
		}
		if o.Type != "indicator" || o.Revoked || (o.PatternType != "" && o.PatternType != "stix") {
			continue
		}
		if o.Pattern == "" {
			return fmt.Errorf("%w: %s: objects[%d] (%s): indicator without a pattern", ErrFeed, path, i, o.ID)
		}
		sev := stixSeverity(o, def)
		extra := map[string]any{"stix_id": o.ID, "valid_from": o.ValidFrom}
		if o.ValidUntil != "" {
			extra["valid_until"] = o.ValidUntil
			if t, err := time.Parse(time.RFC3339, o.ValidUntil); err == nil && t.Before(now) {
				extra["expired"] = true
				sev = min(sev, ti.SevWarning)
			}
		}
		if o.Confidence != nil {
			extra["confidence"] = *o.Confidence
		}
		desc := o.Name
		if o.Description != "" {
			desc = strings.TrimSpace(desc + ": " + o.Description)
		}
		for _, m := range comparison.FindAllStringSubmatch(o.Pattern, -1) {
			t := stixType(m[1], m[2])
			if t == "" {
				continue
			}
			v := strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(m[3])
			f.add(v, ti.IocType(t), Hit{Source: filepath.Base(path) + "#" + o.ID, Severity: sev,
				Description: desc, Tags: o.IndicatorTypes, Extra: extra})
		}
	}
	return nil
}

package kql

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Catalog provides the schemas of the tables a query may reference. Table names are
// case-sensitive, as in KQL.
type Catalog interface {
	Columns(table string) ([]frame.Field, bool)
}

// TableLister is an optional Catalog capability listing table names; it enables
// "did you mean" suggestions and wildcard unions (union Security*).
type TableLister interface {
	Tables() []string
}

// MapCatalog is a Catalog backed by a map from table name to columns.
type MapCatalog map[string][]frame.Field

// Columns returns the columns of table.
func (m MapCatalog) Columns(table string) ([]frame.Field, bool) {
	f, ok := m[table]
	return f, ok
}

// Tables returns the table names in sorted order.
func (m MapCatalog) Tables() []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Catalogs chains catalogs: the first that knows a table wins.
type Catalogs []Catalog

// Columns returns the columns of table from the first catalog that has it.
func (cs Catalogs) Columns(table string) ([]frame.Field, bool) {
	for _, c := range cs {
		if c == nil {
			continue
		}
		if f, ok := c.Columns(table); ok {
			return f, ok
		}
	}
	return nil, false
}

// Tables lists the tables of every catalog that can list them.
func (cs Catalogs) Tables() []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cs {
		if l, ok := c.(TableLister); ok {
			for _, t := range l.Tables() {
				if !seen[t] {
					seen[t] = true
					out = append(out, t)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// Option configures Compile.
type Option func(*options)

type options struct {
	ctx        context.Context
	external   ExternalSource
	maxSQL     int
	maxNesting int
	probe      func(sql string) (*frame.Frame, error)
	now        *time.Time
	timeColumn string
	start, end time.Time
}

// Default compile limits (see WithMaxSQLSize and WithMaxNesting).
const (
	DefaultMaxSQLSize = 8 << 20
	DefaultMaxNesting = 100
)

func defaultOptions() options {
	return options{timeColumn: "TimeGenerated", maxSQL: DefaultMaxSQLSize, maxNesting: DefaultMaxNesting}
}

// WithContext makes compilation stop with the context's error when ctx is done.
func WithContext(ctx context.Context) Option {
	return func(o *options) { o.ctx = ctx }
}

// WithMaxSQLSize sets the largest SQL text, in bytes, that Compile may generate
// (DefaultMaxSQLSize, 8 MiB, when n <= 0). Larger translations fail with ErrLimit early,
// before they can exhaust memory: a view used twice at each of 24 levels would otherwise
// produce gigabytes.
func WithMaxSQLSize(n int) Option {
	return func(o *options) {
		if n <= 0 {
			n = DefaultMaxSQLSize
		}
		o.maxSQL = n
	}
}

// WithMaxNesting sets how deeply views, lets, functions and subqueries may nest
// (DefaultMaxNesting when n <= 0); deeper queries fail with ErrLimit.
func WithMaxNesting(n int) Option {
	return func(o *options) {
		if n <= 0 {
			n = DefaultMaxNesting
		}
		o.maxNesting = n
	}
}

// WithNow fixes the value of now() and the reference time of ago(), for deterministic
// results; without it the SQL uses DuckDB's current time.
func WithNow(t time.Time) Option {
	return func(o *options) { u := t.UTC(); o.now = &u }
}

// WithProbe lets the compiler look at the data when the output schema depends on it
// (evaluate bag_unpack without an explicit schema): probe runs the given SQL on the data
// the query will run on and returns its rows. Without it such queries fail with
// ErrUnsupported.
func WithProbe(probe func(sql string) (*frame.Frame, error)) Option {
	return func(o *options) { o.probe = probe }
}

// WithTimeColumn names the time column that WithTimeRange filters (default TimeGenerated).
func WithTimeColumn(name string) Option {
	return func(o *options) { o.timeColumn = name }
}

// WithTimeRange restricts every referenced catalog table that has the time column to
// start <= time < end (the query window of a hunting query). Zero times are open bounds.
func WithTimeRange(start, end time.Time) Option {
	return func(o *options) { o.start, o.end = start.UTC(), end.UTC() }
}

// ktype is a KQL scalar type.
type ktype int

const (
	kUnknown ktype = iota
	kString
	kInt
	kLong
	kReal
	kBool
	kDatetime
	kTimespan
	kDynamic
	kGuid
	kNull
)

var ktypeNames = map[ktype]string{kUnknown: "unknown", kString: "string", kInt: "int", kLong: "long", kReal: "real", kBool: "bool",
	kDatetime: "datetime", kTimespan: "timespan", kDynamic: "dynamic", kGuid: "guid", kNull: "null"}

func (t ktype) String() string { return ktypeNames[t] }

func (t ktype) numeric() bool { return t == kInt || t == kLong || t == kReal }

// sqlType is the DuckDB type of a KQL type.
func (t ktype) sqlType() string {
	switch t {
	case kString, kGuid:
		return "VARCHAR"
	case kInt:
		return "INTEGER"
	case kLong:
		return "BIGINT"
	case kReal:
		return "DOUBLE"
	case kBool:
		return "BOOLEAN"
	case kDatetime:
		return "TIMESTAMP"
	case kTimespan:
		return "INTERVAL"
	case kDynamic:
		return "JSON"
	}
	return "VARCHAR"
}

// parseKType maps a KQL type name to a ktype.
func parseKType(s string) (ktype, bool) {
	switch strings.ToLower(s) {
	case "string":
		return kString, true
	case "int", "int32":
		return kInt, true
	case "long", "int64":
		return kLong, true
	case "real", "double", "decimal", "float":
		return kReal, true
	case "bool", "boolean":
		return kBool, true
	case "datetime", "date":
		return kDatetime, true
	case "timespan", "time":
		return kTimespan, true
	case "dynamic":
		return kDynamic, true
	case "guid", "uniqueid":
		return kGuid, true
	}
	return kUnknown, false
}

func fromFrameType(t frame.Type) ktype {
	switch t {
	case frame.String:
		return kString
	case frame.Int:
		return kLong
	case frame.Float:
		return kReal
	case frame.Bool:
		return kBool
	case frame.Time:
		return kDatetime
	case frame.Dynamic:
		return kDynamic
	}
	return kString
}

// FrameType maps a KQL type name (string, long, real, datetime, ...) to the frame type
// used for it. Timespans are represented as strings in frames.
func FrameType(kqlType string) (frame.Type, bool) {
	t, ok := parseKType(kqlType)
	if !ok {
		return frame.Invalid, false
	}
	switch t {
	case kInt, kLong:
		return frame.Int, true
	case kReal:
		return frame.Float, true
	case kBool:
		return frame.Bool, true
	case kDatetime:
		return frame.Time, true
	case kDynamic:
		return frame.Dynamic, true
	}
	return frame.String, true
}

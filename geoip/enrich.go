package geoip

import (
	"context"
	"fmt"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Columns names the columns EnrichFrame adds, in order.
var Columns = []string{"IPScope", "CountryCode", "CountryName", "State", "City", "Latitude", "Longitude", "TimeZone", "ASN", "ASOrg", "GeoNote"}

// PartialError reports that some items of a batch failed; the rows that worked are kept.
// It wraps the first failure, so errors.Is(err, ErrAuth) and the like still work.
type PartialError struct {
	Failed, Total int
	First         error
}

func (e *PartialError) Error() string {
	return fmt.Sprintf("%d of %d IP lookups failed; first: %v", e.Failed, e.Total, e.First)
}

// Unwrap returns the first failure.
func (e *PartialError) Unwrap() error { return e.First }

// EnrichFrame looks up the values of column in f with p and returns a copy of f with the
// Columns added (replacing columns of the same names). Each distinct value is looked up once
// and the row count never changes: null and empty values get null columns, duplicates share
// one lookup. When some lookups fail the frame is still returned, with those rows' GeoNote
// set, the frame marked partial, and a *PartialError.
func EnrichFrame(ctx context.Context, p Provider, f *frame.Frame, column string) (*frame.Frame, error) {
	col := f.Col(column)
	if col == nil {
		return nil, fmt.Errorf("enrich column %q: %w (%s)", column, ErrNoColumn, suggest.Columns(column, f.Names()))
	}
	n := f.Len()
	// rowIdx[i] is the index into uniq of row i, -1 for null/empty.
	rowIdx := make([]int32, n)
	seen := make(map[string]int32, n/2+1)
	var uniq []string
	for i := 0; i < n; i++ {
		if col.IsNull(i) {
			rowIdx[i] = -1
			continue
		}
		s := col.Str(i)
		if s == "" {
			rowIdx[i] = -1
			continue
		}
		j, ok := seen[s]
		if !ok {
			j = int32(len(uniq))
			seen[s] = j
			uniq = append(uniq, s)
		}
		rowIdx[i] = j
	}
	// Look the distinct values up in chunks, appending each chunk's results to columns in
	// distinct-value order; then gather them into row order. This keeps only one chunk of
	// Locations alive at a time.
	bs := newBuilders(len(uniq) + 1)
	var failed int
	var first error
	for lo := 0; lo < len(uniq); lo += enrichChunk {
		hi := min(lo+enrichChunk, len(uniq))
		var locs []Location
		var err error
		if db, ok := p.(*DB); ok {
			locs, err = db.lookupColumns(ctx, uniq[lo:hi])
		} else {
			locs, err = p.LookupIPs(ctx, uniq[lo:hi])
		}
		if err != nil && len(locs) < hi-lo {
			return nil, fmt.Errorf("enrich column %q: %w", column, err)
		}
		if err != nil && hi < len(uniq) {
			// A batch-level failure (cancellation, rejected key): the rest is not sent.
			for _, s := range uniq[hi:] {
				locs = append(locs, Location{IP: s, Err: err, Note: "not looked up: " + err.Error()})
			}
			hi = len(uniq)
			lo = hi - enrichChunk // ends the loop after this chunk
		}
		for i := range locs {
			bs.append(&locs[i])
			if locs[i].Err != nil {
				failed++
				if first == nil {
					first = fmt.Errorf("%s: %w", locs[i].IP, locs[i].Err)
				}
			}
		}
	}
	nullRow := len(uniq)
	bs.appendNull()
	idx := make([]int, n)
	for i, j := range rowIdx {
		if j < 0 {
			idx[i] = nullRow
		} else {
			idx[i] = int(j)
		}
	}
	gathered := frame.MustNew(bs.columns()...).Take(idx)
	out, ferr := frame.New(f.Columns()...)
	if ferr != nil {
		return nil, ferr
	}
	for _, c := range gathered.Columns() {
		if err := out.AddColumn(c); err != nil {
			return nil, err
		}
	}
	if failed > 0 {
		perr := &PartialError{Failed: failed, Total: len(uniq), First: first}
		out.SetPartial(perr)
		return out, perr
	}
	return out, nil
}

// enrichChunk is how many distinct values EnrichFrame hands a Provider at once.
const enrichChunk = 16384

// builders accumulates the Columns.
type builders []*frame.Builder

func newBuilders(capacity int) builders {
	bs := make(builders, len(Columns))
	for i, name := range Columns {
		t := frame.String
		switch name {
		case "Latitude", "Longitude":
			t = frame.Float
		case "ASN":
			t = frame.Int
		}
		bs[i] = frame.NewBuilder(name, t, capacity)
	}
	return bs
}

func appendStr(b *frame.Builder, s string) {
	if s == "" {
		b.AppendNull()
	} else {
		b.AppendString(s)
	}
}

func (bs builders) append(l *Location) {
	appendStr(bs[0], string(l.Scope))
	appendStr(bs[1], l.CountryCode)
	appendStr(bs[2], l.CountryName)
	appendStr(bs[3], l.State)
	appendStr(bs[4], l.City)
	if l.HasLocation {
		bs[5].AppendFloat(l.Latitude)
		bs[6].AppendFloat(l.Longitude)
	} else {
		bs[5].AppendNull()
		bs[6].AppendNull()
	}
	appendStr(bs[7], l.TimeZone)
	if l.ASN != 0 {
		bs[8].AppendInt(l.ASN)
	} else {
		bs[8].AppendNull()
	}
	appendStr(bs[9], l.ASOrg)
	note := l.Note
	if note == "" && l.Err != nil {
		note = l.Err.Error()
	}
	appendStr(bs[10], note)
}

func (bs builders) appendNull() {
	for _, b := range bs {
		b.AppendNull()
	}
}

func (bs builders) columns() []*frame.Column {
	cols := make([]*frame.Column, len(bs))
	for i, b := range bs {
		cols[i] = b.Column()
	}
	return cols
}

// locationColumns builds the Columns for locs, one row each.
func locationColumns(locs []Location) []*frame.Column {
	bs := newBuilders(len(locs))
	for i := range locs {
		bs.append(&locs[i])
	}
	return bs.columns()
}

// Frame returns the lookup results as a frame, one row per Location, with the columns IP,
// IPScope, CountryCode, CountryName, State, StateCode, City, PostalCode, Latitude, Longitude,
// TimeZone, ASN, ASOrg, Network, Source and Note.
func Frame(locs []Location) *frame.Frame {
	n := len(locs)
	cols := locationColumns(locs)
	byName := map[string]*frame.Column{}
	for _, c := range cols {
		byName[c.Name()] = c
	}
	strCol := func(name string, get func(*Location) string) *frame.Column {
		b := frame.NewBuilder(name, frame.String, n)
		for i := range locs {
			if s := get(&locs[i]); s != "" {
				b.AppendString(s)
			} else {
				b.AppendNull()
			}
		}
		return b.Column()
	}
	ipCol := make([]string, n)
	for i := range locs {
		ipCol[i] = locs[i].IP
	}
	return frame.MustNew(
		frame.NewStrings("IP", ipCol),
		byName["IPScope"],
		byName["CountryCode"], byName["CountryName"], byName["State"],
		strCol("StateCode", func(l *Location) string { return l.StateCode }),
		byName["City"],
		strCol("PostalCode", func(l *Location) string { return l.PostalCode }),
		byName["Latitude"], byName["Longitude"], byName["TimeZone"], byName["ASN"], byName["ASOrg"],
		strCol("Network", func(l *Location) string { return l.Network }),
		strCol("Source", func(l *Location) string { return l.Source }),
		byName["GeoNote"].Rename("Note"),
	)
}

// EnrichFrame adds geolocation columns for the IPs in column; see the package function.
func (db *DB) EnrichFrame(ctx context.Context, f *frame.Frame, column string) (*frame.Frame, error) {
	return EnrichFrame(ctx, db, f, column)
}

// Failed returns the number of Locations with an Err and the first such error.
func Failed(locs []Location) (int, error) {
	var n int
	var first error
	for i := range locs {
		if locs[i].Err != nil {
			n++
			if first == nil {
				first = fmt.Errorf("%s: %w", locs[i].IP, locs[i].Err)
			}
		}
	}
	return n, first
}

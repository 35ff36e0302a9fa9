package geoip

import (
	"context"
	"fmt"

	"github.com/huntkit/huntkit/frame"
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
		return nil, fmt.Errorf("enrich column %q: %w (columns: %v)", column, ErrNoColumn, f.Names())
	}
	n := f.Len()
	// rowIdx[i] is the index into uniq of row i, -1 for null/empty.
	rowIdx := make([]int32, n)
	seen := make(map[string]int32)
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
	locs, err := p.LookupIPs(ctx, uniq)
	if err != nil && len(locs) < len(uniq) {
		return nil, fmt.Errorf("enrich column %q: %w", column, err)
	}
	out, ferr := frame.New(f.Columns()...)
	if ferr != nil {
		return nil, ferr
	}
	for _, c := range locationColumns(locs, rowIdx) {
		if err := out.AddColumn(c); err != nil {
			return nil, err
		}
	}
	var failed int
	var first error
	for i := range locs {
		if locs[i].Err != nil {
			failed++
			if first == nil {
				first = fmt.Errorf("%s: %w", locs[i].IP, locs[i].Err)
			}
		}
	}
	if failed > 0 {
		perr := &PartialError{Failed: failed, Total: len(uniq), First: first}
		out.SetPartial(perr)
		return out, perr
	}
	return out, nil
}

// locationColumns builds the Columns for rows whose lookup result is locs[rowIdx[i]].
func locationColumns(locs []Location, rowIdx []int32) []*frame.Column {
	n := len(rowIdx)
	bs := make([]*frame.Builder, len(Columns))
	for i, name := range Columns {
		t := frame.String
		switch name {
		case "Latitude", "Longitude":
			t = frame.Float
		case "ASN":
			t = frame.Int
		}
		bs[i] = frame.NewBuilder(name, t, n)
	}
	str := func(b *frame.Builder, s string) {
		if s == "" {
			b.AppendNull()
		} else {
			b.AppendString(s)
		}
	}
	for _, j := range rowIdx {
		if j < 0 {
			for _, b := range bs {
				b.AppendNull()
			}
			continue
		}
		l := &locs[j]
		str(bs[0], string(l.Scope))
		str(bs[1], l.CountryCode)
		str(bs[2], l.CountryName)
		str(bs[3], l.State)
		str(bs[4], l.City)
		if l.HasLocation {
			bs[5].AppendFloat(l.Latitude)
			bs[6].AppendFloat(l.Longitude)
		} else {
			bs[5].AppendNull()
			bs[6].AppendNull()
		}
		str(bs[7], l.TimeZone)
		if l.ASN != 0 {
			bs[8].AppendInt(l.ASN)
		} else {
			bs[8].AppendNull()
		}
		str(bs[9], l.ASOrg)
		str(bs[10], l.Note)
	}
	cols := make([]*frame.Column, len(bs))
	for i, b := range bs {
		cols[i] = b.Column()
	}
	return cols
}

// Frame returns the lookup results as a frame, one row per Location, with the columns IP,
// IPScope, CountryCode, CountryName, State, StateCode, City, PostalCode, Latitude, Longitude,
// TimeZone, ASN, ASOrg, Network, Source and Note.
func Frame(locs []Location) *frame.Frame {
	n := len(locs)
	idx := make([]int32, n)
	for i := range idx {
		idx[i] = int32(i)
	}
	cols := locationColumns(locs, idx)
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

package geoip

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/oschwald/maxminddb-golang/v2"
)

// Kind is the role a MaxMind database plays in a lookup.
type Kind string

// Database kinds.
const (
	KindCity    Kind = "city"    // GeoIP2-City, GeoLite2-City, GeoIP2-Enterprise
	KindCountry Kind = "country" // GeoIP2-Country, GeoLite2-Country (used when no City database)
	KindASN     Kind = "asn"     // GeoLite2-ASN, GeoIP2-ISP
)

// kindOf maps a database_type from the metadata to a Kind, "" for types geoip does not use.
func kindOf(dbType string) Kind {
	t := strings.ToLower(dbType)
	switch {
	case strings.Contains(t, "city"), strings.Contains(t, "enterprise"):
		return KindCity
	case strings.Contains(t, "country"):
		return KindCountry
	case strings.HasSuffix(t, "-asn"), strings.Contains(t, "-isp"):
		return KindASN
	}
	return ""
}

// DBInfo describes one opened database.
type DBInfo struct {
	Kind      Kind
	Path      string
	Type      string    // database_type from the metadata, e.g. GeoLite2-City
	BuildTime time.Time // build_epoch from the metadata
	ModTime   time.Time // file modification time
}

// DB looks IP addresses up in a set of MaxMind databases: one City (or Country) database for
// the location and one ASN (or ISP) database for the autonomous system. It is safe for
// concurrent use; decoded records are cached by their data offset, so repeated networks cost
// one tree walk and no decoding.
type DB struct {
	geo   *mmdb // City or Country, may be nil
	asn   *mmdb // ASN or ISP, may be nil
	infos []DBInfo
}

type mmdb struct {
	r    *maxminddb.Reader
	info DBInfo
	geo  recordCache[geoRecord]
	as   recordCache[asRecord]
}

// Open opens the given database files. Their kinds come from their metadata; of several
// files of one kind the first wins, and a City database takes precedence over a Country one.
func Open(paths ...string) (*DB, error) {
	return open(paths, false)
}

// open opens paths; with skipBad, files that cannot be opened are left out (and reported
// only when no usable database remains).
func open(paths []string, skipBad bool) (*DB, error) {
	db := &DB{}
	var country *mmdb
	var bad []error
	for _, p := range paths {
		r, err := maxminddb.Open(p)
		if err != nil {
			err = fmt.Errorf("open MaxMind database %s: %w", p, err)
			if skipBad {
				bad = append(bad, err)
				continue
			}
			db.Close()
			if country != nil {
				_ = country.r.Close()
			}
			return nil, err
		}
		m := &mmdb{r: r, info: DBInfo{Path: p, Type: r.Metadata.DatabaseType, BuildTime: r.Metadata.BuildTime().UTC()}}
		if st, err := os.Stat(p); err == nil {
			m.info.ModTime = st.ModTime().UTC()
		}
		m.info.Kind = kindOf(m.info.Type)
		switch {
		case m.info.Kind == KindCity && db.geo == nil:
			db.geo = m
		case m.info.Kind == KindCountry && country == nil:
			country = m
		case m.info.Kind == KindASN && db.asn == nil:
			db.asn = m
		default:
			_ = r.Close()
			continue
		}
		db.infos = append(db.infos, m.info)
	}
	if db.geo == nil && country != nil {
		db.geo = country
	} else if country != nil {
		_ = country.r.Close()
		db.infos = removeInfo(db.infos, country.info.Path)
	}
	if db.geo == nil && db.asn == nil {
		err := fmt.Errorf("open %s: %w (no City, Country or ASN database among them)", strings.Join(paths, ", "), ErrNoDatabase)
		return nil, joinLine(append([]error{err}, bad...))
	}
	return db, nil
}

func removeInfo(infos []DBInfo, path string) []DBInfo {
	out := infos[:0]
	for _, in := range infos {
		if in.Path != path {
			out = append(out, in)
		}
	}
	return out
}

// OpenDir opens the MaxMind databases (*.mmdb) in dir, preferring commercial GeoIP2 files to
// GeoLite2 ones and City to Country databases. Files that cannot be opened are skipped.
func OpenDir(dir string) (*DB, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "*.mmdb"))
	if err != nil {
		return nil, err
	}
	if len(paths) == 0 {
		return nil, fmt.Errorf("open MaxMind databases in %s: %w (no .mmdb files; run 'huntkit geoip update' or set OtherProviders.GeoIPLite.Args.DBFolder)", dir, ErrNoDatabase)
	}
	sort.SliceStable(paths, func(i, j int) bool { return rank(paths[i]) < rank(paths[j]) })
	return open(paths, true)
}

// rank orders candidate files: GeoIP2 before GeoLite2 before anything else.
func rank(p string) int {
	b := strings.ToLower(filepath.Base(p))
	switch {
	case strings.HasPrefix(b, "geoip2-"):
		return 0
	case strings.HasPrefix(b, "geolite2-"):
		return 1
	}
	return 2
}

// Close releases the databases.
func (db *DB) Close() error {
	var errs []error
	for _, m := range []*mmdb{db.geo, db.asn} {
		if m != nil {
			errs = append(errs, m.r.Close())
		}
	}
	return errors.Join(errs...)
}

// Databases describes the opened databases.
func (db *DB) Databases() []DBInfo { return append([]DBInfo(nil), db.infos...) }

// names decodes only the English name of a names map.
type names struct {
	En string `maxminddb:"en"`
}

// cityData is the part of a City/Country record geoip reads; maxminddb skips the other keys.
type cityData struct {
	City struct {
		Names names `maxminddb:"names"`
	} `maxminddb:"city"`
	Country struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"country"`
	Location struct {
		Latitude  *float64 `maxminddb:"latitude"`
		Longitude *float64 `maxminddb:"longitude"`
		TimeZone  string   `maxminddb:"time_zone"`
	} `maxminddb:"location"`
	Postal struct {
		Code string `maxminddb:"code"`
	} `maxminddb:"postal"`
	Subdivisions []struct {
		ISOCode string `maxminddb:"iso_code"`
		Names   names  `maxminddb:"names"`
	} `maxminddb:"subdivisions"`
}

// asData is the part of an ASN/ISP record geoip reads.
type asData struct {
	Number uint32 `maxminddb:"autonomous_system_number"`
	Org    string `maxminddb:"autonomous_system_organization"`
}

// geoRecord is a decoded City/Country record flattened for copying into a Location.
type geoRecord struct {
	countryCode, countryName, state, stateCode, city, postal, timeZone string
	lat, lon                                                           float64
	hasLoc                                                             bool
}

type asRecord struct {
	number int64
	org    string
}

// cacheSlots is the size of each direct-mapped record cache (a power of two).
const cacheSlots = 1 << 14

// recordCache is a lock-free, direct-mapped cache from a record's data offset to its decoded
// form. A collision simply replaces the slot; readers never block.
type recordCache[T any] struct {
	slots [cacheSlots]atomic.Pointer[cacheEntry[T]]
}

type cacheEntry[T any] struct {
	offset uintptr
	rec    T
}

func slotOf(offset uintptr) uintptr {
	return (offset * 0x9E3779B97F4A7C15) >> (64 - 14) & (cacheSlots - 1)
}

func (c *recordCache[T]) get(offset uintptr) (*T, bool) {
	e := c.slots[slotOf(offset)].Load()
	if e != nil && e.offset == offset {
		return &e.rec, true
	}
	return nil, false
}

func (c *recordCache[T]) put(offset uintptr, rec T) {
	c.slots[slotOf(offset)].Store(&cacheEntry[T]{offset: offset, rec: rec})
}

// LookupAddr looks up one address. Non-public addresses are not looked up; their Location
// carries the Scope and a Note. The error is non-nil only for a corrupt database.
func (db *DB) LookupAddr(ip netip.Addr) (Location, error) {
	var loc Location
	err := db.addrInto(ip, &loc)
	return loc, err
}

// addrInto is LookupAddr writing into *loc, which must be zero except for IP (kept when
// set) and noNetwork.
func (db *DB) addrInto(ip netip.Addr, loc *Location) error {
	ip = ip.Unmap()
	scope, note := Classify(ip)
	loc.Scope, loc.Source = scope, "maxmind"
	if loc.IP == "" {
		loc.IP = ip.String()
	}
	if scope != ScopePublic {
		loc.Note = note
		return nil
	}
	return db.fill(ip, loc)
}

// Lookup parses s and looks it up; an unparsable s gives an error matching ErrInvalidIP.
func (db *DB) Lookup(s string) (Location, error) {
	var loc Location
	err := db.lookupInto(s, &loc)
	return loc, err
}

// lookupInto is Lookup writing into *loc (see addrInto).
func (db *DB) lookupInto(s string, loc *Location) error {
	ip, err := ParseIP(s)
	if err != nil {
		*loc = Location{IP: s, Scope: ScopeInvalid, Source: "maxmind", Note: err.Error(), Err: err}
		return err
	}
	if loc.IP == "" && strings.IndexByte(s, '%') >= 0 {
		loc.IP = withZone(ip.Unmap(), s)
	}
	return db.addrInto(ip, loc)
}

// fill looks a public address up in the databases and copies the data into loc.
func (db *DB) fill(ip netip.Addr, loc *Location) error {
	var errs []error
	var prefix netip.Prefix
	if m := db.geo; m != nil {
		res := m.r.Lookup(ip)
		if err := res.Err(); err != nil {
			errs = append(errs, fmt.Errorf("lookup %s in %s: %w", ip, m.info.Path, err))
		} else if res.Found() {
			prefix = res.Prefix()
			off := res.Offset()
			rec, ok := m.geo.get(off)
			if !ok {
				var d cityData
				if err := res.Decode(&d); err != nil {
					errs = append(errs, fmt.Errorf("decode %s in %s: %w", ip, m.info.Path, err))
				} else {
					g := flattenCity(&d)
					m.geo.put(off, g)
					rec = &g
				}
			}
			if rec != nil {
				loc.CountryCode, loc.CountryName = rec.countryCode, rec.countryName
				loc.State, loc.StateCode, loc.City = rec.state, rec.stateCode, rec.city
				loc.PostalCode, loc.TimeZone = rec.postal, rec.timeZone
				loc.Latitude, loc.Longitude, loc.HasLocation = rec.lat, rec.lon, rec.hasLoc
			}
		}
	}
	if m := db.asn; m != nil {
		res := m.r.Lookup(ip)
		if err := res.Err(); err != nil {
			errs = append(errs, fmt.Errorf("lookup %s in %s: %w", ip, m.info.Path, err))
		} else if res.Found() {
			if !prefix.IsValid() {
				prefix = res.Prefix()
			}
			off := res.Offset()
			rec, ok := m.as.get(off)
			if !ok {
				var d asData
				if err := res.Decode(&d); err != nil {
					errs = append(errs, fmt.Errorf("decode %s in %s: %w", ip, m.info.Path, err))
				} else {
					a := asRecord{number: int64(d.Number), org: d.Org}
					m.as.put(off, a)
					rec = &a
				}
			}
			if rec != nil {
				loc.ASN, loc.ASOrg = rec.number, rec.org
			}
		}
	}
	if prefix.IsValid() && !loc.noNetwork {
		loc.Network = prefix.String()
	}
	if !loc.Found() {
		if prefix.IsValid() {
			loc.Note = "no location or AS data in database"
		} else {
			loc.Note = "not in database"
		}
	}
	if len(errs) > 0 {
		err := joinLine(errs) // one line: it is also the row's Note
		loc.Err, loc.Note = err, err.Error()
		return err
	}
	return nil
}

func flattenCity(d *cityData) geoRecord {
	g := geoRecord{
		countryCode: d.Country.ISOCode,
		countryName: d.Country.Names.En,
		city:        d.City.Names.En,
		postal:      d.Postal.Code,
		timeZone:    d.Location.TimeZone,
	}
	if len(d.Subdivisions) > 0 {
		g.state, g.stateCode = d.Subdivisions[0].Names.En, d.Subdivisions[0].ISOCode
	}
	if d.Location.Latitude != nil && d.Location.Longitude != nil {
		g.lat, g.lon, g.hasLoc = *d.Location.Latitude, *d.Location.Longitude, true
	}
	return g
}

// LookupIPs implements Provider: one Location per input string, in order. Invalid inputs get
// Scope "invalid" and an Err matching ErrInvalidIP; the error return is only for
// cancellation. Large batches are split across GOMAXPROCS goroutines.
func (db *DB) LookupIPs(ctx context.Context, ips []string) ([]Location, error) {
	out := make([]Location, len(ips))
	return out, db.lookupParallel(ctx, ips, out)
}

// lookupColumns is LookupIPs for EnrichFrame, which needs neither the canonical IP text nor
// the network: Location.IP keeps the input text and Network stays empty (two allocations
// fewer per address).
func (db *DB) lookupColumns(ctx context.Context, ips []string) ([]Location, error) {
	out := make([]Location, len(ips))
	for i, s := range ips {
		out[i].IP, out[i].noNetwork = s, true
	}
	return out, db.lookupParallel(ctx, ips, out)
}

// lookupParallel fills out[i] for ips[i], splitting large batches across GOMAXPROCS
// goroutines. The only error is cancellation, reported once.
func (db *DB) lookupParallel(ctx context.Context, ips []string, out []Location) error {
	workers := runtime.GOMAXPROCS(0)
	if len(ips) < 8192 || workers < 2 {
		return db.lookupRange(ctx, ips, out)
	}
	chunk := (len(ips) + workers - 1) / workers
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(ips))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[w] = db.lookupRange(ctx, ips[lo:hi], out[lo:hi])
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) lookupRange(ctx context.Context, ips []string, out []Location) error {
	for i, s := range ips {
		if i&1023 == 0 {
			if err := ctx.Err(); err != nil {
				for j := i; j < len(ips); j++ {
					out[j] = Location{IP: ips[j], Source: "maxmind", Err: err, Note: "not looked up: " + err.Error()}
				}
				return err
			}
		}
		_ = db.lookupInto(s, &out[i])
	}
	return nil
}

package huntkit

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all" // every TI provider
	"github.com/huntkit/huntkit/whois"
)

// Enrichment names one way of adding what is known about indicators: threat intelligence,
// geolocation, registration data, indicator extraction, payload decoding.
type Enrichment string

// The enrichments, in the order Enrichments lists them.
const (
	EnrichTI     Enrichment = "ti"     // threat-intelligence lookups (TIProviders)
	EnrichGeoIP  Enrichment = "geoip"  // MaxMind databases, or IPStack
	EnrichWhois  Enrichment = "whois"  // RDAP registration data of IPs, AS numbers and domains
	EnrichIoC    Enrichment = "ioc"    // indicators extracted from text
	EnrichDecode Enrichment = "decode" // base64/gzip/zip/hex payloads unpacked from text
)

// Enrichments lists every enrichment.
func Enrichments() []Enrichment {
	return []Enrichment{EnrichTI, EnrichGeoIP, EnrichWhois, EnrichIoC, EnrichDecode}
}

// ParseEnrichment reads an enrichment name (case-insensitive); an unknown name is an
// ErrBadRequest that lists the known ones.
func ParseEnrichment(name string) (Enrichment, error) {
	for _, e := range Enrichments() {
		if strings.EqualFold(name, string(e)) {
			return e, nil
		}
	}
	names := make([]string, 0, 5)
	for _, e := range Enrichments() {
		names = append(names, string(e))
	}
	return "", badRequest(fmt.Errorf("unknown enrichment %q (want one of %s)", name, strings.Join(names, ", ")))
}

// EnrichOptions tune Enrich and EnrichColumn. The zero value uses the configuration's
// settings and huntkit's defaults; each field applies to the enrichments its comment names.
type EnrichOptions struct {
	// TI: the providers to ask (default every configured one), the column holding each row's
	// indicator type (EnrichColumn), the per-request timeout and retries (0: defaults), and
	// the disk cache (DefaultCacheDir unless CacheDir; none with NoCache).
	Providers  []string
	TypeColumn string
	Timeout    time.Duration
	Retries    int
	NoCache    bool
	CacheDir   string

	// GeoIP: "maxmind" (default) or "ipstack"; the MaxMind database folder (default
	// OtherProviders.GeoIPLite.Args.DBFolder); NoUpdate skips downloading due databases.
	GeoIPProvider string
	DBDir         string
	NoUpdate      bool

	// Whois: parallel lookups (default 4), Offline (the cached or embedded bootstrap
	// registry only), and the bootstrap base URL (default OtherProviders.RDAP.Args).
	Concurrency  int
	Offline      bool
	BootstrapURL string

	// IoC and Decode: options passed through to the ioc and decode packages.
	IoC    []ioc.Option
	Decode []decode.Option
}

// Enrich enriches a list of values (IP addresses, domains, hashes, URLs, or texts for
// EnrichIoC and EnrichDecode) and returns one result table: TI gives msticpy's result
// columns per indicator and provider, GeoIP one location row per address, whois one row per
// value, IoC one row per distinct indicator found in all the texts, Decode one row per
// decoded item (SourceIndex names the value). When some lookups failed the frame is
// returned complete and marked partial, with the error.
func (h *Huntkit) Enrich(ctx context.Context, kind Enrichment, values []string, o EnrichOptions) (*frame.Frame, error) {
	f := frame.MustNew(frame.NewStrings("Value", values))
	switch kind {
	case EnrichTI:
		items := make([]ti.Item, len(values))
		for i, v := range values {
			items[i] = ti.Item{Value: v}
		}
		c, err := h.tiClient(ctx, o)
		if err != nil {
			return nil, err
		}
		return c.Lookup(ctx, items)
	case EnrichGeoIP:
		return h.geoLookup(ctx, o, values)
	case EnrichWhois:
		return h.whoisLookup(ctx, o, values)
	case EnrichIoC:
		return ioc.ExtractFrame(f, "Value", o.IoC...)
	case EnrichDecode:
		return h.decodeColumn(f, "Value", o)
	}
	_, err := ParseEnrichment(string(kind))
	return nil, err
}

// EnrichColumn enriches the values of one column of f. GeoIP returns f's rows with the
// location columns added (as `huntkit geoip --in` prints them); TI a row per distinct
// indicator and provider (its type from o.TypeColumn when set); whois a row per distinct
// value; IoC and Decode a row per item found, with SourceIndex pointing back at f's row.
// A missing column is an ErrBadRequest.
func (h *Huntkit) EnrichColumn(ctx context.Context, kind Enrichment, f *frame.Frame, column string, o EnrichOptions) (*frame.Frame, error) {
	if f == nil {
		return nil, badRequest(errors.New("no table to enrich"))
	}
	if f.Col(column) == nil {
		return nil, badRequest(fmt.Errorf("no such column %q (%s)", column, suggest.Columns(column, f.Names())))
	}
	switch kind {
	case EnrichTI:
		if _, err := ti.ItemsFromFrame(f.Head(0), column, o.TypeColumn); err != nil {
			return nil, badRequest(err)
		}
		c, err := h.tiClient(ctx, o)
		if err != nil {
			return nil, err
		}
		return c.LookupFrame(ctx, f, column)
	case EnrichGeoIP:
		p, done, err := h.geoProvider(ctx, o, f.Len())
		if err != nil {
			return nil, err
		}
		defer done()
		return p.EnrichFrame(ctx, f, column)
	case EnrichWhois:
		return h.whoisLookup(ctx, o, distinct(f.Col(column)))
	case EnrichIoC:
		out, err := ioc.ExtractFrame(f, column, o.IoC...)
		if err != nil {
			return nil, badRequest(err)
		}
		return out, nil
	case EnrichDecode:
		return h.decodeColumn(f, column, o)
	}
	_, err := ParseEnrichment(string(kind))
	return nil, err
}

// tiClient builds a TI client from the configuration and o, with a progress counter.
func (h *Huntkit) tiClient(ctx context.Context, o EnrichOptions) (*ti.Client, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	retries := o.Retries
	if retries == 0 {
		retries = 3
	}
	opts := []ti.Option{ti.WithConfig(cfg), ti.WithProviders(o.Providers...), ti.WithTimeout(o.Timeout),
		ti.WithRetries(max(retries, 0), 500*time.Millisecond, time.Minute), ti.WithTypeColumn(o.TypeColumn)}
	if !o.NoCache {
		cache, err := ti.OpenDiskCache(o.CacheDir)
		if err != nil {
			h.warnf("TI cache disabled: %v", err)
		} else {
			opts = append(opts, ti.WithCache(cache))
		}
	}
	var once sync.Once
	var prog Progress
	opts = append(opts, ti.WithProgress(func(done, n int) {
		once.Do(func() { prog = h.startProgress("ti lookup", n) })
		prog.Add(1)
	}))
	c, err := ti.New(ctx, opts...)
	if err != nil {
		if errors.Is(err, ti.ErrUnknownProvider) {
			return nil, badRequest(err)
		}
		return nil, &configError{err}
	}
	for _, w := range c.Warnings() {
		h.warnf("%s", w)
	}
	return c, nil
}

// geoEnricher is what both GeoIP providers offer.
type geoEnricher interface {
	geoip.Provider
	EnrichFrame(ctx context.Context, f *frame.Frame, column string) (*frame.Frame, error)
}

// geoProvider opens the GeoIP provider o names; done releases it.
func (h *Huntkit) geoProvider(ctx context.Context, o EnrichOptions, total int) (geoEnricher, func(), error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, nil, err
	}
	s, serr := geoip.SettingsFrom(ctx, cfg)
	if o.DBDir != "" {
		s.DBFolder = o.DBDir
	}
	switch strings.ToLower(o.GeoIPProvider) {
	case "", "maxmind", "geolite", "geoip2":
		if serr != nil {
			h.warnf("%v", serr)
		}
		db, err := h.openGeoDB(ctx, s, !o.NoUpdate && serr == nil)
		if err != nil {
			return nil, nil, err
		}
		return db, func() { _ = db.Close() }, nil
	case "ipstack":
		if serr != nil {
			return nil, nil, &configError{serr}
		}
		if s.IPStackKey == "" {
			return nil, nil, &configError{errors.New("ipstack: no access key (set OtherProviders.IPStack.Args.AuthKey)")}
		}
		p := s.IPStack()
		prog := h.startProgress("ipstack", total)
		p.OnItem = func() { prog.Add(1) }
		return p, prog.Done, nil
	}
	return nil, nil, badRequest(fmt.Errorf("unknown GeoIP provider %q (want maxmind or ipstack)", o.GeoIPProvider))
}

// openGeoDB refreshes the MaxMind databases when due (and a licence is configured) and
// opens them; a failed refresh with databases present is a warning.
func (h *Huntkit) openGeoDB(ctx context.Context, s geoip.Settings, update bool) (*geoip.DB, error) {
	var updErr error
	if update && s.LicenseKey != "" {
		u := s.Updater()
		if due := u.Due(); len(due) > 0 {
			h.notef("geoip: downloading %s into %s", strings.Join(due, ", "), s.DBFolder)
			var res []geoip.UpdateResult
			res, updErr = u.Update(ctx, false)
			for _, r := range res {
				if r.Action == "downloaded" {
					h.notef("geoip: %s updated (%s, sha256 %s)", r.Edition, r.Path, r.SHA256)
				}
			}
		}
	}
	db, err := geoip.OpenDir(s.DBFolder)
	if err != nil {
		if updErr != nil {
			return nil, fmt.Errorf("no usable MaxMind database in %s and the download failed: %w", s.DBFolder, updErr)
		}
		if errors.Is(err, geoip.ErrNoDatabase) || errors.Is(err, os.ErrNotExist) {
			return nil, &configError{err}
		}
		return nil, err
	}
	if updErr != nil {
		h.warnf("geoip update failed, using the databases already present: %v", updErr)
	}
	return db, nil
}

// geoLookup geolocates values; failed lookups leave the frame complete and partial.
func (h *Huntkit) geoLookup(ctx context.Context, o EnrichOptions, ips []string) (*frame.Frame, error) {
	p, done, err := h.geoProvider(ctx, o, len(ips))
	if err != nil {
		return nil, err
	}
	defer done()
	locs, err := p.LookupIPs(ctx, ips)
	if len(locs) < len(ips) {
		if err == nil {
			err = fmt.Errorf("geoip: %d of %d addresses looked up", len(locs), len(ips))
		}
		return nil, err
	}
	f := geoip.Frame(locs)
	if errors.Is(err, geoip.ErrAuth) {
		f.SetPartial(err)
		return f, &configError{err}
	}
	if err == nil {
		if n, first := geoip.Failed(locs); n > 0 {
			err = fmt.Errorf("%d of %d lookups failed; first: %w", n, len(locs), first)
		}
	}
	if err != nil {
		f.SetPartial(err)
	}
	return f, err
}

// whoisLookup runs RDAP lookups with the bootstrap registry the configuration names.
func (h *Huntkit) whoisLookup(ctx context.Context, o EnrichOptions, values []string) (*frame.Frame, error) {
	cfg, err := h.Config()
	if err != nil {
		return nil, err
	}
	bs := WhoisBootstrap(cfg, o)
	bs.Warn = func(m string) { h.warnf("%s", m) }
	prog := h.startProgress("whois", len(values))
	c := &whois.Client{Bootstrap: bs, Timeout: o.Timeout, Concurrency: o.Concurrency, OnItem: func() { prog.Add(1) }}
	res, err := c.LookupAll(ctx, values)
	prog.Done()
	f := whois.Frame(res)
	if err == nil {
		if n, first := whois.Failed(res); n > 0 {
			err = fmt.Errorf("%d of %d lookups failed; first: %w", n, len(res), first)
		}
	}
	if err != nil {
		f.SetPartial(err)
	}
	return f, err
}

// WhoisBootstrap is the RDAP bootstrap registry the configuration names (whois.SettingsFrom),
// with o.BootstrapURL and o.Offline applied.
func WhoisBootstrap(cfg *config.Config, o EnrichOptions) *whois.Bootstrap {
	bs := whois.SettingsFrom(cfg).Bootstrap()
	if o.BootstrapURL != "" {
		bs.BaseURL = o.BootstrapURL
	}
	bs.Offline = o.Offline
	return bs
}

// decodeColumn decodes every cell of column; items that hit a limit mark the frame partial.
func (h *Huntkit) decodeColumn(f *frame.Frame, column string, o EnrichOptions) (*frame.Frame, error) {
	out, err := decode.DecodeFrame(f, column, o.Decode...)
	if err != nil {
		return nil, badRequest(err)
	}
	if errs := out.Col(decode.ColError); errs != nil {
		var msgs []string
		for i := 0; i < errs.Len(); i++ {
			if errs.Str(i) != "" {
				msgs = append(msgs, errs.Str(i))
			}
		}
		if len(msgs) > 0 {
			out.SetPartial(errors.New(decode.SummaryOf(msgs, "items")))
		}
	}
	return out, nil
}

// distinct returns the distinct non-empty trimmed values of c in order of first appearance.
func distinct(c *frame.Column) []string {
	var vals []string
	seen := map[string]bool{}
	for i := 0; i < c.Len(); i++ {
		if c.IsNull(i) {
			continue
		}
		if v := strings.TrimSpace(c.Str(i)); v != "" && !seen[v] {
			seen[v] = true
			vals = append(vals, v)
		}
	}
	return vals
}

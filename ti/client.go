package ti

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/huntkit/huntkit/frame"
)

// Option configures a Client.
type Option func(*options)

type options struct {
	cfg         ConfigSource
	names       []string
	cache       Cache
	cacheSet    bool
	httpClient  *http.Client
	timeout     time.Duration
	retries     int
	baseDelay   time.Duration
	maxDelay    time.Duration
	concurrency int
	rates       map[string]Rate
	baseURLs    map[string]string
	keys        map[string]string
	args        map[string]map[string]any
	progress    func(done, total int)
	dataDir     string
	typeColumn  string
	now         func() time.Time
}

// WithConfig reads providers from the TIProviders section of c.
func WithConfig(c ConfigSource) Option { return func(o *options) { o.cfg = c } }

// WithProviders selects providers by name or alias (case-insensitive). Without it the
// client uses every TIProviders entry whose Primary is not false.
func WithProviders(names ...string) Option {
	return func(o *options) {
		for _, n := range names {
			for _, p := range strings.Split(n, ",") {
				if p = strings.TrimSpace(p); p != "" {
					o.names = append(o.names, p)
				}
			}
		}
	}
}

// WithCache sets the answer cache; nil disables caching. The default is no cache.
func WithCache(c Cache) Option { return func(o *options) { o.cache, o.cacheSet = c, true } }

// WithHTTPClient sets the transport used for every provider.
func WithHTTPClient(c *http.Client) Option { return func(o *options) { o.httpClient = c } }

// WithTimeout sets the per-request timeout (default 30s; Args.Timeout overrides per provider).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.timeout = d } }

// WithRetries sets how many times a 429/5xx/transport failure is retried (default 3) and the
// backoff's first and largest delay (defaults 500ms and 60s). A Retry-After longer than max
// fails the request at once instead of waiting.
func WithRetries(n int, base, max time.Duration) Option {
	return func(o *options) { o.retries, o.baseDelay, o.maxDelay = n, base, max }
}

// WithConcurrency sets the number of requests in flight per provider for every provider.
func WithConcurrency(n int) Option { return func(o *options) { o.concurrency = n } }

// WithRate overrides a provider's request rate (name as in WithProviders).
func WithRate(provider string, r Rate) Option {
	return func(o *options) { o.rates[strings.ToLower(provider)] = r }
}

// WithBaseURL overrides a provider's base URL (tests, proxies, sovereign clouds).
func WithBaseURL(provider, url string) Option {
	return func(o *options) { o.baseURLs[strings.ToLower(provider)] = url }
}

// WithAuthKey sets a provider's API key without a config file.
func WithAuthKey(provider, key string) Option {
	return func(o *options) { o.keys[strings.ToLower(provider)] = key }
}

// WithArgs sets Args values for a provider, as if written in its config entry.
func WithArgs(provider string, args map[string]any) Option {
	return func(o *options) {
		m := o.args[strings.ToLower(provider)]
		if m == nil {
			m = map[string]any{}
			o.args[strings.ToLower(provider)] = m
		}
		for k, v := range args {
			m[k] = v
		}
	}
}

// WithProgress calls fn after each lookup completes, with the count done and the total.
func WithProgress(fn func(done, total int)) Option { return func(o *options) { o.progress = fn } }

// WithDataDir sets the folder providers keep downloads in (e.g. the Tor exit list);
// default: DefaultCacheDir()/data.
func WithDataDir(dir string) Option { return func(o *options) { o.dataDir = dir } }

// Client looks items up in a fixed set of providers. It is safe for concurrent use; rate
// limiters live as long as the Client.
type Client struct {
	provs    []*provEntry
	opts     options
	warnings []string
}

type provEntry struct {
	name        string
	reg         Registration
	p           Provider
	http        *HTTP
	rate        Rate
	concurrency int
	ttl, negTTL time.Duration
	authErr     atomic.Pointer[AuthError]
	// limited holds the message of the first lookup that kept getting 429 after its retries
	// (a spent quota): the provider's remaining items are then not sent.
	limited atomic.Pointer[string]
	// unreachable holds the message of the first lookup that got no HTTP answer after its
	// retries (connection refused, TLS failure, unknown host): the rest are not sent.
	unreachable atomic.Pointer[string]
}

// ProviderInfo describes a provider a Client uses.
type ProviderInfo struct {
	Name        string
	Provider    string // registered provider
	Rate        Rate
	Concurrency int
	TTL         time.Duration
	NegativeTTL time.Duration
}

// newOptions applies opts over the defaults.
func newOptions(opts []Option) options {
	o := options{timeout: 30 * time.Second, retries: 3, baseDelay: 500 * time.Millisecond,
		maxDelay: time.Minute, rates: map[string]Rate{}, baseURLs: map[string]string{},
		keys: map[string]string{}, args: map[string]map[string]any{}, now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// New builds a Client from options and configuration.
func New(ctx context.Context, opts ...Option) (*Client, error) {
	o := newOptions(opts)
	c := &Client{opts: o}
	entries := readEntries(o.cfg)
	if len(o.names) > 0 {
		seen := map[string]bool{}
		for _, n := range o.names {
			e := findEntry(entries, n)
			var reg Registration
			var err error
			if e != nil {
				reg, err = LookupProvider(e.provider)
			} else {
				reg, err = LookupProvider(n)
			}
			if err != nil {
				return nil, err
			}
			name := reg.Name
			if e != nil {
				name = e.entry
			}
			if seen[strings.ToLower(name)] {
				continue
			}
			seen[strings.ToLower(name)] = true
			pe, err := c.build(ctx, reg, e, n)
			if err != nil {
				return nil, err
			}
			c.provs = append(c.provs, pe)
		}
	} else {
		for i := range entries {
			e := &entries[i]
			if !e.primary {
				continue
			}
			reg, err := LookupProvider(e.provider)
			if err != nil {
				c.warnings = append(c.warnings, fmt.Sprintf("%s.%s: %v", Section, e.entry, err))
				continue
			}
			pe, err := c.build(ctx, reg, e, e.entry)
			if err != nil {
				c.warnings = append(c.warnings, err.Error())
				continue
			}
			c.provs = append(c.provs, pe)
		}
	}
	if len(c.provs) == 0 {
		msg := "none selected and none configured: add entries under " + Section + " in the config or name providers (key-less: Tor, LocalFeed, GreyNoise community)"
		if len(c.warnings) > 0 {
			// Entries exist but none could be built: their errors are what to fix.
			msg = "every configured provider failed to start: " + strings.Join(c.warnings, "; ")
		}
		return nil, fmt.Errorf("%w: %s", ErrNoProviders, msg)
	}
	return c, nil
}

func findEntry(entries []configEntry, name string) *configEntry {
	for i := range entries {
		if strings.EqualFold(entries[i].entry, name) {
			return &entries[i]
		}
	}
	reg, err := LookupProvider(name)
	if err != nil {
		return nil
	}
	for i := range entries {
		if r, err := LookupProvider(entries[i].provider); err == nil && r.Name == reg.Name {
			return &entries[i]
		}
	}
	return nil
}

func (c *Client) build(ctx context.Context, reg Registration, e *configEntry, asked string) (*provEntry, error) {
	o := &c.opts
	s := Settings{Name: reg.Name, Entry: reg.Name, Args: map[string]any{}}
	if e != nil {
		s.Entry = e.entry
		for k, v := range e.args {
			if !strings.EqualFold(k, "AuthKey") && !strings.EqualFold(k, "ApiID") {
				s.Args[k] = v
			}
		}
	}
	s.ConfigKey = Section + "." + s.Entry
	for _, k := range []string{strings.ToLower(asked), strings.ToLower(reg.Name), strings.ToLower(s.Entry)} {
		for ak, av := range o.args[k] {
			s.Args[ak] = av
		}
	}
	if e != nil && o.cfg != nil {
		for _, f := range []struct {
			key string
			dst *string
		}{{"AuthKey", &s.AuthKey}, {"ApiID", &s.APIID}} {
			kp := s.ConfigKey + ".Args." + f.key
			if _, ok := o.cfg.Lookup(kp); !ok {
				continue
			}
			v, err := o.cfg.Secret(ctx, kp)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", reg.Name, err)
			}
			*f.dst = v
		}
	}
	pick := func(m map[string]string) (string, bool) {
		for _, k := range []string{strings.ToLower(asked), strings.ToLower(reg.Name), strings.ToLower(s.Entry)} {
			if v, ok := m[k]; ok {
				return v, true
			}
		}
		return "", false
	}
	if k, ok := pick(o.keys); ok {
		s.AuthKey = k
	}
	if v, ok := s.Arg("BaseURL"); ok {
		s.BaseURL = v
	}
	if u, ok := pick(o.baseURLs); ok {
		s.BaseURL = u
	}
	if reg.NeedsKey && s.AuthKey == "" {
		return nil, fmt.Errorf("%s: %w: set %s.Args.AuthKey", reg.Name, ErrNotConfigured, s.ConfigKey)
	}
	if reg.NeedsAPIID && s.APIID == "" {
		return nil, fmt.Errorf("%s: %w: set %s.Args.ApiID", reg.Name, ErrNotConfigured, s.ConfigKey)
	}
	pe := &provEntry{name: s.Entry, reg: reg, rate: reg.Rate, concurrency: reg.Concurrency, ttl: reg.TTL, negTTL: reg.NegativeTTL}
	var err error
	argErr := func(key string, err error) error {
		return fmt.Errorf("%s.Args.%s: %w", s.ConfigKey, key, err)
	}
	if v, ok := s.Arg("RateLimit"); ok {
		if pe.rate, err = ParseRate(v); err != nil {
			return nil, argErr("RateLimit", err)
		}
	}
	for _, k := range []string{strings.ToLower(asked), strings.ToLower(reg.Name), strings.ToLower(s.Entry)} {
		if r, ok := o.rates[k]; ok {
			pe.rate = r
			break
		}
	}
	burst := 0
	if v, ok := s.Arg("Burst"); ok {
		if burst, err = strconv.Atoi(v); err != nil || burst < 1 {
			return nil, argErr("Burst", fmt.Errorf("%q is not a positive whole number", v))
		}
	}
	if v, ok := s.Arg("Concurrency"); ok {
		if pe.concurrency, err = strconv.Atoi(v); err != nil || pe.concurrency < 1 {
			return nil, argErr("Concurrency", fmt.Errorf("%q is not a positive whole number", v))
		}
	}
	if o.concurrency > 0 {
		pe.concurrency = o.concurrency
	}
	timeout := o.timeout
	if v, ok := s.Arg("Timeout"); ok {
		if timeout, err = parseDurationArg(v); err != nil {
			return nil, argErr("Timeout", err)
		}
	}
	retries := o.retries
	if v, ok := s.Arg("MaxRetries"); ok {
		if retries, err = strconv.Atoi(v); err != nil || retries < 0 {
			return nil, argErr("MaxRetries", fmt.Errorf("%q is not a whole number", v))
		}
	}
	if v, ok := s.Arg("CacheTTL"); ok {
		if pe.ttl, err = parseDurationArg(v); err != nil {
			return nil, argErr("CacheTTL", err)
		}
	}
	if v, ok := s.Arg("NegativeCacheTTL"); ok {
		if pe.negTTL, err = parseDurationArg(v); err != nil {
			return nil, argErr("NegativeCacheTTL", err)
		}
	}
	keyName := s.ConfigKey + ".Args.AuthKey"
	if reg.NeedsAPIID {
		keyName = s.ConfigKey + ".Args.ApiID and .AuthKey"
	}
	s.HTTP = &HTTP{Provider: reg.Name, ConfigKey: keyName, Client: o.httpClient,
		Limiter: pe.rate.Limiter(burst), Timeout: timeout, MaxRetries: retries,
		BaseDelay: o.baseDelay, MaxDelay: o.maxDelay, Secrets: []string{s.AuthKey, s.APIID}}
	s.CacheDir = o.dataDir
	if s.CacheDir == "" {
		if d, err := DefaultCacheDir(); err == nil {
			s.CacheDir = filepath.Join(d, "data")
		}
	}
	if s.CacheDir != "" {
		s.CacheDir = filepath.Join(s.CacheDir, safeName(s.Entry))
	}
	if pe.p, err = reg.New(s); err != nil {
		return nil, err
	}
	pe.http = s.HTTP
	return pe, nil
}

// Providers describes the providers the client uses.
func (c *Client) Providers() []ProviderInfo {
	var out []ProviderInfo
	for _, p := range c.provs {
		out = append(out, ProviderInfo{Name: p.name, Provider: p.reg.Name, Rate: p.rate,
			Concurrency: p.concurrency, TTL: p.ttl, NegativeTTL: p.negTTL})
	}
	return out
}

// Warnings returns configuration problems that made the client skip TIProviders entries.
func (c *Client) Warnings() []string { return c.warnings }

// Row is one lookup result, the Go form of a result-frame row.
type Row struct {
	Ioc          string
	IocType      string
	SafeIoc      string
	QuerySubtype string
	Provider     string
	Result       bool
	Severity     Severity
	Details      any
	RawResult    any
	Reference    string
	Status       Status
	Message      string
	Cached       bool
}

// cacheReaders is how many cache reads run at once per provider; cacheWriters how many
// goroutines write answers to the cache in the background.
const (
	cacheReaders = 16
	cacheWriters = 2
)

// PrecheckProvider is the Provider value of rows refused before any provider was asked.
const PrecheckProvider = "precheck"

type job struct {
	item Item
	slot int
}

// LookupRows looks items up in every provider that supports their type and returns one
// row per unique item and provider (rows for items refused by the pre-checks, or that no
// provider supports, carry Provider "precheck"). Rows come back in input order, then
// provider order. The error, when not nil, is a *LookupError describing failed rows (the
// rows are complete all the same), joined with the context's error after cancellation.
func (c *Client) LookupRows(ctx context.Context, items []Item) ([]Row, error) {
	var uniq []Checked
	seen := map[Item]bool{}
	for _, it := range items {
		chk := Check(it)
		if seen[chk.Item] {
			continue
		}
		seen[chk.Item] = true
		uniq = append(uniq, chk)
	}
	var rows []Row
	perProv := make([][]job, len(c.provs))
	for _, chk := range uniq {
		base := Row{Ioc: chk.Item.Value, IocType: string(chk.Item.Type), SafeIoc: defang(chk.Item), Severity: SevUnknown}
		if chk.Status == StatusNotPublic {
			// Local providers (feeds on disk) may be asked about any address; online ones
			// are never sent it, which the precheck row says when one was selected.
			online, local := false, 0
			for pi, p := range c.provs {
				switch {
				case !p.p.Supports(chk.Item.Type):
				case p.reg.Local:
					local++
					r := base
					r.Provider = p.name
					rows = append(rows, r)
					perProv[pi] = append(perProv[pi], job{chk.Item, len(rows) - 1})
				default:
					online = true
				}
			}
			if local > 0 && !online {
				continue
			}
		}
		if chk.Status != StatusOK {
			r := base
			r.Provider, r.Status, r.Message = PrecheckProvider, chk.Status, chk.Reason
			rows = append(rows, r)
			continue
		}
		any := false
		for pi, p := range c.provs {
			if !p.p.Supports(chk.Item.Type) {
				continue
			}
			any = true
			r := base
			r.Provider = p.name
			rows = append(rows, r)
			perProv[pi] = append(perProv[pi], job{chk.Item, len(rows) - 1})
		}
		if !any {
			r := base
			r.Provider, r.Status = PrecheckProvider, StatusNotSupported
			r.Message = fmt.Sprintf("no selected provider supports %s (%s)", chk.Item.Type, strings.Join(c.names(), ", "))
			rows = append(rows, r)
		}
	}
	total := 0
	for _, js := range perProv {
		total += len(js)
	}
	var done atomic.Int64
	tick := func() {
		n := done.Add(1)
		if c.opts.progress != nil {
			c.opts.progress(int(n), total)
		}
	}
	// Cache writes go to background writers so lookups never wait on the file system;
	// they are all finished before LookupRows returns.
	var writes chan cacheWrite
	var wwg sync.WaitGroup
	if c.opts.cache != nil {
		writes = make(chan cacheWrite, 1024)
		for range cacheWriters {
			wwg.Add(1)
			go func() {
				defer wwg.Done()
				for w := range writes {
					if err := c.opts.cache.Put(w.provider, w.item, w.entry); err != nil {
						rows[w.slot].Message = "answer not cached: " + err.Error()
					}
				}
			}()
		}
	}
	var wg sync.WaitGroup
	for pi, js := range perProv {
		if len(js) == 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c.runProvider(ctx, c.provs[pi], js, rows, tick, writes)
		}()
	}
	wg.Wait()
	if writes != nil {
		close(writes)
		wwg.Wait()
	}
	return rows, c.failures(ctx, rows)
}

func (c *Client) names() []string {
	var out []string
	for _, p := range c.provs {
		out = append(out, p.name)
	}
	return out
}

func defang(it Item) string {
	return defangValue(it)
}

func (c *Client) runProvider(ctx context.Context, p *provEntry, js []job, rows []Row, tick func(), writes chan<- cacheWrite) {
	// Cache first. Cold reads are file-system bound, so they run in parallel.
	var todo []job
	if c.opts.cache != nil {
		hit := make([]bool, len(js))
		c.pool(cacheReaders, len(js), func(i int) {
			j := js[i]
			if e, ok := c.opts.cache.Get(p.name, j.item); ok {
				fill(&rows[j.slot], e.Result)
				rows[j.slot].Cached = true
				hit[i] = true
				tick()
			}
		})
		for i, j := range js {
			if !hit[i] {
				todo = append(todo, j)
			}
		}
	} else {
		todo = js
	}
	if len(todo) == 0 {
		return
	}
	workers := max(1, p.concurrency)
	if bl, ok := p.p.(BatchLooker); ok && bl.BatchSize() > 1 {
		var batches [][]job
		for i := 0; i < len(todo); i += bl.BatchSize() {
			batches = append(batches, todo[i:min(i+bl.BatchSize(), len(todo))])
		}
		c.pool(workers, len(batches), func(bi int) {
			b := batches[bi]
			if c.skip(ctx, p, b, rows, tick) {
				return
			}
			items := make([]Item, len(b))
			for i, j := range b {
				items[i] = j.item
			}
			res, err := bl.LookupBatch(ctx, items)
			if err == nil && len(res) != len(b) {
				err = fmt.Errorf("%s: %w: batch of %d answered with %d results", p.name, ErrMalformed, len(b), len(res))
			}
			for i, j := range b {
				if err != nil {
					c.fail(ctx, p, &rows[j.slot], err)
				} else {
					c.succeed(p, j, rows, res[i], writes)
				}
				tick()
			}
		})
		return
	}
	c.pool(workers, len(todo), func(i int) {
		j := todo[i]
		if c.skip(ctx, p, todo[i:i+1], rows, tick) {
			return
		}
		res, err := p.p.Lookup(ctx, j.item)
		if err != nil {
			c.fail(ctx, p, &rows[j.slot], err)
		} else {
			c.succeed(p, j, rows, res, writes)
		}
		tick()
	})
}

// skip marks jobs failed without a call when the context is done, the provider has
// already refused our credentials, or it kept answering 429 (quota spent).
func (c *Client) skip(ctx context.Context, p *provEntry, js []job, rows []Row, tick func()) bool {
	var status Status
	var msg string
	if a := p.authErr.Load(); a != nil {
		status, msg = StatusAuthFailed, a.Error()
	} else if l := p.limited.Load(); l != nil {
		status, msg = StatusRateLimited, p.name+": not looked up: the service kept refusing requests ("+*l+"); try again later"
	} else if u := p.unreachable.Load(); u != nil {
		status, msg = StatusQueryFailed, p.name+": not looked up: the service cannot be reached ("+*u+")"
	} else if err := ctx.Err(); err != nil {
		status, msg = StatusCancelled, fmt.Sprintf("%s: not looked up: %v", p.name, err)
	} else {
		return false
	}
	for _, j := range js {
		rows[j.slot].Status, rows[j.slot].Message = status, msg
		tick()
	}
	return true
}

func (c *Client) pool(workers, n int, fn func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

func fill(r *Row, res Result) {
	r.QuerySubtype = res.QuerySubtype
	r.Result = res.Found
	r.Severity = res.Severity
	r.Details = res.Details
	r.RawResult = res.Raw
	r.Reference = res.Reference
	r.Status = StatusOK
}

func (c *Client) succeed(p *provEntry, j job, rows []Row, res Result, writes chan<- cacheWrite) {
	fill(&rows[j.slot], res)
	if writes == nil {
		return
	}
	ttl := p.ttl
	if !res.Found {
		ttl = p.negTTL
	}
	if ttl <= 0 {
		return
	}
	now := c.opts.now()
	writes <- cacheWrite{provider: p.name, item: j.item, slot: j.slot,
		entry: Entry{Stored: now, Expires: now.Add(ttl), Result: res}}
}

// cacheWrite is an answer on its way to the cache.
type cacheWrite struct {
	provider string
	item     Item
	entry    Entry
	slot     int
}

func (c *Client) fail(ctx context.Context, p *provEntry, r *Row, err error) {
	var ae *AuthError
	if errors.As(err, &ae) {
		p.authErr.CompareAndSwap(nil, ae)
	}
	r.Status = statusOf(err)
	if r.Status == StatusQueryFailed && ctx.Err() != nil {
		r.Status = StatusCancelled
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, p.reg.Name) && !strings.HasPrefix(msg, p.name) {
		msg = p.name + ": " + msg
	}
	r.Message = msg
	if r.Status == StatusRateLimited {
		p.limited.CompareAndSwap(nil, &msg)
	}
	if errors.As(err, new(transportFailure)) && ctx.Err() == nil {
		p.unreachable.CompareAndSwap(nil, &msg)
	}
}

// Failed reports whether a row's status counts as a failure (anything but ok, not_public
// and not_supported).
func (r Row) Failed() bool {
	return r.Status != StatusOK && r.Status != StatusNotPublic && r.Status != StatusNotSupported
}

func (c *Client) failures(ctx context.Context, rows []Row) error {
	le := &LookupError{Total: len(rows)}
	authSeen := map[string]bool{}
	for _, r := range rows {
		if !r.Failed() {
			continue
		}
		le.Failed++
		if r.Status == StatusAuthFailed {
			continue
		}
		if le.First == "" && r.Status != StatusCancelled {
			le.First = r.Ioc + ": " + r.Message
		}
	}
	for _, p := range c.provs {
		if a := p.authErr.Load(); a != nil && !authSeen[p.name] {
			authSeen[p.name] = true
			le.Auth = append(le.Auth, a)
		}
	}
	if le.Failed == 0 {
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return errors.Join(le, err)
	}
	return le
}

// Lookup looks items up and returns the result frame (see LookupRows and ResultFrame).
// When some lookups failed the frame is complete, marked partial, and the error is a
// *LookupError.
func (c *Client) Lookup(ctx context.Context, items []Item) (*frame.Frame, error) {
	rows, err := c.LookupRows(ctx, items)
	f := ResultFrame(rows)
	if err != nil {
		f.SetPartial(err)
	}
	return f, err
}

// Lookup builds a Client from opts and looks items up (see Client.Lookup).
func Lookup(ctx context.Context, items []Item, opts ...Option) (*frame.Frame, error) {
	c, err := New(ctx, opts...)
	if err != nil {
		return nil, err
	}
	return c.Lookup(ctx, items)
}

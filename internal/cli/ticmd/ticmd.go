// Package ticmd holds the ti command group: look indicators up in threat-intelligence
// providers, list the providers, and manage the on-disk answer cache.
package ticmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/ti"
	_ "github.com/huntkit/huntkit/ti/all" // register every provider
)

// New returns the ti command with its lookup, providers and cache subcommands.
func New(app *cliapp.App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "ti",
		Short: "Threat intelligence: look indicators up in TI providers",
		Long: `Look IPs, domains, URLs, e-mail addresses and file hashes up in threat-intelligence
services (VirusTotal, OTX, GreyNoise, AbuseIPDB, X-Force, ...) and local feeds.

Providers are configured in the TIProviders section of msticpyconfig.yaml (Args.AuthKey,
Args.ApiID, Primary, Provider; huntkit adds Args.BaseURL, Args.RateLimit, Args.Burst,
Args.Concurrency, Args.Timeout, Args.MaxRetries, Args.CacheTTL, Args.NegativeCacheTTL).
'huntkit ti providers' lists them with their limits.`,
		Args: cobra.NoArgs, // an unknown subcommand is a usage error, not help with exit 0
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newLookup(app), newProviders(app), newCache(app))
	return cmd
}

type lookupOpts struct {
	in, column, typeColumn string
	providers              []string
	minSeverity            string
	summary                bool
	noCache                bool
	cacheDir               string
	timeout                time.Duration
	retries                int
	out                    cliapp.Output
}

func newLookup(app *cliapp.App) *cobra.Command {
	var o lookupOpts
	cmd := &cobra.Command{
		Use:   "lookup [IOC... | -] [--in FILE --column C]",
		Short: "Look indicators up in the configured (or named) TI providers",
		Long: `Look indicators up in every selected provider that supports their type.

Indicators come as arguments, one per line on stdin ("-"), or from a column of a table file
(--in FILE --column C, optionally --type-column T). Values are refanged ("hxxp", "[.]"),
their type inferred and validated (an IP with a port or in brackets counts as the IP);
private and reserved IPs, placeholder hashes and hashes of empty input are reported with
their reason and never sent out.

Providers: the TIProviders entries with Primary not false, or those named with --providers.
Each provider runs under its rate limit (its free tier by default) with retries on 429/5xx;
answers are cached on disk (--no-cache to skip). The result has msticpy's columns (Ioc,
IocType, SafeIoc, QuerySubtype, Provider, Result, Severity, Details, RawResult, Reference,
Status) plus Message and Cached; --summary folds it to one row per indicator.

The exit code is 1 when any lookup failed; the rows that worked are printed all the same.`,
		Example: `  huntkit ti lookup 185.220.101.4 evil[.]example[.]com --providers VirusTotal,OTX
  huntkit ti lookup --in iocs.csv --column observable --min-severity high -o csv --out hits.csv
  huntkit ti lookup --providers Tor,LocalFeed --summary 185.220.101.4`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runLookup(cmd.Context(), app, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "table file (CSV, TSV, JSON lines, Parquet) whose --column holds the indicators")
	f.StringVar(&o.column, "column", "", "column of --in with the indicators")
	f.StringVar(&o.typeColumn, "type-column", "", "column of --in with the indicator types (default: inferred)")
	f.StringSliceVar(&o.providers, "providers", nil, "providers to use, by name or alias (default: the configured primary providers)")
	f.StringVar(&o.minSeverity, "min-severity", "", "keep rows at or above this severity: information, warning, high (failed rows are always kept)")
	f.BoolVar(&o.summary, "summary", false, "print one row per indicator with its highest severity across providers")
	f.BoolVar(&o.noCache, "no-cache", false, "do not read or write the answer cache")
	f.StringVar(&o.cacheDir, "cache-dir", "", "answer cache folder (default: the user cache dir/huntkit/ti)")
	f.DurationVar(&o.timeout, "timeout", 30*time.Second, "timeout of each request (Args.Timeout overrides per provider)")
	f.IntVar(&o.retries, "retries", 3, "retries of a request answered 429/5xx or failing in transit")
	cliapp.AddOutputFlags(cmd, &o.out)
	return cmd
}

func runLookup(ctx context.Context, app *cliapp.App, o *lookupOpts, args []string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	var minSev ti.Severity
	if o.minSeverity != "" {
		var err error
		if minSev, err = ti.ParseSeverity(o.minSeverity); err != nil {
			return cliapp.UsageError(fmt.Errorf("--min-severity: %w", err))
		}
	}
	items, table, err := readInput(ctx, app, o, args)
	if err != nil {
		return err
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	eo := huntkit.EnrichOptions{Providers: o.providers, TypeColumn: o.typeColumn, Timeout: o.timeout,
		Retries: o.retries, NoCache: o.noCache, CacheDir: o.cacheDir}
	if o.retries == 0 {
		eo.Retries = -1 // --retries 0: no retries
	}
	var f *frame.Frame
	var lerr error
	if table != nil {
		f, lerr = hk.EnrichColumn(ctx, huntkit.EnrichTI, table, o.column, eo)
	} else {
		values := make([]string, len(items))
		for i, it := range items {
			values[i] = it.Value
		}
		f, lerr = hk.Enrich(ctx, huntkit.EnrichTI, values, eo)
	}
	if f == nil {
		return lerr
	}
	if o.summary {
		s, err := ti.Summary(f)
		if err != nil {
			return err
		}
		if lerr != nil {
			s.SetPartial(lerr)
		}
		f = s
	}
	if o.minSeverity != "" {
		kept := ti.FilterSeverity(f, minSev)
		if p := f.Partial(); p != nil {
			kept.SetPartial(p)
		}
		f = kept
	}
	return writeResult(app, &o.out, f)
}

// writeResult writes f. A partial result's message is said once, as the command's error
// line on stderr, not also under a table on stdout.
func writeResult(app *cliapp.App, out *cliapp.Output, f *frame.Frame) error {
	p := f.Partial()
	format := strings.ToLower(out.Format)
	if p == nil || out.File != "" || (format != "" && format != "table") {
		return app.WriteFrame(out, f)
	}
	if err := app.WriteFrame(out, f.SetPartial(nil)); err != nil {
		return err
	}
	f.SetPartial(p)
	return &cliapp.PartialError{Rows: f.Len(), Err: p}
}

// readInput returns the indicators given as arguments or on stdin, or the table of --in
// (its columns checked) for ti's LookupFrame.
func readInput(ctx context.Context, app *cliapp.App, o *lookupOpts, args []string) ([]ti.Item, *frame.Frame, error) {
	switch {
	case o.in != "" && o.column == "":
		return nil, nil, cliapp.UsageError(errors.New("--in needs --column naming the column with the indicators"))
	case o.in == "" && (o.column != "" || o.typeColumn != ""):
		return nil, nil, cliapp.UsageError(errors.New("--column and --type-column need --in FILE"))
	case o.in != "" && len(args) > 0:
		return nil, nil, cliapp.UsageError(errors.New("give indicators as arguments or --in FILE, not both"))
	case o.in == "" && len(args) == 0:
		return nil, nil, cliapp.UsageError(errors.New("no indicators: give them as arguments, '-' to read stdin, or --in FILE --column C"))
	}
	if o.in != "" {
		t, err := app.ReadTable(ctx, o.in)
		if err != nil {
			return nil, nil, err
		}
		if _, err := ti.ItemsFromFrame(t.Head(0), o.column, o.typeColumn); err != nil {
			return nil, nil, cliapp.UsageError(fmt.Errorf("%s: %w", o.in, err))
		}
		return nil, t, nil
	}
	var items []ti.Item
	for _, a := range args {
		if a != "-" {
			items = append(items, ti.Item{Value: a})
			continue
		}
		// Lines are trimmed, and a UTF-8 BOM (Notepad) is not part of the first value.
		sc := bufio.NewScanner(app.In)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			if line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff")); line != "" && !strings.HasPrefix(line, "#") {
				items = append(items, ti.Item{Value: line})
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, fmt.Errorf("reading stdin: %w", err)
		}
	}
	return items, nil, nil
}

func newProviders(app *cliapp.App) *cobra.Command {
	var out cliapp.Output
	var check bool
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "providers",
		Short: "List TI providers: IoC types, whether configured, rate limits",
		Long: `List every TI provider with the IoC types it answers, whether the configuration
makes it usable (configured, secondary, no key needed, missing key, or a key that cannot be
resolved), its rate limit and free tier. --check also asks the online service of each
configured entry for its base URL once (no key is sent; any HTTP answer counts as reachable).`,
		Example: `  huntkit ti providers
  huntkit ti providers --check -o csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			sts := ti.Statuses(cmd.Context(), cfg)
			if check {
				// Only the configured entries' services: the others are not in use.
				var idx []int
				var probe []ti.ProviderStatus
				for i, st := range sts {
					if len(st.Entries) > 0 {
						idx, probe = append(idx, i), append(probe, st)
					}
				}
				ti.Probe(cmd.Context(), probe, nil, timeout)
				for j, i := range idx {
					sts[i].Reach = probe[j].Reach
				}
			}
			return app.WriteFrame(&out, providersFrame(sts, check))
		},
	}
	cmd.Flags().BoolVar(&check, "check", false, "check that the service of each configured entry answers (one request each, no key sent)")
	cmd.Flags().DurationVar(&timeout, "check-timeout", 5*time.Second, "how long --check waits for each service")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

// providersFrame renders provider statuses as a table.
func providersFrame(sts []ti.ProviderStatus, reach bool) *frame.Frame {
	n := len(sts)
	names, aliases, types, configured, entryCol, rates, limits, desc, reachCol := make([]string, n), make([]string, n),
		make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, st := range sts {
		names[i], aliases[i], types[i], limits[i], desc[i] = st.Name, strings.Join(st.Aliases, ","), ti.TypeNames(st.Types), st.Limits, st.Description
		entryCol[i], reachCol[i] = strings.Join(st.Entries, ","), st.Reach
		switch st.State {
		case ti.StateConfigured:
			configured[i] = "yes"
		case ti.StateSecondary:
			configured[i] = "yes (secondary)"
		case ti.StateNoKeyNeeded:
			configured[i] = "no key needed"
		case ti.StateMissingKey:
			configured[i] = "missing " + st.Detail
		case ti.StateSecretError:
			configured[i] = "error: " + st.Detail
		default:
			configured[i] = "no"
		}
		switch {
		case st.RateError != "":
			rates[i] = st.RateError
		case st.RateConfigured:
			rates[i] = st.Rate.String() + " (configured)"
		default:
			rates[i] = st.Rate.String()
		}
	}
	cols := []*frame.Column{frame.NewStrings("Provider", names), frame.NewStrings("Aliases", aliases),
		frame.NewStrings("IocTypes", types), frame.NewStrings("Configured", configured), frame.NewStrings("ConfigEntry", entryCol),
		frame.NewStrings("RateLimit", rates)}
	if reach {
		cols = append(cols, frame.NewStrings("Reachable", reachCol))
	}
	cols = append(cols, frame.NewStrings("FreeTier", limits), frame.NewStrings("Description", desc))
	return frame.MustNew(cols...)
}

func newCache(app *cliapp.App) *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "cache",
		Short: "Show or clear the TI answer cache",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.PersistentFlags().StringVar(&dir, "cache-dir", "", "answer cache folder (default: the user cache dir/huntkit/ti)")
	var out cliapp.Output
	stats := &cobra.Command{
		Use:   "stats",
		Short: "Count cached answers per provider",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := ti.OpenDiskCache(dir)
			if err != nil {
				return err
			}
			st, err := c.Stats()
			if err != nil {
				return err
			}
			provs := make([]string, 0, len(st.ByProvider))
			for p := range st.ByProvider {
				provs = append(provs, p)
			}
			sort.Strings(provs)
			var names []string
			var counts []int64
			for _, p := range provs {
				names = append(names, p)
				counts = append(counts, int64(st.ByProvider[p]))
			}
			names = append(names, "(total)")
			counts = append(counts, int64(st.Entries))
			app.Infof("cache %s: %d answers (%d expired), %d bytes", st.Dir, st.Entries, st.Expired, st.Bytes)
			return app.WriteFrame(&out, frame.MustNew(frame.NewStrings("Provider", names), frame.NewInts("Answers", counts)))
		},
	}
	cliapp.AddOutputFlags(stats, &out)
	var provider string
	var expired bool
	clear := &cobra.Command{
		Use:   "clear",
		Short: "Remove cached answers (all, one provider's, or only expired ones)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := ti.OpenDiskCache(dir)
			if err != nil {
				return err
			}
			if provider != "" {
				if provider, err = cacheProvider(app, c, provider); err != nil {
					return err
				}
			}
			n, err := c.Clear(provider, expired)
			fmt.Fprintf(app.Err, "removed %d cached answers from %s\n", n, c.Dir())
			return err
		},
	}
	clear.Flags().StringVar(&provider, "provider", "", "only this provider's answers (the config entry name)")
	clear.Flags().BoolVar(&expired, "expired", false, "only answers past their expiry")
	cmd.AddCommand(stats, clear)
	return cmd
}

// cacheProvider resolves --provider of "cache clear": a config entry name or a folder
// already in the cache is used as written, a registered name or alias becomes the
// provider's name; anything else is a usage error suggesting the closest name.
func cacheProvider(app *cliapp.App, c *ti.DiskCache, name string) (string, error) {
	var candidates []string
	if cfg, err := app.Config(); err == nil {
		candidates = append(candidates, cfg.Names("TIProviders")...)
	}
	if st, err := c.Stats(); err == nil {
		for p := range st.ByProvider {
			candidates = append(candidates, p)
		}
	}
	for _, cand := range candidates {
		if strings.EqualFold(cand, name) {
			return name, nil
		}
	}
	if r, err := ti.LookupProvider(name); err == nil {
		return r.Name, nil
	}
	for _, r := range ti.Registered() {
		candidates = append(candidates, r.Name)
	}
	sort.Strings(candidates)
	hint := ""
	if best := suggest.Closest(name, candidates); best != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", best)
	} else {
		var names []string
		for _, r := range ti.Registered() {
			names = append(names, r.Name)
		}
		hint = " (known: " + strings.Join(names, ", ") + ")"
	}
	return "", cliapp.UsageError(fmt.Errorf("--provider: unknown TI provider %q%s", name, hint))
}

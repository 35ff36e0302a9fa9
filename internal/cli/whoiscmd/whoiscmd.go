// Package whoiscmd holds the whois command: RDAP registration lookups for IP addresses, AS
// numbers and domain names.
package whoiscmd

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/cliapp"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Config keys (a huntkit extension of msticpyconfig.yaml; all optional).
const (
	keyBootstrapURL = "OtherProviders.RDAP.Args.BootstrapURL"
)

type options struct {
	in           string
	column       string
	bootstrapURL string
	offline      bool
	refresh      bool
	timeout      time.Duration
	concurrency  int
	out          cliapp.Output
}

// New returns the whois command.
func New(app *cliapp.App) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "whois VALUE... | - | --in FILE --column C",
		Short: "Registration data (RDAP) for IP addresses, AS numbers and domains",
		Long: `Look up registration data over RDAP, the structured successor of whois: network or
domain name, handle, registrant organisation, registrar, country, creation / update /
expiry dates, abuse contact, network range and name servers. One row per value.

Values are IP addresses, AS numbers (AS13335 or 13335) or domain names (URLs and e-mail
addresses give their host). The RDAP server for each comes from IANA's bootstrap registry:
a copy is built into huntkit and refreshed daily into a cache folder
(OtherProviders.RDAP.Args.CacheFolder, default the user cache folder; --offline never
downloads it). Private and reserved addresses are reported, not sent.`,
		Example: `  huntkit whois 8.8.8.8 AS3333 example.com
  huntkit whois --in iocs.csv --column Ioc -o csv --out whois.csv`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), app, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "table file whose --column holds the values")
	f.StringVar(&o.column, "column", "", "column of --in with the values")
	f.StringVar(&o.bootstrapURL, "bootstrap-url", "", "base URL of the RDAP bootstrap files (default IANA's, or "+keyBootstrapURL+")")
	f.BoolVar(&o.offline, "offline", false, "use the cached or built-in bootstrap registry, never download it")
	f.BoolVar(&o.refresh, "refresh-bootstrap", false, "download the bootstrap registry now")
	f.DurationVar(&o.timeout, "timeout", 20*time.Second, "timeout of each RDAP request")
	f.IntVar(&o.concurrency, "concurrency", 4, "parallel lookups")
	cliapp.AddOutputFlags(cmd, &o.out)
	return cmd
}

func run(ctx context.Context, app *cliapp.App, o *options, args []string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	switch {
	case o.in != "" && o.column == "":
		return cliapp.UsageError(errors.New("--in needs --column naming the column with the values"))
	case o.in == "" && o.column != "":
		return cliapp.UsageError(errors.New("--column needs --in FILE"))
	case o.in != "" && len(args) > 0:
		return cliapp.UsageError(errors.New("give values as arguments or --in FILE, not both"))
	case o.in == "" && len(args) == 0 && !o.refresh:
		return cliapp.UsageError(errors.New("no values: give IP addresses, AS numbers or domains as arguments, '-' for stdin, or --in FILE --column C"))
	case o.concurrency < 1:
		return cliapp.UsageError(errors.New("--concurrency must be at least 1"))
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	cfg, err := hk.Config()
	if err != nil {
		return err
	}
	eo := huntkit.EnrichOptions{Timeout: o.timeout, Concurrency: o.concurrency, Offline: o.offline, BootstrapURL: o.bootstrapURL}
	if o.refresh {
		bs := huntkit.WhoisBootstrap(cfg, eo)
		bs.Warn = func(m string) { app.Warnf("%s", m) }
		if err := bs.Refresh(ctx); err != nil {
			return fmt.Errorf("refresh RDAP bootstrap: %w", err)
		}
		app.Infof("whois: RDAP bootstrap registry refreshed into %s", bs.CacheDir)
	}
	values, err := collect(ctx, app, o, args)
	if err != nil {
		return err
	}
	if len(values) == 0 {
		return nil
	}
	f, err := hk.Enrich(ctx, huntkit.EnrichWhois, values, eo)
	if f == nil {
		return err
	}
	if o.out.File == "" && (o.out.Format == "" || strings.EqualFold(o.out.Format, "table")) {
		kept := dropEmpty(f) // a terminal table shows only columns with data
		if p := f.Partial(); p != nil {
			kept.SetPartial(p)
		}
		f = kept
	}
	// A partial frame is written and then reported by WriteFrame.
	return app.WriteFrame(&o.out, f)
}

// dropEmpty removes the columns that are null in every row (Query is always kept).
func dropEmpty(f *frame.Frame) *frame.Frame {
	var empty []string
	for _, c := range f.Columns() {
		if c.Name() != "Query" && c.NullCount() == c.Len() {
			empty = append(empty, c.Name())
		}
	}
	return f.Drop(empty...)
}

// collect gathers the values: arguments ("-" = lines of stdin) or the distinct non-empty
// values of --column in --in, in order of first appearance.
func collect(ctx context.Context, app *cliapp.App, o *options, args []string) ([]string, error) {
	var vals []string
	if o.in != "" {
		tbl, err := app.ReadTable(ctx, o.in)
		if err != nil {
			return nil, err
		}
		col := tbl.Col(o.column)
		if col == nil {
			return nil, cliapp.UsageError(fmt.Errorf("%s: no column %q (%s)", o.in, o.column, suggest.Columns(o.column, tbl.Names())))
		}
		seen := map[string]bool{}
		for i := 0; i < col.Len(); i++ {
			if col.IsNull(i) {
				continue
			}
			v := strings.TrimSpace(col.Str(i))
			if v != "" && !seen[v] {
				seen[v] = true
				vals = append(vals, v)
			}
		}
		return vals, nil
	}
	for _, a := range args {
		if a != "-" {
			vals = append(vals, a)
			continue
		}
		// Lines are trimmed, and a UTF-8 BOM (Notepad) is not part of the first value.
		sc := bufio.NewScanner(app.In)
		for sc.Scan() {
			if t := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff")); t != "" && !strings.HasPrefix(t, "#") {
				vals = append(vals, t)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
	}
	return vals, nil
}

// Package geoipcmd holds the geoip command: geolocate IP addresses given as arguments or in a
// table column with the MaxMind databases (or IPStack), and update the databases.
package geoipcmd

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
	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/internal/cliapp"
)

type options struct {
	in       string
	column   string
	provider string
	dbDir    string
	noUpdate bool
	out      cliapp.Output
}

// New returns the geoip command and its update subcommand.
func New(app *cliapp.App) *cobra.Command {
	var o options
	cmd := &cobra.Command{
		Use:   "geoip [IP... | -] [--in FILE --column C]",
		Short: "Geolocate IP addresses (MaxMind GeoLite2/GeoIP2 databases or IPStack)",
		Long: `Geolocate IP addresses: country, state, city, coordinates, time zone and AS number.

Addresses come as arguments, one per line on stdin ("-"), or from a column of a table file
(--in FILE --column C), in which case the table is printed with the location columns added
and its rows unchanged. Private, loopback, link-local, CGNAT, multicast, documentation and
other reserved addresses are reported with their scope, not dropped.

The MaxMind databases are read from OtherProviders.GeoIPLite.Args.DBFolder (default
~/.msticpy/GeoLite2) and downloaded there when missing or older than 30 days if
OtherProviders.GeoIPLite.Args.AccountID and AuthKey are configured (see 'huntkit geoip update').
--provider ipstack uses the IPStack API with OtherProviders.IPStack.Args.AuthKey.`,
		Example: `  huntkit geoip 81.2.69.142 2001:218::1 10.0.0.1
  huntkit geoip --in signins.csv --column IPAddress -o csv --out signins_geo.csv
  tail -n +2 conns.csv | cut -d, -f3 | huntkit geoip - -o json`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return run(cmd.Context(), app, &o, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.in, "in", "", "table file (CSV, TSV, JSON lines, Parquet) whose --column holds the addresses")
	f.StringVar(&o.column, "column", "", "column of --in with the IP addresses")
	f.StringVar(&o.provider, "provider", "maxmind", "maxmind or ipstack")
	f.StringVar(&o.dbDir, "db-dir", "", "MaxMind database folder (overrides OtherProviders.GeoIPLite.Args.DBFolder)")
	f.BoolVar(&o.noUpdate, "no-update", false, "do not download missing or outdated databases")
	cliapp.AddOutputFlags(cmd, &o.out)
	cmd.AddCommand(newUpdate(app), newInfo(app))
	return cmd
}

func newInfo(app *cliapp.App) *cobra.Command {
	var dbDir string
	var out cliapp.Output
	cmd := &cobra.Command{
		Use:   "info",
		Short: "Show the MaxMind databases in use: kind, edition, build date, file age, update due",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := out.Validate(); err != nil {
				return err
			}
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			s, serr := geoip.SettingsFrom(cmd.Context(), cfg)
			if serr != nil {
				app.Warnf("%v", serr)
			}
			if dbDir != "" {
				s.DBFolder = dbDir
			}
			db, err := geoip.OpenDir(s.DBFolder)
			if err != nil {
				if errors.Is(err, geoip.ErrNoDatabase) {
					return cliapp.ConfigError(err)
				}
				return err
			}
			defer db.Close()
			infos := db.Databases()
			n := len(infos)
			kinds, types, paths := make([]string, n), make([]string, n), make([]string, n)
			built, modified := make([]time.Time, n), make([]time.Time, n)
			ages := make([]int64, n)
			due := make([]bool, n)
			maxAge := s.MaxAge
			if maxAge <= 0 {
				maxAge = geoip.DefaultMaxAge
			}
			for i, in := range infos {
				kinds[i], types[i], paths[i] = string(in.Kind), in.Type, in.Path
				built[i], modified[i] = in.BuildTime, in.ModTime
				age := time.Since(in.ModTime)
				ages[i] = int64(age.Hours() / 24)
				due[i] = age > maxAge
			}
			f := frame.MustNew(frame.NewStrings("Kind", kinds), frame.NewStrings("Edition", types),
				frame.NewTimes("Built", built), frame.NewTimes("Modified", modified), frame.NewInts("AgeDays", ages),
				frame.NewBools("UpdateDue", due), frame.NewStrings("Path", paths))
			if s.LicenseKey == "" {
				app.Infof("geoip: no MaxMind licence configured (OtherProviders.GeoIPLite.Args.AuthKey): databases are not updated automatically")
			}
			return app.WriteFrame(&out, f)
		},
	}
	cmd.Flags().StringVar(&dbDir, "db-dir", "", "database folder (overrides OtherProviders.GeoIPLite.Args.DBFolder)")
	cliapp.AddOutputFlags(cmd, &out)
	return cmd
}

func run(ctx context.Context, app *cliapp.App, o *options, args []string) error {
	if err := o.out.Validate(); err != nil {
		return err
	}
	if o.in != "" && o.column == "" {
		return cliapp.UsageError(errors.New("--in needs --column naming the column with the IP addresses"))
	}
	if o.in == "" && o.column != "" {
		return cliapp.UsageError(errors.New("--column needs --in FILE"))
	}
	if o.in != "" && len(args) > 0 {
		return cliapp.UsageError(errors.New("give IP addresses as arguments or --in FILE, not both"))
	}
	if o.in == "" && len(args) == 0 {
		return cliapp.UsageError(errors.New("no IP addresses: give them as arguments, '-' to read stdin, or --in FILE --column C"))
	}
	ips, err := collectArgs(app, args)
	if err != nil {
		return err
	}
	hk, err := app.Huntkit(ctx)
	if err != nil {
		return err
	}
	eo := huntkit.EnrichOptions{GeoIPProvider: o.provider, DBDir: o.dbDir, NoUpdate: o.noUpdate}
	var f *frame.Frame
	if o.in != "" {
		tbl, err := app.ReadTable(ctx, o.in)
		if err != nil {
			return err
		}
		f, err = hk.EnrichColumn(ctx, huntkit.EnrichGeoIP, tbl, o.column, eo)
		if f == nil {
			if errors.Is(err, huntkit.ErrBadRequest) {
				return cliapp.UsageError(fmt.Errorf("%s: %w", o.in, err))
			}
			return err
		}
	} else {
		f, err = hk.Enrich(ctx, huntkit.EnrichGeoIP, ips, eo)
		if f == nil {
			return err
		}
	}
	// A partial frame is written and then reported by WriteFrame.
	werr := app.WriteFrame(&o.out, f)
	if werr != nil && errors.Is(err, geoip.ErrAuth) {
		return cliapp.ConfigError(werr)
	}
	return werr
}

// collectArgs expands "-" into the non-empty lines of stdin.
func collectArgs(app *cliapp.App, args []string) ([]string, error) {
	var ips []string
	for _, a := range args {
		if a != "-" {
			ips = append(ips, a)
			continue
		}
		// Lines are trimmed, and a UTF-8 BOM (Notepad) is not part of the first value.
		sc := bufio.NewScanner(app.In)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			if t := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "\ufeff")); t != "" && !strings.HasPrefix(t, "#") {
				ips = append(ips, t)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read stdin: %w", err)
		}
	}
	return ips, nil
}

func report(app *cliapp.App, res []geoip.UpdateResult) {
	for _, r := range res {
		switch r.Action {
		case "downloaded":
			app.Infof("geoip: %s updated (%s, sha256 %s)", r.Edition, r.Path, r.SHA256)
		case "fresh":
			app.Infof("geoip: %s is up to date (%d days old)", r.Edition, int(r.Age.Hours()/24))
		}
	}
}

func newUpdate(app *cliapp.App) *cobra.Command {
	var force bool
	var dbDir string
	cmd := &cobra.Command{
		Use:   "update [--force]",
		Short: "Download the MaxMind databases when missing or older than 30 days",
		Long: `Download the MaxMind databases (default GeoLite2-City and GeoLite2-ASN) into
OtherProviders.GeoIPLite.Args.DBFolder when missing or older than 30 days, or always with
--force. Each archive is checked against the SHA-256 MaxMind publishes and the database is
verified before it replaces the old one. Needs OtherProviders.GeoIPLite.Args.AccountID and
AuthKey (MaxMind account ID and licence key).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := app.Config()
			if err != nil {
				return err
			}
			s, err := geoip.SettingsFrom(cmd.Context(), cfg)
			if err != nil {
				return cliapp.ConfigError(err)
			}
			if dbDir != "" {
				s.DBFolder = dbDir
			}
			if s.LicenseKey == "" {
				return cliapp.ConfigError(errors.New("geoip update: no MaxMind licence key (set OtherProviders.GeoIPLite.Args.AuthKey and AccountID)"))
			}
			res, err := s.Updater().Update(cmd.Context(), force)
			report(app, res)
			if err != nil {
				if errors.Is(err, geoip.ErrAuth) {
					return cliapp.ConfigError(err)
				}
				return err
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "download even when the databases are fresh")
	cmd.Flags().StringVar(&dbDir, "db-dir", "", "database folder (overrides OtherProviders.GeoIPLite.Args.DBFolder)")
	return cmd
}

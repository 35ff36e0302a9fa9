package workbench

import (
	"context"
	"fmt"

	"github.com/huntkit/huntkit/decode"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/geoip"
	"github.com/huntkit/huntkit/ioc"
	"github.com/huntkit/huntkit/ti"
)

// builtinEnricher runs the enrichments with the configuration of the workbench's Huntkit.
type builtinEnricher struct{ s *Server }

func (b builtinEnricher) Enrich(ctx context.Context, kind string, f *frame.Frame, column string) (*frame.Frame, error) {
	cfg, err := b.s.hk.Config()
	if err != nil {
		return nil, err
	}
	switch kind {
	case "geoip":
		st, err := geoip.LoadSettings(ctx, cfg)
		if err != nil {
			return nil, err
		}
		db, err := geoip.OpenDir(st.DBFolder)
		if err != nil {
			return nil, err
		}
		defer db.Close()
		return geoip.EnrichFrame(ctx, db, f, column)
	case "ioc":
		return ioc.ExtractFrame(f, column)
	case "decode":
		return decode.DecodeFrame(f, column)
	case "ti":
		return ti.LookupFrame(ctx, f, column, ti.WithConfig(cfg))
	}
	return nil, fmt.Errorf("%w: enrichment %s is not available in this build", errBadInput, kind)
}

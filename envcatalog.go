package huntkit

import (
	"context"
	"fmt"
	"strings"

	"github.com/huntkit/huntkit/engine"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/kql"
)

// KQLCatalog returns the catalogue to check KQL written for this environment against: the
// tables and columns the environment itself reports (Schema: a Sentinel workspace's metadata
// API, a Kusto database's schema), so custom tables and columns are known, then huntkit's
// built-in Sentinel and corpus catalogues for the tables it does not report. It also returns
// the environment's schema (for EmptyWorkspace). An environment that cannot list its tables
// is an error matching ErrNoSchema.
func (s *Session) KQLCatalog(ctx context.Context) (kql.Catalog, map[string][]frame.Field, error) {
	sch, err := s.Schema(ctx)
	if err != nil {
		return nil, nil, err
	}
	return kql.Catalogs{kql.MapCatalog(sch), kql.SentinelCatalog(), kql.CorpusCatalog()}, sch, nil
}

// EmptyWorkspace opens a new in-memory workspace with an empty table of the right shape for
// every table of the KQL corpus catalogue and of tables (which win over the corpus's), so
// compiled queries can be run to check them. The caller closes it.
func EmptyWorkspace(ctx context.Context, tables map[string][]frame.Field) (*engine.Workspace, error) {
	ws, err := CorpusWorkspace(ctx)
	if err != nil {
		return nil, err
	}
	for name, fields := range tables {
		var cols []string
		for _, f := range fields {
			typ := map[frame.Type]string{frame.String: "VARCHAR", frame.Int: "BIGINT", frame.Float: "DOUBLE", frame.Bool: "BOOLEAN",
				frame.Time: "TIMESTAMP", frame.Dynamic: "JSON"}[f.Type]
			if typ == "" {
				typ = "VARCHAR"
			}
			cols = append(cols, engine.QuoteIdent(f.Name)+" "+typ)
		}
		if len(cols) == 0 {
			continue
		}
		if err := ws.Exec(ctx, "CREATE OR REPLACE TABLE "+engine.QuoteIdent(name)+" ("+strings.Join(cols, ", ")+")"); err != nil {
			ws.Close()
			return nil, fmt.Errorf("create empty table %s: %w", name, err)
		}
	}
	return ws, nil
}

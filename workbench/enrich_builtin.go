package workbench

import (
	"context"

	huntkit "github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/frame"
)

// frontDoor runs the enrichments through the Huntkit's front door (EnrichColumn), with the
// configuration's settings. MaxMind databases are not downloaded from the workbench: it uses
// the ones in the configured folder (huntkit geoip update fetches them).
type frontDoor struct{ hk *huntkit.Huntkit }

func (d frontDoor) Enrich(ctx context.Context, kind string, f *frame.Frame, column string) (*frame.Frame, error) {
	e, err := huntkit.ParseEnrichment(kind)
	if err != nil {
		return nil, err
	}
	return d.hk.EnrichColumn(ctx, e, f, column, huntkit.EnrichOptions{NoUpdate: true})
}

// enrichmentNames lists the front door's enrichments.
func enrichmentNames() []string {
	var out []string
	for _, e := range huntkit.Enrichments() {
		out = append(out, string(e))
	}
	return out
}

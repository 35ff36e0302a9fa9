package workbench

import (
	"context"
	"errors"
	"fmt"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/entity"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/pivot"
)

// cellTypes are the entity types a selected cell is offered as, in the order tried.
var cellTypes = []entity.Type{entity.IP, entity.Host, entity.Account, entity.FileHash, entity.URL, entity.DNS}

// AddEntityPivots offers every pivot of p on the cells whose value is an entity of the
// pivot's type (an IP address, a host, an account, a hash, a URL, a domain): the same
// pivots `huntkit pivot` runs. The registry stays owned by the caller.
func (s *Server) AddEntityPivots(p *huntkit.Pivots) {
	for _, t := range cellTypes {
		for _, pv := range p.List(t) {
			t, name := t, pv.Name
			s.AddPivots(Pivot{
				Name:        t.ClassName() + "." + name,
				Description: pv.Description,
				Applies: func(_, value string) bool {
					if value == "" {
						return true
					}
					_, err := entity.Parse(t, value)
					return err == nil
				},
				Run: func(ctx context.Context, _, value string) (*frame.Frame, error) {
					return runEntityPivot(ctx, p, t, name, value)
				},
			})
		}
	}
}

// runEntityPivot runs one pivot on a value and returns its table.
func runEntityPivot(ctx context.Context, p *huntkit.Pivots, t entity.Type, name, value string) (*frame.Frame, error) {
	e, err := entity.Parse(t, value)
	if err != nil {
		return nil, err
	}
	rs, err := p.Run(ctx, e, []string{name}, pivot.Options{})
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fmt.Errorf("pivot %s: nothing ran", name)
	}
	r := rs[0]
	switch {
	case r.Err != nil:
		return r.Frame, r.Err
	case r.Skipped != "":
		return nil, errors.New(r.Pivot.Name + ": skipped (" + r.Skipped + ")")
	case r.Frame == nil:
		return frame.MustNew(), nil
	}
	return r.Frame, nil
}

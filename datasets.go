package huntkit

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"github.com/huntkit/huntkit/frame"
)

// ErrNoDatasets is returned by Datasets and Load when the environment has no dataset
// catalogue (OTRF has one).
var ErrNoDatasets = errors.New("the environment has no dataset catalogue")

// datasetLoader is the optional driver capability behind Datasets and Load.
type datasetLoader interface {
	Datasets(ctx context.Context, expr string) (*frame.Frame, error)
	Load(ctx context.Context, name string) ([]string, error)
}

func (s *Session) loader(ctx context.Context) (datasetLoader, error) {
	drv, err := s.driver(ctx)
	if err != nil {
		return nil, err
	}
	l, ok := drv.(datasetLoader)
	if !ok {
		return nil, fmt.Errorf("data environment %s: %w", s.env.Name, ErrNoDatasets)
	}
	return l, nil
}

// Datasets lists the environment's recorded datasets whose id, title, technique, tactic or
// table matches the regular expression expr ("" = all). A bad expression is an
// ErrBadRequest.
func (s *Session) Datasets(ctx context.Context, expr string) (*frame.Frame, error) {
	if _, err := regexp.Compile("(?i)" + expr); err != nil {
		return nil, badRequest(fmt.Errorf("search %q: %w", expr, err))
	}
	l, err := s.loader(ctx)
	if err != nil {
		return nil, err
	}
	return l.Datasets(ctx, expr)
}

// Load fetches (once) and imports a dataset, by id or table name, into the workspace and
// returns its table names.
func (s *Session) Load(ctx context.Context, name string) ([]string, error) {
	l, err := s.loader(ctx)
	if err != nil {
		return nil, err
	}
	return l.Load(ctx, name)
}

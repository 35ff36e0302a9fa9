package cell

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/huntkit/huntkit"
	"github.com/huntkit/huntkit/demo"
)

// DemoTenant is the tenant a new notebook starts on: `huntkit demo`'s defaults.
var DemoTenant = demo.Options{Seed: 1, Days: 14}

// session returns the current session, opening LocalData on the demo tenant the first
// time.
func (e *Evaluator) session(ctx context.Context) (*huntkit.Session, error) {
	e.mu.Lock()
	s := e.sess
	e.mu.Unlock()
	if s != nil {
		return s, nil
	}
	if err := e.loadDemo(ctx); err != nil {
		return nil, err
	}
	s, err := e.hk.Provider("LocalData")
	if err != nil {
		return nil, err
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess == nil {
		e.sess, e.env = s, s.Name()
	}
	return e.sess, nil
}

// demoDir is the folder of the demo tenant.
func (e *Evaluator) demoDir() (string, error) {
	if e.opt.DemoDir != "" {
		return e.opt.DemoDir, nil
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("demo tenant: no user cache folder (%v); start the kernel with --demo-dir", err)
	}
	t := DemoTenant
	return filepath.Join(cache, "huntkit", "demo", fmt.Sprintf("seed%d-%dd-%s", t.Seed, t.Days, demo.Small)), nil
}

// loadDemo generates (or reuses) the demo tenant and imports its tables into the workspace.
func (e *Evaluator) loadDemo(ctx context.Context) error {
	e.mu.Lock()
	loaded := e.demo != nil
	e.mu.Unlock()
	if loaded {
		return nil
	}
	dir, err := e.demoDir()
	if err != nil {
		return err
	}
	truth, _, err := demo.Ensure(ctx, dir, DemoTenant)
	if err != nil {
		return fmt.Errorf("demo tenant in %s: %w", dir, err)
	}
	for _, name := range demo.TableNames {
		files, err := demo.TableFiles(dir, name)
		if err != nil {
			return err
		}
		if _, err := e.hk.Import(ctx, files[:1], huntkit.ImportOptions{Table: name}); err != nil {
			return fmt.Errorf("demo tenant: import %s: %w", name, err)
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	e.demo = truth
	e.window = huntkit.Between(truth.Start, truth.End)
	return nil
}

// DemoDir returns the demo tenant's folder once it is loaded ("" before): its threat feed
// (demo.FeedFile) serves %ti's offline lookups in the example notebooks.
func (e *Evaluator) DemoDir() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.demo == nil {
		return ""
	}
	d, _ := e.demoDir()
	return d
}

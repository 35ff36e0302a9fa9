package query

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/huntkit/huntkit/config"
	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/suggest"
)

// Driver runs queries against one data environment.
type Driver interface {
	Query(ctx context.Context, req Request) (*frame.Frame, error)
}

// Connector is an optional Driver capability: connect (authenticate) before the first query.
type Connector interface {
	Connect(ctx context.Context) error
}

// Warner is an optional Driver capability: problems that did not stop the last query (for
// example a data file that failed to import, whose table was left out). Callers show them
// after the result.
type Warner interface {
	Warnings() []error
}

// Schemaer is an optional Driver capability: list tables and their columns.
type Schemaer interface {
	Schema(ctx context.Context) (map[string][]frame.Field, error)
}

// Templater is an optional Driver capability: templates the service keeps itself (Splunk's
// saved searches), listed and run like the library's. Environments with such a driver set
// Environment.OwnTemplates.
type Templater interface {
	Templates(ctx context.Context) ([]*Template, error)
}

// Workspace is what local drivers need from the investigation workspace. *engine.Workspace
// satisfies it, so local drivers run on the CLI's workspace.
type Workspace interface {
	Query(ctx context.Context, sql string, args ...any) (*frame.Frame, error)
	Import(ctx context.Context, table, path string) error
}

// Settings is what a driver constructor receives.
type Settings struct {
	Config    *config.Config
	DataPaths []string
	Workspace Workspace
	// Options are per-command driver options by flag name ("workspace-name", "auth",
	// "fail-on-partial", "timeout", ...); drivers ignore the ones they do not know.
	Options map[string]string
	// Progress, when set, opens a counter for a long step (chunks of a split query); the
	// front door passes its progress sink (huntkit.WithProgress). total is 0 when unknown.
	Progress func(label string, total int) Progress
}

// Progress counts items done in a long step; Done is called once at the end.
type Progress interface {
	Add(n int)
	Done()
}

// Environment describes a data environment: its names, its query language and how to make a
// Driver for it.
type Environment struct {
	Name        string
	Aliases     []string
	Description string
	Language    string  // template language ("kql", "sql", "spl", ...)
	Dialect     Dialect // how this language writes literals (safe parameter binding)
	New         func(ctx context.Context, s Settings) (Driver, error)
	Configured  func(c *config.Config) bool
	// OwnTemplates says the driver offers templates of its own once connected (a
	// Templater: Splunk's saved searches), listed with the library's when configured.
	OwnTemplates bool

	stub bool // registered by this package's table; no driver in this build
}

// Built reports whether the environment has a real driver in this build (false for the
// placeholders this package registers for environments not built yet).
func (e Environment) Built() bool { return !e.stub && e.New != nil }

// IsConfigured reports whether the configuration holds settings for the environment.
func (e Environment) IsConfigured(c *config.Config) bool {
	if e.Configured == nil {
		return false
	}
	return e.Configured(c)
}

// Names returns the name followed by the aliases.
func (e Environment) Names() []string { return append([]string{e.Name}, e.Aliases...) }

var registry struct {
	mu   sync.RWMutex
	envs map[string]*Environment // lower-case canonical name -> environment
}

// Register adds e to the registry, or replaces the environment of the same name (a provider
// package replaces this package's placeholder). Aliases of the replaced entry are kept. A nil
// Dialect is filled in from Language.
func Register(e Environment) {
	if e.Name == "" {
		panic("query.Register: environment without a name")
	}
	if e.Dialect == nil {
		e.Dialect = DialectFor(e.Language)
	}
	registry.mu.Lock()
	defer registry.mu.Unlock()
	if registry.envs == nil {
		registry.envs = map[string]*Environment{}
	}
	key := strings.ToLower(e.Name)
	if old := registry.envs[key]; old != nil {
		seen := map[string]bool{strings.ToLower(e.Name): true}
		var al []string
		for _, a := range append(append([]string{}, e.Aliases...), old.Aliases...) {
			if !seen[strings.ToLower(a)] {
				seen[strings.ToLower(a)] = true
				al = append(al, a)
			}
		}
		e.Aliases = al
		if e.Description == "" {
			e.Description = old.Description
		}
		if e.Configured == nil {
			e.Configured = old.Configured
		}
	}
	// An alias claimed by another environment moves to the newcomer.
	for _, a := range e.Aliases {
		la := strings.ToLower(a)
		for k, other := range registry.envs {
			if k == key {
				continue
			}
			if strings.ToLower(other.Name) == la {
				continue // a canonical name is never taken over
			}
			kept := other.Aliases[:0:0]
			for _, oa := range other.Aliases {
				if strings.ToLower(oa) != la {
					kept = append(kept, oa)
				}
			}
			other.Aliases = kept
		}
	}
	registry.envs[key] = &e
}

// LookupEnv finds an environment by name or alias, case-insensitively. An unknown name gives a
// *NotFoundError (errors.Is ErrUnknownEnv) that suggests the closest names.
func LookupEnv(name string) (Environment, error) {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	ln := strings.ToLower(strings.TrimSpace(name))
	if e := registry.envs[ln]; e != nil {
		return *e, nil
	}
	var all []string
	for _, e := range registry.envs {
		for _, a := range e.Aliases {
			if strings.ToLower(a) == ln {
				return *e, nil
			}
		}
		all = append(all, e.Names()...)
	}
	sort.Strings(all)
	return Environment{}, &NotFoundError{Kind: kindEnv, Name: name, Suggestions: suggest.Ranked(name, all, 3)}
}

// CanonicalEnv returns the registered name for an environment name or alias, or name itself
// when it is not registered.
func CanonicalEnv(name string) string {
	if e, err := LookupEnv(name); err == nil {
		return e.Name
	}
	return name
}

// Environments returns every registered environment, sorted by name.
func Environments() []Environment {
	registry.mu.RLock()
	defer registry.mu.RUnlock()
	out := make([]Environment, 0, len(registry.envs))
	for _, e := range registry.envs {
		out = append(out, *e)
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
	return out
}

// NotBuiltError is returned by the placeholder constructors of environments that have no
// driver in this build. It matches ErrNotBuilt.
type NotBuiltError struct{ Env string }

// Error implements the error interface.
func (e *NotBuiltError) Error() string {
	return fmt.Sprintf("data environment %s: %v", e.Env, ErrNotBuilt)
}

// Is matches ErrNotBuilt.
func (e *NotBuiltError) Is(target error) bool { return target == ErrNotBuilt }

// knownEnvs are msticpy's data environments with their aliases. Each is registered as a
// placeholder; the provider package that implements it replaces the entry from its init().
var knownEnvs = []struct {
	name, lang, desc string
	aliases          []string
	configured       func(c *config.Config) bool
}{
	{"MSSentinel", "kql", "Microsoft Sentinel / Log Analytics workspaces (KQL)",
		[]string{"AzureSentinel", "LogAnalytics", "MSSentinel_New", "MSSentinel_Legacy", "MSSentinel_KQLM"},
		func(c *config.Config) bool { return len(c.Names("AzureSentinel.Workspaces")) > 0 }},
	{"MSSentinelSearch", "kql", "Microsoft Sentinel search jobs (KQL)", nil,
		func(c *config.Config) bool { return len(c.Names("AzureSentinel.Workspaces")) > 0 }},
	{"Kusto", "kql", "Azure Data Explorer clusters (KQL)",
		[]string{"AzureDataExplorer", "Kusto_New", "Kusto_Legacy", "Kusto_KQLM"},
		func(c *config.Config) bool {
			return len(c.Names("KustoClusters")) > 0 || c.IsSet("DataProviders.Kusto")
		}},
	{"MDE", "kql", "Microsoft Defender for Endpoint advanced hunting (KQL)", []string{"MDATP"},
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.MicrosoftDefender") || c.IsSet("DataProviders.MDE") || c.IsSet("DataProviders.MDATP")
		}},
	{"M365D", "kql", "Microsoft 365 Defender advanced hunting (KQL)", nil,
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.M365D") || c.IsSet("DataProviders.MicrosoftDefender")
		}},
	{"M365DGraph", "kql", "Microsoft 365 Defender hunting through Microsoft Graph (KQL)", nil,
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.M365DGraph") || c.IsSet("DataProviders.MicrosoftGraph")
		}},
	{"MSGraph", "odata", "Microsoft Graph security API (OData filters)", []string{"SecurityGraph"},
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.MicrosoftGraph") || c.IsSet("DataProviders.SecurityGraph")
		}},
	{"ResourceGraph", "kql", "Azure Resource Graph (KQL)", nil,
		func(c *config.Config) bool { return c.IsSet("DataProviders.ResourceGraph") || c.IsSet("Azure") }},
	{"Splunk", "spl", "Splunk (SPL)", nil,
		func(c *config.Config) bool { return c.IsSet("DataProviders.Splunk") }},
	{"Elastic", "lucene", "Elasticsearch (Lucene query strings)", nil,
		func(c *config.Config) bool { return c.IsSet("DataProviders.Elastic") }},
	{"Sumologic", "sumo", "Sumo Logic (search language)", []string{"SumoLogic"},
		func(c *config.Config) bool { return c.IsSet("DataProviders.Sumologic") }},
	{"Cybereason", "json", "Cybereason (JSON query)", nil,
		func(c *config.Config) bool { return c.IsSet("DataProviders.Cybereason") }},
	{"LocalData", "kql", "local files (CSV, JSON lines, Parquet) on the embedded engine", nil,
		func(c *config.Config) bool { return len(c.DataPaths()) > 0 }},
	{"OTRF", "kql", "OTRF Security-Datasets (formerly Mordor) as local tables", []string{"Mordor"},
		func(c *config.Config) bool { return c.IsSet("DataProviders.Mordor") || c.IsSet("DataProviders.OTRF") }},
	{"Velociraptor", "kql", "Velociraptor collection logs as local tables", []string{"VelociraptorLogs"},
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.VelociraptorLogs") || c.IsSet("DataProviders.Velociraptor")
		}},
	{"OSQueryLogs", "kql", "osquery result logs as local tables", []string{"OSQuery"},
		func(c *config.Config) bool {
			return c.IsSet("DataProviders.OSQueryLogs") || c.IsSet("DataProviders.OSQuery")
		}},
	{"Prismacloud", "json", "Prisma Cloud (RQL / JSON)", nil,
		func(c *config.Config) bool { return c.IsSet("DataProviders.Prismacloud") }},
}

func init() {
	for _, k := range knownEnvs {
		name := k.name
		registerStub(Environment{
			Name: name, Aliases: k.aliases, Description: k.desc, Language: k.lang,
			Dialect:    DialectFor(k.lang),
			Configured: k.configured,
			New: func(context.Context, Settings) (Driver, error) {
				return nil, &NotBuiltError{Env: name}
			},
			stub: true,
		})
	}
}

// registerStub registers a placeholder unless a provider registered the environment already.
func registerStub(e Environment) {
	registry.mu.RLock()
	old := registry.envs[strings.ToLower(e.Name)]
	registry.mu.RUnlock()
	if old != nil {
		// keep the provider's entry; add the known aliases
		e2 := *old
		e2.Aliases = append(append([]string{}, old.Aliases...), e.Aliases...)
		Register(e2)
		return
	}
	Register(e)
}

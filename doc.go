// Package huntkit is the front door to huntkit as a Go library: what the huntkit command
// does, a Go program or a notebook does through this package.
//
// Open finds the configuration the way the command does (--config, HUNTKIT_CONFIG,
// MSTICPYCONFIG, the working folder, the home folder) or takes one given with WithConfig,
// and holds one investigation workspace (in memory, or a DuckDB file with
// WithWorkspaceFile). Provider returns a Session for one data environment, named as in
// msticpy ("MSSentinel", "LocalData", "OTRF", ... and their aliases):
//
//	hk, err := huntkit.Open(ctx)
//	...
//	defer hk.Close()
//	s, err := hk.Provider("LocalData", huntkit.WithData("./data"))
//	...
//	f, err := s.Run(ctx, "WindowsSecurity.list_host_logons", huntkit.Params{"host_name": "web01", "start": "-7d"})
//
// A Session owns the driver's optional capabilities (connect, warnings, close): Run renders
// a query template with safely bound parameters (msticpy time expressions such as "-3d@d"
// accepted for datetime parameters) and runs it; Query runs ad-hoc KQL or SQL; Queries and
// Help browse the template library; Schema lists tables; Save keeps a result in the
// workspace. Several sessions may be open at once, on one Huntkit or on several.
//
// Results are frame.Frame values; the enrichment packages (ioc, decode, ti, geoip, whois,
// proctree, vis) take and return Frames, so they compose with what a Session returns.
//
// Errors wrap the sentinels of the packages below (query.ErrUnknownEnv, query.ErrNotBuilt,
// config.ErrInvalid, engine.ErrSQL, ...) and this package's ErrBadRequest (the caller's
// request is at fault: bad parameters, window or template name) and ErrConfig (the
// configuration could not be read).
package huntkit

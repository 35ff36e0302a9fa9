// Package query holds huntkit's query templates and data environments.
//
// # Templates
//
// Templates use msticpy's YAML format unchanged: a file has metadata (version, description,
// data_environments, data_families, tags, and optional cluster/database keys), defaults
// (metadata and parameters shared by every source) and sources. Each source has a description,
// optional metadata (overriding the file's, e.g. its own data_families), args.query (the query
// text with Python str.format placeholders such as {host_name}, and {{ }} for literal braces),
// parameters (type str, datetime, int, float, list or bool; default; aliases; description) and
// query_macros, whose $<name>$ references are expanded before the placeholders are filled.
// A template is known as Family.name in each of its data families, and is indexed under each
// of its data environments (names and aliases resolve through the registry).
//
// Load templates with ParseFile, LoadFS (embedded folders) or LoadDir, index them in a Store,
// find them with Store.Lookup or Store.Search, and fill them with Template.Render.
//
// # Safe parameter binding
//
// Each data environment names a Dialect that knows how its language writes string literals,
// quoted identifiers and comments. Render scans the query text around every placeholder with
// the dialect's scanner and binds each value by this rule:
//
//   - A value placed inside a literal — a quoted string ('...' or "..." in KQL, '...' in SQL,
//     a verbatim @"..." string, a quoted identifier, a comment) — is escaped for that literal,
//     so it can never end it. x" | union SecurityEvent | where "1"=="1 bound into
//     Computer has "{host_name}" stays one string. A value that a literal has no way to hold
//     (a backtick in a KQL ``` block, a line break in a KQL @"..." string) is refused with
//     ErrUnsafeValue.
//   - Outside literals, datetime, int, float, bool and list values are validated against the
//     declared type and written as literals of that type (a list becomes "a", "b" in KQL and
//     'a', 'b' in SQL, each item escaped), so a number parameter can only hold a number.
//   - str values outside literals are query code. This covers the parameters that are code
//     fragments by design (add_query_items, table, query_project, event_filter,
//     subscription_filter; see CodeParams) and any other str parameter a template places
//     outside quotes (such as msticpy's host_op operator). Only give such parameters values you
//     would type into the query yourself.
//   - Template defaults are template text: the author wrote them for the place they go (for
//     example path_separator: '\\' inside "..."), so they are inserted as written.
//
// # Time expressions
//
// Datetime parameters accept ISO-8601 dates and times, "now", relative offsets with units and
// rounding ("-3d@d", "-2h", "-30m@h") and plain numbers of days; see ParseTime. The datetime
// parameters start and end default to the window end = now, start = end - 1 day unless the
// template gives a default.
//
// # Data environments
//
// A Driver runs a Request (query text, language, window) and returns a frame.Frame. Provider
// packages Register their Environment from init(); this package registers a placeholder for
// each of msticpy's environments (MSSentinel, Kusto, MDE, M365D, MSGraph, ResourceGraph,
// Splunk, Elastic, Sumologic, Cybereason, LocalData, OTRF, ...) whose constructor returns
// ErrNotBuilt until the real provider replaces it. LookupEnv resolves names and aliases
// case-insensitively and suggests the closest names for unknown ones.
package query

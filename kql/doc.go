// Package kql parses Kusto Query Language (KQL) text and compiles it to DuckDB SQL with
// KQL's semantics, so that Sentinel hunting queries and templates run on local data.
//
// The pipeline is Parse (lexer and recursive-descent parser producing an AST whose nodes
// carry byte spans into the source), Format (a printer that turns the AST back into KQL) and
// Compile (a translator that tracks the schema of every intermediate table through each
// tabular operator and emits one DuckDB SELECT statement). Parse and Format live in the
// subpackage syntax (kql.Parse and kql.Format forward to it); this package holds the
// compiler and the schema catalogues.
//
// Semantics follow the Kusto documentation: == compares strings case-sensitively and =~
// insensitively, has matches whole terms (runs of ASCII letters and digits), timespans map
// to INTERVAL, bin() on datetimes aligns to the Unix epoch, integer division truncates,
// and result columns get the names Kusto gives them (count_, dcount_X, max_X, ...).
// Operators and functions that are not implemented yet are reported by name instead of
// being translated approximately.
package kql

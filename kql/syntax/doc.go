// Package syntax is the syntax half of KQL support: the lexer, the recursive-descent
// parser producing an AST whose nodes carry byte spans into the source, and the printer
// that turns an AST back into canonical KQL (Format). It knows nothing of schemas or SQL;
// package kql compiles its trees to DuckDB SQL.
//
// Errors are *Error values with the line and column of the offending token. Parse never
// panics: an unexpected failure inside it is returned as an *Error wrapping ErrInternal.
package syntax

package kql

import (
	"errors"
	"fmt"

	"github.com/huntkit/huntkit/internal/suggest"
	"github.com/huntkit/huntkit/kql/syntax"
)

// ErrUnsupported is wrapped by errors for KQL operators and functions that the compiler
// does not translate yet. Test with errors.Is.
var ErrUnsupported = errors.New("not supported")

// ErrUnknownName is wrapped by errors for unknown tables, columns and functions.
var ErrUnknownName = errors.New("unknown name")

// ErrLimit is wrapped by errors for queries whose translation exceeds a compile limit
// (size of the generated SQL, nesting of views, lets and functions); see WithMaxSQLSize
// and WithMaxNesting.
var ErrLimit = errors.New("compile limit exceeded")

// ErrInternal is wrapped by the error returned when the parser or the compiler fails
// unexpectedly (a bug in kql): the input is refused instead of crashing the caller.
var ErrInternal = syntax.ErrInternal

// Error is a syntax or semantic error at a position of the query text (see syntax.Error).
type Error = syntax.Error

func newError(src string, off int, cause error, format string, args ...any) *Error {
	return syntax.NewError(src, off, cause, format, args...)
}

func didYouMean(name string, candidates []string) string {
	if c := suggest.Closest(name, candidates); c != "" && c != name {
		return fmt.Sprintf(" (did you mean %q?)", c)
	}
	return ""
}

// internalError turns an unexpected panic of the parser or the compiler into an error,
// the last line of defence against a crash on hostile input.
func internalError(src, stage string, r any) *Error {
	return syntax.InternalError(src, stage, r)
}

package syntax

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInternal is wrapped by the error returned when the parser or the compiler fails
// unexpectedly (a bug): the input is refused instead of crashing the caller.
var ErrInternal = errors.New("internal error in kql")

// ErrSeveralQueries is wrapped by the parse error for text that holds several queries
// separated by blank lines; Split cuts such text into its queries.
var ErrSeveralQueries = errors.New("several queries")

// Error is a syntax or semantic error at a position of the query text.
type Error struct {
	Line, Col int    // 1-based position of the offending token
	Msg       string // what is wrong
	Offset    int    // byte offset into the source
	Src       string // the query text (for Context); may be empty
	Err       error  // optional wrapped cause (ErrUnsupported, ErrUnknownName)
}

// Error formats the error as "line:col: msg".
func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Unwrap returns the wrapped cause.
func (e *Error) Unwrap() error { return e.Err }

// Context returns the source line of the error followed by a caret line pointing at the
// column, or "" when the source is unknown.
func (e *Error) Context() string {
	if e.Src == "" || e.Line < 1 {
		return ""
	}
	lines := strings.Split(e.Src, "\n")
	if e.Line > len(lines) {
		return ""
	}
	line := strings.TrimRight(lines[e.Line-1], "\r")
	pad := make([]byte, 0, e.Col)
	for i := 0; i < e.Col-1 && i < len(line); i++ {
		if line[i] == '\t' {
			pad = append(pad, '\t')
		} else {
			pad = append(pad, ' ')
		}
	}
	return line + "\n" + string(pad) + "^"
}

// Detailed returns the error message followed by its source context.
func (e *Error) Detailed() string {
	if c := e.Context(); c != "" {
		return e.Error() + "\n" + c
	}
	return e.Error()
}

// position converts a byte offset into a 1-based line and column (columns count runes).
func position(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line, col = 1, 1
	for _, r := range src[:off] {
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// NewError returns an *Error at byte offset off of src.
func NewError(src string, off int, cause error, format string, args ...any) *Error {
	l, c := position(src, off)
	return &Error{Line: l, Col: c, Msg: fmt.Sprintf(format, args...), Offset: off, Src: src, Err: cause}
}

// InternalError turns an unexpected panic of a stage (parser, compiler) into an error,
// the last line of defence against a crash on hostile input.
func InternalError(src, stage string, r any) *Error {
	return &Error{Line: 1, Col: 1, Src: src, Err: ErrInternal,
		Msg: fmt.Sprintf("internal error in kql %s: %v (please report this query)", stage, r)}
}

func newError(src string, off int, cause error, format string, args ...any) *Error {
	return NewError(src, off, cause, format, args...)
}

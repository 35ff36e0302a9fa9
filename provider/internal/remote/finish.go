package remote

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/provider/internal/rows"
)

// Describe names a decoding failure: an answer cut inside a value (io.ErrUnexpectedEOF) says
// so; a syntax error, an answer of the wrong shape or one that ends too early is
// ErrMalformed. Other errors are returned as they are.
func Describe(cause error) error {
	var se *jsontext.SyntacticError
	switch {
	case cause == nil:
		return nil
	case errors.Is(cause, io.ErrUnexpectedEOF):
		return fmt.Errorf("the answer ended in the middle: %w", cause)
	case errors.As(cause, &se), errors.Is(cause, rows.ErrShape), errors.Is(cause, io.EOF):
		return fmt.Errorf("%w: %v", ErrMalformed, cause)
	}
	return cause
}

// Finish ends a paged or streamed read: without a cause, the rows; a cause before any row is
// the error; after rows, the Frame is returned flagged partial (frame.Partial matches
// ErrPartial and the cause).
func Finish(service string, c *rows.Collector, cause error) (*frame.Frame, error) {
	cause = Describe(cause)
	if cause != nil && c.Len() == 0 {
		return nil, fmt.Errorf("%s: %w", service, cause)
	}
	f, err := c.Frame()
	if err != nil {
		return nil, err
	}
	if cause != nil {
		f.SetPartial(fmt.Errorf("%s: %w after %d rows: %w", service, ErrPartial, f.Len(), cause))
	}
	return f, nil
}

// CtxErr prefers the context's error (timeout, Ctrl-C) over the read error it caused.
func CtxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

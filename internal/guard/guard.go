// Package guard turns an unexpected panic into an error, so that no input makes huntkit print
// a Go stack trace: the command line, the kernel and the workbench run each unit of work
// (a command, a cell, a request) through Run and report the error as one line.
package guard

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
)

// ErrInternal is wrapped by the errors Run returns for a recovered panic.
var ErrInternal = errors.New("internal error")

// InternalError is a panic recovered by Run: a bug in huntkit, not a problem with the input.
type InternalError struct {
	// Where names the unit of work that panicked, for example "huntkit query".
	Where string
	// Value is what was passed to panic.
	Value any
	// Frame is the function and line that panicked ("" when unknown), for bug reports.
	Frame string
}

func (e *InternalError) Error() string {
	v := fmt.Sprint(e.Value)
	if i := strings.IndexAny(v, "\r\n"); i >= 0 {
		v = v[:i]
	}
	msg := "internal error in " + e.Where + ": " + strings.TrimSpace(v)
	if e.Frame != "" {
		msg += " (at " + e.Frame + ")"
	}
	return msg
}

// Unwrap makes errors.Is(err, ErrInternal) true, and reaches an error value passed to panic.
func (e *InternalError) Unwrap() []error {
	if err, ok := e.Value.(error); ok {
		return []error{ErrInternal, err}
	}
	return []error{ErrInternal}
}

// Run calls fn and returns its error; a panic in fn (on this goroutine) is recovered and
// returned as an *InternalError naming where. runtime.Goexit is not intercepted.
func Run(where string, fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &InternalError{Where: where, Value: v, Frame: panicFrame()}
		}
	}()
	return fn()
}

// panicFrame finds the first frame outside the runtime and this package: where the panic
// happened.
func panicFrame() string {
	pcs := make([]uintptr, 32)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if f.Function != "" && !strings.HasPrefix(f.Function, "runtime.") && !strings.Contains(f.Function, "/internal/guard.Run") && !strings.Contains(f.Function, "/internal/guard.panicFrame") {
			name := f.Function
			if i := strings.LastIndexByte(name, '/'); i >= 0 {
				name = name[i+1:]
			}
			file := f.File
			if i := strings.LastIndexByte(file, '/'); i >= 0 {
				file = file[i+1:]
			}
			return fmt.Sprintf("%s %s:%d", name, file, f.Line)
		}
		if !more {
			return ""
		}
	}
}

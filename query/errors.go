package query

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. The typed errors below wrap or match them, so callers can test with errors.Is.
var (
	// ErrUnknownEnv reports an environment name that is not registered.
	ErrUnknownEnv = errors.New("unknown data environment")
	// ErrUnknownTemplate reports a template name that is not in the store.
	ErrUnknownTemplate = errors.New("unknown query template")
	// ErrNotBuilt reports an environment whose driver is not part of this build yet.
	ErrNotBuilt = errors.New("driver not built yet")
	// ErrMissingParams reports required template parameters that were not given.
	ErrMissingParams = errors.New("missing required parameters")
	// ErrParamType reports a parameter value that does not match its declared type.
	ErrParamType = errors.New("parameter has the wrong type")
	// ErrUnknownParam reports a parameter that the template does not declare.
	ErrUnknownParam = errors.New("unknown parameter")
	// ErrTemplateSyntax reports a malformed template (bad placeholder, bad YAML structure).
	ErrTemplateSyntax = errors.New("template syntax error")
	// ErrUnsafeValue reports a value that cannot be written safely inside the literal around it
	// (for example a KQL multi-line ``` string containing ```).
	ErrUnsafeValue = errors.New("value cannot be bound safely")
	// ErrBadWindow reports a query window whose start is after its end.
	ErrBadWindow = errors.New("bad query window")
	// ErrAmbiguous reports a template name defined in several environments when none was named.
	ErrAmbiguous = errors.New("ambiguous template name")
)

// NotFoundError reports an unknown environment or template together with the closest known names.
// It matches ErrUnknownEnv or ErrUnknownTemplate with errors.Is.
type NotFoundError struct {
	Kind        string // "data environment" or "query template"
	Name        string
	Env         string // for templates: the environment searched ("" = all)
	Suggestions []string

	tmpl string   // for parameters: the template
	all  []string // for parameters: every unknown name
}

// Error implements the error interface.
func (e *NotFoundError) Error() string {
	var b strings.Builder
	if e.Kind == kindParam {
		fmt.Fprintf(&b, "template %s: unknown parameter", e.tmpl)
		if len(e.all) > 1 {
			b.WriteString("s")
		}
		fmt.Fprintf(&b, " %s", strings.Join(e.all, ", "))
		if len(e.Suggestions) > 0 {
			fmt.Fprintf(&b, "; did you mean %s?", strings.Join(e.Suggestions, ", "))
		}
		return b.String()
	}
	fmt.Fprintf(&b, "unknown %s %q", e.Kind, e.Name)
	if e.Env != "" {
		fmt.Fprintf(&b, " for environment %s", e.Env)
	}
	if len(e.Suggestions) > 0 {
		fmt.Fprintf(&b, "; did you mean %s?", strings.Join(e.Suggestions, ", "))
	}
	return b.String()
}

// Is matches the sentinel for the kind of name.
func (e *NotFoundError) Is(target error) bool {
	switch e.Kind {
	case kindEnv:
		return target == ErrUnknownEnv
	case kindTemplate:
		return target == ErrUnknownTemplate
	case kindParam:
		return target == ErrUnknownParam
	}
	return false
}

const (
	kindEnv      = "data environment"
	kindTemplate = "query template"
	kindParam    = "parameter"
)

// MissingParamsError lists every required parameter that was not given, at once.
type MissingParamsError struct {
	Template string
	Names    []string
}

// Error implements the error interface.
func (e *MissingParamsError) Error() string {
	return fmt.Sprintf("template %s: missing required parameters: %s (give them with --param name=value)",
		e.Template, strings.Join(e.Names, ", "))
}

// Is matches ErrMissingParams.
func (e *MissingParamsError) Is(target error) bool { return target == ErrMissingParams }

// ParamTypeError reports a value that does not match the declared parameter type.
type ParamTypeError struct {
	Template string
	Param    string
	Expected string // the declared type, or a description such as "an int (placed outside quotes)"
	Value    string
	Err      error // the underlying parse error, if any
}

// Error implements the error interface.
func (e *ParamTypeError) Error() string {
	s := fmt.Sprintf("template %s: parameter %q expects %s, got %q", e.Template, e.Param, e.Expected, e.Value)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Is matches ErrParamType.
func (e *ParamTypeError) Is(target error) bool { return target == ErrParamType }

// Unwrap returns the underlying parse error.
func (e *ParamTypeError) Unwrap() error { return e.Err }

// SyntaxError reports a problem at a position in a template file or query text.
// File and Line locate the YAML node; QueryLine and QueryCol (1-based, when set) locate the
// problem inside the query text.
type SyntaxError struct {
	File      string
	Line      int
	Template  string
	QueryLine int
	QueryCol  int
	Msg       string
}

// Error implements the error interface.
func (e *SyntaxError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		if e.Line > 0 {
			fmt.Fprintf(&b, ":%d", e.Line)
		}
		b.WriteString(": ")
	}
	if e.Template != "" {
		fmt.Fprintf(&b, "template %s: ", e.Template)
	}
	if e.QueryLine > 0 {
		fmt.Fprintf(&b, "query %d:%d: ", e.QueryLine, e.QueryCol)
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Is matches ErrTemplateSyntax.
func (e *SyntaxError) Is(target error) bool { return target == ErrTemplateSyntax }

// UnsafeValueError reports a value that cannot be escaped for the literal it is placed in.
type UnsafeValueError struct {
	Template string
	Param    string
	Context  string
	Reason   string
}

// Error implements the error interface.
func (e *UnsafeValueError) Error() string {
	return fmt.Sprintf("template %s: parameter %q cannot be placed inside a %s: %s", e.Template, e.Param, e.Context, e.Reason)
}

// Is matches ErrUnsafeValue.
func (e *UnsafeValueError) Is(target error) bool { return target == ErrUnsafeValue }

// lineCol converts a byte offset in s to a 1-based line and column.
func lineCol(s string, off int) (int, int) {
	if off > len(s) {
		off = len(s)
	}
	line, col := 1, 1
	for i := 0; i < off; i++ {
		if s[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// Package demo generates huntkit's offline demo tenant: a small simulated organisation
// (Windows workstations and servers, Linux servers, user and service accounts) observed
// for a number of days through tables shaped like Microsoft Sentinel and Defender XDR
// tables (SecurityEvent, DeviceProcessEvents, SigninLogs, Syslog, CommonSecurityLog, ...),
// with realistic background noise and one planted multi-stage intrusion.
//
// Generation is deterministic: the same Options give the same rows, and Write gives the
// same bytes. The planted intrusion is described by a GroundTruth (written as
// ground_truth.json) that lists every planted stage, its events and its indicators.
package demo

import (
	"errors"
	"fmt"
	"time"
)

// Size selects the data volume.
type Size string

// Sizes.
const (
	Small Size = "small" // a few hundred thousand rows; the interactive demo
	Large Size = "large" // about five million events; for benchmarks
)

// ErrOptions reports invalid generator options.
var ErrOptions = errors.New("invalid demo options")

// DefaultStart is the first simulated day (a Monday, 00:00 UTC) when Options.Start is zero.
var DefaultStart = time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)

// Options configure the generator. The zero value is usable: seed 0, 14 days, small.
type Options struct {
	Seed  uint64
	Days  int       // simulated days; 0 means 14
	Size  Size      // Small (default) or Large
	Start time.Time // first day; zero means DefaultStart. Truncated to a UTC day.
}

// normalized returns the options with defaults filled in, or an error wrapping ErrOptions.
func (o Options) normalized() (Options, error) {
	if o.Days == 0 {
		o.Days = 14
	}
	if o.Days < 3 || o.Days > 366 {
		return o, fmt.Errorf("%w: days %d out of range 3..366", ErrOptions, o.Days)
	}
	switch o.Size {
	case "":
		o.Size = Small
	case Small, Large:
	default:
		return o, fmt.Errorf("%w: size %q (want small or large)", ErrOptions, o.Size)
	}
	if o.Start.IsZero() {
		o.Start = DefaultStart
	}
	o.Start = o.Start.UTC().Truncate(24 * time.Hour)
	return o, nil
}

// ParseSize reads "small" or "large".
func ParseSize(s string) (Size, error) {
	switch Size(s) {
	case Small, Large:
		return Size(s), nil
	}
	return "", fmt.Errorf("%w: size %q (want small or large)", ErrOptions, s)
}

package frame

import (
	"fmt"
	"strings"
	"time"
)

// FormatTimespan writes a duration the way Kusto prints a timespan:
// [-][d.]hh:mm:ss[.fffffff] (seven fractional digits, 100 ns ticks).
func FormatTimespan(d time.Duration) string {
	var sb strings.Builder
	if d < 0 {
		sb.WriteByte('-')
		d = -d
	}
	days := d / (24 * time.Hour)
	d -= days * 24 * time.Hour
	h := d / time.Hour
	d -= h * time.Hour
	m := d / time.Minute
	d -= m * time.Minute
	s := d / time.Second
	d -= s * time.Second
	if days > 0 {
		fmt.Fprintf(&sb, "%d.", days)
	}
	fmt.Fprintf(&sb, "%02d:%02d:%02d", h, m, s)
	if d > 0 {
		fmt.Fprintf(&sb, ".%07d", d/100)
	}
	return sb.String()
}

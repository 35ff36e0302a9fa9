package ti

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"golang.org/x/time/rate"
)

// ConfigSource is the part of *config.Config the framework reads: msticpy's TIProviders
// section. *config.Config satisfies it.
type ConfigSource interface {
	Lookup(keyPath string) (any, bool)
	Names(section string) []string
	Secret(ctx context.Context, keyPath string) (string, error)
}

// Section is the configuration section providers are read from.
const Section = "TIProviders"

// Settings is what a provider's constructor receives.
type Settings struct {
	Name      string // registered provider name
	Entry     string // entry name under TIProviders (often equal to Name)
	ConfigKey string // "TIProviders.<Entry>", for messages
	AuthKey   string // Args.AuthKey (resolved secret)
	APIID     string // Args.ApiID (resolved secret)
	BaseURL   string // Args.BaseURL, "" => the service's public URL
	// Args holds every Args value except the secrets, keys as written.
	Args map[string]any
	// HTTP is the provider's rate-limited, retrying client.
	HTTP *HTTP
	// CacheDir is a private directory the provider may keep downloads in ("" => none).
	CacheDir string
}

// Arg returns Args[name] as text (case-insensitive name).
func (s Settings) Arg(name string) (string, bool) {
	for k, v := range s.Args {
		if strings.EqualFold(k, name) && v != nil {
			return fmt.Sprint(v), true
		}
	}
	return "", false
}

// BoolArg returns Args[name] as a bool (true/false/yes/no/1/0), def when absent.
func (s Settings) BoolArg(name string, def bool) bool {
	v, ok := s.Arg(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "true", "yes", "1", "on":
		return true
	case "false", "no", "0", "off":
		return false
	}
	return def
}

// URL returns BaseURL (without a trailing slash) or def.
func (s Settings) URL(def string) string {
	u := s.BaseURL
	if u == "" {
		u = def
	}
	return strings.TrimRight(u, "/")
}

// RequireKey returns an ErrNotConfigured error naming the key when AuthKey is empty.
func (s Settings) RequireKey() error {
	if s.AuthKey == "" {
		return fmt.Errorf("%s: %w: set %s.Args.AuthKey", s.Name, ErrNotConfigured, s.ConfigKey)
	}
	return nil
}

// Rate is a request rate: N requests per Per. The zero Rate means unlimited.
type Rate struct {
	N   int
	Per time.Duration
}

// PerSecond, PerMinute, PerHour and PerDay build Rates.
func PerSecond(n int) Rate { return Rate{n, time.Second} }

// PerMinute returns n requests a minute.
func PerMinute(n int) Rate { return Rate{n, time.Minute} }

// PerHour returns n requests an hour.
func PerHour(n int) Rate { return Rate{n, time.Hour} }

// PerDay returns n requests a day.
func PerDay(n int) Rate { return Rate{n, 24 * time.Hour} }

// Unlimited reports whether r sets no limit.
func (r Rate) Unlimited() bool { return r.N <= 0 || r.Per <= 0 }

// String formats r as "N/unit".
func (r Rate) String() string {
	if r.Unlimited() {
		return "unlimited"
	}
	switch r.Per {
	case time.Second:
		return fmt.Sprintf("%d/s", r.N)
	case time.Minute:
		return fmt.Sprintf("%d/min", r.N)
	case time.Hour:
		return fmt.Sprintf("%d/hour", r.N)
	case 24 * time.Hour:
		return fmt.Sprintf("%d/day", r.N)
	case 7 * 24 * time.Hour:
		return fmt.Sprintf("%d/week", r.N)
	case 30 * 24 * time.Hour:
		return fmt.Sprintf("%d/month", r.N)
	}
	return fmt.Sprintf("%d/%s", r.N, r.Per)
}

// Limiter returns a token bucket refilling at N per Per. The burst is burst when > 0, else
// 1 for windows of a minute or less (requests evenly spaced, so no sliding window ever sees
// more than N+1) and N for longer quotas (hour, day, month: the quota may be spent at once,
// then refills evenly). The limiter lives in one process; it does not remember earlier runs.
func (r Rate) Limiter(burst int) *rate.Limiter {
	if r.Unlimited() {
		return nil
	}
	b := r.N
	if r.Per <= time.Minute {
		b = 1
	}
	if burst > 0 {
		b = burst
	}
	return rate.NewLimiter(rate.Limit(float64(r.N)/r.Per.Seconds()), b)
}

// ParseRate parses "N/s", "N/sec", "N/min", "N/hour", "N/day", "N/week", "N/month",
// "N/<Go duration>" (e.g. "5/10s"), a bare number (per second), or "unlimited"/"0".
func ParseRate(s string) (Rate, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" || s == "unlimited" || s == "none" || s == "0" {
		return Rate{}, nil
	}
	num, unit, hasUnit := strings.Cut(s, "/")
	num = strings.TrimSpace(num)
	if !hasUnit {
		f, err := strconv.ParseFloat(num, 64)
		if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
			return Rate{}, fmt.Errorf("rate %q: want N/s, N/min, N/hour, N/day or a number per second", s)
		}
		// Fractional per-second rates become per-hour counts.
		if f == math.Trunc(f) {
			return Rate{int(f), time.Second}, nil
		}
		return Rate{int(math.Round(f * 3600)), time.Hour}, nil
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < 0 {
		return Rate{}, fmt.Errorf("rate %q: count %q is not a whole number", s, num)
	}
	var per time.Duration
	switch strings.TrimSpace(unit) {
	case "s", "sec", "second":
		per = time.Second
	case "m", "min", "minute":
		per = time.Minute
	case "h", "hr", "hour":
		per = time.Hour
	case "d", "day":
		per = 24 * time.Hour
	case "w", "week":
		per = 7 * 24 * time.Hour
	case "mo", "month":
		per = 30 * 24 * time.Hour
	default:
		d, err := time.ParseDuration(strings.TrimSpace(unit))
		if err != nil || d <= 0 {
			return Rate{}, fmt.Errorf("rate %q: unknown unit %q (s, min, hour, day, week, month or a duration)", s, unit)
		}
		per = d
	}
	return Rate{n, per}, nil
}

// parseDurationArg parses "30s"-style durations, or a bare number of seconds.
func parseDurationArg(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if f, err := strconv.ParseFloat(v, 64); err == nil && f >= 0 {
		return time.Duration(f * float64(time.Second)), nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("duration %q: want e.g. 30s, 5m, 24h or a number of seconds", v)
	}
	return d, nil
}

// configEntry is one TIProviders entry.
type configEntry struct {
	entry    string
	provider string
	primary  bool
	args     map[string]any
}

func readEntries(c ConfigSource) []configEntry {
	if c == nil {
		return nil
	}
	var out []configEntry
	for _, name := range c.Names(Section) {
		e := configEntry{entry: name, provider: name, primary: true}
		if v, ok := c.Lookup(Section + "." + name + ".Provider"); ok && v != nil && fmt.Sprint(v) != "" {
			e.provider = fmt.Sprint(v)
		}
		if v, ok := c.Lookup(Section + "." + name + ".Primary"); ok {
			switch x := v.(type) {
			case bool:
				e.primary = x
			case string:
				e.primary = !strings.EqualFold(x, "false") && x != "0"
			}
		}
		if v, ok := c.Lookup(Section + "." + name + ".Args"); ok {
			e.args = toStringMap(v)
		}
		out = append(out, e)
	}
	return out
}

func toStringMap(v any) map[string]any {
	out := map[string]any{}
	switch m := v.(type) {
	case map[string]any:
		for k, x := range m {
			out[k] = x
		}
	case map[any]any:
		for k, x := range m {
			out[fmt.Sprint(k)] = x
		}
	}
	return out
}

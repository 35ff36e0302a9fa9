package ti

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/internal/httpretry"
)

// ProviderState says whether a registered provider can be used with a configuration.
type ProviderState string

// Provider states.
const (
	StateConfigured    ProviderState = "configured"     // an entry with every key it needs
	StateSecondary     ProviderState = "secondary"      // configured, but Primary: false
	StateNoKeyNeeded   ProviderState = "no key needed"  // usable without an entry
	StateNotConfigured ProviderState = "not configured" // needs a key and has no entry
	StateMissingKey    ProviderState = "missing key"    // an entry without AuthKey or ApiID (Detail names it)
	StateSecretError   ProviderState = "secret error"   // the key cannot be resolved (Detail says why)
)

// ProviderStatus describes one registered provider against a configuration. It never
// holds a secret.
type ProviderStatus struct {
	Registration
	// Entries are the TIProviders entries that use the provider, sorted.
	Entries []string
	State   ProviderState
	// Detail is the key path to set (StateMissingKey) or the problem (StateSecretError).
	Detail string
	// Rate is the rate in force: the configured Args.RateLimit, else the free tier's.
	Rate           Rate
	RateConfigured bool
	// RateError is set when Args.RateLimit cannot be read (it names the key).
	RateError string
	// BaseURL is the URL a lookup would use (Args.BaseURL, else Registration.URL).
	BaseURL string
	// Reach is filled by Probe: "local" for providers that need no network, "reachable"
	// (any HTTP answer), "unreachable: why", or "" when not probed.
	Reach string
}

// Usable reports whether a lookup can use the provider as configured.
func (s ProviderStatus) Usable() bool {
	switch s.State {
	case StateConfigured, StateSecondary, StateNoKeyNeeded:
		return true
	}
	return false
}

// Statuses describes every registered provider against cfg (nil: no configuration), sorted
// by name. Secrets given literally or by environment variable are resolved to check them;
// Key Vault references are not (that would need the network). Nothing is sent anywhere.
func Statuses(ctx context.Context, cfg ConfigSource) []ProviderStatus {
	var entries []configEntry
	if cfg != nil {
		entries = readEntries(cfg)
	}
	var out []ProviderStatus
	for _, r := range Registered() {
		st := ProviderStatus{Registration: r, State: StateNotConfigured, Rate: r.Rate, BaseURL: r.URL}
		if !r.NeedsKey {
			st.State = StateNoKeyNeeded
		}
		for _, e := range entries {
			reg, err := LookupProvider(e.provider)
			if err != nil || reg.Name != r.Name {
				continue
			}
			st.Entries = append(st.Entries, e.entry)
			statusOfEntry(ctx, cfg, &st, e)
		}
		sort.Strings(st.Entries)
		out = append(out, st)
	}
	return out
}

// statusOfEntry fills st from one configuration entry (the last entry of a provider wins).
func statusOfEntry(ctx context.Context, cfg ConfigSource, st *ProviderStatus, e configEntry) {
	key := Section + "." + e.entry + ".Args."
	_, hasKey := cfg.Lookup(key + "AuthKey")
	_, hasID := cfg.Lookup(key + "ApiID")
	switch {
	case st.NeedsKey && !hasKey:
		st.State, st.Detail = StateMissingKey, key+"AuthKey"
	case st.NeedsAPIID && !hasID:
		st.State, st.Detail = StateMissingKey, key+"ApiID"
	default:
		st.State, st.Detail = StateConfigured, ""
		if !e.primary {
			st.State = StateSecondary
		}
		if msg := secretProblem(ctx, cfg, key); msg != "" {
			st.State, st.Detail = StateSecretError, msg
		}
	}
	if v, ok := cfg.Lookup(key + "RateLimit"); ok {
		if rt, err := ParseRate(fmt.Sprint(v)); err == nil {
			st.Rate, st.RateConfigured, st.RateError = rt, true, ""
		} else {
			st.RateError = "invalid " + key + "RateLimit"
		}
	}
	if v, ok := cfg.Lookup(key + "BaseURL"); ok && fmt.Sprint(v) != "" {
		st.BaseURL = fmt.Sprint(v)
	}
}

// secretProblem resolves the entry's AuthKey and ApiID (prefix "TIProviders.<entry>.Args.")
// when that needs no network (a literal or an environment variable; Key Vault references are
// left alone) and returns what is wrong, "" when nothing. Messages name keys, never values.
func secretProblem(ctx context.Context, cfg ConfigSource, prefix string) string {
	for _, k := range []string{"AuthKey", "ApiID"} {
		v, ok := cfg.Lookup(prefix + k)
		if !ok {
			continue
		}
		if m, isMap := v.(map[string]any); isMap {
			if _, kv := m["KeyVault"]; kv {
				continue
			}
		}
		if _, err := cfg.Secret(ctx, prefix+k); err != nil {
			return err.Error()
		}
	}
	return ""
}

// Probe checks that each provider's service answers (fills Reach), concurrently, one GET of
// its base URL each with no retries: any HTTP answer, even 401 or 404, counts as reachable.
// Local providers are not contacted. hc may be nil (the shared transport); timeout bounds
// each check (5 s when zero).
func Probe(ctx context.Context, sts []ProviderStatus, hc *http.Client, timeout time.Duration) {
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	rc := &httpretry.Client{Name: "probe", HTTP: hc, Timeout: timeout, UserAgent: "huntkit-ti/1"}
	var wg sync.WaitGroup
	for i := range sts {
		st := &sts[i]
		if st.Local || st.BaseURL == "" {
			st.Reach = "local"
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			st.Reach = reach(ctx, rc, st.BaseURL)
		}()
	}
	wg.Wait()
}

func reach(ctx context.Context, rc *httpretry.Client, u string) string {
	resp, err := rc.Do(ctx, httpretry.Request{URL: u})
	var te *httpretry.TransportError
	switch {
	case resp != nil || err == nil:
		return "reachable"
	case errors.As(err, &te) && te.Timeout:
		return fmt.Sprintf("unreachable: no answer within %s", te.After)
	case errors.As(err, &te):
		return "unreachable: " + strings.TrimPrefix(te.Err.Error(), "dial tcp: ")
	}
	return "unreachable: " + err.Error()
}

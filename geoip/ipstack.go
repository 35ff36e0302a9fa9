package geoip

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/huntkit/huntkit/frame"
	"github.com/huntkit/huntkit/internal/httpretry"
)

// DefaultIPStackURL is IPStack's documented API base; requests are GET {base}/{ip}?access_key=KEY.
const DefaultIPStackURL = "https://api.ipstack.com"

// IPStack is a Provider backed by the IPStack web API (one address per request, which every
// plan allows). Non-public addresses are answered locally and never sent. It is safe for
// concurrent use.
type IPStack struct {
	BaseURL     string        // DefaultIPStackURL when empty
	Key         string        // access key; never printed
	Client      *http.Client  // the shared transport of internal/httpretry when nil
	Timeout     time.Duration // per request; 15 s when zero
	Concurrency int           // parallel requests; 4 when zero
	Retries     int           // retries after 429/5xx/network errors; 3 when zero, none when negative
	// MaxRetryWait caps one wait (Retry-After or backoff); 30 s when zero.
	MaxRetryWait time.Duration
	// Backoff is the first wait before a retry without Retry-After, doubled each time;
	// 500 ms when zero.
	Backoff time.Duration
	// OnItem, when set, is called after each address sent is answered or fails (progress).
	OnItem func()

	once sync.Once
	rc   *httpretry.Client
}

// ipstackResponse holds the fields of IPStack's standard lookup response that geoip uses,
// and its error envelope ({"success": false, "error": {"code", "type", "info"}}).
type ipstackResponse struct {
	IP          string   `json:"ip"`
	Type        string   `json:"type"`
	CountryCode string   `json:"country_code"`
	CountryName string   `json:"country_name"`
	RegionCode  string   `json:"region_code"`
	RegionName  string   `json:"region_name"`
	City        string   `json:"city"`
	Zip         string   `json:"zip"`
	Latitude    *float64 `json:"latitude"`
	Longitude   *float64 `json:"longitude"`
	TimeZone    *struct {
		ID string `json:"id"`
	} `json:"time_zone"`
	Connection *struct {
		ASN json.Number `json:"asn"`
		ISP string      `json:"isp"`
	} `json:"connection"`
	Success *bool `json:"success"`
	Error   *struct {
		Code int    `json:"code"`
		Type string `json:"type"`
		Info string `json:"info"`
	} `json:"error"`
}

// APIError is an error answer from a remote geolocation service.
type APIError struct {
	Provider string
	Status   int    // HTTP status
	Code     int    // the service's own error code, when given
	Type     string // the service's error type, when given
	Info     string
}

func (e *APIError) Error() string {
	var b strings.Builder
	b.WriteString(e.Provider)
	if e.Status != 0 && e.Status != http.StatusOK {
		fmt.Fprintf(&b, ": HTTP %d", e.Status)
	}
	if e.Code != 0 {
		fmt.Fprintf(&b, ": error %d", e.Code)
	}
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if e.Info != "" {
		b.WriteString(": " + oneLine(e.Info))
	}
	switch {
	case e.Code == 105:
		b.WriteString(" (this plan has no HTTPS access: set OtherProviders.IPStack.Args.BaseURL to http://api.ipstack.com)")
	case e.auth():
		b.WriteString(" (check OtherProviders.IPStack.Args.AuthKey)")
	}
	return b.String()
}

func (e *APIError) auth() bool {
	switch e.Code {
	case 101, 102, 105: // invalid/missing access key, inactive user, HTTPS not in plan
		return true
	}
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

func (e *APIError) limited() bool {
	return e.Code == 104 || e.Status == http.StatusTooManyRequests // usage_limit_reached
}

// Is maps the error to ErrAuth, ErrRateLimited or ErrService.
func (e *APIError) Is(target error) bool {
	switch {
	case e.auth():
		return target == ErrAuth
	case e.limited():
		return target == ErrRateLimited
	}
	return target == ErrService
}

func (s *IPStack) base() string {
	if s.BaseURL == "" {
		return DefaultIPStackURL
	}
	return strings.TrimRight(s.BaseURL, "/")
}

// LookupIPs implements Provider. A rejected access key, an exhausted quota or a service that
// cannot be reached stops the batch: the remaining items fail with that error instead of
// being sent.
func (s *IPStack) LookupIPs(ctx context.Context, ips []string) ([]Location, error) {
	out := make([]Location, len(ips))
	var todo []int
	for i, raw := range ips {
		ip, loc, done := classified(raw)
		loc.Source = "ipstack"
		out[i] = loc
		if !done {
			out[i].IP = withZone(ip, raw)
			todo = append(todo, i)
		}
	}
	workers := s.Concurrency
	if workers <= 0 {
		workers = 4
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		mu    sync.Mutex
		fatal error // auth or quota: stop sending
	)
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers && w < len(todo); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				mu.Lock()
				stop := fatal
				mu.Unlock()
				if stop != nil {
					out[i].Err, out[i].Note = stop, "not looked up: "+stop.Error()
					continue
				}
				err := s.lookupOne(ctx, &out[i])
				if s.OnItem != nil {
					s.OnItem()
				}
				if err != nil {
					out[i].Err, out[i].Note = err, err.Error()
					// A refused key, a spent quota or a service that cannot be reached
					// stops the batch: the rest would fail the same way, slowly.
					if errors.Is(err, ErrAuth) || errors.Is(err, ErrUnreachable) || (errors.Is(err, ErrRateLimited) && isQuota(err)) {
						mu.Lock()
						if fatal == nil {
							fatal = err
						}
						mu.Unlock()
					}
				}
			}
		}()
	}
feed:
	for _, i := range todo {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		for _, i := range todo {
			if out[i].Err == nil && !out[i].Found() && out[i].Note == "" {
				out[i].Err, out[i].Note = err, "not looked up: "+err.Error()
			}
		}
		return out, fmt.Errorf("ipstack: %w", err)
	}
	if fatal != nil && errors.Is(fatal, ErrAuth) {
		return out, fatal
	}
	return out, nil
}

// isQuota tells a monthly quota (IPStack code 104, no point retrying) from a 429.
func isQuota(err error) bool {
	var ae *APIError
	return errors.As(err, &ae) && ae.Code == 104
}

// retrier returns the shared retrying client (internal/httpretry) built from s's fields.
func (s *IPStack) retrier() *httpretry.Client {
	s.once.Do(func() {
		retries := s.Retries
		if retries == 0 {
			retries = 3
		} else if retries < 0 {
			retries = 0
		}
		maxWait := s.MaxRetryWait
		if maxWait <= 0 {
			maxWait = 30 * time.Second
		}
		timeout := s.Timeout
		if timeout <= 0 {
			timeout = 15 * time.Second
		}
		s.rc = &httpretry.Client{Name: "ipstack", HTTP: s.Client, Timeout: timeout, MaxRetries: retries,
			BaseDelay: s.Backoff, MaxDelay: maxWait, Accept: "application/json", MaxBody: 1 << 20,
			Secrets: []string{s.Key}}
	})
	return s.rc
}

// lookupOne performs the request for loc.IP, with the shared client's retries, and fills loc.
// The access key is never part of a returned error.
func (s *IPStack) lookupOne(ctx context.Context, loc *Location) error {
	ip := noZone(loc.IP)
	u := s.base() + "/" + url.PathEscape(ip) + "?access_key=" + url.QueryEscape(s.Key)
	resp, err := s.retrier().Do(ctx, httpretry.Request{URL: u})
	var te *httpretry.TransportError
	switch {
	case err != nil && ctx.Err() != nil:
		return fmt.Errorf("ipstack %s: %w", ip, ctx.Err())
	case err != nil && resp != nil:
		return apiError(ip, resp.Status, resp.Body) // 401/403, or 429/5xx after the retries
	case err != nil && errors.As(err, &te) && te.Timeout:
		return fmt.Errorf("ipstack %s: timed out after %v: %w", ip, te.After, context.DeadlineExceeded)
	case err != nil && errors.As(err, &te):
		return fmt.Errorf("ipstack %s: %w: %w", ip, ErrUnreachable, te.Err)
	case err != nil:
		return fmt.Errorf("ipstack %s: %w", ip, err)
	}
	var r ipstackResponse
	jerr := json.Unmarshal(resp.Body, &r)
	if resp.Status != http.StatusOK {
		return apiError(ip, resp.Status, resp.Body)
	}
	if jerr != nil {
		return fmt.Errorf("ipstack %s: %w: malformed JSON response: %v", ip, ErrService, jerr)
	}
	if r.Error != nil || (r.Success != nil && !*r.Success) {
		return apiError(ip, resp.Status, resp.Body)
	}
	r.fill(loc)
	return nil
}

// apiError reads IPStack's error envelope from body, or keeps the body as the message.
func apiError(ip string, status int, body []byte) *APIError {
	ae := &APIError{Provider: "ipstack " + ip, Status: status}
	var r ipstackResponse
	if json.Unmarshal(body, &r) == nil && r.Error != nil {
		ae.Code, ae.Type, ae.Info = r.Error.Code, r.Error.Type, r.Error.Info
	} else if status != http.StatusOK {
		ae.Info = string(body)
	}
	return ae
}

func (r *ipstackResponse) fill(loc *Location) {
	loc.CountryCode, loc.CountryName = r.CountryCode, r.CountryName
	loc.State, loc.StateCode, loc.City, loc.PostalCode = r.RegionName, r.RegionCode, r.City, r.Zip
	if r.Latitude != nil && r.Longitude != nil {
		loc.Latitude, loc.Longitude, loc.HasLocation = *r.Latitude, *r.Longitude, true
	}
	if r.TimeZone != nil {
		loc.TimeZone = r.TimeZone.ID
	}
	if r.Connection != nil {
		if n, err := r.Connection.ASN.Int64(); err == nil {
			loc.ASN = n
		}
		loc.ASOrg = r.Connection.ISP
	}
	if !loc.Found() {
		loc.Note = "no data"
	}
}

// EnrichFrame adds geolocation columns for the IPs in column; see the package function.
func (s *IPStack) EnrichFrame(ctx context.Context, f *frame.Frame, column string) (*frame.Frame, error) {
	return EnrichFrame(ctx, s, f, column)
}

package geoip

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const ipstackKey = "ipstack-test-key-123"

// ipstackBody is a standard-lookup answer in IPStack's documented shape (paid-plan modules
// time_zone and connection included).
const ipstackBody = `{
  "ip": "134.201.250.155", "hostname": "134.201.250.155", "type": "ipv4",
  "continent_code": "NA", "continent_name": "North America",
  "country_code": "US", "country_name": "United States",
  "region_code": "CA", "region_name": "California", "city": "Los Angeles", "zip": "90013",
  "latitude": 34.0655, "longitude": -118.2405, "msa": "31100", "dma": "803", "radius": null,
  "ip_routing_type": null, "connection_type": null,
  "location": {"geoname_id": 5368361, "capital": "Washington D.C.",
    "languages": [{"code": "en", "name": "English", "native": "English"}],
    "country_flag": "https://assets.ipstack.com/flags/us.svg", "country_flag_emoji": "🇺🇸",
    "calling_code": "1", "is_eu": false},
  "time_zone": {"id": "America/Los_Angeles", "current_time": "2026-11-25T10:00:00-08:00", "gmt_offset": -28800, "code": "PST", "is_daylight_saving": false},
  "currency": {"code": "USD", "name": "US Dollar", "plural": "US dollars", "symbol": "$", "symbol_native": "$"},
  "connection": {"asn": 25876, "isp": "Los Angeles Department of Water & Power", "sld": null, "tld": null, "carrier": null, "home": null, "organization_type": null, "isic_code": null, "naics_code": null}
}`

// freeBody is what the free plan returns: no time_zone or connection modules.
const freeBody = `{"ip": "89.160.20.112", "type": "ipv4", "continent_code": "EU", "continent_name": "Europe",
  "country_code": "SE", "country_name": "Sweden", "region_code": "E", "region_name": "Östergötland",
  "city": "Linköping", "zip": "582 22", "latitude": 58.41, "longitude": 15.62,
  "location": {"geoname_id": 2694762, "capital": "Stockholm", "languages": [{"code": "sv", "name": "Swedish", "native": "Svenska"}], "is_eu": true}}`

func ipstackError(code int, typ, info string) string {
	return fmt.Sprintf(`{"success": false, "error": {"code": %d, "type": %q, "info": %q}}`, code, typ, info)
}

func TestIPStackLookups(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Query().Get("access_key") != ipstackKey {
			fmt.Fprint(w, ipstackError(101, "invalid_access_key", "You have not supplied a valid API Access Key. [Technical Support: support@apilayer.com]"))
			return
		}
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "134.201.250.155":
			fmt.Fprint(w, ipstackBody)
		case "89.160.20.112":
			fmt.Fprint(w, freeBody)
		case "2a00:1450::1":
			fmt.Fprint(w, `{"ip": "2a00:1450::1", "type": "ipv6", "country_code": null, "latitude": null, "longitude": null}`)
		default:
			fmt.Fprint(w, ipstackError(106, "invalid_ip_address", "The IP Address supplied is invalid."))
		}
	}))
	defer srv.Close()
	s := &IPStack{BaseURL: srv.URL, Key: ipstackKey, Client: srv.Client()}
	locs, err := s.LookupIPs(context.Background(), []string{"134.201.250.155", "10.1.2.3", "89.160.20.112", "2a00:1450::1", "bogus", "198.51.100.1"})
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 {
		t.Errorf("%d requests, want 3 (private, documentation and invalid values are not sent)", calls.Load())
	}
	la := locs[0]
	if la.CountryCode != "US" || la.State != "California" || la.StateCode != "CA" || la.City != "Los Angeles" ||
		!la.HasLocation || la.Latitude != 34.0655 || la.TimeZone != "America/Los_Angeles" || la.ASN != 25876 ||
		la.ASOrg != "Los Angeles Department of Water & Power" || la.Source != "ipstack" || la.Err != nil {
		t.Errorf("full answer: %+v", la)
	}
	if locs[1].Scope != ScopePrivate || locs[1].Err != nil {
		t.Errorf("private: %+v", locs[1])
	}
	if se := locs[2]; se.City != "Linköping" || se.TimeZone != "" || se.ASN != 0 || se.PostalCode != "582 22" {
		t.Errorf("free-plan answer: %+v", se)
	}
	if v6 := locs[3]; v6.HasLocation || v6.Note != "no data" || v6.Err != nil {
		t.Errorf("empty answer: %+v", v6)
	}
	if !errors.Is(locs[4].Err, ErrInvalidIP) || locs[4].Scope != ScopeInvalid {
		t.Errorf("invalid: %+v", locs[4])
	}
	if locs[5].Scope != ScopeDocumentation {
		t.Errorf("documentation: %+v", locs[5])
	}
}

func TestIPStackFaults(t *testing.T) {
	tests := []struct {
		name      string
		handler   func(n int32, w http.ResponseWriter, r *http.Request)
		wantErr   error
		wantMsg   string
		wantCalls int32 // for one IP
		batchErr  bool
	}{
		{"wrong key", func(n int32, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, ipstackError(101, "invalid_access_key", "You have not supplied a valid API Access Key."))
		}, ErrAuth, "OtherProviders.IPStack.Args.AuthKey", 1, true},
		{"401", func(n int32, w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, ipstackError(101, "invalid_access_key", "bad key"))
		}, ErrAuth, "HTTP 401", 1, true},
		{"quota used up", func(n int32, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, ipstackError(104, "usage_limit_reached", "Your monthly usage limit has been reached."))
		}, ErrRateLimited, "usage_limit_reached", 1, false},
		{"429 then ok with Retry-After", func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, freeBody)
		}, nil, "", 2, false},
		{"429 without Retry-After, then ok", func(n int32, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, freeBody)
		}, nil, "", 2, false},
		{"500 every time", func(n int32, w http.ResponseWriter, r *http.Request) {
			http.Error(w, "internal error", http.StatusInternalServerError)
		}, ErrService, "HTTP 500", 3, false},
		{"malformed JSON", func(n int32, w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"ip": "89.160.20.112", "country_code": `)
		}, ErrService, "malformed JSON", 1, false},
		{"timeout", func(n int32, w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-time.After(5 * time.Second):
			}
		}, context.DeadlineExceeded, "timed out", 3, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				tc.handler(calls.Add(1), w, r)
			}))
			defer srv.Close()
			s := &IPStack{BaseURL: srv.URL, Key: ipstackKey, Client: srv.Client(), Retries: 2, Timeout: 150 * time.Millisecond, MaxRetryWait: 1500 * time.Millisecond, Backoff: 20 * time.Millisecond}
			start := time.Now()
			locs, err := s.LookupIPs(context.Background(), []string{"89.160.20.112"})
			if (err != nil) != tc.batchErr {
				t.Errorf("batch error = %v", err)
			}
			if got := calls.Load(); got != tc.wantCalls {
				t.Errorf("%d requests, want %d", got, tc.wantCalls)
			}
			l := locs[0]
			if tc.wantErr == nil {
				if l.Err != nil || l.City != "Linköping" {
					t.Errorf("want success, got %+v", l)
				}
				if strings.HasPrefix(tc.name, "429 then ok with Retry-After") && time.Since(start) < 900*time.Millisecond {
					t.Errorf("Retry-After not honoured: retried after %v", time.Since(start))
				}
				return
			}
			if !errors.Is(l.Err, tc.wantErr) || !strings.Contains(l.Err.Error(), tc.wantMsg) {
				t.Errorf("item error %v, want %v containing %q", l.Err, tc.wantErr, tc.wantMsg)
			}
			if strings.Contains(l.Err.Error(), ipstackKey) || strings.Contains(l.Note, ipstackKey) {
				t.Errorf("error leaks the access key: %v", l.Err)
			}
		})
	}
}

func TestIPStackWrongKeyStopsBatch(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		fmt.Fprint(w, ipstackError(101, "invalid_access_key", "You have not supplied a valid API Access Key."))
	}))
	defer srv.Close()
	s := &IPStack{BaseURL: srv.URL, Key: "bad", Client: srv.Client(), Concurrency: 1}
	ips := make([]string, 50)
	for i := range ips {
		ips[i] = fmt.Sprintf("89.160.20.%d", i+1)
	}
	locs, err := s.LookupIPs(context.Background(), ips)
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("batch error %v", err)
	}
	if calls.Load() > 2 {
		t.Errorf("%d requests after the key was rejected (retry storm)", calls.Load())
	}
	for _, l := range locs {
		if !errors.Is(l.Err, ErrAuth) {
			t.Fatalf("item not failed with ErrAuth: %+v", l)
		}
	}
}

func TestIPStackCancelledSlowServer(t *testing.T) {
	var once sync.Once
	started := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		once.Do(func() { close(started) })
		<-r.Context().Done()
	}))
	defer srv.Close()
	s := &IPStack{BaseURL: srv.URL, Key: ipstackKey, Client: srv.Client(), Timeout: time.Minute}
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-started; cancel() }()
	// A cancellation that did not stop the requests would hang here: no timing verdict.
	locs, err := s.LookupIPs(ctx, []string{"89.160.20.1", "89.160.20.2", "89.160.20.3", "89.160.20.4", "89.160.20.5", "89.160.20.6"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v", err)
	}
	if len(locs) != 6 {
		t.Fatalf("%d results", len(locs))
	}
	for _, l := range locs {
		if l.Err == nil {
			t.Errorf("item without error after cancel: %+v", l)
		}
	}
}

func TestIPStackZoneKept(t *testing.T) {
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.URL.Path)
		fmt.Fprint(w, `{"ip": "2a00:1450::1", "type": "ipv6", "country_code": "IE", "latitude": 53.3, "longitude": -6.2}`)
	}))
	defer srv.Close()
	s := &IPStack{BaseURL: srv.URL, Key: ipstackKey, Client: srv.Client(), Concurrency: 1}
	locs, err := s.LookupIPs(context.Background(), []string{"fe80::1%eth0", "2a00:1450::1%eth0"})
	if err != nil {
		t.Fatal(err)
	}
	if locs[0].IP != "fe80::1%eth0" || locs[0].Scope != ScopeLinkLocal {
		t.Errorf("link-local: %+v", locs[0])
	}
	if locs[1].IP != "2a00:1450::1%eth0" || locs[1].CountryCode != "IE" {
		t.Errorf("public with a zone: %+v", locs[1])
	}
	if len(paths) != 1 || paths[0] != "/2a00:1450::1" {
		t.Errorf("requests %v, want the address without its zone", paths)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// A service that cannot be reached (connection refused) is not sent the rest of the batch
// after one address has used its retries.
func TestIPStackUnreachableStopsBatch(t *testing.T) {
	var n atomic.Int32
	hc := &http.Client{Transport: roundTripFunc(func(*http.Request) (*http.Response, error) {
		n.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	})}
	s := &IPStack{BaseURL: "http://127.0.0.1:1", Key: ipstackKey, Client: hc, Concurrency: 1, Retries: 2, Backoff: time.Millisecond}
	locs, err := s.LookupIPs(t.Context(), []string{"89.160.20.1", "89.160.20.2", "89.160.20.3", "89.160.20.4"})
	if err != nil {
		t.Fatalf("batch error %v", err)
	}
	if n.Load() != 3 {
		t.Errorf("%d attempts, want 3 (one address and its 2 retries, the rest not sent)", n.Load())
	}
	for _, l := range locs {
		if !errors.Is(l.Err, ErrUnreachable) || strings.Contains(l.Note, ipstackKey) {
			t.Errorf("%s: %v (%s); want ErrUnreachable, no key", l.IP, l.Err, l.Note)
		}
	}
}

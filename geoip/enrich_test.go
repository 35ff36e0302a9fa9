package geoip

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

func TestEnrichFrameKeepsRows(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	ips := []string{"81.2.69.142", "", "89.160.20.112", "81.2.69.142", "10.0.0.1", "x", "81.2.69.142", "8.8.8.8", "2001:218::1"}
	valid := []bool{true, false, true, true, true, true, true, true, true}
	hosts := make([]int64, len(ips))
	for i := range hosts {
		hosts[i] = int64(i)
	}
	// The input already has a City column: it is replaced, not duplicated.
	in := frame.MustNew(frame.NewStrings("SrcIP", ips).WithValid(valid), frame.NewInts("Row", hosts), frame.NewStrings("City", make([]string, len(ips))))
	out, err := db.EnrichFrame(context.Background(), in, "SrcIP")
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Failed != 1 || !errors.Is(err, ErrInvalidIP) {
		t.Fatalf("err = %v, want one invalid value reported", err)
	}
	if out == nil || out.Partial() == nil {
		t.Fatal("no frame, or frame not marked partial")
	}
	if out.Len() != len(ips) {
		t.Fatalf("%d rows, want %d", out.Len(), len(ips))
	}
	for _, c := range Columns {
		if out.Col(c) == nil {
			t.Errorf("column %s missing", c)
		}
	}
	if out.NumCols() != 2+len(Columns) {
		t.Errorf("columns %v", out.Names())
	}
	if in.Col("IPScope") != nil || in.Len() != len(ips) {
		t.Error("input frame modified")
	}
	row := out.Col("Row")
	city, cc, lat, asn, scope, note := out.Col("City"), out.Col("CountryCode"), out.Col("Latitude"), out.Col("ASN"), out.Col("IPScope"), out.Col("GeoNote")
	for i := range ips {
		if row.Int(i) != int64(i) {
			t.Fatalf("row order changed at %d", i)
		}
	}
	for _, i := range []int{0, 3, 6} {
		if city.Str(i) != "London" || cc.Str(i) != "GB" || lat.Float(i) != 51.5142 {
			t.Errorf("row %d: %v", i, out.Row(i))
		}
	}
	if !city.IsNull(1) || !scope.IsNull(1) || !lat.IsNull(1) {
		t.Errorf("null IP row: %v", out.Row(1))
	}
	if asn.Int(2) != 29518 {
		t.Errorf("row 2 ASN %v", asn.Value(2))
	}
	if scope.Str(4) != "private" || !city.IsNull(4) || note.Str(4) == "" {
		t.Errorf("private row: %v", out.Row(4))
	}
	if scope.Str(5) != "invalid" || note.Str(5) == "" {
		t.Errorf("invalid row: %v", out.Row(5))
	}
	if scope.Str(7) != "public" || note.Str(7) != "not in database" || !asn.IsNull(7) {
		t.Errorf("unknown public row: %v", out.Row(7))
	}
	if cc.Str(8) != "JP" {
		t.Errorf("IPv6 row: %v", out.Row(8))
	}

	if _, err := db.EnrichFrame(context.Background(), in, "DstIP"); !errors.Is(err, ErrNoColumn) {
		t.Errorf("missing column: %v", err)
	}
}

// countingProvider counts how often each value is asked for.
type countingProvider struct {
	asked map[string]int
}

func (c *countingProvider) LookupIPs(_ context.Context, ips []string) ([]Location, error) {
	out := make([]Location, len(ips))
	for i, s := range ips {
		c.asked[s]++
		out[i] = Location{IP: s, Scope: ScopePublic, CountryCode: "ZZ"}
	}
	return out, nil
}

func TestEnrichFrameLooksUpEachValueOnce(t *testing.T) {
	ips := make([]string, 1000)
	for i := range ips {
		ips[i] = fmt.Sprintf("198.%d.0.1", 20+i%7) // not in documentation ranges
	}
	p := &countingProvider{asked: map[string]int{}}
	out, err := EnrichFrame(context.Background(), p, frame.MustNew(frame.NewStrings("ip", ips)), "ip")
	if err != nil {
		t.Fatal(err)
	}
	if out.Len() != 1000 || len(p.asked) != 7 {
		t.Fatalf("rows %d, distinct lookups %d", out.Len(), len(p.asked))
	}
	for ip, n := range p.asked {
		if n != 1 {
			t.Errorf("%s looked up %d times", ip, n)
		}
	}
}

func TestEnrichFrameIPStackPartial(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.URL.Path == "/89.160.20.112" {
			fmt.Fprint(w, freeBody)
			return
		}
		http.Error(w, "boom", http.StatusInternalServerError)
	}))
	defer srv.Close()
	s := &IPStack{BaseURL: srv.URL, Key: ipstackKey, Client: srv.Client(), Retries: -1}
	in := frame.MustNew(frame.NewStrings("ip", []string{"89.160.20.112", "1.2.3.4", "89.160.20.112", "192.168.1.1"}))
	out, err := s.EnrichFrame(context.Background(), in, "ip")
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Failed != 1 || pe.Total != 3 || !errors.Is(err, ErrService) {
		t.Fatalf("err = %v", err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d requests, want 2", calls.Load())
	}
	if out.Len() != 4 || out.Col("City").Str(0) != "Linköping" || out.Col("City").Str(2) != "Linköping" || out.Col("GeoNote").Str(1) == "" {
		t.Errorf("frame: %v / %v / %v", out.Row(0), out.Row(1), out.Row(2))
	}
	if out.Col("IPScope").Str(3) != "private" {
		t.Errorf("private row %v", out.Row(3))
	}
}

func TestFrameOfLocations(t *testing.T) {
	db := testDB(t, "GeoLite2-City-Test.mmdb", "GeoLite2-ASN-Test.mmdb")
	locs, err := db.LookupIPs(context.Background(), []string{"89.160.20.112", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	f := Frame(locs)
	want := []string{"IP", "IPScope", "CountryCode", "CountryName", "State", "StateCode", "City", "PostalCode", "Latitude", "Longitude", "TimeZone", "ASN", "ASOrg", "Network", "Source", "Note"}
	if fmt.Sprint(f.Names()) != fmt.Sprint(want) {
		t.Fatalf("columns %v", f.Names())
	}
	if f.Col("StateCode").Str(0) != "E" || f.Col("Network").Str(0) == "" || f.Col("IPScope").Str(1) != "loopback" {
		t.Errorf("rows %v %v", f.Row(0), f.Row(1))
	}
}

// rejectingProvider fails every batch as a rejected key would.
type rejectingProvider struct{ calls int }

func (r *rejectingProvider) LookupIPs(_ context.Context, ips []string) ([]Location, error) {
	r.calls++
	err := &APIError{Provider: "fake", Code: 101, Type: "invalid_access_key"}
	out := make([]Location, len(ips))
	for i, s := range ips {
		out[i] = Location{IP: s, Err: err}
	}
	return out, err
}

func TestEnrichFrameStopsAfterBatchFailure(t *testing.T) {
	ips := make([]string, enrichChunk+500)
	for i := range ips {
		ips[i] = fmt.Sprintf("45.%d.%d.1", i/256, i%256)
	}
	p := &rejectingProvider{}
	out, err := EnrichFrame(context.Background(), p, frame.MustNew(frame.NewStrings("ip", ips)), "ip")
	var pe *PartialError
	if !errors.As(err, &pe) || pe.Failed != len(ips) || !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v", err)
	}
	if p.calls != 1 {
		t.Errorf("%d batches sent after the key was rejected", p.calls)
	}
	if out.Len() != len(ips) || out.Col("GeoNote").Str(len(ips)-1) == "" || !strings.Contains(out.Col("GeoNote").Str(0), "invalid_access_key") {
		t.Errorf("rows %d, last note %q", out.Len(), out.Col("GeoNote").Str(len(ips)-1))
	}
}

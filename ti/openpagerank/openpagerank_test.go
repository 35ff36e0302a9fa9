package openpagerank_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestOpenPageRankBatches(t *testing.T) {
	var calls, maxBatch atomic.Int64
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("API-OPR") != titest.Key {
			w.WriteHeader(401)
			return
		}
		calls.Add(1)
		ds := r.URL.Query()["domains[]"]
		if int64(len(ds)) > maxBatch.Load() {
			maxBatch.Store(int64(len(ds)))
		}
		var resp []map[string]any
		for _, d := range ds {
			if d == "google.com" {
				resp = append(resp, map[string]any{"status_code": 200, "error": "", "page_rank_integer": 10, "page_rank_decimal": 10, "rank": "6", "domain": d})
			} else if len(d) > 6 && d[:6] == "ranked" {
				resp = append(resp, map[string]any{"status_code": 200, "error": "", "page_rank_integer": 3, "page_rank_decimal": 3.2, "rank": "123456", "domain": d})
			} else {
				resp = append(resp, map[string]any{"status_code": 404, "error": "Domain not found", "page_rank_integer": 0, "page_rank_decimal": 0, "rank": nil, "domain": d})
			}
		}
		b, _ := json.Marshal(map[string]any{"status_code": 200, "response": resp, "last_updated": "15th Feb 2024"})
		titest.JSON(w, 200, b)
	})
	c := titest.Client(t, "OPR", srv.URL)
	items := []ti.Item{{Value: "google.com"}, {Value: "unranked-xyz.com"}}
	for i := 0; i < 248; i++ {
		items = append(items, ti.Item{Value: fmt.Sprintf("ranked%d.example.com", i)})
	}
	rows, err := c.LookupRows(t.Context(), items)
	if err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || maxBatch.Load() != 100 {
		t.Errorf("calls %d, largest batch %d: want 3 calls of at most 100", calls.Load(), maxBatch.Load())
	}
	if len(rows) != 250 || rows[0].Severity != ti.SevInformation || !rows[0].Result {
		t.Fatalf("google: %+v", rows[0])
	}
	if rows[1].Severity != ti.SevWarning || rows[1].Result || rows[1].Provider != "OpenPageRank" {
		t.Errorf("unranked: %+v", rows[1])
	}
	if rows[249].Details.(map[string]any)["page_rank_decimal"] != 3.2 {
		t.Errorf("last: %+v", rows[249])
	}
}

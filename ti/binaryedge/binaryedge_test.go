package binaryedge_test

import (
	"net/http"
	"testing"

	"github.com/huntkit/huntkit/ti"
	"github.com/huntkit/huntkit/ti/internal/titest"
)

func TestBinaryEdge(t *testing.T) {
	mock := titest.Sample(t, "ti-mocks/binaryedge.json")
	srv := titest.NewServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Key") != titest.Key {
			titest.JSON(w, 401, []byte(`{"status":401,"title":"Unauthorized","message":"Could not validate token"}`))
			return
		}
		switch r.URL.Path {
		case "/v2/query/ip/124.5.6.7":
			titest.JSON(w, 200, mock)
		default:
			titest.JSON(w, 200, []byte(`{"total":0,"query":"9.9.9.9","events":[]}`))
		}
	})
	c := titest.Client(t, "BinaryEdge", srv.URL)
	rows, err := c.LookupRows(t.Context(), []ti.Item{{Value: "124.5.6.7"}, {Value: "9.9.9.9"}})
	if err != nil {
		t.Fatal(err)
	}
	d := rows[0].Details.(map[string]any)
	if !rows[0].Result || rows[0].Severity != ti.SevInformation || d["total"] != 2 || len(d["ports"].([]int)) == 0 {
		t.Errorf("exposed: %+v", rows[0])
	}
	if rows[1].Result {
		t.Errorf("empty: %+v", rows[1])
	}
	c = titest.Client(t, "BinaryEdge", srv.URL, ti.WithAuthKey("BinaryEdge", "bad"))
	rows, _ = c.LookupRows(t.Context(), []ti.Item{{Value: "124.5.6.7"}})
	if rows[0].Status != ti.StatusAuthFailed {
		t.Errorf("401: %+v", rows[0])
	}
}

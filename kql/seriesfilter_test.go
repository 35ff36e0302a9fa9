package kql

import (
	"context"
	"testing"

	"github.com/huntkit/huntkit/engine"
)

// The series fill and filter functions give the answers of the examples in Kusto's
// documentation of each.
func TestSeriesFillFilter(t *testing.T) {
	ctx := context.Background()
	w, err := engine.Open(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	for _, tc := range []struct{ expr, want string }{
		{"series_fill_forward(dynamic([null, null, 36, 41, null, null, 16, 61, 33, null, null]))", "[null,null,36,41,41,41,16,61,33,33,33]"},
		{"series_fill_backward(dynamic([null, null, 36, 41, null, null, 16, 61, 33, null, null]))", "[36,36,36,41,16,16,16,61,33,null,null]"},
		{"series_fill_const(dynamic([null, 1, -1]), 9, -1)", "[9,1,9]"},
		{"series_fill_linear(dynamic([null, 111, null, 36, 41, null, 16]))", "[111,111,73.5,36,41,28.5,16]"},
		{"series_fill_linear(dynamic([0, 111, 0, 36]), 0, false)", "[null,111,73.5,36]"},
		{"series_fir(dynamic([1, 3, 6, 10]), dynamic([1, -1]))", "[1,2,3,4]"},
		{"series_fir(dynamic([0, 10, 20, 30]), dynamic([1, 1]), true, false)", "[0,5,15,25]"},
		{"series_iir(dynamic([1, 2, 3, 4]), dynamic([1]), dynamic([1, -1]))", "[1,3,6,10]"},
		{"series_decompose_forecast(dynamic([1, 2, 3, 4, 0, 0]), 2, 0)", "[1,2,3,4,5,6]"},
	} {
		sql, err := Compile("print x = "+tc.expr, MapCatalog{})
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		f, err := w.Query(ctx, sql)
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		if got := f.Columns()[0].Text(0); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

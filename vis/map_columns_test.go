package vis

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

// A latitude/longitude column that holds no number at all (a city name, a time) is an unusable
// column, named with its type; numeric text still counts as a position.
func TestMapRejectsNonNumericPosition(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("City", []string{"Paris", "Oslo"}),
		frame.NewStrings("LatText", []string{"48.8", "n/a"}),
		frame.NewFloats("Longitude", []float64{2.3, 10.7}))
	err := Map(io.Discard, f, LatLon("City", "Longitude"))
	if !errors.Is(err, ErrColumn) || !strings.Contains(err.Error(), `latitude column "City" is string`) || strings.Contains(err.Error(), "\n") {
		t.Errorf("string latitude: %v", err)
	}
	if err := Map(io.Discard, f, LatLon("LatText", "Longitude")); err != nil {
		t.Errorf("numeric text latitude: %v", err)
	}
}

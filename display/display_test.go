package display

import (
	"html"
	"strings"
	"testing"

	"github.com/huntkit/huntkit/frame"
)

func TestTable(t *testing.T) {
	f := frame.MustNew(frame.NewStrings("Host", []string{"web01", "<b>x</b>"}), frame.NewInts("n", []int64{1, 2}))
	got := Table(f, 1)
	if !strings.HasPrefix(got, `<iframe class="huntkit-view" srcdoc="`) {
		t.Fatalf("%.80s", got)
	}
	page := html.UnescapeString(got[strings.Index(got, `srcdoc="`)+8 : strings.Index(got, `" style=`)])
	if !strings.Contains(page, "web01") || strings.Contains(page, "<b>x</b>") || !strings.Contains(page, "first 1 of 2 rows") {
		t.Fatalf("the page does not hold the first row only, escaped: %.300s", page)
	}
	if strings.Contains(got[:strings.Index(got, `" style=`)], `"`+"web01") {
		t.Fatal("the srcdoc attribute is not escaped")
	}
}

func TestViewError(t *testing.T) {
	got := Timeline(frame.MustNew(frame.NewStrings("x", []string{"a"})))
	if !strings.HasPrefix(got, `<p class="huntkit-error">`) || strings.Contains(got, "\n") {
		t.Fatalf("%s", got)
	}
}

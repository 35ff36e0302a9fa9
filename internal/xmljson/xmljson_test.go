package xmljson

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// TestConvert follows the conversion table of Kusto's parse_xml documentation.
func TestConvert(t *testing.T) {
	cases := []struct{ in, want string }{
		{`<e/>`, `{"e":null}`},
		{`<e>text</e>`, `{"e":"text"}`},
		{`<e name="value" />`, `{"e":{"@name":"value"}}`},
		{`<e name="value">text</e>`, `{"e":{"@name":"value","#text":"text"}}`},
		{`<e> <a>text</a> <b>text</b> </e>`, `{"e":{"a":"text","b":"text"}}`},
		{`<e> <a>text</a> <a>text</a> </e>`, `{"e":{"a":["text","text"]}}`},
		{`<e> text <a>text</a> </e>`, `{"e":{"#text":"text","a":"text"}}`},
		{"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- c --><duration>\n <value>118.0</value>\n <count>5.0</count>\n</duration>\n", `{"duration":{"value":"118.0","count":"5.0"}}`},
		{`<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4688</EventID></System><EventData><Data Name="A">1</Data><Data Name="B">"q"&amp;</Data></EventData></Event>`,
			`{"Event":{"@xmlns":"http://schemas.microsoft.com/win/2004/08/events/event","System":{"EventID":"4688"},"EventData":{"Data":[{"@Name":"A","#text":"1"},{"@Name":"B","#text":"\"q\"&"}]}}}`},
	}
	for _, c := range cases {
		got, err := Convert(c.in)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if got != c.want {
			t.Errorf("%s:\ngot  %s\nwant %s", c.in, got, c.want)
		}
	}
}

func TestInvalid(t *testing.T) {
	for _, in := range []string{"", "text", "<a>", "<a></b>", "<a/><b/>", "<a/>tail", strings.Repeat("<a>", MaxDepth+1) + strings.Repeat("</a>", MaxDepth+1),
		"<a>" + strings.Repeat("x", MaxInput) + "</a>"} {
		if _, err := Convert(in); !errors.Is(err, ErrInvalid) {
			t.Errorf("%.40q: err %v, want ErrInvalid", in, err)
		}
	}
}

// FuzzConvert: any input gives valid JSON or ErrInvalid, never a panic.
func FuzzConvert(f *testing.F) {
	for _, s := range []string{`<e/>`, `<e a="1">t<b/><b>x</b></e>`, `<?xml version="1.0"?><r><!--c--><![CDATA[x]]></r>`, `<a:b xmlns:a="u" a:c="d"/>`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := Convert(s)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error not ErrInvalid: %v", err)
			}
			return
		}
		if !json.Valid([]byte(out)) {
			t.Fatalf("invalid JSON %q from %q", out, s)
		}
	})
}

package parse_test

import (
	"encoding/xml"
	"errors"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

func TestScript(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"Latin", "Khalid Sheikh MOHAMMED", "Latn"},
		{"LatinAccents", "Forces Démocratiques Alliées", "Latn"},
		{"Arabic", "صدام حسين التكريتي", "Arab"},
		{"Cyrillic", "Александр Захаров", "Cyrl"},
		{"Han", "株式会社", "Hani"},
		{"Katakana", "アエロスキャン", "Kana"},
		{"Greek", "Όμιλος", "Grek"},
		{"MostlyCyrillic", "OOO “Аэроскан”", "Cyrl"},
		{"NoLetters", "1234 -", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := parse.Script(tt.in); got != tt.want {
				t.Errorf("Script(%q) = %q; want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadElement(t *testing.T) {
	x := parse.NewXMLReader([]byte(`<a k=" v "><b>one</b><b>two</b><c><d>deep</d></c> text </a>`), "t.xml")
	tok, err := x.Token()
	if err != nil {
		t.Fatalf("Token: %v", err)
	}
	el, err := x.ReadElement(tok.(xml.StartElement))
	if err != nil {
		t.Fatalf("ReadElement: %v", err)
	}
	if el.Attr("k") != "v" || el.Text != "text" || el.ChildText("b") != "one" || len(el.All("b")) != 2 {
		t.Errorf("got attr %q text %q first b %q, %d b; want v, text, one, 2", el.Attr("k"), el.Text, el.ChildText("b"), len(el.All("b")))
	}
	if p := el.Path("c", "d"); len(p) != 1 || p[0].Text != "deep" {
		t.Errorf("Path(c, d) = %v; want one element with text deep", p)
	}
	if el.Child("missing") != nil || el.ChildText("missing") != "" {
		t.Errorf("missing child not reported as absent")
	}
}

func TestReadElementLimits(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"Truncated", "<a><b>x</b>", parse.ErrTruncated},
		{"TooDeep", "<a>" + strings.Repeat("<b>", parse.MaxXMLDepth) + strings.Repeat("</b>", parse.MaxXMLDepth) + "</a>", parse.ErrTooDeep},
		{"TooLarge", "<a>" + strings.Repeat("<b/>x", 10) + strings.Repeat("y", parse.MaxFieldSize) + "</a>", parse.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := parse.NewXMLReader([]byte(tt.in), "t.xml")
			tok, err := x.Token()
			if err != nil {
				t.Fatalf("Token: %v", err)
			}
			_, err = x.ReadElement(tok.(xml.StartElement))
			var pe *parse.Error
			if !errors.Is(err, tt.want) || !errors.As(err, &pe) || pe.File != "t.xml" {
				t.Errorf("error %v; want a *parse.Error for t.xml wrapping %v", err, tt.want)
			}
		})
	}
}

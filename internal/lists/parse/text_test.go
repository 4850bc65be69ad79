package parse_test

import (
	"encoding/csv"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

func TestTextHelpers(t *testing.T) {
	tests := []struct {
		name, got, want string
	}{
		{"CleanCollapses", parse.Clean("  John \t  DOE \n"), "John DOE"},
		{"CleanEmpty", parse.Clean("   "), ""},
		{"JoinSkipsBlank", parse.JoinNonEmpty(", ", " 1 Road ", "", "  ", "Town"), "1 Road, Town"},
		{"JoinNone", parse.JoinNonEmpty(", "), ""},
		{"NonLatinLatin", parse.NonLatinScript("John Doe"), ""},
		{"NonLatinCyrillic", parse.NonLatinScript("Иван Петров"), "Cyrl"},
		{"CountryName", parse.CountryCode("Russia"), "RU"},
		{"CountryCodeAsIs", parse.CountryCode("gb"), "GB"},
		{"CountryUnknownTrimmed", parse.CountryCode("  Atlantis "), "Atlantis"},
		{"CountryEmpty", parse.CountryCode(""), ""},
		{"FirstNCuts", parse.FirstN("2024-05-01T10:00:00", 10), "2024-05-01"},
		{"FirstNShort", parse.FirstN("2024", 10), "2024"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q; want %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestAddUnique(t *testing.T) {
	var list []string
	for _, s := range []string{" RU ", "", "GB", "RU", "  ", "GB", "IR"} {
		parse.AddUnique(&list, s)
	}
	if want := []string{"RU", "GB", "IR"}; !reflect.DeepEqual(list, want) {
		t.Errorf("got %q; want %q", list, want)
	}
}

func TestCheckInput(t *testing.T) {
	tests := []struct {
		name    string
		data    []byte
		wantErr error
	}{
		{"OK", []byte("<x/>"), nil},
		{"Empty", nil, parse.ErrEmpty},
		{"Blank", []byte(" \n\t"), parse.ErrEmpty},
		{"InvalidUTF8", []byte("a\xffb"), parse.ErrInvalidUTF8},
		// ErrTooLarge is not tried: it needs a 1 GiB buffer.
	}
	for _, tt := range tests {
		err := parse.CheckInput(tt.data, "f")
		if !errors.Is(err, tt.wantErr) || (err == nil) != (tt.wantErr == nil) {
			t.Errorf("%s: error %v; want %v", tt.name, err, tt.wantErr)
		}
	}
}

func TestCSVError(t *testing.T) {
	_, perr := csv.NewReader(strings.NewReader("a,b\n1\n")).ReadAll()
	tests := []struct {
		name     string
		in       error
		wantErr  error
		wantLine int
	}{
		{"ParseError", perr, parse.ErrFormat, 2},
		{"EOF", io.EOF, parse.ErrEmpty, 0},
		{"Other", parse.ErrTooLarge, parse.ErrTooLarge, 0},
	}
	for _, tt := range tests {
		err := parse.CSVError("f.csv", tt.in)
		var pe *parse.Error
		if !errors.As(err, &pe) || pe.File != "f.csv" || pe.Line != tt.wantLine || !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: error %#v; want a *parse.Error for f.csv line %d that is %v", tt.name, err, tt.wantLine, tt.wantErr)
		}
	}
}

func TestNextStartAndCheckRoot(t *testing.T) {
	tests := []struct {
		name, data, want string // want is a substring of the error, or "" for none
	}{
		{"OK", "<?xml version=\"1.0\"?>\n<list><rec/></list>", ""},
		{"TextOutside", "name,id\n1,2\n", "text outside the list element"},
		{"WrongRoot", "<other/>", "root element is other, want list (test list)"},
	}
	for _, tt := range tests {
		x := parse.NewXMLReader([]byte(tt.data), "f.xml")
		var err error
		var names []string
		for err == nil {
			var start xml.StartElement
			start, _, err = x.NextStart("list")
			if err == nil {
				names = append(names, start.Name.Local)
				if x.Depth() == 1 {
					err = x.CheckRoot(start, "list", "test list")
				}
			}
		}
		switch {
		case tt.want == "" && err != io.EOF:
			t.Errorf("%s: error %v; want io.EOF after %v", tt.name, err, names)
		case tt.want == "" && !reflect.DeepEqual(names, []string{"list", "rec"}):
			t.Errorf("%s: start elements %v; want [list rec]", tt.name, names)
		case tt.want != "" && (!errors.Is(err, parse.ErrFormat) || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: error %v; want ErrFormat containing %q", tt.name, err, tt.want)
		}
	}
}

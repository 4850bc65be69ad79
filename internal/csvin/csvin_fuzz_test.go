package csvin

import (
	"encoding/csv"
	"strings"
	"testing"
)

// FuzzScanQuotes checks ScanQuotes against encoding/csv with LazyQuotes:
// they must agree on whether a line ends inside a quoted field and on the
// number of fields, or records would be cut in the wrong place.
func FuzzScanQuotes(f *testing.F) {
	for _, s := range []string{`a,"b,c`, `"a""b",c`, `"a"b,c"`, `a"b,"c"`, `"",""`, `"a" ,b`, `x,"`, `,`, `"a""`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		if line == "" || strings.ContainsAny(line, "\n") || strings.HasSuffix(line, "\r") {
			return // not one physical line as LineReader returns it
		}
		cr := csv.NewReader(strings.NewReader(line + "\nz\n"))
		cr.LazyQuotes = true
		cr.FieldsPerRecord = -1
		rec, err := cr.Read()
		if err != nil {
			t.Fatalf("csv: %v", err)
		}
		fields, open := ScanQuotes([]byte(line), false)
		csvOpen := cr.InputOffset() > int64(len(line)+1)
		if open != csvOpen {
			t.Fatalf("ScanQuotes open = %v, encoding/csv open = %v", open, csvOpen)
		}
		if !open && fields != len(rec) {
			t.Fatalf("ScanQuotes fields = %d, encoding/csv %d (%q)", fields, len(rec), rec)
		}
		got, whole := NewSplitter().Split([]Line{{Text: []byte(line)}})
		if open == whole || !open && strings.Join(got, "\x00") != strings.Join(rec, "\x00") {
			t.Fatalf("split = %q (whole %v), encoding/csv %q (open %v)", got, whole, rec, open)
		}
	})
}

package orders

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// csvOutcome reads a CSV batch to the end and describes each order as
// "id@first-end:ok" or "id@first-end:field@line message", and a batch that
// stopped as "stop:error".
func csvOutcome(t *testing.T, in string) []string {
	t.Helper()
	r, err := NewCSVReader(strings.NewReader(in), "o.csv")
	if err != nil {
		return []string{"header:" + err.Error()}
	}
	var got []string
	for {
		o, line, err := r.Next()
		if err == io.EOF {
			return got
		}
		var ve *ValidationError
		switch {
		case err == nil:
			got = append(got, fmt.Sprintf("%s@%d-%d:ok", o.ID, line, r.EndLine()))
		case errors.As(err, &ve):
			var fs []string
			for _, f := range ve.Fields {
				fs = append(fs, fmt.Sprintf("%s@%d %s", f.Field, f.Line, f.Message))
			}
			got = append(got, fmt.Sprintf("%s@%d-%d:%s", o.ID, line, r.EndLine(), strings.Join(fs, "; ")))
		default:
			return append(got, "stop:"+err.Error())
		}
	}
}

// TestCSVStrayQuote is issue 9 point 1 for `check --in orders.csv`: a
// stray quote must not join the rows after it into one field. The row with
// the quote makes its order invalid, naming its line; the following rows
// are read as rows of their own, with their true line numbers; a bare
// quote inside a field is text.
func TestCSVStrayQuote(t *testing.T) {
	const head = "order_id,record,role,name,country,description,hs_code,quantity\n"
	tests := []struct {
		name, in string
		want     []string
	}{
		// encoding/csv reads the consignee row into the buyer's name: a
		// party of O1 vanished and O1 still got a decision.
		{"ClosedByLaterQuote", head +
			"O1,party,buyer,\"Acme Trading,DE,,,\n" +
			"O1,party,consignee,Foo\",IR,,,\n" +
			"O1,line,,,,ball bearings,8482.10,10\n" +
			"O2,party,buyer,Bar,DE,,,\n" +
			"O2,line,,,,ball bearings,8482.10,10\n",
			[]string{
				"O1@2-4:name@2 quote not closed on this line: the field would run into the rows after it",
				"O2@5-6:ok",
			}},
		// Never closed: every following row is still read.
		{"NeverClosed", head +
			"O1,party,buyer,Acme,DE,,,\n" +
			"O1,line,,,,\"ball bearings,8482.10,10\n" +
			"O2,party,buyer,Bar,DE,,,\n" +
			"O2,line,,,,ball bearings,8482.10,10\n",
			[]string{
				"O1@2-3:description@3 quote not closed on this line: the field would run into the rows after it",
				"O2@4-5:ok",
			}},
		// A bare quote inside an unquoted field is part of the name, and
		// a quoted field may span lines.
		{"BareQuoteAndMultiline", head +
			"O1,party,buyer,Acme \"Best\" Trading,DE,,,\n" +
			"O1,line,,,,\"ball\nbearings\",8482.10,10\n" +
			"\n" +
			"O2,party,buyer,O\"Brien Ltd,IE,,,\n" +
			"O2,line,,,,ball bearings,8482.10,10\n",
			[]string{"O1@2-4:ok", "O2@6-7:ok"}},
		// A row with a field too many is refused in its order, not the
		// whole batch.
		{"FieldCount", head +
			"O1,party,buyer,Acme, Inc,DE,,,\n" +
			"O1,line,,,,ball bearings,8482.10,10\n" +
			"O2,party,buyer,Bar,DE,,,\n" +
			"O2,line,,,,ball bearings,8482.10,10\n",
			[]string{"O1@2-3:@2 row has 9 fields, the header has 8", "O2@4-5:ok"}},
		// A row whose order cannot be told stops the batch, naming it.
		{"UnattributableStops", head +
			"O1,party,buyer,Acme,DE,,,\n" +
			"\"O1,line,,,,ball bearings,8482.10,10\n" +
			"O2,party,buyer,Bar,DE,,,\n",
			[]string{"O1@2-2:@2 line 3 cannot be read and may belong to this order; the batch stops there",
				"stop:o.csv:3: field order_id: quote not closed on this line, so the row's order cannot be told; the batch stops here"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := csvOutcome(t, tt.in)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// checkCSVAccounting reads in to the end and checks that every line after
// the header is in exactly one order's span or is blank, and that a batch
// that stops names the first line it did not account for. Reading one byte
// at a time gives the same orders.
func checkCSVAccounting(t *testing.T, in []byte) {
	r, err := NewCSVReader(bytes.NewReader(in), "f.csv")
	if err != nil {
		var pe *parse.Error
		if !errors.As(err, &pe) {
			t.Fatalf("header error %T %v, want a *parse.Error", err, err)
		}
		return
	}
	slow, err := NewCSVReader(iotest.OneByteReader(bytes.NewReader(in)), "f.csv")
	if err != nil {
		t.Fatalf("header refused only when read byte by byte: %v", err)
	}
	lines := bytes.Split(in, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	blank := func(l int) bool { return strings.Trim(string(lines[l-1]), " \t\r") == "" }
	next := r.headerEnd + 1 // the first line not yet accounted for
	for {
		o, first, err := r.Next()
		o2, first2, err2 := slow.Next()
		if fmt.Sprint(first, err, r.EndLine()) != fmt.Sprint(first2, err2, slow.EndLine()) || (o == nil) != (o2 == nil) || o != nil && o.ID != o2.ID {
			t.Fatalf("byte by byte: %d %v (end %d), want %d %v (end %d)", first2, err2, slow.EndLine(), first, err, r.EndLine())
		}
		if err == io.EOF {
			break
		}
		var ve *ValidationError
		var pe *parse.Error
		switch {
		case err == nil, errors.As(err, &ve):
		case errors.As(err, &pe):
			for ; next < pe.Line; next++ {
				if !blank(next) {
					t.Fatalf("batch stopped at line %d (%v), line %d %q is in no order", pe.Line, err, next, lines[next-1])
				}
			}
			if pe.Line > len(lines) || blank(pe.Line) {
				t.Fatalf("batch stopped at line %d, which is blank or past the end (%d lines)", pe.Line, len(lines))
			}
			return
		default:
			t.Fatalf("unexpected error %T %v", err, err)
		}
		for ; next < first; next++ {
			if !blank(next) {
				t.Fatalf("line %d %q is before order %q (line %d) and in none", next, lines[next-1], o.ID, first)
			}
		}
		if first != next || r.EndLine() < first {
			t.Fatalf("order %q spans %d-%d, want it to start at %d", o.ID, first, r.EndLine(), next)
		}
		next = r.EndLine() + 1
	}
	for ; next <= len(lines); next++ {
		if !blank(next) {
			t.Fatalf("line %d %q after the last order is in none", next, lines[next-1])
		}
	}
}

// FuzzCSVAccounting: whatever the bytes, every line of an order CSV batch
// is in exactly one order or blank, or the batch stops naming the line.
func FuzzCSVAccounting(f *testing.F) {
	f.Add(readExample(f, "orders.csv"))
	for _, s := range []string{
		"order_id,record,role,name,country\nO1,party,buyer,\"Acme,DE\nO1,party,consignee,Foo\",IR\nO2,party,buyer,Bar,DE\n",
		"order_id,record,name\n\n\nA,party,\"x\n\ny\"\n  \nB,party,\"\"\"q\n\"C,party,z\nD,line\n",
		"\ufefforder_id,record\r\nA,order\r\nA,party,x\r\n\xff,line\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) { checkCSVAccounting(t, in) })
}

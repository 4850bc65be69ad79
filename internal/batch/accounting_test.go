package batch_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/batch"
)

// jsonResults runs a CSV input to JSONL output and returns the summary and
// the results.
func jsonResults(t *testing.T, in string, listed ...string) (batch.Summary, []batch.Result, string) {
	t.Helper()
	var out, prog bytes.Buffer
	sum, err := batch.Run(context.Background(), newFake(listed), batch.Options{
		In: strings.NewReader(in), InName: "s.csv", Format: batch.CSV, Out: &out, Progress: &prog, Workers: 2, ChunkSize: 1,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	var res []batch.Result
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r batch.Result
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	return sum, res, prog.String()
}

// TestRunUnclosedQuote is issue 9, point 1: a quote that is never closed
// must not swallow the rows after it. Every data line ends up screened or
// rejected with its own line number.
func TestRunUnclosedQuote(t *testing.T) {
	tests := []struct {
		name string
		in   string
		// want is, per row, "line:" for a screened row or
		// "line:error fragment" for a rejected one.
		want []string
	}{
		{"Issue9", "id,name,country\nC1,\"Acme Trading,DE\nC2,Abdollah Mehrabi,IR\nC3,Quds Aviation Industry,IR\n",
			[]string{"2:s.csv:2: field name: quote", "3:", "4:"}},
		// The stray quote is closed by a later bare quote: today's reader
		// reads C1 and C2 as one row with a two-line name.
		{"ClosedByLaterBareQuote", "id,name,country\nC1,\"Acme,DE\nC2,Foo\",IR\nC3,Bar,IR\n",
			[]string{"2:s.csv:2: field name: quote", "3:", "4:"}},
		{"NeverClosedAtEnd", "id,name,country\nC1,Acme,DE\nC2,\"Foo,IR",
			[]string{"2:", "3:s.csv:3: field name: quote"}},
		// A bare quote inside an unquoted field is part of the name.
		{"BareQuote", "id,name,country\nC1,Acme \"Best\" Trading,DE\nC2,O\"Brien,IE\n",
			[]string{"2:", "3:"}},
		// Legitimate CSV: a quoted field over several lines, with a blank
		// line inside it, then a row after.
		{"QuotedNewlines", "id,name,address\nC1,Acme,\"Main St 1\n\n10115 Berlin\"\nC2,Foo,x\n",
			[]string{"2:", "5:"}},
		{"BlankLinesBetween", "id,name\n\nC1,Acme\n  \r\nC2,Foo\n\n",
			[]string{"3:", "5:"}},
		{"CRLF", "id,name\r\nC1,\"Acme\r\nTrading\"\r\nC2,\"Foo\r\n",
			[]string{"2:", "4:s.csv:4: field name: quote"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sum, res, prog := jsonResults(t, tt.in, "Acme Trading")
			var got []string
			for _, r := range res {
				got = append(got, fmt.Sprintf("%d:%s", r.Line, r.Error))
				if r.EndLine != 0 && r.EndLine <= r.Line {
					t.Errorf("row at line %d: end_line %d", r.Line, r.EndLine)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("rows = %q, want %q", got, tt.want)
			}
			var rejected int64
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) || strings.HasSuffix(tt.want[i], ":") && got[i] != tt.want[i] {
					t.Errorf("row %d = %q, want %q", i+1, got[i], tt.want[i])
				}
				if res[i].Error != "" {
					rejected++
					if !strings.Contains(prog, res[i].Error) {
						t.Errorf("progress output %q lacks the row error %q", prog, res[i].Error)
					}
				}
			}
			if tt.name == "QuotedNewlines" && res[0].EndLine != 4 {
				t.Errorf("multi-line row: end_line %d, want 4", res[0].EndLine)
			}
			if sum.Rows != int64(len(tt.want)) || sum.Rejected != rejected || sum.Screened+sum.Rejected != sum.Rows {
				t.Errorf("summary %+v, want %d rows, %d rejected", sum, len(tt.want), rejected)
			}
		})
	}
}

// TestRunUnclosedQuoteRealRows breaks one name of a 50,000-row customer
// file with an opening quote: one row is rejected, on its own line, and
// every other row is still screened.
func TestRunUnclosedQuoteRealRows(t *testing.T) {
	in, fake, isPos := realCustomers(t, 50000)
	lines := strings.SplitAfter(string(in), "\n")
	const bad = 1001 // line number, header = line 1
	if strings.Contains(lines[bad-1], "\"") {
		t.Fatalf("line %d already has a quote: %s", bad, lines[bad-1])
	}
	f := strings.SplitN(lines[bad-1], ",", 3)
	lines[bad-1] = f[0] + "," + f[1] + ",\"" + f[2]
	var out, prog bytes.Buffer
	sum, err := batch.Run(context.Background(), fake, batch.Options{
		In: strings.NewReader(strings.Join(lines, "")), InName: "customers.csv", Format: batch.CSV,
		Out: &out, OutFormat: batch.CSV, Progress: &prog,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sum.Rows != int64(len(isPos)) || sum.Rejected != 1 || sum.Screened != sum.Rows-1 {
		t.Fatalf("summary %+v, want %d rows, 1 rejected, the rest screened", sum, len(isPos))
	}
	want := fmt.Sprintf("customers.csv:%d: field name: quote", bad)
	if !strings.Contains(prog.String(), want) {
		t.Errorf("progress output lacks %q:\n%.500s", want, prog.String())
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	if len(recs)-1 != len(isPos) {
		t.Errorf("output rows = %d, want %d", len(recs)-1, len(isPos))
	}
}

// TestRunRepeatedHeader is issue 9, point 9: two customer files joined
// with cat repeat the header inside the data. The row is rejected, not
// screened as a party called "name", and the output has one header.
func TestRunRepeatedHeader(t *testing.T) {
	in := "id,name,country\nC1,Acme Trading,DE\nid,name,country\nC2,Foo,IR\n"
	var out bytes.Buffer
	sum, err := batch.Run(context.Background(), newFake([]string{"Acme Trading"}), batch.Options{
		In: strings.NewReader(in), InName: "s.csv", Format: batch.CSV, Out: &out, OutFormat: batch.CSV, ChunkSize: 1,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sum.Rows != 3 || sum.Rejected != 1 || sum.Screened != 2 {
		t.Errorf("summary %+v, want 3 rows, 2 screened, 1 rejected", sum)
	}
	if n := strings.Count(out.String(), "id,name,country"); n != 1 {
		t.Errorf("output has the header %d times, want 1:\n%s", n, out.String())
	}
	if !strings.Contains(out.String(), "s.csv:3: repeats the header") {
		t.Errorf("output does not reject line 3 as a repeated header:\n%s", out.String())
	}
}

// TestRunCSVFormulaCells is issue 9, point 9: a cell that a spreadsheet
// would run as a formula is written with a leading apostrophe, in the
// header, the pass-through columns and the columns batch adds.
func TestRunCSVFormulaCells(t *testing.T) {
	in := "id,name,=cmd\n" +
		"=HYPERLINK(\"http://x\"),Acme Trading,+1\n" +
		"@SUM(A1),-2+3,\"\tx\"\n" +
		"'=kept,\"\rx\",plain\n" +
		"x,,no name\n"
	var out bytes.Buffer
	_, err := batch.Run(context.Background(), newFake([]string{"Acme Trading"}), batch.Options{
		In: strings.NewReader(in), InName: "=in.csv", Format: batch.CSV, Out: &out, OutFormat: batch.CSV,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := out.String()
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v\n%s", err, got)
	}
	for i, rec := range recs {
		for j, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("output line %d, column %d starts with %q: %q", i+1, j+1, cell[0], cell)
			}
		}
	}
	for _, want := range []string{"'=cmd", "'=HYPERLINK", "'+1", "'@SUM(A1)", "'-2+3", "'\tx", "''=kept", "'\rx", "'=in.csv:"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}

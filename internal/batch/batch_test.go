package batch_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/batch"
	"github.com/chokepoint-dev/chokepoint/internal/csvout"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	negativesFile = "data/eval/yente-candidate-benchmark/negatives_us.csv"
	positivesFile = "data/eval/yente-candidate-benchmark/positives_un_untreated.csv"
)

// fakeScreener stands in for the match engine: a listed name matches a
// query with the same words in the same order, whatever the case and
// spacing; a query sharing only the last word is a near-match.
type fakeScreener struct {
	ds     *entity.Dataset
	byName map[string]*entity.Entity
	byLast map[string]*entity.Entity
	// delay, when set, slows some queries so that workers finish out of
	// order.
	delay bool
}

func fold(s string) string { return strings.Join(strings.Fields(strings.ToUpper(s)), " ") }

func newFake(names []string) *fakeScreener {
	f := &fakeScreener{
		ds:     &entity.Dataset{Source: "un_sc", Published: "2026-11-01", Version: "2026-11-01-abc123"},
		byName: make(map[string]*entity.Entity),
		byLast: make(map[string]*entity.Entity),
	}
	for i, n := range names {
		e := &entity.Entity{ID: fmt.Sprintf("un_sc:%d", i+1), Source: "un_sc", SourceID: fmt.Sprint(i + 1),
			Type: entity.Person, Name: n, Names: []entity.Name{{Full: n, Kind: entity.NamePrimary, Quality: entity.Strong}}}
		f.ds.Entities = append(f.ds.Entities, e)
		f.byName[fold(n)] = e
		if w := strings.Fields(fold(n)); len(w) > 1 {
			f.byLast[w[len(w)-1]] = e
		}
	}
	return f
}

func (f *fakeScreener) Screen(q match.Query, opt match.Options) ([]match.Match, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	if f.delay {
		h := fnv.New32a()
		h.Write([]byte(q.Name))
		time.Sleep(time.Duration(h.Sum32()%200) * time.Microsecond)
	}
	if strings.Contains(q.Name, "ENGINE FAILURE") {
		return nil, errors.New("index unavailable")
	}
	key := fold(q.Name)
	mk := func(e *entity.Entity, score float64) []match.Match {
		th := opt.Threshold
		if th == 0 {
			th = match.DefaultThreshold
		}
		return []match.Match{{EntityID: e.ID, Source: e.Source, SourceID: e.SourceID, Type: e.Type, Name: e.Name,
			MatchedName: e.Name, Score: score, Match: score >= th, Explanation: "same words", ListVersion: f.ds.Version}}
	}
	if e, ok := f.byName[key]; ok {
		return mk(e, 1), nil
	}
	if w := strings.Fields(key); len(w) > 1 {
		if e, ok := f.byLast[w[len(w)-1]]; ok {
			return mk(e, 0.75), nil
		}
	}
	return nil, nil
}

func (f *fakeScreener) Entity(id string) (*entity.Entity, bool) {
	for _, e := range f.ds.Entities {
		if e.ID == id {
			return e, true
		}
	}
	return nil, false
}

func (f *fakeScreener) Datasets() []*entity.Dataset { return []*entity.Dataset{f.ds} }

// readRows reads a shared CSV file into records, header first.
func readRows(t testing.TB, rel string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(sharedtest.Read(t, rel))).ReadAll()
	if err != nil {
		t.Fatalf("read %s: %v", rel, err)
	}
	return recs
}

// customerCSV turns rows of the benchmark files (full_name, ..., gender,
// date_of_birth, place_of_birth, nationality) into a customer file in the
// batch format, keeping place_of_birth as a pass-through column.
func customerCSV(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"customer_no", "id", "name", "dob", "country", "place_of_birth"})
	for i, r := range rows {
		w.Write([]string{fmt.Sprintf("C%06d", i+1), fmt.Sprintf("c%d", i+1), r[0], r[5], r[7], r[6]})
	}
	w.Flush()
	return b.Bytes()
}

// realCustomers mixes the first n negatives with every UN positive, one
// positive after every few negatives, and returns the file, the fake
// screener listing the positives, and which rows are positives.
func realCustomers(t testing.TB, n int) ([]byte, *fakeScreener, []bool) {
	t.Helper()
	neg := readRows(t, negativesFile)[1:]
	pos := readRows(t, positivesFile)[1:]
	if n > len(neg) {
		n = len(neg)
	}
	var names []string
	for _, p := range pos {
		names = append(names, p[0])
	}
	var rows [][]string
	var isPos []bool
	pi := 0
	for i := 0; i < n || pi < len(pos); i++ {
		if i < n {
			rows = append(rows, neg[i])
			isPos = append(isPos, false)
		}
		if pi < len(pos) && (i%3 == 2 || i >= n) {
			rows = append(rows, pos[pi])
			isPos = append(isPos, true)
			pi++
		}
	}
	return customerCSV(t, rows), newFake(names), isPos
}

func TestRunCSVRealRows(t *testing.T) {
	in, fake, isPos := realCustomers(t, 50000)
	var out, prog bytes.Buffer
	sum, err := batch.Run(context.Background(), fake, batch.Options{
		In: bytes.NewReader(in), InName: "customers.csv", Format: batch.CSV,
		Out: &out, OutFormat: batch.CSV, Progress: &prog, Workers: 4, ChunkSize: 7,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got, want := sum.Rows, int64(len(isPos)); got != want {
		t.Errorf("rows = %d, want %d", got, want)
	}
	if got, want := sum.Screened+sum.Rejected, sum.Rows; got != want {
		t.Errorf("screened+errors = %d, want rows %d", got, want)
	}
	recs, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatalf("output is not CSV: %v", err)
	}
	wantHead := append([]string{"customer_no", "id", "name", "dob", "country", "place_of_birth"}, batch.OutputColumns...)
	if got := strings.Join(recs[0], ","); got != strings.Join(wantHead, ",") {
		t.Fatalf("header = %s, want %s", got, strings.Join(wantHead, ","))
	}
	input, _ := csv.NewReader(bytes.NewReader(in)).ReadAll()
	col := func(name string) int {
		for i, h := range recs[0][6:] {
			if h == name {
				return 6 + i
			}
		}
		t.Fatalf("no output column %s", name)
		return 0
	}
	rowCol, errCol, matchCol, entCol := col("row"), col("error"), col("match"), col("entity_id")
	var matched, errs int64
	for i, r := range recs[1:] {
		n := i + 1 // one output line per input row: this file has at most one hit per row
		if got, want := r[rowCol], fmt.Sprint(n); got != want {
			t.Fatalf("output line %d: row = %s, want %s (order lost)", i+2, got, want)
		}
		// CSV output escapes cells a spreadsheet would run ("-, India").
		for j := range 6 {
			r[j] = csvout.Unescape(r[j])
		}
		if got, want := strings.Join(r[:6], "|"), strings.Join(input[n], "|"); got != want {
			t.Errorf("row %d: input columns = %s, want %s", n, got, want)
		}
		if r[errCol] != "" {
			// Every value in these files is valid: names, ISO dates and
			// years, country names and codes.
			errs++
			t.Errorf("row %d: error %q, want none", n, r[errCol])
			continue
		}
		if r[matchCol] == "true" {
			matched++
			if !isPos[i] {
				t.Errorf("row %d (%s): negative matched %s", n, r[2], r[entCol])
			}
		} else if isPos[i] {
			t.Errorf("row %d (%s): positive not matched", n, r[2])
		}
	}
	if got := int64(len(recs) - 1); got != sum.Rows {
		t.Errorf("output lines = %d, want one per row (%d)", got, sum.Rows)
	}
	if matched != sum.WithMatches || errs != sum.Rejected {
		t.Errorf("summary matches/errors = %d/%d, output has %d/%d", sum.WithMatches, sum.Rejected, matched, errs)
	}
	if !strings.Contains(prog.String(), fmt.Sprintf("%d rows read", sum.Rows)) {
		t.Errorf("progress output %q lacks the summary", prog.String())
	}
	if strings.Contains(prog.String(), "rows/s  ") {
		t.Errorf("progress bar drawn on a non-terminal: %q", prog.String())
	}
}

func TestRunJSONLKeepsOrder(t *testing.T) {
	pos := readRows(t, positivesFile)[1:]
	var in bytes.Buffer
	for i, p := range pos {
		obj := map[string]any{"id": fmt.Sprintf("p%d", i+1), "name": p[0], "ref": i}
		if p[5] != "" {
			obj["dob"] = p[5]
		}
		if i%2 == 0 {
			obj["ids"] = []string{"X1", "Y2"}
		} else {
			obj["ids"] = "X1;Y2|Z3"
		}
		line, _ := json.Marshal(obj)
		in.Write(line)
		in.WriteString("\n")
	}
	var names []string
	for _, p := range pos {
		names = append(names, p[0])
	}
	fake := newFake(names)
	fake.delay = true
	var out bytes.Buffer
	sum, err := batch.Run(context.Background(), fake, batch.Options{
		In: &in, Format: batch.JSONL, Out: &out, Workers: 8, ChunkSize: 1,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	if sum.Rows != int64(len(pos)) || sum.Rejected != 0 {
		t.Errorf("summary = %+v, want %d rows and no errors", sum, len(pos))
	}
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		n++
		var res batch.Result
		if err := json.Unmarshal(sc.Bytes(), &res); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if res.Row != int64(n) || res.ID != fmt.Sprintf("p%d", n) || res.Line != n {
			t.Fatalf("line %d: row %d id %s line %d, want row %d id p%d (order lost)", n, res.Row, res.ID, res.Line, n, n)
		}
		wantIDs := 2
		if n%2 == 0 {
			wantIDs = 3
		}
		if len(res.Query.IDs) != wantIDs {
			t.Errorf("row %d: ids = %q, want %d identifiers", n, res.Query.IDs, wantIDs)
		}
		if len(res.Matches) == 0 || !res.Matches[0].Match || res.Matches[0].Name != pos[n-1][0] {
			t.Errorf("row %d: matches = %+v, want %s", n, res.Matches, pos[n-1][0])
		}
		if !bytes.Contains(res.Input, []byte(fmt.Sprintf(`"ref":%d`, n-1))) {
			t.Errorf("row %d: input %s lacks the pass-through field ref", n, res.Input)
		}
	}
	if n != len(pos) {
		t.Errorf("output lines = %d, want %d", n, len(pos))
	}
}

func TestRunBadRows(t *testing.T) {
	good := "Mohammad Salem Aziz"
	tests := []struct {
		name   string
		format batch.Format
		in     string
		// want is, for each data row, "" for a screened row or a
		// fragment of its error.
		want []string
	}{
		{"MissingName", batch.CSV, "name,dob\n,1970\n" + good + ",1970\n",
			[]string{"in:2: field name: required", ""}},
		{"BadDOB", batch.CSV, "name,dob\nA B,1970-13-01\n" + good + ",\n",
			[]string{"in:2: field dob: date \"1970-13-01\": month 13 out of range", ""}},
		{"WrongColumnCount", batch.CSV, "name,dob\nA B,1970,x\n" + good + "\nC D,1980\n",
			[]string{"in:2: row has 3 columns, the header has 2", "in:3: row has 1 columns, the header has 2", ""}},
		{"InvalidUTF8", batch.CSV, "name,country\nA\xff B,IR\n" + good + ",IR\n",
			[]string{"in:2: field name: not valid UTF-8", ""}},
		{"BadType", batch.CSV, "name,type\nA B,dragon\n" + good + ",individual\n",
			[]string{"in:2: field type: unknown type \"dragon\"", ""}},
		{"BadCountry", batch.CSV, "name,country\nA B,Atlantis\n" + good + ",Iran\n",
			[]string{"in:2: field country: unknown country \"Atlantis\"", ""}},
		{"SeveralFields", batch.CSV, "name,dob,type\n,99,x\n",
			[]string{"in:2: field type,name,dob: type: unknown type"}},
		{"BadQuote", batch.CSV, "name,dob\n\"A \"B\" C,1970\n" + good + ",1970\n",
			[]string{"in:2:", ""}},
		{"EngineError", batch.CSV, "name\nENGINE FAILURE LTD\n" + good + "\n",
			[]string{"in:2: screen: index unavailable", ""}},
		{"MultilineRowLine", batch.CSV, "id,name\n1,\"A\nB\"\n2,\n",
			[]string{"", "in:4: field name: required"}},
		{"JSONLNotObject", batch.JSONL, "[1,2]\n{\"name\":\"" + good + "\"}\n",
			[]string{"in:1: want a JSON object", ""}},
		{"JSONLWrongType", batch.JSONL, "{\"name\":42}\n\n{\"name\":\"" + good + "\",\"ids\":[\"1\"]}\n",
			[]string{"in:1: field name: want a string, got 42", ""}},
		{"JSONLBadIDs", batch.JSONL, "{\"name\":\"A B\",\"ids\":[1]}\n{\"name\":\"" + good + "\"}\n",
			[]string{"in:1: field ids: want a list of strings or a string", ""}},
		{"JSONLBadJSON", batch.JSONL, "{\"name\":\"A B\"\n{\"name\":\"" + good + "\"}",
			[]string{"in:1: want a JSON object: unexpected end of JSON input", ""}},
		{"JSONLInvalidUTF8", batch.JSONL, "{\"name\":\"A\xffB\"}\n{\"name\":\"" + good + "\"}\n",
			[]string{"in:1: not valid UTF-8", ""}},
		{"JSONLTooLong", batch.JSONL, "{\"name\":\"" + strings.Repeat("A", batch.MaxLineLen) + "\"}\n{\"name\":\"" + good + "\"}\n",
			[]string{"in:1: line longer than", ""}},
		// Only one of two names would be screened.
		{"JSONLDuplicateKey", batch.JSONL, "{\"name\":\"Acme Trading\",\"id\":1,\"name\":\"" + good + "\"}\n{\"name\":\"" + good + "\"}\n",
			[]string{"in:1: field name: key \"name\" appears twice", ""}},
		{"JSONLBadDOBAndName", batch.JSONL, "{\"name\":\"\",\"dob\":\"1/2/1970\"}\n",
			[]string{"in:1: field name,dob:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, prog bytes.Buffer
			sum, err := batch.Run(context.Background(), newFake([]string{good}), batch.Options{
				In: strings.NewReader(tt.in), InName: "in", Format: tt.format, Out: &out, Progress: &prog,
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if sum.Rows != int64(len(tt.want)) {
				t.Fatalf("rows = %d, want %d; output:\n%s", sum.Rows, len(tt.want), out.String())
			}
			dec := json.NewDecoder(&out)
			var wantErrs int64
			for i, want := range tt.want {
				var res batch.Result
				if err := dec.Decode(&res); err != nil {
					t.Fatalf("row %d: %v", i+1, err)
				}
				if want == "" {
					if res.Error != "" || len(res.Matches) == 0 && strings.Contains(res.Query.Name, "Salem") {
						t.Errorf("row %d: error %q, matches %d; want screened and matched", i+1, res.Error, len(res.Matches))
					}
					continue
				}
				wantErrs++
				if !strings.Contains(res.Error, want) {
					t.Errorf("row %d: error = %q, want it to contain %q", i+1, res.Error, want)
				}
				if !strings.Contains(prog.String(), want) {
					t.Errorf("progress output %q lacks the row error %q", prog.String(), want)
				}
			}
			if sum.Rejected != wantErrs {
				t.Errorf("errors = %d, want %d", sum.Rejected, wantErrs)
			}
		})
	}
}

func TestRunHeaderErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"Empty", "", "in:1: empty input"},
		{"NoNameColumn", "id,full_name\n1,A\n", "in:1: field name: header has no name column (columns: id, full_name)"},
		{"DuplicateName", "name,Name\nA,B\n", "in:1: field name: column \"name\" appears twice"},
		{"BOMAndCase", "\ufeffNAME\nA B\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := batch.Run(context.Background(), newFake(nil), batch.Options{
				In: strings.NewReader(tt.in), InName: "in", Format: batch.CSV, Out: io.Discard,
			})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if tt.want == "" && err != nil || !strings.Contains(got, tt.want) {
				t.Errorf("err = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRunHitsOnly(t *testing.T) {
	in := "name,note\nAli Reza Karimi,a\nJane Doe,b\n,c\nMohammad Karimi,d\n"
	for _, format := range []batch.Format{batch.CSV, batch.JSONL} {
		t.Run(string(format), func(t *testing.T) {
			var out bytes.Buffer
			sum, err := batch.Run(context.Background(), newFake([]string{"Ali Reza Karimi"}), batch.Options{
				In: strings.NewReader(in), Format: batch.CSV, Out: &out, OutFormat: format, HitsOnly: true,
			})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if sum.Rows != 4 || sum.WithMatches != 1 || sum.Hits != 2 || sum.Rejected != 1 {
				t.Errorf("summary = %+v, want 4 rows, 1 with matches, 2 hits, 1 error", sum)
			}
			// The exact match, the bad row and the near-match; Jane Doe
			// had no hit and is dropped.
			got := out.String()
			if strings.Contains(got, "Jane Doe") {
				t.Errorf("output keeps a row without hits:\n%s", got)
			}
			for _, want := range []string{"Ali Reza Karimi", "field name: required", "Mohammad Karimi", "0.7500"} {
				if format == batch.JSONL && want == "0.7500" {
					want = `"score":0.75`
				}
				if !strings.Contains(got, want) {
					t.Errorf("output lacks %q:\n%s", want, got)
				}
			}
			if format == batch.JSONL && !strings.Contains(got, `"columns":{"note":"d"}`) {
				t.Errorf("JSONL output lacks the pass-through column note:\n%s", got)
			}
		})
	}
}

func TestFormatFromPath(t *testing.T) {
	tests := []struct {
		path string
		want batch.Format
		ok   bool
	}{
		{"customers.csv", batch.CSV, true},
		{"/x/Customers.CSV", batch.CSV, true},
		{"a.jsonl", batch.JSONL, true},
		{"a.ndjson", batch.JSONL, true},
		{"a.json", "", false},
		{"noext", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			got, err := batch.FormatFromPath(tt.path)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("FormatFromPath(%q) = %q, %v; want %q, ok %v", tt.path, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestRunOptionErrors(t *testing.T) {
	_, err := batch.Run(context.Background(), newFake(nil), batch.Options{Format: "xml", OutFormat: "pdf", Threshold: 2, Limit: -1})
	for _, want := range []string{"no input", "no output", `input format "xml"`, `output format "pdf"`, "threshold 2", "limit -1"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want it to mention %q", err, want)
		}
	}
}

func TestRunProgressBar(t *testing.T) {
	in, fake, _ := realCustomers(t, 300)
	var prog bytes.Buffer
	_, err := batch.Run(context.Background(), fake, batch.Options{
		In: bytes.NewReader(in), InSize: int64(len(in)), Format: batch.CSV, Out: io.Discard,
		Progress: &prog, ForceProgress: true,
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	got := prog.String()
	for _, want := range []string{"\r\033[K", "rows/s", "% ", "ETA", "rows read"} {
		if !strings.Contains(got, want) {
			t.Errorf("progress output %q lacks %q", got, want)
		}
	}
}

// failWriter fails after n bytes.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n -= len(p); w.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestRunStops(t *testing.T) {
	in, fake, _ := realCustomers(t, 5000)
	t.Run("WriteError", func(t *testing.T) {
		_, err := batch.Run(context.Background(), fake, batch.Options{
			In: bytes.NewReader(in), Format: batch.CSV, Out: &failWriter{n: 10000}, OutFormat: batch.CSV,
		})
		if err == nil || !strings.Contains(err.Error(), "write results: disk full") {
			t.Errorf("err = %v, want write results: disk full", err)
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := batch.Run(ctx, fake, batch.Options{In: bytes.NewReader(in), Format: batch.CSV, Out: io.Discard})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("UnclosedQuoteBounded", func(t *testing.T) {
		// A quote never closed, followed by lines that do not read as rows
		// on their own: the field may take at most MaxRecordLines lines or
		// MaxRecordLen bytes, then the opening line is rejected and each
		// following line is read as a row of its own.
		long := strings.Repeat("y", batch.MaxRecordLen/10)
		for _, tail := range []string{strings.Repeat("x\n", 3*batch.MaxRecordLines), strings.Repeat(long+"\n", 20)} {
			huge := "name,dob\nAli Reza Karimi,1970\nJane Roe,1980\n\"Never closed,\n" + tail
			tailLines := int64(strings.Count(tail, "\n"))
			var out, prog bytes.Buffer
			sum, err := batch.Run(context.Background(), fake, batch.Options{In: strings.NewReader(huge), InName: "c.csv", Format: batch.CSV, Out: &out, Progress: &prog})
			if err != nil {
				t.Fatalf("Run: %v", err)
			}
			if sum.Rows != 3+tailLines || sum.Screened != 2 || sum.Rejected != 1+tailLines {
				t.Errorf("summary %v, want %d rows, 2 screened, the rest rejected", sum, 3+tailLines)
			}
			if !strings.Contains(prog.String(), "c.csv:4: field name: quote not closed") || !strings.Contains(prog.String(), "c.csv:5: row has 1 columns") {
				t.Errorf("progress output lacks the errors of lines 4 and 5:\n%.300s", prog.String())
			}
		}
	})
	t.Run("ReadError", func(t *testing.T) {
		r := io.MultiReader(bytes.NewReader(in[:5000]), iotestErr{})
		sum, err := batch.Run(context.Background(), fake, batch.Options{In: r, InName: "c.csv", Format: batch.CSV, Out: io.Discard})
		if err == nil || !strings.Contains(err.Error(), "read c.csv after line ") || !strings.Contains(err.Error(), "cable cut") {
			t.Errorf("err = %v, want read c.csv after line N: cable cut", err)
		}
		if sum.Rows == 0 {
			t.Errorf("rows = 0, want the rows before the failure counted")
		}
	})
}

type iotestErr struct{}

func (iotestErr) Read([]byte) (int, error) { return 0, errors.New("cable cut") }

// checkInvariants runs in and checks what must hold for any input: no
// panic, counts that add up, one JSONL line per row.
func checkInvariants(t *testing.T, format batch.Format, in []byte) {
	var out bytes.Buffer
	sum, err := batch.Run(context.Background(), newFake([]string{"Ali Reza Karimi"}), batch.Options{
		In: bytes.NewReader(in), Format: format, Out: &out, Workers: 2, ChunkSize: 2,
	})
	if err != nil {
		return // a bad header; the error is the result
	}
	if sum.Screened+sum.Rejected != sum.Rows {
		t.Fatalf("screened %d + errors %d != rows %d", sum.Screened, sum.Rejected, sum.Rows)
	}
	if got := int64(bytes.Count(out.Bytes(), []byte("\n"))); got != sum.Rows {
		t.Fatalf("output lines = %d, want rows %d", got, sum.Rows)
	}
}

func FuzzRunCSV(f *testing.F) {
	f.Add([]byte("name,dob,country,ids,extra\nAli Reza Karimi,1961-12-22,IR,1229632603;X|Y,a\n"))
	f.Add([]byte("id,name\n1,\"A\nB\"\n2,\"x\"y\n"))
	f.Add([]byte("name\n\xff\n"))
	f.Add([]byte("full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality\nABDULHAI SALEK,,,,,1965,\"Awlyatak Village, Afghanistan\",af\n"))
	f.Fuzz(func(t *testing.T, in []byte) { checkInvariants(t, batch.CSV, in) })
}

func FuzzRunJSONL(f *testing.F) {
	f.Add([]byte(`{"id":"c1","name":"Ali Reza Karimi","type":"person","country":"IR","dob":"1961-12-22","ids":["1229632603"]}` + "\n"))
	f.Add([]byte(`{"id":7,"name":"JANAN AGHA","ids":"a;b","x":{"y":[1]}}` + "\n\n[1]\n"))
	f.Add([]byte("{\"name\":\"\xff\"}\nnull\n"))
	f.Fuzz(func(t *testing.T, in []byte) { checkInvariants(t, batch.JSONL, in) })
}

// BenchmarkRun screens the 50,000 made-up customers of negatives_us.csv
// with the fake screener: it measures the batch machinery (parse, fan
// out, reorder, encode), not the engine.
func BenchmarkRun(b *testing.B) {
	in, fake, _ := realCustomers(b, 50000)
	for _, format := range []batch.Format{batch.CSV, batch.JSONL} {
		b.Run("out="+string(format), func(b *testing.B) {
			var rows int64
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				sum, err := batch.Run(context.Background(), fake, batch.Options{
					In: bytes.NewReader(in), Format: batch.CSV, Out: io.Discard, OutFormat: format,
				})
				if err != nil {
					b.Fatal(err)
				}
				rows += sum.Rows
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

package batch

import (
	"bytes"
	"encoding/json"
	"strconv"

	"github.com/chokepoint-dev/chokepoint/internal/csvout"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// OutputColumns are the columns CSV output adds after the input columns.
var OutputColumns = []string{"row", "match_count", "entity_id", "source", "source_id", "name",
	"matched_name", "score", "match", "list_version", "explanation", "error"}

// Result is one line of JSONL output: an input row and what screening
// found for it.
type Result struct {
	// Row is the 1-based number of the data row (the CSV header is not a
	// row); Line is the input line it starts on, EndLine the one it ends
	// on when a quoted CSV field spans lines.
	Row     int64  `json:"row"`
	Line    int    `json:"line"`
	EndLine int    `json:"end_line,omitempty"`
	ID      string `json:"id"`
	// Query is the query as screened, normalised (ISO country code,
	// canonical type).
	Query   match.Query   `json:"query"`
	Matches []match.Match `json:"matches"`
	// Error says why the row was not screened, naming the line and field;
	// empty when it was.
	Error string `json:"error"`
	// Columns holds, for CSV input, the columns that are not query fields.
	Columns map[string]string `json:"columns,omitempty"`
	// Input holds, for JSONL input, the object as read.
	Input json.RawMessage `json:"input,omitempty"`
}

// encoder turns screened rows into output lines. Workers call encode
// concurrently, each on its own buffer.
type encoder struct {
	format   Format
	cols     []string // input columns
	hitsOnly bool
	extra    []int // indexes of non-query input columns, for JSONL output
}

func newEncoder(f Format, cols []string, hitsOnly bool) *encoder {
	e := &encoder{format: f, cols: cols, hitsOnly: hitsOnly}
	known := make(map[string]bool)
	for _, c := range queryCols {
		known[c] = true
	}
	for i, c := range cols {
		if !known[colKey(c)] {
			e.extra = append(e.extra, i)
		}
	}
	return e
}

// header returns the first output line, or nil for JSONL. Run writes it
// once, before any chunk; chunks are encoded with csvout.Continue, which
// cannot write a header.
func (e *encoder) header() []byte {
	if e.format != CSV {
		return nil
	}
	var b bytes.Buffer
	w := csvout.NewWriter(&b)
	_ = w.WriteHeader(append(append([]string(nil), e.cols...), OutputColumns...))
	_ = w.Flush() // writes to a bytes.Buffer do not fail
	return b.Bytes()
}

func (e *encoder) encode(dst []byte, r *row, ms []match.Match) []byte {
	b := bytes.NewBuffer(dst)
	if e.format == CSV {
		e.encodeCSV(b, r, ms)
	} else {
		e.encodeJSON(b, r, ms)
	}
	return b.Bytes()
}

func (e *encoder) encodeJSON(b *bytes.Buffer, r *row, ms []match.Match) {
	if e.hitsOnly && r.err == nil && len(ms) == 0 {
		return
	}
	res := Result{Row: r.num, Line: r.line, ID: r.q.ID, Query: r.q, Matches: ms, Input: r.extra}
	if r.endLine > r.line {
		res.EndLine = r.endLine
	}
	if res.Matches == nil {
		res.Matches = []match.Match{}
	}
	if r.err != nil {
		res.Error = r.err.Error()
	}
	if len(r.fields) == len(e.cols) && r.extra == nil {
		for _, i := range e.extra {
			if res.Columns == nil {
				res.Columns = make(map[string]string, len(e.extra))
			}
			res.Columns[e.cols[i]] = r.fields[i]
		}
	}
	// Encoding cannot fail: every value is a string, number or bool, and
	// invalid UTF-8 is replaced.
	_ = json.NewEncoder(b).Encode(&res)
}

func (e *encoder) encodeCSV(b *bytes.Buffer, r *row, ms []match.Match) {
	if e.hitsOnly && r.err == nil && len(ms) == 0 {
		return
	}
	w := csvout.Continue(b)
	rec := make([]string, len(e.cols)+len(OutputColumns))
	// A bad row may have more or fewer columns than the header; the output
	// keeps the header's shape.
	copy(rec[:len(e.cols)], r.fields)
	out := rec[len(e.cols):]
	out[0] = strconv.FormatInt(r.num, 10)
	out[1] = strconv.Itoa(len(ms))
	if r.err != nil {
		out[1] = ""
		out[11] = r.err.Error()
	}
	if len(ms) == 0 {
		_ = w.Write(rec)
	}
	for i := range ms {
		m := &ms[i]
		out[2], out[3], out[4], out[5] = m.EntityID, m.Source, m.SourceID, m.Name
		out[6] = m.MatchedName
		out[7] = strconv.FormatFloat(m.Score, 'f', 4, 64)
		out[8] = strconv.FormatBool(m.Match)
		out[9], out[10] = m.ListVersion, m.Explanation
		_ = w.Write(rec)
	}
	_ = w.Flush() // writes to a bytes.Buffer do not fail
}

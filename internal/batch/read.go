package batch

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/csvin"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// MaxLineLen caps one physical line of input, CSV or JSON lines; a longer
// line is a bad row.
const MaxLineLen = csvin.MaxLineLen

// MaxFields caps the number of CSV columns.
const MaxFields = 1000

// MaxRecordLen and MaxRecordLines cap a CSV record whose quoted field goes
// on over several lines (see csvin).
const (
	MaxRecordLen   = csvin.MaxRecordLen
	MaxRecordLines = csvin.MaxRecordLines
)

// queryCols are the columns a row's query is read from. Every other column
// is passed through untouched.
var queryCols = []string{"id", "name", "type", "country", "dob", "ids", "gender"}

// reader yields the rows of one input format. next returns io.EOF at the
// end and any other error only when the input cannot be read further; a
// bad row comes back as a row with err set.
//
// Every physical line of the input after the header (a line ends at a LF,
// a CRLF, or the end of the input) is either part of exactly one row or a
// blank line (empty or only spaces, tabs and CRs, outside any quoted field),
// which blank counts. A row is one line, unless a CSV quoted field
// legitimately spans lines.
type reader interface {
	header() []string
	next() (row, error)
	// blank is the number of blank lines skipped after the header.
	blank() int64
}

func newReader(f Format, r io.Reader, name string) (reader, error) {
	if f == CSV {
		return newCSVReader(r, name)
	}
	return newJSONLReader(r, name), nil
}

type csvReader struct {
	name      string
	recs      *csvin.Reader
	cols      []string
	idx       map[string]int // query column -> index
	keys      []string       // colKey of each column
	headerEnd int            // the line the header ends on
	preBlanks int64          // blank lines before the header
}

func newCSVReader(r io.Reader, name string) (*csvReader, error) {
	c := &csvReader{name: name, recs: csvin.NewReader(r, name), idx: make(map[string]int)}
	hr, err := c.recs.Read(0)
	if errors.Is(err, io.EOF) {
		return nil, parse.Errorf(name, 1, "", "empty input: want a header row with a name column")
	}
	if err != nil {
		return nil, err
	}
	line := hr.Line
	switch hr.Problem {
	case csvin.TooLong:
		return nil, parse.Errorf(name, line, "", "header line longer than %d bytes", MaxLineLen)
	case csvin.OpenQuote, csvin.Unsplittable:
		return nil, parse.Errorf(name, line, "", "header: a quote is never closed")
	}
	head := hr.Fields
	if len(head) > MaxFields {
		return nil, parse.Errorf(name, line, "", "header has %d columns, more than %d", len(head), MaxFields)
	}
	c.cols, c.headerEnd, c.preBlanks = head, hr.EndLine, c.recs.Blanks()
	for i, h := range head {
		col := fmt.Sprintf("column %d", i+1)
		if !utf8.ValidString(h) {
			return nil, parse.Errorf(name, line, col, "header is not valid UTF-8")
		}
		if strings.Contains(h, "\r") {
			// Only \n ends a line: a file with old Mac line ends (CR
			// alone) would be one header line and no rows.
			return nil, parse.Errorf(name, line, col, "header holds a carriage return: save the file with LF or CRLF line ends")
		}
		key := colKey(h)
		c.keys = append(c.keys, key)
		for _, q := range queryCols {
			if key != q {
				continue
			}
			if _, dup := c.idx[q]; dup {
				return nil, parse.Errorf(name, line, q, "column %q appears twice in the header", q)
			}
			c.idx[q] = i
		}
	}
	if _, ok := c.idx["name"]; !ok {
		return nil, parse.Errorf(name, line, "name", "header has no name column (columns: %s)", strings.Join(head, ", "))
	}
	return c, nil
}

func (c *csvReader) header() []string { return c.cols }

func (c *csvReader) blank() int64 { return c.recs.Blanks() - c.preBlanks }

func (c *csvReader) next() (row, error) {
	cr, err := c.recs.Read(len(c.cols))
	if err != nil {
		return row{}, err
	}
	line, rec := cr.Line, cr.Fields
	r := row{line: line, endLine: cr.EndLine, fields: rec}
	switch cr.Problem {
	case csvin.TooLong:
		r.err = parse.Errorf(c.name, line, "", "line longer than %d bytes", MaxLineLen)
		return r, nil
	case csvin.OpenQuote:
		r.err = parse.Errorf(c.name, line, c.colName(cr.Field), "quote not closed on this line: the field would run into the rows after it")
		return r, nil
	case csvin.Unsplittable:
		// The fuzz target looks for this message.
		r.err = parse.Errorf(c.name, line, "", "cannot split the line into fields (internal error, please report)")
		return r, nil
	}
	if len(rec) != len(c.cols) {
		r.err = parse.Errorf(c.name, line, "", "row has %d columns, the header has %d", len(rec), len(c.cols))
		return r, nil
	}
	for i, v := range rec {
		if !utf8.ValidString(v) {
			r.err = parse.Errorf(c.name, line, c.cols[i], "not valid UTF-8")
			return r, nil
		}
	}
	if c.isHeader(rec) {
		// Files joined with cat repeat the header: it is not a party, and
		// echoing it would put a second header into CSV output.
		r.fields = nil
		r.err = parse.Errorf(c.name, line, "", "repeats the header (files joined together?)")
		return r, nil
	}
	var rq rawQuery
	get := func(col string) string {
		if i, ok := c.idx[col]; ok {
			return rec[i]
		}
		return ""
	}
	rq.ID, rq.Name, rq.Type, rq.Country = get("id"), get("name"), get("type"), get("country")
	rq.DOB, rq.Gender = get("dob"), get("gender")
	rq.IDs = splitIDs(get("ids"))
	r.q, r.err = rq.query(c.name, line)
	return r, nil
}

// colName names column i for an error.
func (c *csvReader) colName(i int) string {
	if i >= 0 && i < len(c.cols) && utf8.ValidString(c.cols[i]) {
		return c.cols[i]
	}
	return fmt.Sprintf("column %d", i+1)
}

func (c *csvReader) isHeader(rec []string) bool {
	for i, v := range rec {
		// EqualFold rather than colKey: this runs on every row, and
		// lowering allocates.
		if !strings.EqualFold(strings.TrimSpace(strings.TrimPrefix(v, "\ufeff")), c.keys[i]) {
			return false
		}
	}
	return true
}

// colKey is the name a header cell is known by: a leading byte order
// mark, spaces and case do not count.
func colKey(h string) string {
	return strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
}

// splitIDs splits an ids cell on ';' or '|'.
func splitIDs(s string) []string {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' })
}

type jsonlReader struct {
	name   string
	lines  *csvin.LineReader
	line   int
	blanks int64
}

func newJSONLReader(r io.Reader, name string) *jsonlReader {
	return &jsonlReader{name: name, lines: csvin.NewLineReader(r, name)}
}

// jsonlHeader is the column set of JSONL input, for CSV output.
var jsonlHeader = []string{"id", "name", "type", "country", "dob", "ids"}

func (j *jsonlReader) header() []string { return jsonlHeader }

func (j *jsonlReader) blank() int64 { return j.blanks }

func (j *jsonlReader) next() (row, error) {
	for {
		ln, err := j.lines.Next()
		if err != nil {
			return row{}, err
		}
		j.line = ln.Num
		if ln.TooLong {
			return row{line: j.line, endLine: j.line, err: parse.Errorf(j.name, j.line, "", "line longer than %d bytes", MaxLineLen)}, nil
		}
		if csvin.IsBlank(ln.Text) {
			j.blanks++
			continue // blank lines separate nothing in JSON lines
		}
		return j.parse(ln.Text), nil
	}
}

func (j *jsonlReader) parse(text []byte) row {
	r := row{line: j.line, endLine: j.line}
	if !utf8.Valid(text) {
		r.err = parse.Errorf(j.name, j.line, "", "not valid UTF-8")
		return r
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil || obj == nil {
		if err == nil {
			err = errors.New("null")
		}
		r.err = parse.Errorf(j.name, j.line, "", "want a JSON object: %v", err)
		return r
	}
	if key := duplicateKey(text); key != "" {
		// encoding/json keeps the last of two values: one of two names
		// would go unscreened without a word.
		r.err = parse.Errorf(j.name, j.line, key, "key %q appears twice", key)
		return r
	}
	r.extra = append([]byte(nil), text...)
	var rq rawQuery
	str := func(key string, dst *string) {
		raw, ok := obj[key]
		if !ok || r.err != nil {
			return
		}
		if err := json.Unmarshal(raw, dst); err != nil {
			var n json.Number
			if key == "id" && json.Unmarshal(raw, &n) == nil {
				*dst = n.String() // customer numbers are often numbers
				return
			}
			r.err = parse.Errorf(j.name, j.line, key, "want a string, got %s", clip(raw))
		}
	}
	str("id", &rq.ID)
	str("name", &rq.Name)
	str("type", &rq.Type)
	str("country", &rq.Country)
	str("dob", &rq.DOB)
	str("gender", &rq.Gender)
	if raw, ok := obj["ids"]; ok && r.err == nil {
		var one string
		if err := json.Unmarshal(raw, &rq.IDs); err != nil {
			if json.Unmarshal(raw, &one) != nil {
				r.err = parse.Errorf(j.name, j.line, "ids", "want a list of strings or a string, got %s", clip(raw))
			}
			rq.IDs = splitIDs(one)
		}
	}
	r.fields = []string{rq.ID, rq.Name, rq.Type, rq.Country, rq.DOB, strings.Join(rq.IDs, ";")}
	if r.err != nil {
		r.q = match.Query{ID: rq.ID, Name: rq.Name}
		return r
	}
	r.q, r.err = rq.query(j.name, j.line)
	return r
}

// duplicateKey returns a key that appears twice at the top of a valid JSON
// object, or "".
func duplicateKey(text []byte) string {
	dec := json.NewDecoder(bytes.NewReader(text))
	if _, err := dec.Token(); err != nil { // {
		return ""
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		key, ok := tok.(string)
		if err != nil || !ok {
			return ""
		}
		if seen[key] {
			return key
		}
		seen[key] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}

// clip shortens a JSON value for an error message.
func clip(raw []byte) string {
	const n = 40
	if len(raw) > n {
		return string(raw[:n]) + "..."
	}
	return string(raw)
}

// rawQuery is a row's query fields as read.
type rawQuery struct {
	ID, Name, Type, Country, DOB, Gender string
	IDs                                  []string
}

// query checks and normalises the fields into a match.Query. On error it
// still returns what it could read, so that the output shows the row.
func (rq rawQuery) query(file string, line int) (match.Query, error) {
	q := match.Query{
		ID:     strings.TrimSpace(rq.ID),
		Name:   strings.TrimSpace(rq.Name),
		DOB:    strings.TrimSpace(rq.DOB),
		Gender: strings.ToLower(strings.TrimSpace(rq.Gender)),
	}
	for _, id := range rq.IDs {
		if id = strings.TrimSpace(id); id != "" {
			q.IDs = append(q.IDs, id)
		}
	}
	var bad []match.FieldError
	if t := strings.TrimSpace(rq.Type); t != "" {
		typ, ok := entity.ParseType(t)
		if !ok {
			bad = append(bad, match.FieldError{Field: "type", Message: fmt.Sprintf("unknown type %q (want person, organization, vessel or aircraft)", t)})
		}
		q.Type = typ
	}
	if c := strings.TrimSpace(rq.Country); c != "" {
		q.Country = country.Code(c)
		if q.Country == "" {
			bad = append(bad, match.FieldError{Field: "country", Message: fmt.Sprintf("unknown country %q (want a name or an ISO 3166 code)", c)})
		}
	}
	if err := q.Validate(); err != nil {
		var ve *match.ValidationError
		if !errors.As(err, &ve) {
			return q, parse.Errorf(file, line, "", "%v", err)
		}
		bad = append(bad, ve.Fields...)
	}
	if len(bad) == 0 {
		return q, nil
	}
	return q, fieldsError(file, line, bad)
}

// fieldsError folds every bad field of a row into one *parse.Error, so
// the row's error cell names them all.
func fieldsError(file string, line int, bad []match.FieldError) error {
	if len(bad) == 1 {
		return parse.Errorf(file, line, bad[0].Field, "%s", bad[0].Message)
	}
	names := make([]string, len(bad))
	msgs := make([]string, len(bad))
	for i, f := range bad {
		names[i] = f.Field
		msgs[i] = f.Field + ": " + f.Message
	}
	return parse.Errorf(file, line, strings.Join(names, ","), "%s", strings.Join(msgs, "; "))
}

// rowError turns a screening error into a row error naming the line.
func rowError(file string, r *row, err error) error {
	var ve *match.ValidationError
	if errors.As(err, &ve) && len(ve.Fields) > 0 {
		return fieldsError(file, r.line, ve.Fields)
	}
	return &parse.Error{File: file, Line: r.line, Err: fmt.Errorf("screen: %w", err)}
}

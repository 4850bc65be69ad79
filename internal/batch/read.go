package batch

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// MaxLineLen caps one JSON line; a longer line is a bad row.
const MaxLineLen = 1 << 20

// MaxFields caps the number of CSV columns.
const MaxFields = 1000

// MaxRecordLen caps one CSV record. A longer one is almost always a quote
// that is never closed, which would otherwise pull the rest of the file
// into memory; it stops the run with an error naming the line.
const MaxRecordLen = 1 << 20

// errRecordTooLong is the guard's error when a record passes MaxRecordLen.
var errRecordTooLong = fmt.Errorf("record longer than %d bytes (a quote never closed?)", MaxRecordLen)

// recordGuard lets the csv reader read at most MaxRecordLen bytes past
// the end of the last record, plus its buffer.
type recordGuard struct {
	r     io.Reader
	n     int64 // bytes read
	limit int64
}

const csvBufSize = 64 << 10

func (g *recordGuard) Read(p []byte) (int, error) {
	room := g.limit - g.n
	if room <= 0 {
		return 0, errRecordTooLong
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// advance allows MaxRecordLen more bytes from offset, the end of the last
// record read.
func (g *recordGuard) advance(offset int64) { g.limit = offset + MaxRecordLen + csvBufSize }

// queryCols are the columns a row's query is read from. Every other column
// is passed through untouched.
var queryCols = []string{"id", "name", "type", "country", "dob", "ids", "gender"}

// reader yields the rows of one input format. next returns io.EOF at the
// end and any other error only when the input cannot be read further; a
// bad row comes back as a row with err set.
type reader interface {
	header() []string
	next() (row, error)
}

func newReader(f Format, r io.Reader, name string) (reader, error) {
	if f == CSV {
		return newCSVReader(r, name)
	}
	return newJSONLReader(r, name), nil
}

type csvReader struct {
	name  string
	guard *recordGuard
	cr    *csv.Reader
	cols  []string
	idx   map[string]int // query column -> index
	// nextLine is the line the next record starts on, for an error that
	// the csv reader cannot place.
	nextLine int
}

// endLine returns the line the record just read ends on: a quoted field
// may span lines.
func endLine(cr *csv.Reader, rec []string) int {
	if len(rec) == 0 {
		return 0
	}
	line, _ := cr.FieldPos(len(rec) - 1)
	return line + strings.Count(rec[len(rec)-1], "\n")
}

func newCSVReader(r io.Reader, name string) (*csvReader, error) {
	guard := &recordGuard{r: r}
	guard.advance(0)
	cr := csv.NewReader(bufio.NewReaderSize(guard, csvBufSize))
	cr.FieldsPerRecord = -1 // a short or long row is a bad row, not the end
	head, err := cr.Read()
	guard.advance(cr.InputOffset())
	if errors.Is(err, io.EOF) {
		return nil, parse.Errorf(name, 1, "", "empty input: want a header row with a name column")
	}
	if err != nil {
		return nil, parse.Errorf(name, 1, "", "read header: %w", err)
	}
	if len(head) > MaxFields {
		return nil, parse.Errorf(name, 1, "", "header has %d columns, more than %d", len(head), MaxFields)
	}
	c := &csvReader{name: name, guard: guard, cr: cr, cols: head, idx: make(map[string]int), nextLine: endLine(cr, head) + 1}
	for i, h := range head {
		if !utf8.ValidString(h) {
			return nil, parse.Errorf(name, 1, fmt.Sprintf("column %d", i+1), "header is not valid UTF-8")
		}
		key := colKey(h)
		for _, q := range queryCols {
			if key != q {
				continue
			}
			if _, dup := c.idx[q]; dup {
				return nil, parse.Errorf(name, 1, q, "column %q appears twice in the header", q)
			}
			c.idx[q] = i
		}
	}
	if _, ok := c.idx["name"]; !ok {
		return nil, parse.Errorf(name, 1, "name", "header has no name column (columns: %s)", strings.Join(head, ", "))
	}
	return c, nil
}

func (c *csvReader) header() []string { return c.cols }

func (c *csvReader) next() (row, error) {
	rec, err := c.cr.Read()
	c.guard.advance(c.cr.InputOffset())
	if errors.Is(err, io.EOF) {
		return row{}, io.EOF
	}
	if errors.Is(err, errRecordTooLong) {
		return row{}, parse.Errorf(c.name, c.nextLine, "", "%v", errRecordTooLong)
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		c.nextLine = pe.Line + 1
		// The csv package resumes at the next line after a syntax error,
		// so the row is reported and reading goes on.
		return row{line: pe.StartLine, fields: rec, err: &parse.Error{File: c.name, Line: pe.StartLine, Column: pe.Column, Err: pe.Err}}, nil
	}
	if err != nil {
		return row{}, fmt.Errorf("read %s: %w", c.name, err)
	}
	line, _ := c.cr.FieldPos(0)
	c.nextLine = endLine(c.cr, rec) + 1
	r := row{line: line, fields: rec}
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
	name string
	br   *bufio.Reader
	line int
}

func newJSONLReader(r io.Reader, name string) *jsonlReader {
	return &jsonlReader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// jsonlHeader is the column set of JSONL input, for CSV output.
var jsonlHeader = []string{"id", "name", "type", "country", "dob", "ids"}

func (j *jsonlReader) header() []string { return jsonlHeader }

func (j *jsonlReader) next() (row, error) {
	for {
		text, tooLong, err := j.readLine()
		if len(text) == 0 && !tooLong && err != nil {
			if errors.Is(err, io.EOF) {
				return row{}, io.EOF
			}
			return row{}, fmt.Errorf("read %s: %w", j.name, err)
		}
		j.line++
		if tooLong {
			return row{line: j.line, err: parse.Errorf(j.name, j.line, "", "line longer than %d bytes", MaxLineLen)}, nil
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue // blank lines separate nothing in JSON lines
		}
		return j.parse(text), nil
	}
}

// readLine returns the next line without its end, or tooLong after
// skipping a line longer than MaxLineLen.
func (j *jsonlReader) readLine() (text []byte, tooLong bool, err error) {
	var buf []byte
	for {
		part, err := j.br.ReadSlice('\n')
		if len(buf)+len(part) > MaxLineLen {
			tooLong = true
			buf = buf[:0]
		} else {
			buf = append(buf, part...)
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if tooLong {
			if errors.Is(err, io.EOF) {
				err = nil // the long line is the last; the next call sees EOF
			}
			return nil, true, err
		}
		buf = bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r"))
		return buf, false, err
	}
}

func (j *jsonlReader) parse(text []byte) row {
	r := row{line: j.line}
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

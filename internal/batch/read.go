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

// MaxLineLen caps one physical line of input, CSV or JSON lines; a longer
// line is a bad row.
const MaxLineLen = 1 << 20

// MaxFields caps the number of CSV columns.
const MaxFields = 1000

// MaxRecordLen and MaxRecordLines cap a CSV record whose quoted field goes
// on over several lines. Such a field is legitimate CSV (an address, a
// note), but a quote that is never closed would otherwise pull every
// following row into one field; past either cap the quote is taken for a
// stray one.
const (
	MaxRecordLen   = 1 << 20
	MaxRecordLines = 100
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

// physLine is one physical line of the input.
type physLine struct {
	// text is the line without its end; nil when tooLong. From
	// lineReader.next it may point into the read buffer, valid until the
	// next call: keep copies only (owned).
	text    []byte
	num     int  // 1-based line number
	tooLong bool // longer than MaxLineLen, and skipped
}

// lineReader reads physical lines, and takes back lines read ahead.
type lineReader struct {
	name string
	br   *bufio.Reader
	num  int
	back []physLine
}

func newLineReader(r io.Reader, name string) *lineReader {
	return &lineReader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line, io.EOF after the last, or an error saying
// where reading stopped.
func (l *lineReader) next() (physLine, error) {
	if len(l.back) > 0 {
		ln := l.back[0]
		l.back = l.back[1:]
		return ln, nil
	}
	text, tooLong, err := l.readLine()
	if text == nil && !tooLong {
		if errors.Is(err, io.EOF) {
			return physLine{}, io.EOF
		}
		return physLine{}, fmt.Errorf("read %s after line %d: %w", l.name, l.num, err)
	}
	l.num++
	return physLine{text: text, num: l.num, tooLong: tooLong}, nil
}

// unread puts lines back, to be returned by next before any other.
func (l *lineReader) unread(lines ...physLine) {
	if len(lines) == 0 {
		return
	}
	back := make([]physLine, 0, len(lines)+len(l.back))
	for _, ln := range lines {
		back = append(back, ln.owned())
	}
	l.back = append(back, l.back...)
}

// owned returns the line with its own copy of the text.
func (ln physLine) owned() physLine {
	if ln.text != nil {
		ln.text = append([]byte{}, ln.text...)
	}
	return ln
}

// readLine returns the next line without its end (not nil, even when
// empty), tooLong after skipping a line longer than MaxLineLen, or a nil
// text and the error that ended the input. A line cut short by a read
// error other than io.EOF is not returned: it may be a partial row.
func (l *lineReader) readLine() (text []byte, tooLong bool, err error) {
	var buf []byte
	for first := true; ; first = false {
		part, err := l.br.ReadSlice('\n')
		if first && len(part) > 0 && (err == nil || errors.Is(err, io.EOF)) {
			// The whole line is in the read buffer: no copy.
			return bytes.TrimSuffix(bytes.TrimSuffix(part, []byte("\n")), []byte("\r")), false, nil
		}
		if len(buf)+len(part) > MaxLineLen {
			tooLong = true
			buf = buf[:0]
		} else {
			buf = append(buf, part...)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, err
		case tooLong:
			// At io.EOF the long line is the last; the next call sees EOF.
			return nil, true, nil
		case len(buf) == 0 && first:
			return nil, false, err // io.EOF, no line
		}
		return bytes.TrimSuffix(bytes.TrimSuffix(buf, []byte("\n")), []byte("\r")), false, nil
	}
}

// isBlank reports whether a line holds nothing but spaces, tabs and
// carriage returns.
func isBlank(text []byte) bool {
	return len(bytes.Trim(text, " \t\r")) == 0
}

// scanQuotes follows the quotes of one physical line as encoding/csv with
// LazyQuotes reads them, starting inside a quoted field when inQuote. It
// returns the number of fields that start on the line and whether the line
// ends inside a quoted field, which then goes on on the next line.
//
// A quote opens a quoted field only as the first character of a field; a
// quote elsewhere in an unquoted field is text (Acme "Best" Trading). In a
// quoted field "" is a quote, and a quote closes the field only before a
// comma or the line end; any other quote is text.
func scanQuotes(line []byte, inQuote bool) (fields int, open bool) {
	i := 0
	if !inQuote {
		fields = 1
		inQuote = len(line) > 0 && line[0] == '"'
		if inQuote {
			i = 1
		}
	}
	for {
		if inQuote {
			j := bytes.IndexByte(line[i:], '"')
			if j < 0 {
				return fields, true
			}
			i += j + 1
			switch {
			case i == len(line):
				return fields, false
			case line[i] == '"':
				i++
				continue
			case line[i] != ',':
				continue // a lone quote inside a quoted field is text
			}
		} else {
			j := bytes.IndexByte(line[i:], ',')
			if j < 0 {
				return fields, false
			}
			i += j
		}
		i++ // the comma
		fields++
		inQuote = i < len(line) && line[i] == '"'
		if inQuote {
			i++
		}
	}
}

// feed hands encoding/csv one record at a time.
type feed struct {
	b   []byte
	eof bool // the csv reader asked for more than the record
}

func (f *feed) Read(p []byte) (int, error) {
	if len(f.b) == 0 {
		f.eof = true
		return 0, io.EOF
	}
	n := copy(p, f.b)
	f.b = f.b[n:]
	return n, nil
}

// fieldSplitter splits a record whose lines are already known into fields
// with encoding/csv, so that the field syntax is the standard one while
// record boundaries are decided line by line.
type fieldSplitter struct {
	feed feed
	cr   *csv.Reader
	text []byte
}

func newFieldSplitter() *fieldSplitter {
	s := &fieldSplitter{}
	s.reset()
	return s
}

func (s *fieldSplitter) reset() {
	s.cr = csv.NewReader(&s.feed)
	s.cr.LazyQuotes = true
	s.cr.FieldsPerRecord = -1
}

// split returns the fields of the record made of lines. whole is false when
// encoding/csv did not read the lines as exactly one record: a quote still
// open at the end, or a disagreement with scanQuotes.
func (s *fieldSplitter) split(lines []physLine) (fields []string, whole bool) {
	if len(lines) == 1 && bytes.IndexByte(lines[0].text, '"') < 0 {
		// Most rows have no quote: encoding/csv would split them at the
		// commas, and so does this, with less copying.
		return strings.Split(string(lines[0].text), ","), true
	}
	s.text = s.text[:0]
	for _, ln := range lines {
		s.text = append(append(s.text, ln.text...), '\n')
	}
	s.feed.b, s.feed.eof = s.text, false
	start := s.cr.InputOffset()
	rec, err := s.cr.Read()
	whole = err == nil && !s.feed.eof && s.cr.InputOffset()-start == int64(len(s.text))
	if err != nil || s.cr.InputOffset()-start != int64(len(s.text)) {
		s.reset() // drop whatever the csv reader still buffers
	}
	if !whole && len(rec) > 0 {
		rec[len(rec)-1] = strings.TrimSuffix(rec[len(rec)-1], "\n")
	}
	return rec, whole
}

type csvReader struct {
	name      string
	lines     *lineReader
	split     *fieldSplitter
	cols      []string
	idx       map[string]int // query column -> index
	keys      []string       // colKey of each column
	headerEnd int            // the line the header ends on
	blanks    int64
	span      []physLine
}

func newCSVReader(r io.Reader, name string) (*csvReader, error) {
	c := &csvReader{name: name, lines: newLineReader(r, name), split: newFieldSplitter(), idx: make(map[string]int)}
	var first physLine
	for {
		var err error
		first, err = c.lines.next()
		if errors.Is(err, io.EOF) {
			return nil, parse.Errorf(name, 1, "", "empty input: want a header row with a name column")
		}
		if err != nil {
			return nil, err
		}
		if first.tooLong {
			return nil, parse.Errorf(name, first.num, "", "header line longer than %d bytes", MaxLineLen)
		}
		if !isBlank(first.text) {
			break
		}
	}
	line := first.num
	span, open, err := c.record(first, 0)
	if err != nil {
		return nil, err
	}
	head, whole := c.split.split(span)
	if open || !whole {
		return nil, parse.Errorf(name, line, "", "header: a quote is never closed")
	}
	if len(head) > MaxFields {
		return nil, parse.Errorf(name, line, "", "header has %d columns, more than %d", len(head), MaxFields)
	}
	c.cols, c.headerEnd = head, span[len(span)-1].num
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

func (c *csvReader) blank() int64 { return c.blanks }

// record gathers the lines of the record that starts with first. A quoted
// field open at the end of a line goes on over the next lines, but only as
// far as is plausible: not into a line that reads on its own as a whole
// row of want fields (want > 0), nor past MaxRecordLines or MaxRecordLen.
// When the field is not closed within that, the quote is a stray one: the
// record is first alone, with open set, and the lines read ahead are put
// back to be read as rows of their own.
func (c *csvReader) record(first physLine, want int) (span []physLine, open bool, err error) {
	_, open = scanQuotes(first.text, false)
	if open {
		first = first.owned() // reading on reuses the buffer
	}
	span = append(c.span[:0], first)
	size := len(first.text)
	for open {
		ln, err := c.lines.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
		if ln.tooLong || len(span) == MaxRecordLines || size+1+len(ln.text) > MaxRecordLen || want > 0 && isRow(ln.text, want) {
			c.lines.unread(ln)
			break
		}
		span = append(span, ln.owned())
		size += 1 + len(ln.text)
		_, open = scanQuotes(ln.text, true)
	}
	c.span = span
	if open {
		c.lines.unread(span[1:]...)
		return span[:1], true, nil
	}
	return span, false, nil
}

// isRow reports whether a line reads on its own as a whole row of want
// fields.
func isRow(text []byte, want int) bool {
	n, open := scanQuotes(text, false)
	return !open && n == want
}

func (c *csvReader) next() (row, error) {
	var first physLine
	for {
		var err error
		first, err = c.lines.next()
		if err != nil {
			return row{}, err
		}
		if first.tooLong {
			return row{line: first.num, endLine: first.num, err: parse.Errorf(c.name, first.num, "", "line longer than %d bytes", MaxLineLen)}, nil
		}
		if !isBlank(first.text) {
			break
		}
		c.blanks++
	}
	line := first.num
	span, open, err := c.record(first, len(c.cols))
	if err != nil {
		return row{}, err
	}
	rec, whole := c.split.split(span)
	if !open && whole && len(span) > 1 && len(rec) != len(c.cols) {
		// The field closed, but not into a row: the opening quote was a
		// stray one after all.
		c.lines.unread(span[1:]...)
		span = span[:1]
		rec, whole = c.split.split(span)
		open = true
	}
	r := row{line: line, endLine: span[len(span)-1].num, fields: rec}
	if open {
		n, _ := scanQuotes(span[0].text, false) // first.text may be overwritten
		r.err = parse.Errorf(c.name, line, c.colName(n-1), "quote not closed on this line: the field would run into the rows after it")
		return r, nil
	}
	if !whole {
		// scanQuotes and encoding/csv disagree on where the record ends;
		// the fuzz target looks for this message.
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
	lines  *lineReader
	line   int
	blanks int64
}

func newJSONLReader(r io.Reader, name string) *jsonlReader {
	return &jsonlReader{name: name, lines: newLineReader(r, name)}
}

// jsonlHeader is the column set of JSONL input, for CSV output.
var jsonlHeader = []string{"id", "name", "type", "country", "dob", "ids"}

func (j *jsonlReader) header() []string { return jsonlHeader }

func (j *jsonlReader) blank() int64 { return j.blanks }

func (j *jsonlReader) next() (row, error) {
	for {
		ln, err := j.lines.next()
		if err != nil {
			return row{}, err
		}
		j.line = ln.num
		if ln.tooLong {
			return row{line: j.line, endLine: j.line, err: parse.Errorf(j.name, j.line, "", "line longer than %d bytes", MaxLineLen)}, nil
		}
		if isBlank(ln.text) {
			j.blanks++
			continue // blank lines separate nothing in JSON lines
		}
		return j.parse(ln.text), nil
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

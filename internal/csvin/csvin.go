// Package csvin reads line-oriented input (CSV, JSON lines) so that every
// physical line is accounted for: each is part of exactly one record, or a
// blank line that is counted, and each record knows the lines it spans.
//
// encoding/csv alone cannot promise that: a quote that is never closed
// pulls every following line into one field, up to the end of the input or
// the next stray quote, and the rows in it vanish. Here record boundaries
// are decided line by line, and encoding/csv only splits a record whose
// lines are known into fields.
package csvin

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineLen caps one physical line of input; a longer line is skipped and
// reported as too long.
const MaxLineLen = 1 << 20

// MaxRecordLen and MaxRecordLines cap a CSV record whose quoted field goes
// on over several lines. Such a field is legitimate CSV (an address, a
// note), but a quote that is never closed would otherwise pull every
// following row into one field; past either cap the quote is taken for a
// stray one.
const (
	MaxRecordLen   = 1 << 20
	MaxRecordLines = 100
)

// Line is one physical line of the input.
type Line struct {
	// Text is the line without its end; nil when TooLong. From
	// LineReader.Next it may point into the read buffer, valid until the
	// next call: keep copies only (Owned).
	Text    []byte
	Num     int  // 1-based line number
	TooLong bool // longer than MaxLineLen, and skipped
}

// Owned returns the line with its own copy of the text.
func (ln Line) Owned() Line {
	if ln.Text != nil {
		ln.Text = append([]byte{}, ln.Text...)
	}
	return ln
}

// LineReader reads physical lines (a line ends at a LF, a CRLF, or the end
// of the input), and takes back lines read ahead.
type LineReader struct {
	name string
	br   *bufio.Reader
	num  int
	back []Line
}

// NewLineReader reads lines from r; name names the input in errors.
func NewLineReader(r io.Reader, name string) *LineReader {
	return &LineReader{name: name, br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next line, io.EOF after the last, or an error saying
// where reading stopped.
func (l *LineReader) Next() (Line, error) {
	if len(l.back) > 0 {
		ln := l.back[0]
		l.back = l.back[1:]
		return ln, nil
	}
	text, tooLong, err := l.readLine()
	if text == nil && !tooLong {
		if errors.Is(err, io.EOF) {
			return Line{}, io.EOF
		}
		return Line{}, fmt.Errorf("read %s after line %d: %w", l.name, l.num, err)
	}
	l.num++
	return Line{Text: text, Num: l.num, TooLong: tooLong}, nil
}

// Unread puts lines back, to be returned by Next before any other.
func (l *LineReader) Unread(lines ...Line) {
	if len(lines) == 0 {
		return
	}
	back := make([]Line, 0, len(lines)+len(l.back))
	for _, ln := range lines {
		back = append(back, ln.Owned())
	}
	l.back = append(back, l.back...)
}

// readLine returns the next line without its end (not nil, even when
// empty), tooLong after skipping a line longer than MaxLineLen, or a nil
// text and the error that ended the input. A line cut short by a read
// error other than io.EOF is not returned: it may be a partial row.
func (l *LineReader) readLine() (text []byte, tooLong bool, err error) {
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

// IsBlank reports whether a line holds nothing but spaces, tabs and
// carriage returns.
func IsBlank(text []byte) bool {
	return len(bytes.Trim(text, " \t\r")) == 0
}

// ScanQuotes follows the quotes of one physical line as encoding/csv with
// LazyQuotes reads them, starting inside a quoted field when inQuote. It
// returns the number of fields that start on the line and whether the line
// ends inside a quoted field, which then goes on on the next line.
//
// A quote opens a quoted field only as the first character of a field; a
// quote elsewhere in an unquoted field is text (Acme "Best" Trading). In a
// quoted field "" is a quote, and a quote closes the field only before a
// comma or the line end; any other quote is text.
func ScanQuotes(line []byte, inQuote bool) (fields int, open bool) {
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

// Splitter splits a record whose lines are already known into fields with
// encoding/csv (LazyQuotes), so that the field syntax is the standard one
// while record boundaries are decided line by line.
type Splitter struct {
	feed feed
	cr   *csv.Reader
	text []byte
}

// NewSplitter returns a Splitter.
func NewSplitter() *Splitter {
	s := &Splitter{}
	s.reset()
	return s
}

func (s *Splitter) reset() {
	s.cr = csv.NewReader(&s.feed)
	s.cr.LazyQuotes = true
	s.cr.FieldsPerRecord = -1
}

// Split returns the fields of the record made of lines. whole is false
// when encoding/csv did not read the lines as exactly one record: a quote
// still open at the end, or a disagreement with ScanQuotes.
func (s *Splitter) Split(lines []Line) (fields []string, whole bool) {
	if len(lines) == 1 && bytes.IndexByte(lines[0].Text, '"') < 0 {
		// Most rows have no quote: encoding/csv would split them at the
		// commas, and so does this, with less copying.
		return strings.Split(string(lines[0].Text), ","), true
	}
	s.text = s.text[:0]
	for _, ln := range lines {
		s.text = append(append(s.text, ln.Text...), '\n')
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

// Problem says why a record could not be read as a row.
type Problem int

// Problems of a record.
const (
	// OK: the record was split into fields.
	OK Problem = iota
	// TooLong: its line is longer than MaxLineLen; it has no fields.
	TooLong
	// OpenQuote: a quote opened on its line is never closed (within
	// MaxRecordLines, MaxRecordLen, or before a line that reads as a row
	// of its own). The record is that one line; Fields are what could be
	// read of it, and Field is the field the quote opens.
	OpenQuote
	// Unsplittable: ScanQuotes and encoding/csv disagree on where the
	// record ends. It should not happen; fuzz targets look for it.
	Unsplittable
)

// Record is one CSV record: the physical lines Line to EndLine.
type Record struct {
	Line, EndLine int
	Fields        []string
	Problem       Problem
	// Field is the 0-based field a quote never closes in (OpenQuote).
	Field int
}

// Reader reads CSV records line by line: every physical line is part of
// exactly one record or a blank line (empty or only spaces, tabs and CRs,
// outside any quoted field), which Blanks counts. A record is one line
// unless a quoted field legitimately spans lines.
type Reader struct {
	lines  *LineReader
	split  *Splitter
	span   []Line
	blanks int64
}

// NewReader reads CSV records from r; name names the input in errors.
func NewReader(r io.Reader, name string) *Reader {
	return &Reader{lines: NewLineReader(r, name), split: NewSplitter()}
}

// Blanks is the number of blank lines skipped so far.
func (c *Reader) Blanks() int64 { return c.blanks }

// Read returns the next record, skipping blank lines, or io.EOF after the
// last. want is the number of fields of a row (the header's), or 0 when
// not known yet: a quoted field may go on over the next lines, but not
// into a line that reads on its own as a whole row of want fields, and a
// field that closes into a record of another width than want was opened
// by a stray quote. Any other error means the input cannot be read
// further.
func (c *Reader) Read(want int) (Record, error) {
	var first Line
	for {
		var err error
		first, err = c.lines.Next()
		if err != nil {
			return Record{}, err
		}
		if first.TooLong {
			return Record{Line: first.Num, EndLine: first.Num, Problem: TooLong}, nil
		}
		if !IsBlank(first.Text) {
			break
		}
		c.blanks++
	}
	span, open, err := c.record(first, want)
	if err != nil {
		return Record{}, err
	}
	rec, whole := c.split.Split(span)
	if want > 0 && !open && whole && len(span) > 1 && len(rec) != want {
		// The field closed, but not into a row: the opening quote was a
		// stray one after all.
		c.lines.Unread(span[1:]...)
		span = span[:1]
		rec, whole = c.split.Split(span)
		open = true
	}
	r := Record{Line: span[0].Num, EndLine: span[len(span)-1].Num, Fields: rec}
	switch {
	case open:
		n, _ := ScanQuotes(span[0].Text, false)
		r.Problem, r.Field = OpenQuote, n-1
	case !whole:
		r.Problem = Unsplittable
	}
	return r, nil
}

// record gathers the lines of the record that starts with first. A quoted
// field open at the end of a line goes on over the next lines, but only as
// far as is plausible: not into a line that reads on its own as a whole
// row of want fields (want > 0), nor past MaxRecordLines or MaxRecordLen.
// When the field is not closed within that, the quote is a stray one: the
// record is first alone, with open set, and the lines read ahead are put
// back to be read as records of their own.
func (c *Reader) record(first Line, want int) (span []Line, open bool, err error) {
	_, open = ScanQuotes(first.Text, false)
	if open {
		first = first.Owned() // reading on reuses the buffer
	}
	span = append(c.span[:0], first)
	size := len(first.Text)
	for open {
		ln, err := c.lines.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, false, err
		}
		if ln.TooLong || len(span) == MaxRecordLines || size+1+len(ln.Text) > MaxRecordLen || want > 0 && isRow(ln.Text, want) {
			c.lines.Unread(ln)
			break
		}
		span = append(span, ln.Owned())
		size += 1 + len(ln.Text)
		_, open = ScanQuotes(ln.Text, true)
	}
	c.span = span
	if open {
		c.lines.Unread(span[1:]...)
		return span[:1], true, nil
	}
	return span, false, nil
}

// isRow reports whether a line reads on its own as a whole row of want
// fields.
func isRow(text []byte, want int) bool {
	n, open := ScanQuotes(text, false)
	return !open && n == want
}

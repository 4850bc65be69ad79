// Package parties reads counterparty files (CSV or JSON lines) and imports
// them into the store in batches, one transaction per batch, with an
// error per bad row naming its line and field while the rest are still
// imported. It sits above store and below the commands.
package parties

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

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// Limits on the input, so that a broken file cannot exhaust memory.
const (
	// MaxRecordLen caps one CSV record or JSON line; a longer CSV record
	// is almost always a quote never closed, and stops the file.
	MaxRecordLen = 1 << 20
	// MaxFields caps the CSV columns.
	MaxFields = 1000
)

// Row is one record read: its line and the counterparty, or the error
// that makes it a bad row.
type Row struct {
	Line  int
	Party store.Counterparty
	Err   error
}

// Reader yields the rows of a file. Next returns io.EOF at the end, and
// another error only when the file cannot be read further; a bad row comes
// back as a Row with Err set.
type Reader interface {
	Next() (Row, error)
}

// NewReader reads CSV (format "csv") or JSON lines ("jsonl") from r; name
// is the file name for errors.
func NewReader(format string, r io.Reader, name string) (Reader, error) {
	switch format {
	case "csv":
		return newCSVReader(r, name)
	case "jsonl", "ndjson", "json":
		return &jsonlReader{name: name, sc: newLineScanner(r)}, nil
	}
	return nil, fmt.Errorf("%s: format %q: want csv or jsonl", name, format)
}

// FormatOf returns the format for a file name's extension, or "".
func FormatOf(name string) string {
	lower := strings.ToLower(name)
	switch {
	case strings.HasSuffix(lower, ".csv"):
		return "csv"
	case strings.HasSuffix(lower, ".jsonl"), strings.HasSuffix(lower, ".ndjson"):
		return "jsonl"
	}
	return ""
}

// CSV columns, by their lower-case header; every other column becomes an
// attribute.
var csvColumns = map[string]bool{
	"id": true, "external_id": true, "type": true, "name": true, "aliases": true, "country": true,
	"dob": true, "ids": true, "street": true, "city": true, "postal_code": true, "region": true,
	"address_country": true,
}

type csvReader struct {
	name  string
	guard *guard
	cr    *csv.Reader
	head  []string
	col   map[string]int
	line  int // line the next record starts on
}

func newCSVReader(r io.Reader, name string) (*csvReader, error) {
	g := &guard{r: r}
	g.allow(0)
	cr := csv.NewReader(bufio.NewReaderSize(g, 64<<10))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, parse.Errorf(name, 1, "", "empty file: want a header row with id and name columns")
	}
	if err != nil {
		return nil, parse.Errorf(name, 1, "", "read header: %w", err)
	}
	g.allow(cr.InputOffset())
	if len(head) > MaxFields {
		return nil, parse.Errorf(name, 1, "", "header has %d columns, more than %d", len(head), MaxFields)
	}
	c := &csvReader{name: name, guard: g, cr: cr, head: head, col: make(map[string]int), line: 2}
	for i, h := range head {
		if !utf8.ValidString(h) {
			return nil, parse.Errorf(name, 1, fmt.Sprintf("column %d", i+1), "header is not valid UTF-8")
		}
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if key == "external_id" {
			key = "id"
		}
		if _, dup := c.col[key]; dup {
			return nil, parse.Errorf(name, 1, key, "column %q appears twice in the header", h)
		}
		c.col[key] = i
	}
	for _, need := range []string{"id", "name"} {
		if _, ok := c.col[need]; !ok {
			return nil, parse.Errorf(name, 1, need, "header has no %s column (columns: %s)", need, strings.Join(head, ", "))
		}
	}
	return c, nil
}

func (c *csvReader) Next() (Row, error) {
	rec, err := c.cr.Read()
	line := c.line
	if len(rec) > 0 {
		start, _ := c.cr.FieldPos(0)
		line = start
		end, _ := c.cr.FieldPos(len(rec) - 1)
		c.line = end + strings.Count(rec[len(rec)-1], "\n") + 1
	}
	c.guard.allow(c.cr.InputOffset())
	switch {
	case errors.Is(err, io.EOF):
		return Row{}, io.EOF
	case errors.Is(err, errTooLong):
		return Row{}, parse.Errorf(c.name, c.line, "", "%v", err)
	case err != nil:
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
			// A quote error leaves the reader somewhere in the record;
			// the csv package resumes at the next line, so the row is
			// bad and the file goes on.
			c.line = pe.Line + 1
			return Row{Line: pe.StartLine, Err: parse.Errorf(c.name, pe.StartLine, "", "%v", pe.Err)}, nil
		}
		return Row{}, parse.Errorf(c.name, line, "", "%w", err)
	}
	if len(rec) != len(c.head) {
		return Row{Line: line, Err: parse.Errorf(c.name, line, "", "%d fields, the header has %d", len(rec), len(c.head))}, nil
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			return Row{Line: line, Err: parse.Errorf(c.name, line, c.head[i], "not valid UTF-8")}, nil
		}
	}
	get := func(k string) string {
		if i, ok := c.col[k]; ok {
			return rec[i]
		}
		return ""
	}
	p := store.Counterparty{
		ExternalID: get("id"), Type: get("type"), Name: get("name"), Country: get("country"), DOB: get("dob"),
		Aliases: splitList(get("aliases")),
		Address: store.Address{Street: get("street"), City: get("city"), PostalCode: get("postal_code"),
			Region: get("region"), Country: get("address_country")},
	}
	for _, s := range splitList(get("ids")) {
		p.Identifiers = append(p.Identifiers, parseID(s))
	}
	for i, h := range c.head {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if csvColumns[key] || rec[i] == "" {
			continue
		}
		if p.Attributes == nil {
			p.Attributes = make(map[string]string)
		}
		p.Attributes[strings.TrimSpace(h)] = rec[i]
	}
	return Row{Line: line, Party: p}, nil
}

// splitList splits a cell holding several values, separated by ; or |.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// parseID reads "TYPE:VALUE" or a bare value, e.g. "IMO:9179834".
func parseID(s string) store.Identifier {
	if typ, val, ok := strings.Cut(s, ":"); ok && typ != "" && !strings.ContainsAny(typ, " ") {
		return store.Identifier{Type: strings.TrimSpace(typ), Value: strings.TrimSpace(val)}
	}
	return store.Identifier{Value: s}
}

// errTooLong stops a CSV file whose record passes MaxRecordLen.
var errTooLong = fmt.Errorf("record longer than %d bytes (a quote never closed?)", MaxRecordLen)

// guard lets the csv reader read at most MaxRecordLen bytes (plus its
// buffer) past the end of the last record, so that an unclosed quote
// cannot pull the whole file into memory.
type guard struct {
	r        io.Reader
	n, limit int64
}

func (g *guard) allow(offset int64) { g.limit = offset + MaxRecordLen + 64<<10 }

func (g *guard) Read(p []byte) (int, error) {
	room := g.limit - g.n
	if room <= 0 {
		return 0, errTooLong
	}
	if int64(len(p)) > room {
		p = p[:room]
	}
	n, err := g.r.Read(p)
	g.n += int64(n)
	return n, err
}

// wireParty is a JSON line: the stored fields, with "id" accepted for
// "external_id" and identifiers also as "TYPE:VALUE" strings.
type wireParty struct {
	ID          string            `json:"id"`
	ExternalID  string            `json:"external_id"`
	Type        string            `json:"type"`
	Name        string            `json:"name"`
	Aliases     []string          `json:"aliases"`
	Country     string            `json:"country"`
	DOB         string            `json:"dob"`
	Identifiers []json.RawMessage `json:"identifiers"`
	IDs         []string          `json:"ids"`
	Address     store.Address     `json:"address"`
	Attributes  map[string]string `json:"attributes"`
}

type jsonlReader struct {
	name string
	sc   *bufio.Scanner
	line int
}

func newLineScanner(r io.Reader) *bufio.Scanner {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxRecordLen)
	return sc
}

func (j *jsonlReader) Next() (Row, error) {
	for j.sc.Scan() {
		j.line++
		b := bytes.TrimSpace(j.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		return j.decode(b), nil
	}
	if err := j.sc.Err(); err != nil {
		return Row{}, parse.Errorf(j.name, j.line+1, "", "%v", err)
	}
	return Row{}, io.EOF
}

func (j *jsonlReader) decode(b []byte) Row {
	bad := func(field, format string, args ...any) Row {
		return Row{Line: j.line, Err: parse.Errorf(j.name, j.line, field, format, args...)}
	}
	if !utf8.Valid(b) {
		return bad("", "not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var w wireParty
	if err := dec.Decode(&w); err != nil {
		return bad("", "%v", err)
	}
	if dec.More() {
		return bad("", "more than one JSON value on the line")
	}
	if w.ID != "" && w.ExternalID != "" && w.ID != w.ExternalID {
		return bad("id", "id %q and external_id %q differ", w.ID, w.ExternalID)
	}
	p := store.Counterparty{
		ExternalID: w.ExternalID, Type: w.Type, Name: w.Name, Aliases: w.Aliases, Country: w.Country,
		DOB: w.DOB, Address: w.Address, Attributes: w.Attributes,
	}
	if p.ExternalID == "" {
		p.ExternalID = w.ID
	}
	for _, s := range w.IDs {
		p.Identifiers = append(p.Identifiers, parseID(s))
	}
	for i, raw := range w.Identifiers {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			p.Identifiers = append(p.Identifiers, parseID(s))
			continue
		}
		var id store.Identifier
		if err := json.Unmarshal(raw, &id); err != nil {
			return bad(fmt.Sprintf("identifiers[%d]", i), "want \"TYPE:VALUE\" or {\"type\", \"value\", \"country\"}")
		}
		p.Identifiers = append(p.Identifiers, id)
	}
	return Row{Line: j.line, Party: p}
}

package orders

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/csvin"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// The CSV batch layout: one row per record, the rows of an order
// consecutive and sharing order_id. The record column says what a row is:
//
//   - order: the order's date, license_number and route columns (at most one
//     per order; optional);
//   - party: role, name, type, business_type, address, city, country,
//     identifiers ("type:number; type:number"), customer_since,
//     counterparty_id;
//   - line: description, hs_code, manufacturer, part_number, quantity,
//     unit_value, currency, end_use, license_number.
//
// Only order_id and record are required columns; a column may be left out
// when no row needs it. An unknown column, or a value in a column that does
// not belong to the row's record, is an error, so that data is never
// silently dropped. transshipment_ports holds ports separated by ";".
var CSVColumns = []string{
	"order_id", "record",
	"role", "name", "type", "business_type", "address", "city", "country", "identifiers", "customer_since", "counterparty_id",
	"description", "hs_code", "manufacturer", "part_number", "quantity", "unit_value", "currency", "end_use", "license_number",
	"date", "export_country", "destination_country", "port_of_loading", "transshipment_ports", "port_of_discharge",
	"vessel_name", "vessel_imo", "incoterms", "payment_origin_country",
}

var csvRecordColumns = map[string]map[string]bool{
	"party": set("role", "name", "type", "business_type", "address", "city", "country", "identifiers", "customer_since", "counterparty_id"),
	"line":  set("description", "hs_code", "manufacturer", "part_number", "quantity", "unit_value", "currency", "end_use", "license_number"),
	"order": set("date", "license_number", "export_country", "destination_country", "port_of_loading", "transshipment_ports", "port_of_discharge", "vessel_name", "vessel_imo", "incoterms", "payment_origin_country"),
}

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

// CSVReader reads orders in the CSV batch layout. Every line after the
// header is part of exactly one order (a row, or an extra line of a quoted
// field that spans lines), or blank; a row that cannot be read (a stray
// quote, a field too many) makes its order invalid, naming the line, and
// reading goes on. Only a row whose order cannot be told stops the batch.
type CSVReader struct {
	recs      *csvin.Reader
	file      string
	col       map[string]int
	width     int
	headerEnd int
	pending   *csvRow
	end       int // the last line of the last order returned
	err       error
}

// csvRow is one row as read: its fields, or why they cannot be trusted.
type csvRow struct {
	fields    []string
	line, end int
	bad       *FieldError
}

// NewCSVReader reads the header of a CSV batch; file names the input in
// errors.
func NewCSVReader(r io.Reader, file string) (*CSVReader, error) {
	recs := csvin.NewReader(r, file)
	hr, err := recs.Read(0)
	if errors.Is(err, io.EOF) {
		return nil, &parse.Error{File: file, Line: 1, Err: errors.New("empty input: want a header row")}
	}
	if err != nil {
		return nil, err
	}
	switch hr.Problem {
	case csvin.TooLong:
		return nil, &parse.Error{File: file, Line: hr.Line, Err: fmt.Errorf("header line longer than %d bytes", csvin.MaxLineLen)}
	case csvin.OpenQuote, csvin.Unsplittable:
		return nil, &parse.Error{File: file, Line: hr.Line, Err: errors.New("header: a quote is never closed")}
	}
	header := hr.Fields
	known := set(CSVColumns...)
	col := make(map[string]int)
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if !known[h] {
			return nil, &parse.Error{File: file, Line: hr.Line, Field: h, Err: errors.New("unknown column (see orders.CSVColumns)")}
		}
		if _, dup := col[h]; dup {
			return nil, &parse.Error{File: file, Line: hr.Line, Field: h, Err: errors.New("column given twice")}
		}
		col[h] = i
	}
	for _, need := range []string{"order_id", "record"} {
		if _, ok := col[need]; !ok {
			return nil, &parse.Error{File: file, Line: hr.Line, Field: need, Err: errors.New("missing column")}
		}
	}
	return &CSVReader{recs: recs, file: file, col: col, width: len(header), headerEnd: hr.EndLine}, nil
}

// EndLine returns the last line of the order Next returned last: its rows
// are the lines from the line Next gave to EndLine.
func (r *CSVReader) EndLine() int { return r.end }

// Next returns the next order and the line its first row is on. A
// structural CSV error is a *parse.Error and ends the batch; an order with
// bad values comes back with its id and a *ValidationError, and reading can
// go on. Next returns io.EOF after the last order.
func (r *CSVReader) Next() (*Order, int, error) {
	if r.err != nil {
		return nil, 0, r.err
	}
	if r.pending == nil {
		if err := r.read(); err != nil {
			r.err = err
			return nil, 0, err
		}
	}
	id := r.get(r.pending.fields, "order_id")
	first := r.pending.line
	o := &Order{ID: id}
	var bad []FieldError
	unread := false // a row of the order could not be read
	rows := csvRows{order: first}
	for r.pending != nil && r.get(r.pending.fields, "order_id") == id {
		if p := r.pending; p.bad != nil {
			bad = append(bad, *p.bad)
			unread = true
		} else {
			bad = append(bad, r.apply(o, p.fields, p.line, &rows)...)
		}
		r.end = r.pending.end
		if err := r.read(); err != nil && err != io.EOF {
			// Rows of this order may be in what cannot be read: it gets
			// no decision, and the next call returns the error.
			r.err, r.pending = err, nil
			msg := "the input cannot be read after this order, which may go on there"
			var pe *parse.Error
			if errors.As(err, &pe) {
				msg = fmt.Sprintf("line %d cannot be read and may belong to this order; the batch stops there", pe.Line)
			}
			bad = append(bad, FieldError{Message: msg, Line: r.end})
			unread = true
		}
	}
	if unread {
		// What the order lacks is in the rows named; Validate would
		// only repeat it (no party, no line).
		return o, first, &ValidationError{bad}
	}
	if err := o.Validate(); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return o, first, err
		}
		for _, f := range ve.Fields {
			f.Line = rows.lineOf(f.Field)
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 {
		return o, first, &ValidationError{bad}
	}
	return o, first, nil
}

// csvRows records the line of each row of one order, so that an error in
// a field of the order names the line it came from.
type csvRows struct {
	order     int // the order row, or the order's first row
	orderRows int
	parties   []int
	lines     []int
}

func (c *csvRows) lineOf(field string) int {
	var i int
	switch {
	case strings.HasPrefix(field, "parties["):
		if _, err := fmt.Sscanf(field, "parties[%d]", &i); err == nil && i < len(c.parties) {
			return c.parties[i]
		}
	case strings.HasPrefix(field, "lines["):
		if _, err := fmt.Sscanf(field, "lines[%d]", &i); err == nil && i < len(c.lines) {
			return c.lines[i]
		}
	}
	return c.order
}

// read reads the next row into r.pending (nil at the end). A row that
// cannot be read comes back with bad set when the order it belongs to can
// still be told from its order_id; otherwise reading stops with an error.
func (r *CSVReader) read() error {
	rec, err := r.recs.Read(r.width)
	if err == io.EOF {
		r.pending = nil
		return io.EOF
	}
	if err != nil {
		return err
	}
	row := &csvRow{fields: rec.Fields, line: rec.Line, end: rec.EndLine}
	idx := r.col["order_id"]
	var why string
	var field string
	// known is how many leading fields were read as written.
	known := len(rec.Fields)
	switch {
	case rec.Problem == csvin.TooLong:
		why, known = fmt.Sprintf("line longer than %d bytes", csvin.MaxLineLen), 0
	case rec.Problem == csvin.OpenQuote:
		field = r.colName(rec.Field)
		why, known = "quote not closed on this line", rec.Field
	case rec.Problem == csvin.Unsplittable:
		// Fuzz targets look for this message.
		why, known = "cannot split the line into fields (internal error, please report)", 0
	case len(rec.Fields) != r.width:
		// A comma too many or too few shifts the fields after it, and
		// where it is cannot be told: only the first field is sure.
		why, known = fmt.Sprintf("row has %d fields, the header has %d", len(rec.Fields), r.width), 1
	}
	if why == "" {
		r.pending = row
		return nil
	}
	if idx >= known {
		if field == "" && idx < len(rec.Fields) {
			field = "order_id"
		}
		return &parse.Error{File: r.file, Line: rec.Line, Field: field,
			Err: fmt.Errorf("%s, so the row's order cannot be told; the batch stops here", why)}
	}
	if rec.Problem == csvin.OpenQuote {
		why += ": the field would run into the rows after it"
	}
	row.bad = &FieldError{Field: field, Message: why, Line: rec.Line}
	r.pending = row
	return nil
}

// colName names column i for an error.
func (r *CSVReader) colName(i int) string {
	for name, j := range r.col {
		if j == i {
			return name
		}
	}
	return fmt.Sprintf("column %d", i+1)
}

func (r *CSVReader) get(rec []string, name string) string {
	i, ok := r.col[name]
	if !ok || i >= len(rec) {
		return ""
	}
	return strings.TrimSpace(rec[i])
}

// apply adds one row to o and returns the field errors of the row.
func (r *CSVReader) apply(o *Order, rec []string, line int, rows *csvRows) []FieldError {
	var bad []FieldError
	kind := r.get(rec, "record")
	allowed, ok := csvRecordColumns[kind]
	if !ok {
		return []FieldError{{Field: "record", Message: fmt.Sprintf("unknown record %q (want order, party or line)", kind), Line: line}}
	}
	for _, name := range CSVColumns {
		if i, ok := r.col[name]; ok && name != "order_id" && name != "record" && !allowed[name] && strings.TrimSpace(rec[i]) != "" {
			bad = append(bad, FieldError{Field: name, Message: fmt.Sprintf("not a column of %s rows", kind), Line: line})
		}
	}
	g := func(name string) string { return r.get(rec, name) }
	num := func(path, name string) float64 {
		s := g(name)
		if s == "" {
			return 0
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil {
			bad = append(bad, FieldError{Field: path, Message: fmt.Sprintf("want a number, got %q", s), Line: line})
		}
		return v
	}
	switch kind {
	case "order":
		rows.orderRows++
		if rows.orderRows > 1 {
			bad = append(bad, FieldError{Field: "record", Message: "a second order row for the same order", Line: line})
		}
		rows.order = line
		o.Date, o.LicenseNumber = g("date"), g("license_number")
		o.Route = Route{ExportCountry: g("export_country"), DestinationCountry: g("destination_country"), PortOfLoading: g("port_of_loading"),
			PortOfDischarge: g("port_of_discharge"), VesselName: g("vessel_name"), VesselIMO: g("vessel_imo"), Incoterms: g("incoterms"),
			PaymentOriginCountry: g("payment_origin_country")}
		for _, p := range strings.Split(g("transshipment_ports"), ";") {
			if p = strings.TrimSpace(p); p != "" {
				o.Route.TransshipmentPorts = append(o.Route.TransshipmentPorts, p)
			}
		}
	case "party":
		rows.parties = append(rows.parties, line)
		p := Party{Role: g("role"), Name: g("name"), Type: g("type"), BusinessType: g("business_type"), Address: g("address"),
			City: g("city"), Country: g("country"), CustomerSince: g("customer_since"), CounterpartyID: g("counterparty_id")}
		for _, id := range strings.Split(g("identifiers"), ";") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			t, n, ok := strings.Cut(id, ":")
			if !ok {
				t, n = "", id
			}
			p.Identifiers = append(p.Identifiers, Identifier{Type: strings.TrimSpace(t), Number: strings.TrimSpace(n)})
		}
		o.Parties = append(o.Parties, p)
	case "line":
		rows.lines = append(rows.lines, line)
		path := fmt.Sprintf("lines[%d]", len(o.Lines))
		l := Line{Description: g("description"), HSCode: g("hs_code"), Manufacturer: g("manufacturer"), PartNumber: g("part_number"),
			Currency: g("currency"), EndUse: g("end_use"), LicenseNumber: g("license_number")}
		l.Quantity = num(path+".quantity", "quantity")
		l.UnitValue = num(path+".unit_value", "unit_value")
		o.Lines = append(o.Lines, l)
	}
	return bad
}

package eu

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// block maps one group of CSV columns (those starting with prefix) to the
// XML child element they flatten, with the column suffixes whose XML
// attribute names differ from the suffix with a lower-case first letter.
type block struct {
	prefix  string
	element string
	rename  map[string]string
}

var blocks = []block{
	{"NameAlias_", "nameAlias", nil},
	{"Address_", "address", nil},
	{"BirthDate_", "birthdate", map[string]string{"BirthDate": "birthdate", "Day": "dayOfMonth", "Month": "monthOfYear"}},
	{"Identification_", "identification", map[string]string{"IssuedDate": "issueDate", "TypeCode": "identificationTypeCode", "TypeDescription": "identificationTypeDescription"}},
	{"Citizenship_", "citizenship", nil},
}

// entityAttrs maps the Entity_ columns to sanctionEntity attributes.
var entityAttrs = map[string]string{
	"Entity_LogicalId":          "logicalId",
	"Entity_EU_ReferenceNumber": "euReferenceNumber",
	"Entity_UnitedNationId":     "unitedNationId",
	"Entity_DesignationDate":    "designationDate",
	"Entity_DesignationDetails": "designationDetails",
}

// column says where one CSV column goes in the sanctionEntity tree.
type column struct {
	block int    // index in blocks, or -1 for entity-level columns
	attr  string // attribute name; "" when the column is not mapped
	child string // child element name instead of an attribute ("remark")
	// key marks the columns that make a sub-record present; the
	// Regulation_ columns repeat the entity's regulation on every row.
	key bool
}

// ParseCSV reads a whole EU FSF CSV 1.1 file: semicolon-delimited, one
// header row, one row per entity and sub-record (name, address, birth
// date, identification or citizenship). Columns are found by header name,
// rows are grouped by Entity_LogicalId, and repeated sub-records (same
// LogicalId) are kept once, so the result equals ParseXML on the same
// list. Raw is the header and the entity's rows.
//
// No official sample was available; the Address_ContactInfo cell is
// assumed to hold "KEY: value" entries (WEB, PHONE, EMAIL...) separated by
// "|" or new lines.
func ParseCSV(data []byte, file string) (*entity.Dataset, error) {
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = ';'
	r.LazyQuotes = true // the EU file has bare quotes inside names
	header, err := r.Read()
	if err != nil {
		return nil, csvError(file, err)
	}
	headerEnd := r.InputOffset()
	headerText := strings.TrimRight(string(data[:headerEnd]), "\r\n")
	cols, idCol, dateCol, err := mapHeader(header, file)
	if err != nil {
		return nil, err
	}

	type group struct {
		el   *parse.Element
		seen map[string]bool
		rows []string
	}
	ds := &entity.Dataset{Source: Source}
	groups := make(map[string]*group)
	var order []string
	for {
		start := r.InputOffset()
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		for i, v := range rec {
			if len(v) > parse.MaxFieldSize {
				return nil, &parse.Error{File: file, Line: line, Field: header[i], Err: fmt.Errorf("%w: field over %d bytes", parse.ErrTooLarge, parse.MaxFieldSize)}
			}
		}
		id := strings.TrimSpace(rec[idCol])
		if id == "" {
			return nil, &parse.Error{File: file, Line: line, Field: "Entity_LogicalId", Err: errors.New("empty entity id")}
		}
		if dateCol >= 0 && ds.Published == "" && rec[dateCol] != "" {
			d, err := fileDate(rec[dateCol])
			if err != nil {
				return nil, &parse.Error{File: file, Line: line, Field: header[dateCol], Err: err}
			}
			ds.Published = d
		}
		g := groups[id]
		if g == nil {
			g = &group{el: &parse.Element{Name: "sanctionEntity", Line: line}, seen: make(map[string]bool)}
			groups[id] = g
			order = append(order, id)
		}
		g.rows = append(g.rows, strings.TrimRight(string(data[start:r.InputOffset()]), "\r\n"))
		if err := addRow(g.el, g.seen, header, cols, rec, file, line); err != nil {
			return nil, err
		}
	}
	if len(order) == 0 {
		return nil, &parse.Error{File: file, Line: 2, Err: fmt.Errorf("%w: no data rows after the header", parse.ErrFormat)}
	}
	for _, id := range order {
		g := groups[id]
		e, err := mapEntity(g.el, file)
		if err != nil {
			return nil, err
		}
		e.Raw = headerText + "\n" + strings.Join(g.rows, "\n")
		ds.Entities = append(ds.Entities, e)
	}
	return ds, nil
}

// mapHeader finds where each column goes. It refuses a header without
// Entity_LogicalId, which is what a file of another format gives.
func mapHeader(header []string, file string) (cols []column, idCol, dateCol int, err error) {
	idCol, dateCol = -1, -1
	cols = make([]column, len(header))
	seen := make(map[string]bool, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if seen[h] && h != "" {
			return nil, 0, 0, &parse.Error{File: file, Line: 1, Field: h, Err: fmt.Errorf("%w: column %q appears twice", parse.ErrFormat, h)}
		}
		seen[h] = true
		cols[i] = column{block: -1}
		switch {
		case h == "Entity_LogicalId":
			idCol = i
			cols[i].attr = "logicalId"
		case strings.EqualFold(h, "fileGenerationDate"):
			dateCol = i
		case entityAttrs[h] != "":
			cols[i].attr = entityAttrs[h]
		case h == "Entity_Remark":
			cols[i].child = "remark"
		case h == "Entity_SubjectType":
			cols[i].attr = "subjectType.code"
		case h == "Entity_SubjectType_ClassificationCode":
			cols[i].attr = "subjectType.classificationCode"
		case strings.HasPrefix(h, "Entity_Regulation_"):
			suffix := strings.TrimPrefix(h, "Entity_Regulation_")
			if suffix == "PublicationUrl" {
				cols[i].attr = "regulation.publicationUrl"
			} else {
				cols[i].attr = "regulation." + lowerFirst(suffix)
			}
		default:
			for b, bl := range blocks {
				if !strings.HasPrefix(h, bl.prefix) {
					continue
				}
				suffix := strings.TrimPrefix(h, bl.prefix)
				cols[i].block = b
				switch {
				case strings.HasPrefix(suffix, "Regulation"):
					// The sub-record's own regulation summary adds nothing
					// the entity-level regulation does not say.
				case suffix == "Remark":
					cols[i].child = "remark"
					cols[i].key = true
				case suffix == "ContactInfo":
					cols[i].child = "contactInfo"
					cols[i].key = true
				default:
					cols[i].attr = lowerFirst(suffix)
					if n, ok := bl.rename[suffix]; ok {
						cols[i].attr = n
					}
					cols[i].key = suffix != "LogicalId"
				}
			}
		}
	}
	if idCol < 0 {
		return nil, 0, 0, &parse.Error{File: file, Line: 1, Field: "Entity_LogicalId", Err: fmt.Errorf("%w: header has no Entity_LogicalId column (not an EU FSF CSV)", parse.ErrFormat)}
	}
	return cols, idCol, dateCol, nil
}

// addRow merges one CSV row into the entity tree el.
func addRow(el *parse.Element, seen map[string]bool, header []string, cols []column, rec []string, file string, line int) error {
	subs := make([]*parse.Element, len(blocks))
	present := make([]bool, len(blocks))
	setAttr := func(target *parse.Element, name, value string) {
		for _, a := range target.Attrs {
			if a.Name.Local == name {
				return // first row wins for entity-level values
			}
		}
		target.Attrs = append(target.Attrs, xml.Attr{Name: xml.Name{Local: name}, Value: value})
	}
	// An entity under several regulations repeats itself on rows that
	// differ in the Entity_Regulation_ columns; each distinct set is one
	// regulation element, as in the XML.
	reg := &parse.Element{Name: "regulation", Line: line}
	for i, v := range rec {
		v = strings.TrimSpace(v)
		c := cols[i]
		if v == "" || (c.attr == "" && c.child == "") {
			continue
		}
		if c.block < 0 {
			switch {
			case c.child == "remark":
				if !hasChildText(el, "remark", v) {
					el.Children = append(el.Children, &parse.Element{Name: "remark", Text: v, Line: line})
				}
			case c.attr == "regulation.publicationUrl":
				reg.Children = append(reg.Children, &parse.Element{Name: "publicationUrl", Text: v, Line: line})
			case strings.HasPrefix(c.attr, "regulation."):
				reg.Attrs = append(reg.Attrs, xml.Attr{Name: xml.Name{Local: strings.TrimPrefix(c.attr, "regulation.")}, Value: v})
			case strings.Contains(c.attr, "."):
				parts := strings.SplitN(c.attr, ".", 2)
				child := el.Child(parts[0])
				if child == nil {
					child = &parse.Element{Name: parts[0], Line: line}
					el.Children = append(el.Children, child)
				}
				setAttr(child, parts[1], v)
			default:
				setAttr(el, c.attr, v)
			}
			continue
		}
		sub := subs[c.block]
		if sub == nil {
			sub = &parse.Element{Name: blocks[c.block].element, Line: line}
			subs[c.block] = sub
		}
		if c.key {
			present[c.block] = true
		}
		switch c.child {
		case "remark":
			sub.Children = append(sub.Children, &parse.Element{Name: "remark", Text: v, Line: line})
		case "contactInfo":
			ci, err := contactInfo(v)
			if err != nil {
				return &parse.Error{File: file, Line: line, Field: header[i], Err: err}
			}
			sub.Children = append(sub.Children, ci...)
		default:
			sub.Attrs = append(sub.Attrs, xml.Attr{Name: xml.Name{Local: c.attr}, Value: v})
		}
	}
	if len(reg.Attrs) > 0 || len(reg.Children) > 0 {
		key := "regulation|" + fmt.Sprint(reg.Attrs, childTexts(reg))
		if !seen[key] {
			seen[key] = true
			el.Children = append(el.Children, reg)
		}
	}
	for b, sub := range subs {
		if sub == nil || !present[b] {
			continue
		}
		key := blocks[b].element + "|" + sub.Attr("logicalId")
		if sub.Attr("logicalId") == "" {
			key += fmt.Sprint(sub.Attrs, childTexts(sub))
		}
		if seen[key] {
			continue
		}
		seen[key] = true
		el.Children = append(el.Children, sub)
	}
	return nil
}

// contactInfo splits an Address_ContactInfo cell into contactInfo elements.
func contactInfo(v string) ([]*parse.Element, error) {
	var out []*parse.Element
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == '|' || r == '\n' }) {
		key, value, ok := strings.Cut(part, ":")
		if !ok || strings.TrimSpace(key) == "" {
			return nil, fmt.Errorf("contact info %q: want KEY: value", part)
		}
		out = append(out, &parse.Element{Name: "contactInfo", Attrs: []xml.Attr{
			{Name: xml.Name{Local: "key"}, Value: strings.TrimSpace(key)},
			{Name: xml.Name{Local: "value"}, Value: strings.TrimSpace(value)},
		}})
	}
	return out, nil
}

func childTexts(el *parse.Element) string {
	var b strings.Builder
	for _, c := range el.Children {
		b.WriteString(c.Name + "=" + c.Text + fmt.Sprint(c.Attrs) + ";")
	}
	return b.String()
}

func hasChildText(el *parse.Element, name, text string) bool {
	for _, c := range el.All(name) {
		if c.Text == text {
			return true
		}
	}
	return false
}

// fileDate reads fileGenerationDate, published as YYYY-MM-DD or
// dd/mm/yyyy.
func fileDate(s string) (string, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, parse.FirstN(s, len(layout))); err == nil {
			return t.Format("2006-01-02"), nil
		}
	}
	return "", fmt.Errorf("file generation date %q: want YYYY-MM-DD or dd/mm/yyyy", s)
}

// csvError turns an encoding/csv error into a *parse.Error with its line.
func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		cause := pe.Err
		if errors.Is(cause, csv.ErrFieldCount) {
			cause = fmt.Errorf("%w: wrong number of columns", parse.ErrFormat)
		}
		if errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote) {
			cause = fmt.Errorf("%w: %v", parse.ErrFormat, pe.Err)
		}
		return &parse.Error{File: file, Line: pe.Line, Column: pe.Column, Err: cause}
	}
	if err == io.EOF {
		return &parse.Error{File: file, Err: parse.ErrEmpty}
	}
	return &parse.Error{File: file, Err: err}
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

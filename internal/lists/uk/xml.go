package uk

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// ParseXML reads a whole UK Sanctions List XML file (root "Designations").
// SourceID is the UniqueID (such as "RUS1234"); Published comes from
// DateGenerated (dd/mm/yyyy). Bad input gives a *parse.Error naming the
// file and line.
func ParseXML(data []byte, file string) (*entity.Dataset, error) {
	if err := precheck(data, file); err != nil {
		return nil, err
	}
	x := parse.NewXMLReader(data, file)
	ds := &entity.Dataset{Source: Source}
	seen := make(map[string]int)
	sawRoot := false
	for {
		off := x.Offset()
		tok, err := x.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if cd, ok := tok.(xml.CharData); ok && x.Depth() == 0 && len(bytes.TrimSpace(cd)) > 0 {
			return nil, x.Errorf("", "%w: text outside the Designations element; not an XML list", parse.ErrFormat)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch x.Depth() {
		case 1:
			if start.Name.Local != "Designations" {
				return nil, x.Errorf(start.Name.Local, "%w: root element is %s, want Designations (UK Sanctions List XML)", parse.ErrFormat, start.Name.Local)
			}
			sawRoot = true
		case 2:
			switch start.Name.Local {
			case "DateGenerated":
				text, err := x.Text()
				if err != nil {
					return nil, err
				}
				d, err := parseDate(text)
				if err != nil || d.Precision() != "day" {
					return nil, x.Errorf("DateGenerated", "date %q: want dd/mm/yyyy", text)
				}
				ds.Published = d.String()
			case "Designation":
				el, err := x.ReadElement(start)
				if err != nil {
					return nil, err
				}
				e, err := mapDesignation(el, file)
				if err != nil {
					return nil, err
				}
				if line, dup := seen[e.SourceID]; dup {
					return nil, &parse.Error{File: file, Line: el.Line, Field: "UniqueID", Err: fmt.Errorf("duplicate UniqueID %s (first at line %d)", e.SourceID, line)}
				}
				seen[e.SourceID] = el.Line
				e.Raw = strings.TrimSpace(x.Raw(off, x.Offset()))
				ds.Entities = append(ds.Entities, e)
			default:
				if err := x.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
	if !sawRoot {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no Designations element", parse.ErrFormat)}
	}
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no Designation records", parse.ErrFormat)}
	}
	return ds, nil
}

// precheck refuses empty, oversized and non-UTF-8 input before parsing.
func precheck(data []byte, file string) error {
	if len(data) > parse.MaxFileSize {
		return &parse.Error{File: file, Err: fmt.Errorf("%w: over %d bytes", parse.ErrTooLarge, parse.MaxFileSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &parse.Error{File: file, Err: parse.ErrEmpty}
	}
	return parse.CheckUTF8(data, file)
}

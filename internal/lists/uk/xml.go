package uk

import (
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
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	x := parse.NewXMLReader(data, file)
	ds := &entity.Dataset{Source: Source}
	seen := make(map[string]int)
	sawRoot := false
	for {
		start, off, err := x.NextStart("Designations")
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch x.Depth() {
		case 1:
			if err := x.CheckRoot(start, "Designations", "UK Sanctions List XML"); err != nil {
				return nil, err
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

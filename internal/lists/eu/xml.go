package eu

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// ParseXML reads a whole EU FSF XML 1.1 file (root "export"). SourceID is
// the sanctionEntity @logicalId; Published comes from @generationDate. Bad
// input gives a *parse.Error naming the file and line.
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
		if cd, ok := tok.(xml.CharData); ok && x.Depth() == 0 && len(strings.TrimSpace(string(cd))) > 0 {
			return nil, x.Errorf("", "%w: text outside the export element; not an XML list", parse.ErrFormat)
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch x.Depth() {
		case 1:
			if start.Name.Local != "export" {
				return nil, x.Errorf(start.Name.Local, "%w: root element is %s, want export (EU FSF XML)", parse.ErrFormat, start.Name.Local)
			}
			sawRoot = true
			if gen := parse.Attr(start, "generationDate"); gen != "" {
				d, err := entity.ParseDate(firstN(gen, 10))
				if err != nil {
					return nil, x.Errorf("generationDate", "%w", err)
				}
				ds.Published = d.String()
			}
		case 2:
			if start.Name.Local != "sanctionEntity" {
				if err := x.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			el, err := x.ReadElement(start)
			if err != nil {
				return nil, err
			}
			e, err := mapEntity(el, file)
			if err != nil {
				return nil, err
			}
			if line, dup := seen[e.SourceID]; dup {
				return nil, &parse.Error{File: file, Line: el.Line, Field: "logicalId", Err: fmt.Errorf("duplicate logicalId %s (first at line %d)", e.SourceID, line)}
			}
			seen[e.SourceID] = el.Line
			e.Raw = strings.TrimSpace(x.Raw(off, x.Offset()))
			ds.Entities = append(ds.Entities, e)
		}
	}
	if !sawRoot {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no export element", parse.ErrFormat)}
	}
	if len(ds.Entities) == 0 {
		return nil, &parse.Error{File: file, Err: fmt.Errorf("%w: no sanctionEntity records", parse.ErrFormat)}
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

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

package eu

import (
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
	if err := parse.CheckInput(data, file); err != nil {
		return nil, err
	}
	x := parse.NewXMLReader(data, file)
	ds := &entity.Dataset{Source: Source}
	seen := make(map[string]int)
	sawRoot := false
	for {
		start, off, err := x.NextStart("export")
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch x.Depth() {
		case 1:
			if err := x.CheckRoot(start, "export", "EU FSF XML"); err != nil {
				return nil, err
			}
			sawRoot = true
			if gen := parse.Attr(start, "generationDate"); gen != "" {
				d, err := entity.ParseDate(parse.FirstN(gen, 10))
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

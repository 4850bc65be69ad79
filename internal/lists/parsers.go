package lists

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/csl"
	"github.com/chokepoint-dev/chokepoint/internal/lists/eu"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ftm"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/lists/uk"
	"github.com/chokepoint-dev/chokepoint/internal/lists/un"
)

// errNoParser marks a format whose parser package is not built in.
var errNoParser = errors.New("no parser built in for this format")

// parseFiles hands files, keyed by logical name, to the parser of format f
// and returns the dataset for source. Single-file formats take the one
// file there is.
func parseFiles(source string, f Format, files parse.Files) (*entity.Dataset, error) {
	if f == FormatOFACCSV {
		return ofac.ParseCSV(files, source)
	}
	if len(files) != 1 {
		return nil, fmt.Errorf("format %s: want exactly one file, have %d", f, len(files))
	}
	var name string
	var data []byte
	for n, d := range files {
		name, data = n, d
	}
	switch f {
	case FormatOFACXML:
		return ofac.ParseXML(data, name, source)
	case FormatOFACAdvanced:
		return ofac.ParseAdvanced(bytes.NewReader(data), name, source)
	case FormatUNXML:
		return un.Parse(data, name)
	case FormatEUXML:
		return eu.ParseXML(data, name)
	case FormatEUCSV:
		return eu.ParseCSV(data, name)
	case FormatUKXML:
		return uk.ParseXML(data, name)
	case FormatUKCSV:
		return uk.ParseCSV(data, name)
	case FormatCSLCSV:
		return csl.Parse(data, name)
	case FormatFTM:
		return ftm.Parse(bytes.NewReader(data), name, source)
	}
	return nil, fmt.Errorf("format %q: %w", f, errNoParser)
}

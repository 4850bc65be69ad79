package lists

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// A list cut short on a row boundary parses cleanly and, if the cut is
// small, slips under the shrink guard: the parties after the cut are
// silently unscreened. So every signal a format carries that the file is
// whole is checked before a new version is accepted.

// ofacEOF is the DOS end-of-file byte OFAC writes after the last CRLF of
// every legacy CSV file. All the whole files in the shared samples, from
// 2021 (watchman bench set) to 2026, carry it on the main, address and
// alias tables. The copies that lack it were rewritten after download:
// the watchman 2019 set has neither the final CRLF nor the "-0- "
// trailing spaces, which OFAC always writes.
const ofacEOF = 0x1A

// xmlRoots is the root element of each XML format; a whole file ends
// with its closing tag.
var xmlRoots = map[Format]string{
	FormatOFACXML:      "sdnList",
	FormatOFACAdvanced: "Sanctions",
	FormatUNXML:        "CONSOLIDATED_LIST",
	FormatEUXML:        "export",
	FormatUKXML:        "Designations",
}

// datedFormats are the formats whose every publication states its date,
// with where: a file of one of them without a date is not a publication as
// issued.
var datedFormats = map[Format]string{
	FormatOFACXML:      "publshInformation/Publish_Date",
	FormatOFACAdvanced: "DateOfIssue",
	FormatUNXML:        "the dateGenerated attribute of CONSOLIDATED_LIST",
	FormatEUXML:        "the generationDate attribute of export",
	FormatUKXML:        "DateGenerated",
	FormatUKCSV:        "the Report Date line",
	FormatEUCSV:        "the fileGenerationDate column",
}

var closingTag = regexp.MustCompile(`</(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)\s*>\s*$`)

// checkWhole refuses a file whose format marks its end and which does not
// end that way. part is the OFAC CSV table (see Detected.Part). It returns
// a note when the file lacks a marker whose absence is tolerated.
func checkWhole(f Format, part int, name string, data []byte) (note string, err error) {
	end := len(data)
	switch {
	case f == FormatOFACCSV:
		if end > 0 && data[end-1] == ofacEOF {
			return "", nil
		}
		trimmed := bytes.TrimRight(data, " \t\r\n")
		line, _ := parse.LineCol(data, int64(len(trimmed)))
		if part == 3 {
			// The remarks continuation table only lengthens remarks of the
			// main table, and the one whole-looking sample without the
			// marker (watchman bench, 2021) ends on a complete row, so
			// its absence is noted rather than refused.
			if bytes.HasSuffix(data, []byte("\n")) {
				return fmt.Sprintf("%s has no OFAC end-of-file marker (0x1A); accepted because it ends on a complete row (line %d) and only continues remarks", name, line), nil
			}
		}
		return "", &parse.Error{File: name, Line: line, Offset: int64(end), Err: fmt.Errorf(
			"%w: no end-of-file marker (0x1A) after this last row; OFAC ends every CSV file it publishes with one, so this copy was cut short or altered", parse.ErrTruncated)}
	case xmlRoots[f] != "":
		root := xmlRoots[f]
		m := closingTag.FindSubmatch(data[max(0, end-512):])
		if m == nil || string(m[1]) != root {
			trimmed := bytes.TrimRight(data, " \t\r\n")
			line, col := parse.LineCol(data, int64(len(trimmed)))
			tail := trimmed[max(0, len(trimmed)-40):]
			return "", &parse.Error{File: name, Line: line, Column: col, Offset: int64(len(trimmed)), Err: fmt.Errorf(
				"%w: the file does not end with the closing </%s> of the list (it ends with %q)", parse.ErrTruncated, root, tail)}
		}
	}
	return "", nil
}

// checkDated refuses a dataset of a format that always states its date
// when the file stated none.
func checkDated(f Format, ds *entity.Dataset, files parse.Files) error {
	where, ok := datedFormats[f]
	if !ok || ds.Published != "" {
		return nil
	}
	var name string
	for n := range files {
		name = n
	}
	return fmt.Errorf("%s: no publication date (%s), which every %s publication states: refused as incomplete or altered", name, where, f)
}

package goods

import (
	"encoding/csv"
	"errors"
)

// csvLine returns the line of the record cr just read, or of the error it
// returned; csv.Reader.FieldPos is only valid after a successful read.
func csvLine(cr *csv.Reader, err error) int {
	if err != nil {
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return pe.StartLine
		}
		return 0
	}
	line, _ := cr.FieldPos(0)
	return line
}

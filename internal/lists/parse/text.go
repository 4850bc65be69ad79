package parse

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
)

// CheckInput refuses oversized, empty and non-UTF-8 input before a parser
// starts, so every list reports those three failures the same way and
// names the file.
func CheckInput(data []byte, file string) error {
	if len(data) > MaxFileSize {
		return &Error{File: file, Err: fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxFileSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &Error{File: file, Err: ErrEmpty}
	}
	return CheckUTF8(data, file)
}

// CSVError turns an encoding/csv error into an *Error carrying its line
// and column, so a broken CSV list points at the bad record. io.EOF, which
// encoding/csv returns for a file with no records at all, becomes ErrEmpty.
func CSVError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{File: file, Line: pe.Line, Column: pe.Column, Err: fmt.Errorf("%w: %v", ErrFormat, pe.Err)}
	}
	if err == io.EOF {
		return &Error{File: file, Err: ErrEmpty}
	}
	return &Error{File: file, Err: err}
}

// Clean collapses runs of white space to one space and trims the ends:
// published names and streets often carry doubled or trailing spaces that
// would otherwise make equal names compare unequal.
func Clean(s string) string { return strings.Join(strings.Fields(s), " ") }

// JoinNonEmpty trims each part and joins the non-empty ones with sep, so
// optional fields (street, city, region...) build a value without stray
// separators.
func JoinNonEmpty(sep string, parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, sep)
}

// NonLatinScript returns the ISO 15924 script of s as [Script] detects it,
// or "" when it is Latin: Latin is the default and entities record only
// the exceptions.
func NonLatinScript(s string) string {
	if sc := Script(s); sc != "Latn" {
		return sc
	}
	return ""
}

// CountryCode returns the ISO code for a country name or code, or the
// trimmed input when it is not recognised, so nothing a list publishes is
// lost.
func CountryCode(s string) string {
	if c := country.Code(s); c != "" {
		return c
	}
	return strings.TrimSpace(s)
}

// AddUnique appends the trimmed s to *list unless it is empty or already
// there: lists repeat the same nationality or program across fields, and
// an entity should hold each once, in first-seen order.
func AddUnique(list *[]string, s string) {
	if s = strings.TrimSpace(s); s == "" {
		return
	}
	if !slices.Contains(*list, s) {
		*list = append(*list, s)
	}
}

// FirstN returns at most the first n bytes of s. Parsers use it to take
// the date part of a timestamp ("2024-05-01T10:00:00" -> "2024-05-01");
// n must fall on a rune boundary for the result to stay valid UTF-8.
func FirstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

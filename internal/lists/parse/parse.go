// Package parse holds what every list parser shares: the error that names
// where a file broke, the limits that keep a hostile file from exhausting
// memory, and a guarded XML token reader.
//
// It sits under the lists stage of the data flow and imports only country,
// which [CountryCode] needs; the small text helpers in text.go exist so the
// parsers clean and join values the same way.
package parse

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Limits a parser enforces on its input. They are far above anything an
// official list publishes, and low enough that a malicious file is refused
// before it costs much.
const (
	MaxFileSize  = 1 << 30 // 1 GiB: the full SDN_ADVANCED.XML is about 122 MB
	MaxFieldSize = 1 << 20 // 1 MiB for one CSV field or XML text node
	MaxXMLDepth  = 64
)

// Sentinel causes, for callers that act on the kind of failure.
var (
	ErrTooLarge    = errors.New("too large")
	ErrTooDeep     = errors.New("XML nested too deeply")
	ErrInvalidUTF8 = errors.New("invalid UTF-8")
	ErrEmpty       = errors.New("file is empty")
	ErrFormat      = errors.New("not the expected format")
	ErrTruncated   = errors.New("file is truncated")
)

// Error says where in which file a parse failed. Line and Column are
// 1-based and zero when unknown; Offset is the byte offset when known; Path
// is the XML element path or the record id; Field names the column or
// element.
type Error struct {
	File   string
	Line   int
	Column int
	Offset int64
	Path   string
	Field  string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	} else if e.Offset > 0 {
		fmt.Fprintf(&b, ": byte %d", e.Offset)
	}
	if e.Path != "" {
		fmt.Fprintf(&b, ": %s", e.Path)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, ": field %s", e.Field)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error for file with a formatted cause.
func Errorf(file string, line int, field, format string, args ...any) *Error {
	return &Error{File: file, Line: line, Field: field, Err: fmt.Errorf(format, args...)}
}

// ReadAll reads r up to MaxFileSize and refuses empty input.
func ReadAll(r io.Reader, file string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, &Error{File: file, Err: err}
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Err: fmt.Errorf("%w: over %d bytes", ErrTooLarge, MaxFileSize)}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{File: file, Err: ErrEmpty}
	}
	return data, nil
}

// CheckUTF8 returns an *Error naming the line and column of the first
// invalid UTF-8 sequence in data, or nil.
func CheckUTF8(data []byte, file string) error {
	if utf8.Valid(data) {
		return nil
	}
	line, col := 1, 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return &Error{File: file, Line: line, Column: col, Offset: int64(i), Err: ErrInvalidUTF8}
		}
		if r == '\n' {
			line++
			col = 1
		} else {
			col++
		}
		i += size
	}
	return nil
}

// LineCol returns the 1-based line and column of byte offset off in data.
func LineCol(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line = bytes.Count(before, []byte{'\n'}) + 1
	col = int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// XMLReader reads XML tokens with the guards every list parser needs: a
// depth limit, a text-size limit, no external entities, and errors that
// name the file, line and element path. It also tracks the element path
// so parsers can report where they are.
type XMLReader struct {
	File string
	dec  *xml.Decoder
	data []byte // the whole file when known, for Raw
	path []string
}

// NewXMLReader returns a reader over data, the whole file; Raw can then
// return the published text of an element.
func NewXMLReader(data []byte, file string) *XMLReader {
	x := NewXMLStream(bytes.NewReader(data), file)
	x.data = data
	return x
}

// NewXMLStream returns a reader over r for files too large to hold in
// memory (SDN_ADVANCED.XML). Raw returns "" on such a reader.
func NewXMLStream(r io.Reader, file string) *XMLReader {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	// Only UTF-8 is accepted: the official lists are UTF-8, and a charset
	// reader would be one more way in for a hostile file.
	dec.CharsetReader = func(label string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(label) {
		case "utf-8", "utf8", "us-ascii", "ascii":
			return input, nil
		}
		return nil, fmt.Errorf("unsupported encoding %q (want UTF-8)", label)
	}
	return &XMLReader{File: file, dec: dec}
}

// Path returns the current element path, such as
// "CONSOLIDATED_LIST/INDIVIDUALS/INDIVIDUAL".
func (x *XMLReader) Path() string { return strings.Join(x.path, "/") }

// Depth returns the number of open elements.
func (x *XMLReader) Depth() int { return len(x.path) }

// Errorf returns an *Error at the reader's current position.
func (x *XMLReader) Errorf(field, format string, args ...any) *Error {
	return x.wrap(field, fmt.Errorf(format, args...))
}

func (x *XMLReader) wrap(field string, err error) *Error {
	off := x.dec.InputOffset()
	line, col := x.dec.InputPos()
	return &Error{File: x.File, Line: line, Column: col, Offset: off, Path: x.Path(), Field: field, Err: err}
}

// Token returns the next token, copied, with comments, processing
// instructions and directives other than the XML declaration skipped. It
// returns io.EOF at a clean end of document and an *Error otherwise,
// including ErrTruncated when elements are still open at the end.
func (x *XMLReader) Token() (xml.Token, error) {
	for {
		tok, err := x.dec.Token()
		if err == io.EOF {
			if len(x.path) > 0 {
				return nil, x.wrap("", ErrTruncated)
			}
			return nil, io.EOF
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				if strings.Contains(se.Msg, "unexpected EOF") {
					return nil, x.wrap("", fmt.Errorf("%w: %s", ErrTruncated, se.Msg))
				}
				if strings.Contains(se.Msg, "UTF-8") {
					return nil, x.wrap("", fmt.Errorf("%w: %s", ErrInvalidUTF8, se.Msg))
				}
				return nil, &Error{File: x.File, Line: se.Line, Path: x.Path(), Err: errors.New(se.Msg)}
			}
			return nil, x.wrap("", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(x.path) >= MaxXMLDepth {
				return nil, x.wrap("", fmt.Errorf("%w: over %d levels", ErrTooDeep, MaxXMLDepth))
			}
			x.path = append(x.path, t.Name.Local)
			for _, a := range t.Attr {
				if len(a.Value) > MaxFieldSize {
					return nil, x.wrap(a.Name.Local, fmt.Errorf("attribute %w: over %d bytes", ErrTooLarge, MaxFieldSize))
				}
			}
			return t.Copy(), nil
		case xml.EndElement:
			if len(x.path) > 0 {
				x.path = x.path[:len(x.path)-1]
			}
			return t, nil
		case xml.CharData:
			if len(t) > MaxFieldSize {
				return nil, x.wrap("", fmt.Errorf("text %w: over %d bytes", ErrTooLarge, MaxFieldSize))
			}
			return t.Copy(), nil
		case xml.Directive:
			// A DOCTYPE could declare entities; encoding/xml does not expand
			// them, but no official list has one, so refuse it outright.
			if bytes.HasPrefix(bytes.TrimSpace(t), []byte("DOCTYPE")) {
				return nil, x.wrap("", fmt.Errorf("%w: DOCTYPE declarations are not accepted", ErrFormat))
			}
		}
	}
}

// Text reads the character data of the element just opened up to its end
// tag and returns it trimmed. Child elements are an error.
func (x *XMLReader) Text() (string, error) {
	var b strings.Builder
	for {
		tok, err := x.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if b.Len()+len(t) > MaxFieldSize {
				return "", x.wrap("", fmt.Errorf("text %w", ErrTooLarge))
			}
			b.Write(t)
		case xml.StartElement:
			return "", x.Errorf(t.Name.Local, "unexpected element inside text field")
		case xml.EndElement:
			return strings.TrimSpace(b.String()), nil
		}
	}
}

// Skip skips the rest of the element just opened.
func (x *XMLReader) Skip() error {
	depth := 1
	for depth > 0 {
		tok, err := x.Token()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// Raw returns the bytes of data between two input offsets, for keeping an
// element's published text as an entity's Raw field.
func (x *XMLReader) Raw(from, to int64) string {
	if from < 0 || to > int64(len(x.data)) || from > to {
		return ""
	}
	return string(x.data[from:to])
}

// Offset returns the decoder's input offset.
func (x *XMLReader) Offset() int64 { return x.dec.InputOffset() }

// Attr returns the value of the attribute named local on el, ignoring
// namespaces.
func Attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// Files is the set of files one source is parsed from, by logical name
// (such as "sdn.csv" or "add.csv"). Multi-file sources use it.
type Files map[string][]byte

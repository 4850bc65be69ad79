package orders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The order document is read in two passes. The first walks the JSON
// tokens against the shape of Order and reports, by the path a user writes
// (lines[0].quantity) and with line and column, what encoding/json would
// pass over or report in Go's terms: duplicate keys (encoding/json keeps
// the last silently), unknown keys, values of the wrong kind, invalid UTF-8
// (encoding/json turns it into U+FFFD silently) and syntax errors. Only a
// document that passes is decoded into Order, by encoding/json.

// shape is the kind of JSON value an order field takes.
type shape struct {
	kind   byte // 'o' object, 'a' array, 's' text, 'n' number
	fields map[string]*shape
	elem   *shape
}

var orderShape = shapeOf(reflect.TypeOf(Order{}))

func shapeOf(t reflect.Type) *shape {
	switch t.Kind() {
	case reflect.Struct:
		s := &shape{kind: 'o', fields: make(map[string]*shape)}
		for i := 0; i < t.NumField(); i++ {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			s.fields[name] = shapeOf(t.Field(i).Type)
		}
		return s
	case reflect.Slice:
		return &shape{kind: 'a', elem: shapeOf(t.Elem())}
	case reflect.String:
		return &shape{kind: 's'}
	case reflect.Float64:
		return &shape{kind: 'n'}
	}
	panic("orders: no JSON shape for " + t.String())
}

func (s *shape) want() string {
	switch s.kind {
	case 'o':
		return "want an object {...}"
	case 'a':
		return "want a list [...]"
	case 's':
		return "want text in double quotes"
	}
	return "want a number"
}

// maxWalkErrors bounds the errors one document can produce.
const maxWalkErrors = 200

// walker is the first pass over one JSON order.
type walker struct {
	data     []byte
	dec      *json.Decoder
	baseLine int // line of data's first byte in its file
	bad      []FieldError
}

// errStop ends a walk at a syntax error or at maxWalkErrors.
var errStop = errors.New("stop")

// checkJSON runs the first pass over data, whose first byte is on line
// baseLine of its file, and returns the errors it found.
func checkJSON(data []byte, baseLine int) []FieldError {
	w := &walker{data: data, baseLine: baseLine}
	w.dec = json.NewDecoder(bytes.NewReader(data))
	w.dec.UseNumber()
	if err := w.value("", orderShape); err != nil {
		return w.bad
	}
	start := w.next()
	if _, err := w.dec.Token(); err != io.EOF {
		w.add("", start, "data after the order object")
	}
	return w.bad
}

// next returns the offset of the next token: encoding/json's offset is
// the end of the previous one, before white space and separators.
func (w *walker) next() int {
	off := int(w.dec.InputOffset())
	for off < len(w.data) {
		switch w.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

// position returns the line and column (in characters, from 1) of byte
// offset off.
func (w *walker) position(off int) (line, col int) {
	off = min(off, len(w.data))
	before := w.data[:off]
	line = w.baseLine + bytes.Count(before, []byte{'\n'})
	col = utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}

func (w *walker) add(field string, off int, format string, args ...any) error {
	line, col := w.position(off)
	w.bad = append(w.bad, FieldError{Field: field, Message: fmt.Sprintf(format, args...), Line: line, Column: col})
	if len(w.bad) >= maxWalkErrors {
		return errStop
	}
	return nil
}

// token reads the next token, turning a syntax error or a cut document
// into a field error that stops the walk.
func (w *walker) token(field string) (json.Token, int, error) {
	start := w.next()
	tok, err := w.dec.Token()
	if err == nil {
		return tok, start, nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		// The token reader's offsets are loose (the start of a value, not
		// the bad byte); the full scanner's are exact.
		off := int(se.Offset)
		var exact *json.SyntaxError
		if errors.As(json.Unmarshal(w.data, new(json.RawMessage)), &exact) {
			se, off = exact, int(exact.Offset)-1
		}
		off = min(max(off, 0), len(w.data))
		if r, _ := utf8.DecodeRune(w.data[off:]); r == utf8.RuneError && off < len(w.data) {
			w.add(field, off, "invalid UTF-8 outside a string")
		} else {
			w.add(field, off, "JSON syntax error: %s", strings.TrimPrefix(se.Error(), "json: "))
		}
	case err == io.EOF && len(bytes.TrimSpace(w.data)) == 0:
		w.add("", 0, "empty input, want a JSON order object")
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		w.add(field, len(w.data), "the JSON ends before the order is complete (truncated?)")
	default:
		w.add(field, start, "JSON error: %v", err)
	}
	return nil, start, errStop
}

// value walks one value that should have shape s.
func (w *walker) value(field string, s *shape) error {
	tok, start, err := w.token(field)
	if err != nil {
		return err
	}
	if tok == nil { // null: the field is left out, as encoding/json does
		return nil
	}
	switch t := tok.(type) {
	case json.Delim:
		switch {
		case t == '{' && s.kind == 'o':
			return w.object(field, s)
		case t == '[' && s.kind == 'a':
			for i := 0; w.dec.More(); i++ {
				if err := w.value(fmt.Sprintf("%s[%d]", field, i), s.elem); err != nil {
					return err
				}
			}
			_, _, err := w.token(field)
			return err
		}
		if err := w.add(field, start, "%s, got %s", s.want(), describe(tok)); err != nil {
			return err
		}
		return w.skip(field, 1)
	case string:
		if err := w.checkString(field, start, t); err != nil {
			return err
		}
		if s.kind == 's' {
			return nil
		}
	case json.Number:
		if s.kind == 'n' {
			if _, err := strconv.ParseFloat(string(t), 64); err != nil {
				return w.add(field, start, "the number %s is out of range", t)
			}
			return nil
		}
	}
	return w.add(field, start, "%s, got %s", s.want(), describe(tok))
}

// object walks the members of an object of shape s after its '{'.
func (w *walker) object(field string, s *shape) error {
	type at struct{ line, col int }
	seen := make(map[string]at)
	prefix := field
	if prefix != "" {
		prefix += "."
	}
	for w.dec.More() {
		tok, start, err := w.token(field)
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		path := prefix + key
		if err := w.checkString(path, start, key); err != nil {
			return err
		}
		if first, dup := seen[key]; dup {
			if err := w.add(path, start, "given twice (first at line %d, column %d); say each field once", first.line, first.col); err != nil {
				return err
			}
		} else {
			line, col := w.position(start)
			seen[key] = at{line, col}
		}
		child := s.fields[key]
		if child == nil {
			msg := "unknown field"
			for name := range s.fields {
				if strings.EqualFold(name, key) {
					msg = fmt.Sprintf("unknown field (field names are lower case: %q)", name)
				}
			}
			if err := w.add(path, start, "%s", msg); err != nil {
				return err
			}
			if err := w.skip(path, 0); err != nil {
				return err
			}
			continue
		}
		if err := w.value(path, child); err != nil {
			return err
		}
	}
	_, _, err := w.token(field)
	return err
}

// skip passes over one value, or the rest of one whose depth opening
// delimiters were read, checking only its strings' UTF-8.
func (w *walker) skip(field string, depth int) error {
	for {
		tok, start, err := w.token(field)
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case json.Delim:
			if t == '{' || t == '[' {
				depth++
			} else {
				depth--
			}
		case string:
			if err := w.checkString(field, start, t); err != nil {
				return err
			}
		}
		if depth <= 0 {
			return nil
		}
	}
}

// checkString refuses a string whose bytes are not UTF-8, or whose \u
// escapes are not characters (a lone surrogate): encoding/json turns both
// into U+FFFD without a word.
func (w *walker) checkString(field string, start int, decoded string) error {
	if !strings.ContainsRune(decoded, utf8.RuneError) {
		return nil
	}
	end := int(w.dec.InputOffset())
	raw := w.data[start:min(end, len(w.data))]
	if !utf8.Valid(raw) {
		return w.add(field, start, "invalid UTF-8: the text must be UTF-8 encoded")
	}
	if strings.Count(decoded, "\uFFFD") > bytes.Count(raw, []byte("\uFFFD"))+strings.Count(strings.ToLower(string(raw)), `\ufffd`) {
		return w.add(field, start, `invalid UTF-8: a \u escape that is not a character (a lone surrogate)`)
	}
	return nil
}

// describe names a JSON value for an error message.
func describe(tok json.Token) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "a list"
	case string:
		if len(t) > 40 {
			t = string([]rune(t)[:min(40, utf8.RuneCountInString(t))]) + "..."
		}
		return fmt.Sprintf("text %q", t)
	case json.Number:
		return "the number " + string(t)
	case bool:
		return strconv.FormatBool(t)
	}
	return "null"
}

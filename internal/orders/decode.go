package orders

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The order document is read in three steps. A document that is not JSON
// gets one error with the line and column of the fault. A JSON document is
// then walked against the shape of Order, to report by the path a user
// writes (lines[0].quantity), with line and column, what encoding/json
// would pass over or report in Go's terms: duplicate keys (encoding/json
// keeps the last silently), unknown keys, values of the wrong kind and
// invalid UTF-8 (encoding/json turns it into U+FFFD silently). Only a
// document that passes is decoded into Order, by encoding/json.
//
// The walk is a small scanner of its own: it may assume well-formed JSON,
// and it costs a fraction of json.Decoder.Token, which allocates for
// every token.

// shape is the kind of JSON value an order field takes.
type shape struct {
	name   string // the key of a member
	kind   byte   // 'o' object, 'a' array, 's' text, 'n' number
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
			c := shapeOf(t.Field(i).Type)
			c.name = name
			s.fields[name] = c
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

// errStop ends a walk at maxWalkErrors.
var errStop = errors.New("stop")

// walker is the pass over one well-formed JSON order.
type walker struct {
	data     []byte
	pos      int
	baseLine int // line of data's first byte in its file
	bad      []FieldError
	path     []seg
	// The last position computed, to count lines from there.
	lastOff, lastLine, lastLineStart int
}

// checkJSON checks data, whose first byte is on line baseLine of its file,
// and returns the errors it found.
func checkJSON(data []byte, baseLine int) []FieldError {
	w := &walker{data: data, baseLine: baseLine, lastLine: baseLine}
	if !json.Valid(data) {
		w.syntaxError()
		return w.bad
	}
	w.value(orderShape)
	return w.bad
}

// syntaxError reports why data is not JSON, where encoding/json's scanner
// found it.
func (w *walker) syntaxError() {
	if len(bytes.TrimSpace(w.data)) == 0 {
		w.add("", 0, "empty input, want a JSON order object")
		return
	}
	var se *json.SyntaxError
	if !errors.As(json.Unmarshal(w.data, new(json.RawMessage)), &se) {
		w.add("", 0, "not JSON")
		return
	}
	off := min(max(int(se.Offset)-1, 0), len(w.data))
	msg := strings.TrimPrefix(se.Error(), "json: ")
	switch r, _ := utf8.DecodeRune(w.data[off:]); {
	case msg == "unexpected end of JSON input":
		w.add("", len(w.data), "the JSON ends before the order is complete (truncated?)")
	case strings.Contains(msg, "after top-level value"):
		w.add("", off, "data after the order object")
	case r == utf8.RuneError && off < len(w.data):
		w.add("", off, "invalid UTF-8 outside a string")
	default:
		w.add("", off, "JSON syntax error: %s", msg)
	}
}

// position returns the line and column (in characters, from 1) of byte
// offset off, counting on from the last position asked for when it can.
func (w *walker) position(off int) (line, col int) {
	off = min(off, len(w.data))
	if off < w.lastOff {
		w.lastOff, w.lastLine, w.lastLineStart = 0, w.baseLine, 0
	}
	for i := w.lastOff; i < off; i++ {
		if w.data[i] == '\n' {
			w.lastLine++
			w.lastLineStart = i + 1
		}
	}
	w.lastOff = off
	return w.lastLine, utf8.RuneCount(w.data[w.lastLineStart:off]) + 1
}

func (w *walker) add(field string, off int, format string, args ...any) error {
	line, col := w.position(off)
	w.bad = append(w.bad, FieldError{Field: field, Message: fmt.Sprintf(format, args...), Line: line, Column: col})
	if len(w.bad) >= maxWalkErrors {
		return errStop
	}
	return nil
}

func (w *walker) space() {
	for w.pos < len(w.data) {
		switch w.data[w.pos] {
		case ' ', '\t', '\r', '\n':
			w.pos++
		default:
			return
		}
	}
}

// seg is one step of the path to the value being walked: a key, or the
// index of an array element (key "").
type seg struct {
	key string
	idx int
}

// field renders the path the way a user writes it: lines[0].quantity.
// Only errors need it, so it is built only for them.
func (w *walker) field() string {
	var b strings.Builder
	for _, s := range w.path {
		switch {
		case s.key == "":
			fmt.Fprintf(&b, "[%d]", s.idx)
		case b.Len() > 0:
			b.WriteString("." + s.key)
		default:
			b.WriteString(s.key)
		}
	}
	return b.String()
}

func (w *walker) fail(off int, format string, args ...any) error {
	return w.add(w.field(), off, format, args...)
}

// value walks one value that should have shape s.
func (w *walker) value(s *shape) error {
	w.space()
	start := w.pos
	switch c := w.data[start]; {
	case c == '{' && s.kind == 'o':
		return w.object(s)
	case c == '[' && s.kind == 'a':
		w.pos++
		for i := 0; w.more(']'); i++ {
			w.path = append(w.path, seg{idx: i})
			err := w.value(s.elem)
			w.path = w.path[:len(w.path)-1]
			if err != nil {
				return err
			}
		}
		return nil
	case c == 'n': // null: the field is left out, as encoding/json does
		w.pos += len("null")
		return nil
	case c == '"':
		raw, err := w.str()
		if err != nil || s.kind == 's' {
			return err
		}
		return w.fail(start, "%s, got %s", s.want(), describe(unquote(raw)))
	case c == '{' || c == '[':
		if err := w.fail(start, "%s, got %s", s.want(), describe(json.Delim(c))); err != nil {
			return err
		}
		return w.skip()
	}
	end := w.scalarEnd()
	lit := string(w.data[start:end])
	w.pos = end
	switch {
	case lit == "true" || lit == "false":
		return w.fail(start, "%s, got %s", s.want(), lit)
	case s.kind != 'n':
		return w.fail(start, "%s, got the number %s", s.want(), lit)
	}
	if _, err := strconv.ParseFloat(lit, 64); err != nil {
		return w.fail(start, "the number %s is out of range", lit)
	}
	return nil
}

// scalarEnd returns the end of the number or literal at w.pos.
func (w *walker) scalarEnd() int {
	end := w.pos
	for end < len(w.data) {
		switch w.data[end] {
		case ',', ']', '}', ' ', '\t', '\r', '\n':
			return end
		}
		end++
	}
	return end
}

// more steps past a ',' and reports whether another element follows, or
// past the closing delimiter and reports false.
func (w *walker) more(closing byte) bool {
	w.space()
	switch w.data[w.pos] {
	case ',':
		w.pos++
		return true
	case closing:
		w.pos++
		return false
	}
	return true // the first element
}

// object walks the members of an object of shape s, at its '{'.
func (w *walker) object(s *shape) error {
	w.pos++
	// The keys seen, to refuse one given twice: a few in an array on the
	// stack, as objects of the order have a dozen keys at most.
	var few [16]int
	seen := few[:0]
	var many map[string]int
	for w.more('}') {
		w.space()
		start := w.pos
		raw, err := w.str()
		if err != nil {
			return err
		}
		keyBytes := raw[1 : len(raw)-1]
		if bytes.IndexByte(keyBytes, '\\') >= 0 || !utf8.Valid(keyBytes) {
			keyBytes = []byte(unquote(raw))
		}
		w.space()
		w.pos++ // ':'
		child, known := s.fields[string(keyBytes)]
		key := ""
		if known {
			key = child.name
		} else {
			key = string(keyBytes)
		}
		first := -1
		if many != nil {
			if off, ok := many[string(keyBytes)]; ok {
				first = off
			} else {
				many[string(keyBytes)] = start
			}
		} else {
			for _, off := range seen {
				if k, _ := w.keyAt(off); bytes.Equal(k, keyBytes) {
					first = off
					break
				}
			}
			if first < 0 {
				if seen = append(seen, start); len(seen) == len(few) {
					many = make(map[string]int)
					for _, off := range seen {
						k, _ := w.keyAt(off)
						many[string(k)] = off
					}
				}
			}
		}
		w.path = append(w.path, seg{key: key})
		err = w.member(start, first, s, child)
		w.path = w.path[:len(w.path)-1]
		if err != nil {
			return err
		}
	}
	return nil
}

// member walks the value of the key at start; first is the offset of the
// same key given before, or -1.
func (w *walker) member(start, first int, s, child *shape) error {
	if first >= 0 {
		line, col := w.position(first)
		if err := w.fail(start, "given twice (first at line %d, column %d); say each field once", line, col); err != nil {
			return err
		}
	}
	if child != nil {
		return w.value(child)
	}
	if err := w.fail(start, "%s", "unknown field"+w.caseHint(s)); err != nil {
		return err
	}
	return w.skip()
}

// caseHint says how a key of s that differs only in case is spelt.
func (w *walker) caseHint(s *shape) string {
	key := w.path[len(w.path)-1].key
	for name := range s.fields {
		if strings.EqualFold(name, key) {
			return fmt.Sprintf(" (field names are lower case: %q)", name)
		}
	}
	return ""
}

// keyAt returns the key of the member at off, as keyBytes were compared.
func (w *walker) keyAt(off int) ([]byte, error) {
	save := w.pos
	w.pos = off
	raw, err := w.strQuiet()
	w.pos = save
	k := raw[1 : len(raw)-1]
	if bytes.IndexByte(k, '\\') >= 0 || !utf8.Valid(k) {
		k = []byte(unquote(raw))
	}
	return k, err
}

// skip passes over one value, checking only that its strings are UTF-8.
func (w *walker) skip() error {
	depth := 0
	for {
		w.space()
		switch w.data[w.pos] {
		case '{', '[':
			depth++
			w.pos++
		case '}', ']':
			depth--
			w.pos++
		case ',', ':':
			w.pos++
			continue
		case '"':
			if _, err := w.str(); err != nil {
				return err
			}
		default:
			w.pos = w.scalarEnd()
		}
		if depth <= 0 {
			return nil
		}
	}
}

// strQuiet steps over the string at w.pos and returns it with its quotes.
func (w *walker) strQuiet() ([]byte, error) {
	start := w.pos
	i := start + 1
	for w.data[i] != '"' {
		if w.data[i] == '\\' {
			i++
		}
		i++
	}
	w.pos = i + 1
	return w.data[start:w.pos], nil
}

// str steps over the string at w.pos and returns it with its quotes. It
// refuses one whose bytes are not UTF-8, or whose \u escapes are not
// characters (a lone surrogate): encoding/json turns both into U+FFFD
// without a word. The error names the current path; for a key, the caller
// has not pushed it yet, so the error names the object holding it, and
// the key itself is named by the unknown-field or value check that
// follows.
func (w *walker) str() ([]byte, error) {
	start := w.pos
	raw, _ := w.strQuiet()
	if !utf8.Valid(raw) {
		return raw, w.failAt(start, raw, "invalid UTF-8: the text must be UTF-8 encoded")
	}
	if bytes.IndexByte(raw, '\\') >= 0 {
		text := unquote(raw)
		if strings.Count(text, "\uFFFD") > bytes.Count(raw, []byte("\uFFFD"))+strings.Count(strings.ToLower(string(raw)), `\ufffd`) {
			return raw, w.failAt(start, raw, `invalid UTF-8: a \u escape that is not a character (a lone surrogate)`)
		}
	}
	return raw, nil
}

// failAt reports a bad string at off: a value by its path, a key by the
// path it would have.
func (w *walker) failAt(off int, raw []byte, msg string) error {
	field := w.field()
	if w.isKey(off) {
		if field != "" {
			field += "."
		}
		field += unquote(raw)
	}
	return w.add(field, off, "%s", msg)
}

// isKey reports whether the string at off is an object key: the next
// character after it, past white space, is a colon.
func (w *walker) isKey(off int) bool {
	save := w.pos
	w.pos = off
	w.strQuiet()
	w.space()
	key := w.pos < len(w.data) && w.data[w.pos] == ':'
	w.pos = save
	return key
}

// unquote decodes a JSON string with its quotes, invalid UTF-8 shown as
// U+FFFD.
func unquote(raw []byte) string {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return strings.ToValidUTF8(string(raw[1:len(raw)-1]), "\uFFFD")
	}
	return s
}

// describe names a JSON value for an error message.
func describe(tok any) string {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "a list"
	case string:
		if utf8.RuneCountInString(t) > 40 {
			t = string([]rune(t)[:40]) + "..."
		}
		return fmt.Sprintf("text %q", t)
	}
	return fmt.Sprint(tok)
}

package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// Error is a failure the client can act on, with the HTTP status it maps
// to. Handlers return it for bad requests; any other error is a 500.
type Error struct {
	Status int
	// Code is a stable snake_case word, such as "invalid_query".
	Code    string
	Message string
	// Field names the request field at fault, such as "queries[3].dob".
	Field string
	// Fields lists every bad field when there are several.
	Fields []match.FieldError
}

func (e *Error) Error() string {
	if e.Field != "" {
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error     errorDetail `json:"error"`
	RequestID string      `json:"request_id"`
}

type errorDetail struct {
	Code    string             `json:"code"`
	Message string             `json:"message"`
	Field   string             `json:"field,omitempty"`
	Fields  []match.FieldError `json:"fields,omitempty"`
}

// maxFieldsShown caps the bad fields listed in one response, so that a
// request of a thousand bad queries does not get a megabyte back.
const maxFieldsShown = 50

// classify maps an error to the client's view of it. It is the one place
// that decides statuses.
func classify(err error) *Error {
	var ae *Error
	var mbe *http.MaxBytesError
	var ve *match.ValidationError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mbe):
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "body_too_large",
			Message: fmt.Sprintf("request body larger than %d bytes", mbe.Limit)}
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		// The client went away or the server is stopping: nothing to log.
		return &Error{Status: http.StatusServiceUnavailable, Code: "cancelled", Message: "request cancelled"}
	case errors.As(err, &ve) && len(ve.Fields) > 0:
		return &Error{Status: http.StatusBadRequest, Code: "invalid_query",
			Message: ve.Fields[0].Message, Field: ve.Fields[0].Field, Fields: capFields(ve.Fields)}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal",
		Message: "internal error; quote the request id when reporting it"}
}

func capFields(f []match.FieldError) []match.FieldError {
	if len(f) <= 1 {
		return nil // the one field is in Field and Message already
	}
	return f[:min(len(f), maxFieldsShown)]
}

// writeError writes err as a JSON error response. A 500 shows the client
// only a generic message and the request id; the cause goes to the log.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := classify(err)
	id := w.Header().Get("X-Request-Id")
	if ae.Status >= 500 && ae.Code == "internal" {
		s.log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "error", err)
	}
	s.writeJSON(w, ae.Status, errorBody{
		Error:     errorDetail{Code: ae.Code, Message: ae.Message, Field: ae.Field, Fields: ae.Fields},
		RequestID: id,
	})
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func getBuf() *bytes.Buffer {
	b := bufPool.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 { // do not keep the rare huge body alive
		bufPool.Put(b)
	}
}

// writeJSON writes v with status. It encodes into a pooled buffer first,
// so that an encoding failure can still become a 500 and the response
// carries a Content-Length.
func (s *server) writeJSON(w http.ResponseWriter, status int, v any) {
	b := getBuf()
	defer putBuf(b)
	if err := json.NewEncoder(b).Encode(v); err != nil {
		s.log.Error("encode response", "request_id", w.Header().Get("X-Request-Id"), "error", err)
		status = http.StatusInternalServerError
		b.Reset()
		fmt.Fprintf(b, `{"error":{"code":"internal","message":"internal error; quote the request id when reporting it"},"request_id":%q}`+"\n",
			w.Header().Get("X-Request-Id"))
	}
	writeBody(w, status, b.Bytes())
}

// Header values shared by every response; net/http only reads them.
var (
	jsonType = []string{"application/json"}
	nosniff  = []string{"nosniff"}
)

// writeBody writes a JSON body with status. The header map is filled
// directly, with canonical keys, since this runs on every request.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = jsonType
	h["Content-Length"] = []string{strconv.Itoa(len(body))}
	h["X-Content-Type-Options"] = nosniff
	w.WriteHeader(status)
	w.Write(body)
}

// readBody reads the body of a JSON request into b, within the size
// limit.
func (s *server) readBody(w http.ResponseWriter, r *http.Request, b *bytes.Buffer) error {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("content type %q: want application/json", ct)}
	}
	if _, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, s.maxBody)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return err
		}
		return &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: fmt.Sprintf("reading the body: %v", err)}
	}
	return nil
}

// decodeReused is decodeBody for the common case, through a pooled
// decoder: it reports only whether data decoded, and a caller that gets
// false decodes again with decodeBody for the error. A new json.Decoder
// and its read buffer were a fifth of the garbage a screening request
// made, and garbage sets how often the collector runs.
//
// A Decoder is made to read a stream of values, so one can decode request
// after request from a reader reset to each body. Only one that decoded
// a whole body without error goes back to the pool: the decoder keeps
// some errors, and its state after others is not to be relied on.
func decodeReused(data []byte, dst any) bool {
	d := decoders.Get().(*pooledDecoder)
	if !d.decode(data, dst) {
		return false
	}
	if len(data) <= maxPooledBody {
		decoders.Put(d)
	}
	return true
}

// pooledDecoder is a strict JSON decoder reading from a resettable reader.
type pooledDecoder struct {
	r   bytes.Reader
	dec *json.Decoder
}

func newPooledDecoder() *pooledDecoder {
	d := new(pooledDecoder)
	d.dec = json.NewDecoder(&d.r)
	d.dec.DisallowUnknownFields()
	return d
}

var decoders = sync.Pool{New: func() any { return newPooledDecoder() }}

// decode decodes data into dst, reporting whether it holds one JSON value
// and nothing else; d must not be used again after false.
func (d *pooledDecoder) decode(data []byte, dst any) bool {
	d.r.Reset(data)
	if d.dec.Decode(dst) != nil {
		return false
	}
	// Nothing may follow the value: Token reads to the end and reports
	// io.EOF, which it does not keep, or it has met something.
	_, err := d.dec.Token()
	return errors.Is(err, io.EOF)
}

// maxPooledBody is the largest body after which a decoder is pooled: its
// buffer grows to the largest value it has read and stays that size.
const maxPooledBody = 64 << 10

// decodeBody decodes data, one JSON value and nothing after it, into dst,
// rejecting unknown fields.
func decodeBody(data []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Message: "body holds data after the JSON object"}
	}
	return nil
}

// inField prefixes the field an error names with the path of the value
// that was decoded, as in "queries[3]" + "dob".
func inField(prefix string, err error) error {
	var ae *Error
	if !errors.As(err, &ae) {
		return err
	}
	e := *ae
	if e.Field == "" {
		e.Field = prefix
	} else {
		e.Field = prefix + "." + e.Field
	}
	return &e
}

// jsonError turns a decoding failure into a 4xx naming the field when the
// decoder knows it.
func jsonError(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	bad := func(field, format string, args ...any) error {
		return &Error{Status: http.StatusBadRequest, Code: "invalid_json", Field: field, Message: fmt.Sprintf(format, args...)}
	}
	switch {
	case errors.As(err, &mbe):
		return err
	case errors.Is(err, io.EOF):
		return bad("", "empty body: want a JSON object")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return bad("", "body ends inside the JSON value")
	case errors.As(err, &se):
		return bad("", "malformed JSON at byte %d: %v", se.Offset, se)
	case errors.As(err, &te):
		field := fieldPath(te.Field)
		if field == "" {
			return bad("", "want a JSON object, got %s", te.Value)
		}
		return bad(field, "want %s, got %s", jsonKind(te.Type.Kind().String()), te.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		name, _ = strconv.Unquote(name)
		return &Error{Status: http.StatusBadRequest, Code: "unknown_field", Field: name,
			Message: fmt.Sprintf("unknown field %q", name)}
	}
	return bad("", "invalid JSON: %v", err)
}

// fieldPath turns the decoder's "queries.3.dob" into "queries[3].dob".
func fieldPath(p string) string {
	parts := strings.Split(p, ".")
	var b strings.Builder
	for i, part := range parts {
		if _, err := strconv.Atoi(part); err == nil && i > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "a string"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	case "float64", "float32", "int", "int64", "int32":
		return "a number"
	case "bool":
		return "true or false"
	}
	return k
}

package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// DocumentScanResponse is the body of a successful POST
// /v1/documents/scan: the mentions found, in order of their offsets into
// the body as sent, and the list versions scanned against.
type DocumentScanResponse struct {
	Format   string          `json:"format"`
	Bytes    int             `json:"bytes"`
	Mentions []scan.Mention  `json:"mentions"`
	Lists    json.RawMessage `json:"lists"`
}

// maxMentions caps the mentions of one document the API returns.
const maxMentions = 10000

// scanDocument scans a plain-text or HTML body for listed parties,
// identifiers, ports, embargoed places, HS codes and part families.
// Query parameters: threshold and min_score (0 < x <= 1) and
// transshipment=true.
func (s *server) scanDocument(w http.ResponseWriter, r *http.Request) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ct := r.Header.Get("Content-Type")
	mt, params, perr := mime.ParseMediaType(ct)
	if perr != nil || mt != "text/plain" && mt != "text/html" {
		s.writeError(w, r, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("content type %q: want text/plain or text/html", ct)})
		return
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		s.writeError(w, r, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("charset %q: want utf-8", cs)})
		return
	}
	opt, err := scanOptions(r, s.threshold)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b := getBuf()
	defer putBuf(b)
	if _, err := b.ReadFrom(http.MaxBytesReader(w, r.Body, s.maxBody)); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			s.writeError(w, r, err)
			return
		}
		s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: fmt.Sprintf("reading the body: %v", err)})
		return
	}
	body := b.Bytes()
	if len(bytes.TrimSpace(body)) == 0 {
		s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "empty_document", Message: "empty body: send the document's text"})
		return
	}
	if !utf8.Valid(body) {
		// Offsets and the mention texts must be exact; a decoder guessing
		// at broken bytes would move them.
		off := 0
		for off < len(body) {
			r, n := utf8.DecodeRune(body[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_utf8",
			Message: fmt.Sprintf("body is not valid UTF-8 (first bad byte at offset %d); send UTF-8 text", off)})
		return
	}
	text := string(body)
	sc := l.docs
	var ms []scan.Mention
	if mt == "text/html" {
		ms, err = sc.ScanHTML(r.Context(), text, opt)
	} else {
		ms, err = sc.Scan(r.Context(), text, opt)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(ms) > maxMentions {
		// Each mention carries its screening detail; tens of thousands
		// would make a response of tens of megabytes no reviewer reads.
		s.writeError(w, r, &Error{Status: http.StatusUnprocessableEntity, Code: "too_many_mentions",
			Message: fmt.Sprintf("the document has %d mentions, more than %d; split it into smaller documents", len(ms), maxMentions)})
		return
	}
	if ms == nil {
		ms = []scan.Mention{}
	}
	s.writeJSON(w, http.StatusOK, DocumentScanResponse{Format: strings.TrimPrefix(mt, "text/"), Bytes: len(body), Mentions: ms, Lists: l.listsJSON})
}

// scanOptions reads the scan options from the query string.
func scanOptions(r *http.Request, threshold float64) (scan.Options, error) {
	opt := scan.Options{Threshold: threshold}
	q := r.URL.Query()
	score := func(name string, dst *float64) error {
		v := q.Get(name)
		if v == "" {
			return nil
		}
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || !(f > 0 && f <= 1) {
			return &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: name,
				Message: fmt.Sprintf("%q: want a number above 0 and at most 1", v)}
		}
		*dst = f
		return nil
	}
	if err := score("threshold", &opt.Threshold); err != nil {
		return opt, err
	}
	if err := score("min_score", &opt.MinScore); err != nil {
		return opt, err
	}
	switch v := q.Get("transshipment"); v {
	case "", "false":
	case "true":
		opt.Transshipment = true
	default:
		return opt, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: "transshipment",
			Message: fmt.Sprintf("%q: want true or false", v)}
	}
	return opt, nil
}

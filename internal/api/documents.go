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

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// DocumentScanResponse is the body of a successful POST
// /v1/documents/scan. Decision is the strongest of the documents'
// decisions (text and HTML included: see docs/documents.md for how
// mentions are graded); it is empty only when the server checks no
// orders. Mentions are every mention found, in order of their offsets
// into the body as sent (for a structured message, in its free-text
// fields, each naming its field). Findings are a text or HTML body's;
// a structured body's findings are in each of Documents, one result per
// message.
type DocumentScanResponse struct {
	Format    string             `json:"format"`
	Bytes     int                `json:"bytes"`
	Decision  orders.Decision    `json:"decision,omitempty"`
	RiskScore *int               `json:"risk_score,omitempty"`
	Findings  []messages.Finding `json:"findings,omitempty"`
	Mentions  []messages.Mention `json:"mentions"`
	Documents []*messages.Result `json:"documents,omitempty"`
	Lists     json.RawMessage    `json:"lists"`
	// Warnings name the lists screened against that are excerpts, stale
	// or whose last update failed, as on every screening response.
	Warnings []lists.Warning `json:"warnings"`
	// Recorded is set when the request asked to record (record=true).
	Recorded []RecordedDocument `json:"recorded,omitempty"`
	// textResult is a text or HTML body's result, for recording.
	textResult *messages.Result
}

// maxMentions caps the mentions of one document the API returns.
const maxMentions = 10000

// scanDocument screens a document: plain text and HTML are scanned for
// listed parties, identifiers, ports, embargoed places, HS codes and part
// families; SWIFT MT (text/plain starting with "{1:"), ISO 20022
// (application/xml) and the JSON bill of lading and invoice
// (application/json) are parsed field by field, checked with the order
// rules, and their free-text fields scanned too. Query parameters:
// format, threshold and min_score (0 < x <= 1) and transshipment=true.
func (s *server) scanDocument(w http.ResponseWriter, r *http.Request) {
	l, err := s.loaded()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ct := r.Header.Get("Content-Type")
	mt, params, perr := mime.ParseMediaType(ct)
	if perr != nil || !documentTypes[mt] {
		s.writeError(w, r, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("content type %q: want text/plain, text/html, application/json or application/xml", ct)})
		return
	}
	if cs := params["charset"]; cs != "" && !strings.EqualFold(cs, "utf-8") && !strings.EqualFold(cs, "us-ascii") {
		s.writeError(w, r, &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: fmt.Sprintf("charset %q: want utf-8", cs)})
		return
	}
	format := r.URL.Query().Get("format")
	if format != "" && !formatTypes[format][mt] {
		s.writeError(w, r, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: "format",
			Message: fmt.Sprintf("%q with content type %s: want %s", format, mt, formatsFor(mt))})
		return
	}
	opt, err := scanOptions(r, s.threshold)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	record, err := recordParam(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var actor store.Actor
	if record {
		// Who records must be known before any work is done.
		if actor, err = s.recorder(r); err != nil {
			s.writeAuthError(w, r, err)
			return
		}
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
	if format == "" {
		format = detectFormat(mt, body)
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
	scr, err := s.documentScreener(l)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := DocumentScanResponse{Format: format, Bytes: len(body), Lists: l.listsJSON, Warnings: s.listWarnings(l).list}
	if format == messages.FormatText || format == messages.FormatHTML {
		err = s.scanText(r, l, scr, opt, format, string(body), &out)
	} else {
		err = s.scanMessages(r, scr, opt, format, body, &out)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(out.Mentions) > maxMentions {
		// Each mention carries its screening detail; tens of thousands
		// would make a response of tens of megabytes no reviewer reads.
		s.writeError(w, r, &Error{Status: http.StatusUnprocessableEntity, Code: "too_many_mentions",
			Message: fmt.Sprintf("the document has %d mentions, more than %d; split it into smaller documents", len(out.Mentions), maxMentions)})
		return
	}
	if out.Mentions == nil {
		out.Mentions = []messages.Mention{}
	}
	if record {
		if out.Recorded, err = s.recordDocuments(r, l, actor, body, format, &out); err != nil {
			s.writeError(w, r, reviewError(err))
			return
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}

// documentTypes are the content types POST /v1/documents/scan reads.
var documentTypes = map[string]bool{"text/plain": true, "text/html": true, "application/json": true, "application/xml": true, "text/xml": true}

// formatTypes maps each format to the content types it may come as.
var formatTypes = map[string]map[string]bool{
	messages.FormatText:     {"text/plain": true},
	messages.FormatHTML:     {"text/html": true, "text/plain": true},
	messages.FormatMT:       {"text/plain": true},
	messages.FormatISO20022: {"application/xml": true, "text/xml": true},
	messages.FormatBL:       {"application/json": true},
	messages.FormatInvoice:  {"application/json": true},
}

func formatsFor(mt string) string {
	var fs []string
	for _, f := range []string{messages.FormatText, messages.FormatHTML, messages.FormatMT, messages.FormatISO20022, messages.FormatBL, messages.FormatInvoice} {
		if formatTypes[f][mt] {
			fs = append(fs, f)
		}
	}
	return strings.Join(fs, " or ")
}

// detectFormat names the format of a body sent without one. Plain text
// is a SWIFT message only when it opens with a basic header block
// ("{1:"), which ordinary prose never does; JSON is a bill of lading
// when it says so and an invoice otherwise.
func detectFormat(mt string, body []byte) string {
	switch mt {
	case "text/html":
		return messages.FormatHTML
	case "application/xml", "text/xml":
		return messages.FormatISO20022
	case "application/json":
		if d := messages.Detect(body); d == messages.FormatBL {
			return d
		}
		return messages.FormatInvoice
	}
	if messages.Detect(body) == messages.FormatMT {
		return messages.FormatMT
	}
	return messages.FormatText
}

// documentScreener is a screener over the lists of l. Without an order
// checker (a server configured without one) text is still scanned and
// structured documents are refused.
func (s *server) documentScreener(l *loaded) (*messages.Screener, error) {
	oc, ok := s.orders.(*orderChecker)
	if !ok {
		return nil, nil
	}
	return &messages.Screener{Checker: oc.checker(l.s), Scanner: l.docs, Lists: l.s}, nil
}

// scanText scans a text or HTML body; with a screener the mentions are
// graded into findings and a decision.
func (s *server) scanText(r *http.Request, l *loaded, scr *messages.Screener, opt scan.Options, format, text string, out *DocumentScanResponse) error {
	if scr == nil {
		var ms []scan.Mention
		var err error
		if format == messages.FormatHTML {
			ms, err = l.docs.ScanHTML(r.Context(), text, opt)
		} else {
			ms, err = l.docs.Scan(r.Context(), text, opt)
		}
		for _, m := range ms {
			out.Mentions = append(out.Mentions, messages.Mention{Mention: m, FieldStart: m.Start, FieldEnd: m.End,
				Line: 1 + strings.Count(text[:m.Start], "\n")})
		}
		return err
	}
	sc := *scr
	sc.Options = opt
	res, err := sc.ScanText(r.Context(), "body", format, text)
	if err != nil {
		return err
	}
	out.Decision, out.RiskScore = res.Report.Decision, &res.Report.RiskScore
	out.Findings, out.Mentions = res.Findings, res.Mentions
	out.textResult = res
	return nil
}

// scanMessages parses a structured body and screens every message in it;
// a body with any malformed message gets no result at all.
func (s *server) scanMessages(r *http.Request, scr *messages.Screener, opt scan.Options, format string, body []byte, out *DocumentScanResponse) error {
	if scr == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "order checking is not configured on this server, so structured documents cannot be screened; send text/plain or text/html"}
	}
	docs, perrs := messages.Parse(body, "body", format)
	if len(perrs) > 0 {
		fields := make([]match.FieldError, len(perrs))
		for i, pe := range perrs {
			fields[i] = match.FieldError{Field: pe.Field, Message: pe.Error()}
		}
		return &Error{Status: http.StatusBadRequest, Code: "malformed_document", Field: perrs[0].Field,
			Message: perrs[0].Error(), Fields: capFields(fields)}
	}
	sc := *scr
	sc.Options = opt
	rank := map[orders.Decision]int{orders.Clear: 0, orders.DecisionReview: 1, orders.DecisionBlock: 2}
	out.Decision = orders.Clear
	for _, d := range docs {
		res, err := sc.Screen(r.Context(), d)
		if err != nil {
			return orderError(err)
		}
		out.Documents = append(out.Documents, res)
		out.Mentions = append(out.Mentions, res.Mentions...)
		if rank[res.Report.Decision] > rank[out.Decision] {
			out.Decision = res.Report.Decision
		}
		if len(out.Mentions) > maxMentions {
			break
		}
	}
	return nil
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

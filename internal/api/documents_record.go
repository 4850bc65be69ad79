package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"

	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
)

// RecordedDocument says where a recorded document went: its screening,
// the alert it opened or joined, and the registered counterparties it
// names.
type RecordedDocument struct {
	// Subject is the document's subject id (TYPE:REFERENCE, or
	// TYPE:sha256:HASH for a text), the id of its alert's subject.
	Subject        string       `json:"subject"`
	ScreeningID    int64        `json:"screening_id"`
	AlertID        int64        `json:"alert_id,omitempty"`
	Counterparties []string     `json:"counterparties,omitempty"`
	Links          []store.Link `json:"links,omitempty"`
}

// recordParam reads record=true|false.
func recordParam(r *http.Request) (bool, error) {
	switch v := r.URL.Query().Get("record"); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, &Error{Status: http.StatusBadRequest, Code: "invalid_parameter", Field: "record",
			Message: fmt.Sprintf("%q: want true or false", v)}
	}
}

// recordDocuments records each screened document of the body, one
// transaction per document (the body's hash names them all).
func (s *server) recordDocuments(r *http.Request, l *loaded, a store.Actor, body []byte, format string, out *DocumentScanResponse) ([]RecordedDocument, error) {
	results := out.Documents
	if out.textResult != nil {
		results = []*messages.Result{out.textResult}
	}
	if len(results) == 0 {
		return nil, &Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "order checking is not configured on this server, so documents cannot be graded and recorded"}
	}
	sum := sha256.Sum256(body)
	ref := review.DocumentRef{File: "body", SHA256: hex.EncodeToString(sum[:])}
	if format == messages.FormatText || format == messages.FormatHTML {
		ref.Text = string(body)
	}
	rec := make([]RecordedDocument, 0, len(results))
	for _, res := range results {
		o, err := s.review.RecordDocument(r.Context(), a, r.URL.Query().Get("reason"), l.s, ref, res)
		if err != nil {
			return rec, err
		}
		rd := RecordedDocument{Subject: o.Screening.SubjectID, ScreeningID: o.Screening.ID, AlertID: o.Alert.ID, Links: o.Screening.Links}
		for _, lk := range o.Screening.Links {
			if !slices.Contains(rd.Counterparties, lk.CounterpartyID) {
				rd.Counterparties = append(rd.Counterparties, lk.CounterpartyID)
			}
		}
		rec = append(rec, rd)
	}
	return rec, nil
}

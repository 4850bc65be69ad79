package api

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// TestScanDocumentRecord records documents through POST
// /v1/documents/scan?record=true: a payment naming the listed person who
// is also a registered counterparty opens an alert linked to it; a clean
// text is recorded without one; a malformed message and an auditor's
// request record nothing.
func TestScanDocumentRecord(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		s, keys := reviewServer(t, b)
		s.orders = NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) })
		mt := "{1:F01ANKBTRISAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{4:\r\n" +
			":20:REF-REC-1\r\n:23B:CRED\r\n:32A:261204USD1000,50\r\n" +
			":50K:/TR330006100519786457841326\r\nANATOLIA ELEKTRONIK AS\r\nIZMIR, TURKEY\r\n" +
			":59:/801552917838\r\nKOWLOON BAYVIEW FREIGHT LIMITED\r\nHONG KONG, HK\r\n" +
			":70:/INV/77 FOR REZA KHALILI\r\n:71A:SHA\r\n-}"
		post := func(key, ct, body, query string) (int, []byte) {
			code, out, _ := do(s, "POST", "/v1/documents/scan"+query, ct, body, "Authorization", "Bearer "+key)
			return code, out
		}
		if code, out := post(keys["auditor1"], "text/plain", mt, "?record=true"); code != 403 {
			t.Fatalf("auditor: %d %s", code, out)
		}
		if code, out := post(keys["analyst1"], "text/plain", mt, "?record=yes"); code != 400 || !strings.Contains(string(out), `"record"`) {
			t.Fatalf("record=yes: %d %s", code, out)
		}
		code, out := post(keys["integration1"], "text/plain", mt, "?record=true&reason=wire+check")
		if code != 200 {
			t.Fatalf("record: %d %s", code, out)
		}
		var resp DocumentScanResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatal(err)
		}
		if len(resp.Recorded) != 1 || resp.Recorded[0].AlertID == 0 || resp.Recorded[0].Subject != "MT103:REF-REC-1" ||
			len(resp.Recorded[0].Counterparties) != 1 || resp.Recorded[0].Counterparties[0] != "C1" {
			t.Fatalf("recorded: %+v", resp.Recorded)
		}
		l := resp.Recorded[0].Links[0]
		if start, end := offsetsOf(t, l.Field); l.Via != store.LinkText || mt[start:end] != "REZA KHALILI" {
			t.Errorf("link %+v", l)
		}
		// The counterparty's screenings include the document, and the
		// screening shows the link.
		code, got := call(s, keys["auditor1"], "GET", "/v1/counterparties/C1/screenings", "")
		if code != 200 || !strings.Contains(toJSON(got), `"subject_id":"MT103:REF-REC-1"`) {
			t.Fatalf("counterparty screenings: %d %v", code, got)
		}
		code, got = call(s, keys["auditor1"], "GET", "/v1/alerts/"+jsonID(resp.Recorded[0].AlertID), "")
		if code != 200 || !strings.Contains(toJSON(got), `"counterparty_id":"C1"`) {
			t.Fatalf("alert: %d %v", code, got)
		}

		// A clean text: recorded, no alert.
		code, out = post(keys["analyst1"], "text/plain", "The board met in Rotterdam on Tuesday.", "?record=true")
		var clean DocumentScanResponse
		if err := json.Unmarshal(out, &clean); code != 200 || err != nil || len(clean.Recorded) != 1 || clean.Recorded[0].AlertID != 0 {
			t.Fatalf("clean text: %d %s", code, out)
		}
		// A malformed message: 400, nothing recorded.
		before := screeningCount(t, s, keys["auditor1"])
		if code, out := post(keys["analyst1"], "text/plain", strings.Replace(mt, ":20:REF-REC-1\r\n", "", 1), "?record=true"); code != 400 {
			t.Fatalf("malformed: %d %s", code, out)
		}
		if after := screeningCount(t, s, keys["auditor1"]); after != before {
			t.Errorf("malformed message recorded: %d screenings, were %d", after, before)
		}
	})
}

func toJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

func jsonID(id int64) string { return strings.TrimSpace(toJSON(id)) }

// screeningCount is how many screenings name C1.
func screeningCount(t *testing.T, s *server, key string) int {
	t.Helper()
	code, b, _ := do(s, "GET", "/v1/counterparties/C1/screenings", "", "", "Authorization", "Bearer "+key)
	var out struct {
		Screenings []json.RawMessage `json:"screenings"`
	}
	if err := json.Unmarshal(b, &out); code != 200 || err != nil {
		t.Fatalf("screenings: %d %s", code, b)
	}
	return len(out.Screenings)
}

// offsetsOf reads "FIELD bytes S-E" as a slice expression's bounds.
func offsetsOf(t *testing.T, field string) (int, int) {
	t.Helper()
	_, rest, _ := strings.Cut(field, "bytes ")
	a, b, ok := strings.Cut(rest, "-")
	var s, e int
	if _, err := fmt.Sscan(a, &s); !ok || err != nil {
		t.Fatalf("field %q", field)
	}
	if _, err := fmt.Sscan(b, &e); err != nil {
		t.Fatalf("field %q", field)
	}
	return s, e
}

package review_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/messages"
	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

// payment to a listed bank from a registered customer (known by its
// IBAN), naming a listed person in its remittance text.
const docPayment = `{1:F01DEUTDEFFAXXX0000000000}{2:I103ZYXWHKHHXXXXN}{4:
:20:DOC-PAY-0001
:23B:CRED
:32A:261204USD48750,00
:50K:/TR330006100519786457841326
ANATOLIA ELEKTRONIK DIS TICARET AS
ATATURK CAD NO 112 KONAK
IZMIR, TURKEY
:59:/40702810900000012345
VOLGAPROMBANK
VOLGOGRAD, RU
:70:CONSULTING FEE FOR REZA KHALILI
:71A:SHA
-}`

func docRef(file string, data []byte) review.DocumentRef {
	sum := sha256.Sum256(data)
	return review.DocumentRef{File: file, SHA256: hex.EncodeToString(sum[:]), Text: string(data)}
}

func TestRecordDocument(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		if _, err := f.st.PutCounterparty(f.ctx, f.ops, "", store.Counterparty{ExternalID: "C4", Type: "organisation",
			Name: "Anatolia Elektronik", Country: "TR",
			Identifiers: []store.Identifier{{Type: "iban", Value: "TR33 0006 1005 1978 6457 8413 26"}}}); err != nil {
			t.Fatal(err)
		}
		scr := messages.NewScreener(orders.NewChecker(f.eng, orders.DefaultRules()), f.eng)
		docs, perrs := messages.Parse([]byte(docPayment), "pay.fin", messages.FormatMT)
		if len(perrs) > 0 || len(docs) != 1 {
			t.Fatalf("parse: %v", perrs)
		}
		res, err := scr.Screen(f.ctx, docs[0])
		if err != nil {
			t.Fatal(err)
		}
		ref := docRef("pay.fin", []byte(docPayment))
		if _, err := f.svc.RecordDocument(f.ctx, f.dave, "", f.eng, ref, res); !errors.As(err, new(*review.ForbiddenError)) {
			t.Fatalf("auditor recorded a document: %v", err)
		}
		out, err := f.svc.RecordDocument(f.ctx, f.ian, "wire check", f.eng, ref, res)
		if err != nil {
			t.Fatal(err)
		}
		if out.Alert.ID == 0 || out.Alert.SubjectID != "MT103:DOC-PAY-0001" {
			t.Fatalf("alert = %+v, want one opened for MT103:DOC-PAY-0001 (decision %s)", out.Alert, res.Report.Decision)
		}
		sc, err := f.st.Screening(f.ctx, out.Screening.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.Cause != review.CauseDocument || sc.Decision == "" || !strings.Contains(string(sc.Input), ref.SHA256) {
			t.Errorf("screening cause %q decision %q, input without the hash: %s", sc.Cause, sc.Decision, sc.Input)
		}
		var sdn *store.Hit
		for i := range sc.Hits {
			if sc.Hits[i].EntityID == "us_ofac_sdn:9001" {
				sdn = &sc.Hits[i]
			}
		}
		if sdn == nil || sdn.State != store.HitAlerted || !strings.Contains(sdn.Explanation, ":70: line") || sdn.EntryHash == "" {
			t.Fatalf("the remittance text's listed person is not an alerted hit with its place: %+v", sc.Hits)
		}
		links := map[string]store.Link{}
		for _, l := range sc.Links {
			links[l.CounterpartyID+"/"+l.Via] = l
		}
		if l, ok := links["C4/identifier"]; !ok || l.Role != "ordering_customer" || l.Score != 1 {
			t.Errorf("payer not linked to C4 by its IBAN: %+v", sc.Links)
		}
		if l, ok := links["C3/name"]; !ok || l.Role != "beneficiary" || l.Score < 0.8 {
			t.Errorf("beneficiary not linked to C3 by name: %+v", sc.Links)
		}
		if l, ok := links["C1/text"]; !ok || l.Role != "mention" || !strings.Contains(l.Field, ":70: bytes") {
			t.Errorf("the remittance text's name not linked to C1 with offsets: %+v", sc.Links)
		}
		if _, ok := links["C2/name"]; ok {
			t.Errorf("Acme Tooling linked though the payment does not name it: %+v", sc.Links)
		}
		if start, end := offsets(t, links["C1/text"].Field); docPayment[start:end] != "REZA KHALILI" {
			t.Errorf("link offsets point at %q", docPayment[start:end])
		}
		for _, id := range []string{"C4", "C3", "C1"} {
			scs, err := f.st.Screenings(f.ctx, "counterparty", id, 10)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.ContainsFunc(scs, func(s store.Screening) bool { return s.ID == sc.ID }) {
				t.Errorf("counterparty %s's screenings do not include the document", id)
			}
		}

		// The same payment again joins its alert.
		again, err := f.svc.RecordDocument(f.ctx, f.ian, "", f.eng, ref, res)
		if err != nil {
			t.Fatal(err)
		}
		if again.Alert.ID != out.Alert.ID {
			t.Errorf("second recording opened alert %d, want %d joined", again.Alert.ID, out.Alert.ID)
		}

		// A clean text is recorded without an alert, and linked to the
		// counterparty it names.
		text := "Acme Tooling GmbH opened a new warehouse near Rotterdam last spring."
		clean, err := scr.ScanText(f.ctx, "note.txt", messages.FormatText, text)
		if err != nil {
			t.Fatal(err)
		}
		co, err := f.svc.RecordDocument(f.ctx, f.alice, "", f.eng, docRef("note.txt", []byte(text)), clean)
		if err != nil {
			t.Fatal(err)
		}
		if co.Alert.ID != 0 || co.Screening.Decision != string(orders.Clear) || len(co.Screening.Links) != 1 ||
			co.Screening.Links[0].CounterpartyID != "C2" || co.Screening.Links[0].Field != "text bytes 0-17" {
			t.Errorf("clean text: alert %d, decision %s, links %+v", co.Alert.ID, co.Screening.Decision, co.Screening.Links)
		}

		// A counterparty registered since is found: the service's index
		// is rebuilt when the counterparties change.
		if _, err := f.st.PutCounterparty(f.ctx, f.ops, "", store.Counterparty{ExternalID: "C5", Type: "organisation",
			Name: "Anatolia Elektronik Dis Ticaret AS", Country: "TR"}); err != nil {
			t.Fatal(err)
		}
		links2, err := f.svc.LinkDocument(f.ctx, ref, res)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(links2, func(l store.Link) bool { return l.CounterpartyID == "C5" && l.Via == store.LinkName }) {
			t.Errorf("a counterparty registered after the index was built is not linked: %+v", links2)
		}

		// No result, nothing recorded.
		if _, err := f.svc.RecordDocument(f.ctx, f.ian, "", f.eng, ref, nil); err == nil {
			t.Error("recorded a document without a result")
		}
	})
}

func offsets(t *testing.T, field string) (int, int) {
	t.Helper()
	var start, end int
	_, rest, _ := strings.Cut(field, "bytes ")
	if _, err := fmt.Sscanf(rest, "%d-%d", &start, &end); err != nil {
		t.Fatalf("field %q: %v", field, err)
	}
	return start, end
}

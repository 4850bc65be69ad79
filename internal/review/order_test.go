package review_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
	"github.com/chokepoint-dev/chokepoint/internal/review"
	"github.com/chokepoint-dev/chokepoint/internal/store"
	"github.com/chokepoint-dev/chokepoint/internal/store/storetest"
)

const listedOrder = `{
  "id": "SO-77",
  "date": "2026-11-20",
  "parties": [
    {"role": "buyer", "name": "Bosphorus Teknik Makina A.S.", "type": "organization", "business_type": "machinery distributor", "city": "Istanbul", "country": "TR", "customer_since": "2019-02-01"},
    {"role": "consignee", "name": "Reza Khalili", "type": "person", "city": "Istanbul", "country": "TR"}
  ],
  "lines": [
    {"description": "Digital servo motors 25 kg-cm", "hs_code": "8501.31", "quantity": 400, "unit_value": 42, "currency": "USD", "end_use": "packaging line automation"}
  ],
  "route": {"export_country": "DE", "destination_country": "TR", "port_of_discharge": "Istanbul", "incoterms": "DAP", "payment_origin_country": "TR"}
}`

func TestRecordOrder(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		o, err := orders.Decode(strings.NewReader(listedOrder))
		if err != nil {
			t.Fatal(err)
		}
		r, err := orders.NewChecker(f.eng, orders.DefaultRules()).Check(f.ctx, o)
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != orders.DecisionBlock {
			t.Fatalf("decision %s, want block", r.Decision)
		}
		out, err := f.svc.RecordOrder(f.ctx, f.ian, "", f.eng, o, r)
		if err != nil {
			t.Fatal(err)
		}
		sc, err := f.st.Screening(f.ctx, out.Screening.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sc.SubjectKind != "order" || sc.SubjectID != "SO-77" || sc.Decision != "block" || sc.RulesVersion == "" ||
			len(sc.Hits) == 0 || sc.Hits[0].EntityID != "us_ofac_sdn:9001" || !strings.Contains(string(sc.Input), "Reza Khalili") {
			t.Fatalf("order screening: %+v", sc)
		}
		if out.Alert.ID == 0 || out.Alert.Priority != 1 || out.Alert.SubjectKind != "order" {
			t.Fatalf("order alert: %+v", out.Alert)
		}
		// Checking the same order again joins its alert.
		again, err := f.svc.RecordOrder(f.ctx, f.ian, "", f.eng, o, r)
		if err != nil || again.Alert.ID != out.Alert.ID {
			t.Fatalf("second check: %+v %v", again.Alert, err)
		}
		list, _ := f.st.Alerts(f.ctx, store.AlertFilter{SubjectKind: "order", SubjectID: "SO-77"})
		if len(list) != 1 {
			t.Fatalf("%d alerts for the order", len(list))
		}
		// A cleared order records its near match and alerts nobody.
		clear := &orders.Report{OrderID: "SO-78", Decision: orders.Clear, RulesVersion: "test", Findings: []orders.Finding{{
			Rule: "party_near_match", Severity: "info", Reason: "weak similarity",
			Evidence: orders.Evidence{Field: "parties[1].name", EntityID: "us_ofac_sdn:9001", ListSource: "us_ofac_sdn", Score: 0.7}}}}
		quiet, err := f.svc.RecordOrder(f.ctx, f.ian, "", f.eng, o, clear)
		if err != nil || quiet.Alert.ID != 0 || len(quiet.Screening.Hits) != 1 || quiet.Screening.Hits[0].State != store.HitBelowThreshold {
			t.Fatalf("cleared order: %+v %v", quiet, err)
		}
	})
}

// cleanOrder names counterparty C2 (Acme Tooling GmbH) as every party;
// its name matches no list entry.
const cleanOrder = `{
  "id": "SO-80",
  "date": "2026-11-20",
  "parties": [
    {"role": "buyer", "name": "Acme Tooling GmbH", "type": "organization", "city": "Stuttgart", "country": "DE", "customer_since": "2015-01-01", "counterparty_id": "C2"},
    {"role": "end_user", "name": "Acme Tooling GmbH", "type": "organization", "city": "Stuttgart", "country": "DE", "customer_since": "2015-01-01", "counterparty_id": "C2"}
  ],
  "lines": [
    {"description": "Deep groove ball bearings", "hs_code": "8482.10", "quantity": 100, "unit_value": 3, "currency": "EUR", "end_use": "packaging machines"}
  ],
  "route": {"export_country": "DE", "destination_country": "DE", "port_of_discharge": "Hamburg", "payment_origin_country": "DE"}
}`

// TestOrderSeesCounterpartyStanding checks an order whose parties carry
// a counterparty_id against the store: clear while the counterparty is,
// review while its alert is open, block (citing the disposition) once a
// true match on a blocking list blocked it.
func TestOrderSeesCounterpartyStanding(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		checker := orders.NewChecker(f.eng, orders.DefaultRules())
		checker.SetCounterparties(f.svc)
		check := func(subject string) *orders.Report {
			t.Helper()
			return checkDoc(t, f, checker, strings.ReplaceAll(cleanOrder, `"C2"`, `"`+subject+`"`))
		}
		rules := func(r *orders.Report) []string {
			var out []string
			for _, fd := range r.Findings {
				out = append(out, fd.Rule)
			}
			return out
		}
		if r := check("C2"); r.Decision != orders.Clear {
			t.Fatalf("clear counterparty: %s %v", r.Decision, rules(r))
		}
		if r := check("C404"); r.Decision != orders.DecisionReview || len(findingsOf(r, orders.RuleCounterpartyUnknown)) != 1 {
			t.Fatalf("unknown counterparty: %s %v", r.Decision, rules(r))
		}
		out := f.screen(t, "C1")
		r := check("C1")
		fs := findingsOf(r, orders.RuleCounterpartyAlert)
		if r.Decision != orders.DecisionReview || len(fs) != 1 || fs[0].Evidence.AlertID != out.Alert.ID {
			t.Fatalf("counterparty with an open alert: %s %v", r.Decision, rules(r))
		}
		a, err := f.svc.Disposition(f.ctx, f.alice, "confirmed", out.Alert.ID, 0, review.Decision{
			HitID: out.Screening.Hits[0].ID, Verdict: review.TrueMatch, ReasonCode: "other", Comment: "same passport"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Close(f.ctx, f.alice, "reported", a.ID, 0, ""); err != nil {
			t.Fatal(err)
		}
		r = check("C1")
		fs = findingsOf(r, orders.RuleCounterpartyBlocked)
		if r.Decision != orders.DecisionBlock || len(fs) != 1 {
			t.Fatalf("blocked counterparty: %s %v", r.Decision, rules(r))
		}
		ev := fs[0].Evidence
		if ev.AlertID != a.ID || ev.DispositionID != a.Dispositions[0].ID || ev.DecidedBy != "alice" ||
			ev.EntityID != out.Screening.Hits[0].EntityID || ev.BlockedAt == "" || len(fs[0].PartyIndexes) != 2 {
			t.Fatalf("block finding does not cite the disposition: %+v", fs[0])
		}
		if len(findingsOf(r, orders.RuleCounterpartyAlert)) != 0 {
			t.Fatalf("closed alert still reported open: %v", rules(r))
		}

		// Lifting the block takes four eyes: a proposal with a reason,
		// then a reviewer other than the proposer.
		if _, err := f.svc.ProposeUnblock(f.ctx, f.dave, "C1", "wrong person"); !isForbidden(err) {
			t.Fatalf("auditor proposed an unblock: %v", err)
		}
		if _, err := f.svc.ProposeUnblock(f.ctx, f.alice, "C1", " "); err == nil {
			t.Fatal("unblock without a reason")
		}
		if _, err := f.svc.ProposeUnblock(f.ctx, f.alice, "C2", "x"); err == nil {
			t.Fatal("unblock of a counterparty that is not blocked")
		}
		u, err := f.svc.ProposeUnblock(f.ctx, f.bob, "C1", "passport shows another person")
		if err != nil || u.Status != store.UnblockPending {
			t.Fatalf("propose: %+v %v", u, err)
		}
		if _, err := f.svc.ProposeUnblock(f.ctx, f.alice, "C1", "again"); !errors.Is(err, store.ErrUnblockPending) {
			t.Fatalf("second proposal: %v", err)
		}
		if r := check("C1"); r.Decision != orders.DecisionBlock {
			t.Fatalf("a proposal alone lifted the block: %s", r.Decision)
		}
		if _, err := f.svc.DecideUnblock(f.ctx, f.alice, "", u.ID, true, ""); !isForbidden(err) {
			t.Fatalf("analyst approved an unblock: %v", err)
		}
		if _, err := f.svc.DecideUnblock(f.ctx, f.bob, "", u.ID, true, ""); !errors.Is(err, review.ErrOwnDecision) {
			t.Fatalf("proposer approved own unblock: %v", err)
		}
		if _, err := f.svc.DecideUnblock(f.ctx, f.carol, "", u.ID, false, ""); err == nil {
			t.Fatal("rejection without a note")
		}
		u, err = f.svc.DecideUnblock(f.ctx, f.carol, "checked the file", u.ID, true, "agreed")
		if err != nil || u.Status != store.UnblockApproved || u.DecidedBy != "carol" {
			t.Fatalf("approve: %+v %v", u, err)
		}
		if _, err := f.svc.DecideUnblock(f.ctx, f.admin, "", u.ID, true, ""); err == nil {
			t.Fatal("an approved request was decided again")
		}
		if _, blocked, err := f.st.CounterpartyBlock(f.ctx, "C1"); blocked || err != nil {
			t.Fatalf("still blocked after approval: %v", err)
		}
		if r := check("C1"); len(findingsOf(r, orders.RuleCounterpartyBlocked)) != 0 {
			t.Fatalf("unblocked counterparty still blocks: %v", rules(r))
		}
		events, err := f.st.ObjectHistory(f.ctx, "counterparty", "C1")
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range events {
			actions = append(actions, e.Action+":"+e.Actor)
		}
		if got := strings.Join(actions, " "); !strings.Contains(got, "counterparty.unblock_request:bob counterparty.unblock_approve:carol counterparty.unblock:carol") {
			t.Fatalf("audit trail of the unblock: %s", got)
		}
		if v, err := f.st.VerifyAudit(f.ctx); err != nil || !v.OK() {
			t.Fatalf("audit chain: %+v %v", v, err)
		}
	})
}

func findingsOf(r *orders.Report, rule string) []orders.Finding {
	var out []orders.Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

// TestStoreOrderHistory runs the new-party red flag on the store's party
// history: a party is new until a cleared order other than the one being
// checked named it, and a blocked order never makes its parties known.
func TestStoreOrderHistory(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b storetest.Backend) {
		f := setup(t, b)
		checker := orders.NewChecker(f.eng, orders.DefaultRules())
		checker.SetHistory(f.svc.OrderHistory(f.ctx, f.alice))
		check := func(id, doc string) *orders.Report {
			t.Helper()
			doc = strings.ReplaceAll(doc, `, "customer_since": "2015-01-01"`, "")
			return checkDoc(t, f, checker, strings.Replace(doc, `"SO-80"`, `"`+id+`"`, 1))
		}
		r := check("SO-80", cleanOrder)
		if r.Decision != orders.Clear || len(findingsOf(r, orders.RuleNewParty)) != 1 {
			t.Fatalf("first order: %s, %d new-party findings, want clear and 1", r.Decision, len(findingsOf(r, orders.RuleNewParty)))
		}
		if r := check("SO-80", cleanOrder); len(findingsOf(r, orders.RuleNewParty)) != 1 {
			t.Fatal("a re-check of the same order found its own parties known")
		}
		if r := check("SO-81", cleanOrder); len(findingsOf(r, orders.RuleNewParty)) != 0 {
			t.Fatalf("a later order still finds the cleared party new: %+v", findingsOf(r, orders.RuleNewParty))
		}
		if known, err := f.st.PartyKnown(f.ctx, orders.PartyKey("ACME Tooling, GmbH", "DE"), "SO-99", f.now.AddDate(0, 0, -400)); known || err != nil {
			t.Fatalf("party known before its first order: %v %v", known, err)
		}
		// The blocked order's consignee (a listed person) never becomes known.
		blocked := strings.Replace(listedOrder, `"SO-77"`, `"SO-82"`, 1)
		if r := check("SO-82", blocked); r.Decision != orders.DecisionBlock {
			t.Fatalf("listed order: %s", r.Decision)
		}
		if known, err := f.st.PartyKnown(f.ctx, orders.PartyKey("Reza Khalili", "TR"), "SO-99", f.now); known || err != nil {
			t.Fatalf("a blocked order's party became known: %v %v", known, err)
		}
		events, err := f.st.ObjectHistory(f.ctx, "order", "SO-80")
		if err != nil || len(events) != 1 || events[0].Action != "order.parties" || events[0].Actor != "alice" {
			t.Fatalf("audit of the recorded parties: %+v %v", events, err)
		}
	})
}

// checkDoc decodes and checks one order document.
func checkDoc(t *testing.T, f *fixture, c *orders.Checker, doc string) *orders.Report {
	t.Helper()
	o, err := orders.Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Check(f.ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

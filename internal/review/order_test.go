package review_test

import (
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
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

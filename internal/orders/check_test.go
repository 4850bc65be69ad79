package orders

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

var testNow = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// baseOrder is a clean order: industrial bearings to a long-standing
// German manufacturer. Each rule test changes one thing.
func baseOrder() *Order {
	p := func(role string) Party {
		return Party{Role: role, Name: "Maschinenbau Voss GmbH", Type: "organization", BusinessType: "manufacturer", City: "Bielefeld", Country: "DE", CustomerSince: "2016-04-01"}
	}
	return &Order{
		ID:      "T-1",
		Date:    "2026-11-20",
		Parties: []Party{p(RoleBuyer), p(RoleConsignee), p(RoleEndUser)},
		Lines: []Line{{Description: "Deep groove ball bearings", HSCode: "8482.10", Manufacturer: "SKF", PartNumber: "6204-2RS",
			Quantity: 100, UnitValue: 3, Currency: "EUR", EndUse: "packaging machines"}},
		Route: Route{ExportCountry: "US", DestinationCountry: "DE", PortOfDischarge: "Hamburg", PaymentOriginCountry: "DE"},
	}
}

func newTestChecker(s Screener) *Checker {
	c := NewChecker(s, nil)
	c.SetClock(func() time.Time { return testNow })
	c.SetCounterparties(testCounterparties)
	return c
}

// testCounterparties is a system of record holding C-OK (clear), C-ALERT
// (an alert in review) and C-BLOCKED (blocked by an approved true match).
var testCounterparties = fakeCounterparties{
	"C-OK":    {Known: true},
	"C-ALERT": {Known: true, OpenAlertID: 7, OpenAlertStatus: "in_review"},
	"C-BLOCKED": {Known: true, Block: &CounterpartyBlock{AlertID: 3, DispositionID: 5, EntityID: "us_ofac_sdn:12345",
		DecidedBy: "alice", ApprovedBy: "bob", BlockedAt: time.Date(2026, 11, 2, 9, 30, 0, 0, time.UTC)}},
}

type fakeCounterparties map[string]CounterpartyStatus

func (f fakeCounterparties) CounterpartyStatus(_ context.Context, id string) (CounterpartyStatus, error) {
	return f[id], nil
}

func findings(r *Report, rule string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Rule == rule {
			out = append(out, f)
		}
	}
	return out
}

func TestBaseOrderIsClear(t *testing.T) {
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), baseOrder())
	if err != nil {
		t.Fatal(err)
	}
	if r.Decision != Clear || len(r.Findings) != 0 {
		t.Fatalf("decision %s with findings %+v, want clear with none", r.Decision, r.Findings)
	}
	if len(r.Caveats) == 0 || !strings.Contains(r.Caveats[0], "50%") {
		t.Errorf("caveats %q lack the ownership caveat", r.Caveats)
	}
	if r.ListVersions["CHPL"] != "2024-02-23" || r.ListVersions["EAR Supp. 7 to Part 746"] != "2026-09-24" {
		t.Errorf("list versions %v", r.ListVersions)
	}
}

// TestRules gives every rule a case that fires and one that does not.
func TestRules(t *testing.T) {
	mehrabi := &fakeScreener{byName: map[string][]match.Match{"abdollah mehrabi": {sdnMatch("Abdollah MEHRABI", 0.98, entity.Strong)}}}
	weak := &fakeScreener{byName: map[string][]match.Match{"abdollah mehrabi": {sdnMatch("Abdollah MEHRABI", 0.95, entity.Weak)}}}
	near := &fakeScreener{byName: map[string][]match.Match{"abdolla mehrabi": {sdnMatch("Abdollah MEHRABI", 0.74, entity.Strong)}}}
	el := &fakeScreener{byName: map[string][]match.Match{"alabuga exim": {cslMatch("LLC ALABUGA EXIM", "EL", "For all items subject to the EAR")}}}
	meu := &fakeScreener{byName: map[string][]match.Match{"aviazapchast": {cslMatch("AVIAZAPCHAST", "MEU", "For items in Supp. 2 to part 744")}}}
	vessel := &fakeScreener{byName: map[string][]match.Match{"caspian star": {vesselMatch(0.99)}}}
	vesselNear := &fakeScreener{byName: map[string][]match.Match{"caspian starr": {vesselMatch(0.75)}}}
	setConsignee := func(name, country string) func(*Order) {
		return func(o *Order) { o.Parties[1].Name, o.Parties[1].Country = name, country }
	}
	chipsTo := func(country string) func(*Order) {
		return func(o *Order) {
			o.Lines[0] = Line{Description: "microcontrollers", HSCode: "8542.31.0000", PartNumber: "STM32F405RGT6", Quantity: 10, EndUse: "metering"}
			for i := range o.Parties {
				o.Parties[i].Country = country
			}
			o.Route.DestinationCountry, o.Route.PortOfDischarge, o.Route.PaymentOriginCountry = country, "", country
		}
	}
	tests := []struct {
		name     string
		rule     string
		screener Screener
		mutate   func(*Order)
		want     Severity // "" means the rule must not fire
		evidence func(Evidence) bool
	}{
		{"sanctions match fires", RulePartySanctions, mehrabi, setConsignee("Abdollah Mehrabi", "TR"), Block,
			func(e Evidence) bool {
				return e.EntityID == "us_ofac_sdn:33596" && e.ListVersion != "" && e.Field == "parties[1].name"
			}},
		{"sanctions match no fire on weak alias", RulePartySanctions, weak, setConsignee("Abdollah Mehrabi", "TR"), "", nil},
		{"near match fires on weak alias", RulePartyNearMatch, weak, setConsignee("Abdollah Mehrabi", "TR"), Review,
			func(e Evidence) bool { return e.MatchedNameQuality == "weak" }},
		{"near match fires below threshold", RulePartyNearMatch, near, setConsignee("Abdolla Mehrabi", "TR"), Review,
			func(e Evidence) bool { return e.Score == 0.74 }},
		{"near match no fire on clean name", RulePartyNearMatch, near, nil, "", nil},
		{"entity list blocks", RulePartyExport, el, setConsignee("Alabuga Exim", "TR"), Block,
			func(e Evidence) bool { return e.CSLList == "EL" && strings.Contains(e.LicenseRequirement, "all items") }},
		{"MEU reviews", RulePartyExport, meu, setConsignee("Aviazapchast", "TR"), Review,
			func(e Evidence) bool { return e.CSLList == "MEU" && e.LicenseRequirement != "" }},
		{"export restriction no fire", RulePartyExport, el, nil, "", nil},
		{"linked entity fires", RulePartyLinked, mehrabi, setConsignee("Abdollah Mehrabi", "TR"), Info,
			func(e Evidence) bool { return strings.Contains(e.Relation, "SELF SUFFICIENCY") }},
		{"linked entity no fire", RulePartyLinked, mehrabi, nil, "", nil},

		{"supp7 blocks to Russia", RuleSupp7, nil, chipsTo("RU"), Block,
			func(e Evidence) bool {
				return e.HS6 == "854231" && e.CodeList == "EAR Supp. 7 to Part 746" && e.Country == "RU"
			}},
		{"supp7 blocks to Crimea by city", RuleSupp7, nil, func(o *Order) {
			chipsTo("UA")(o)
			o.Parties[2].City = "Sevastopol"
		}, Block, func(e Evidence) bool { return e.Region == "Crimea" }},
		{"supp7 info with licence", RuleSupp7, nil, func(o *Order) { chipsTo("BY")(o); o.LicenseNumber = "D1234567" }, Info,
			func(e Evidence) bool { return e.License == "D1234567" }},
		{"supp7 no fire to Germany", RuleSupp7, nil, chipsTo("DE"), "", nil},
		{"chpl transshipment fires", RuleCHPLTransshipment, nil, chipsTo("AM"), Review,
			func(e Evidence) bool { return e.Tier == "1" && e.CodeList == "CHPL" && e.Country == "AM" }},
		{"chpl transshipment bearings tier 3.B", RuleCHPLTransshipment, nil, func(o *Order) {
			o.Parties[1].Country, o.Parties[2].Country, o.Route.DestinationCountry = "KZ", "KZ", "KZ"
		}, Review, func(e Evidence) bool { return e.Tier == "3.B" && e.HS6 == "848210" }},
		{"chpl no fire to Germany", RuleCHPLTransshipment, nil, nil, "", nil},
		{"keyword info alone", RuleComponentKeyword, nil, func(o *Order) { o.Lines[0].Description = "GNSS receiver modules" }, Info,
			func(e Evidence) bool { return e.Component == "gnss" && e.Field == "lines[0].description" }},
		{"keyword review with risky route", RuleComponentKeyword, nil, chipsTo("AM"), Review,
			func(e Evidence) bool { return e.Component == "processor" }},
		{"keyword no fire on bearings", RuleComponentKeyword, nil, nil, "", nil},
		{"hs unlisted fires", RuleHSUnlisted, nil, func(o *Order) { o.Lines[0].HSCode = "9403.60" }, Info,
			func(e Evidence) bool { return e.HS6 == "940360" }},
		{"hs unlisted no fire on CHPL code", RuleHSUnlisted, nil, nil, "", nil},
		{"no end use fires", RuleNoEndUse, nil, func(o *Order) { o.Lines[0].EndUse = "" }, Review,
			func(e Evidence) bool { return e.Field == "lines[0].end_use" && e.HS6 == "848210" }},
		{"no end use no fire for unlisted goods", RuleNoEndUse, nil, func(o *Order) { o.Lines[0].EndUse = ""; o.Lines[0].HSCode = "940360" }, "", nil},

		{"embargoed destination", RuleEmbargoed, nil, func(o *Order) { o.Route.DestinationCountry = "Iran" }, Block,
			func(e Evidence) bool {
				return e.Country == "IR" && e.Field == "route.destination_country" && e.FactSource != ""
			}},
		{"embargoed port of loading", RuleEmbargoed, nil, func(o *Order) { o.Route.PortOfLoading = "Novorossiysk" }, Block,
			func(e Evidence) bool { return e.Country == "RU" && e.Field == "route.port_of_loading" }},
		{"embargoed party country", RuleEmbargoed, nil, func(o *Order) { o.Parties = append(o.Parties, Party{Role: RolePayer, Name: "Bank X", Country: "KP"}) }, Block,
			func(e Evidence) bool { return e.Country == "KP" }},
		{"embargoed no fire", RuleEmbargoed, nil, nil, "", nil},
		{"occupied region blocks", RuleOccupied, nil, func(o *Order) { o.Parties[2].Country, o.Parties[2].Address = "UA", "ul. Lenina 1, Simferopol" }, Block,
			func(e Evidence) bool { return e.Region == "Crimea" && e.Field == "parties[2].address" }},
		{"occupied partial reviews", RuleOccupied, nil, func(o *Order) { o.Parties[2].Country, o.Parties[2].City = "UA", "Kherson" }, Review,
			func(e Evidence) bool { return e.Region == "Kherson" }},
		{"occupied no fire for Kyiv", RuleOccupied, nil, func(o *Order) { o.Parties[2].Country, o.Parties[2].City = "UA", "Kyiv" }, "", nil},
		{"transshipment fires", RuleTransshipment, nil, func(o *Order) { o.Route.TransshipmentPorts = []string{"Jebel Ali"} }, Review,
			func(e Evidence) bool { return e.Country == "AE" && e.Field == "route.transshipment_ports[0]" }},
		{"transshipment no fire on export country", RuleTransshipment, nil, func(o *Order) { o.Route.ExportCountry = "CN" }, "", nil},
		{"caspian port fires", RuleCaspian, nil, func(o *Order) { o.Route.TransshipmentPorts = []string{"IR BAZ"} }, Block,
			func(e Evidence) bool { return e.LOCODE == "IRBAZ" && e.FactTag == "V" }},
		{"caspian port Olya without LOCODE", RuleCaspian, nil, func(o *Order) { o.Route.PortOfLoading = "Olya" }, Block,
			func(e Evidence) bool { return e.Port == "Olya" && e.FactTag == "B" }},
		{"caspian no fire for Hormozgan Amirabad", RuleCaspian, nil, func(o *Order) { o.Route.PortOfLoading = "IRBAM" }, "", nil},
		{"port unknown fires", RulePortUnknown, nil, func(o *Order) { o.Route.PortOfLoading = "Atlantis Harbour" }, Info,
			func(e Evidence) bool { return e.Value == "Atlantis Harbour" && e.Field == "route.port_of_loading" }},
		{"port unknown no fire for LOCODE", RulePortUnknown, nil, func(o *Order) { o.Route.PortOfLoading = "USNYC" }, "", nil},
		{"vessel listed blocks", RuleVessel, vessel, func(o *Order) { o.Route.VesselName, o.Route.VesselIMO = "Caspian Star", "IMO 9321483" }, Block,
			func(e Evidence) bool { return e.EntityID == "us_ofac_sdn:99999" && e.Field == "route.vessel_name" }},
		{"vessel near match reviews", RuleVessel, vesselNear, func(o *Order) { o.Route.VesselName = "Caspian Starr" }, Review, nil},
		{"vessel no fire", RuleVessel, vessel, func(o *Order) { o.Route.VesselName = "Nordic Light" }, "", nil},

		{"intermediary by business type", RuleIntermediary, nil, func(o *Order) { o.Parties[1].BusinessType = "freight forwarder" }, Review,
			func(e Evidence) bool { return e.Field == "parties[1].business_type" }},
		{"intermediary by name FZE", RuleIntermediary, nil, func(o *Order) { o.Parties[2].Name = "Falcon Electronics FZE" }, Review,
			func(e Evidence) bool { return e.Field == "parties[2].name" }},
		{"intermediary by role", RuleIntermediary, nil, func(o *Order) {
			o.Parties = append(o.Parties, Party{Role: RoleFreightForwarder, Name: "Maschinenbau Voss GmbH", Country: "DE"})
		}, Review, func(e Evidence) bool { return e.Field == "parties[1].role" }},
		{"intermediary no fire for unlisted goods", RuleIntermediary, nil, func(o *Order) {
			o.Parties[1].BusinessType = "freight forwarder"
			o.Lines[0].HSCode = "940360"
			o.Lines[0].Description = "office chairs"
		}, "", nil},
		{"country mismatch payer", RuleCountryMismatch, nil, func(o *Order) { o.Route.PaymentOriginCountry = "AE" }, Review,
			func(e Evidence) bool { return e.Country == "AE" && e.Field == "route.payment_origin_country" }},
		{"country mismatch end user", RuleCountryMismatch, nil, func(o *Order) { o.Parties[2].Country = "FR" }, Review,
			func(e Evidence) bool { return e.Field == "parties[2].country" }},
		{"country mismatch no fire", RuleCountryMismatch, nil, nil, "", nil},
		{"new party by customer_since", RuleNewParty, nil, func(o *Order) { o.Parties[0].CustomerSince = "2026-10-01" }, Info,
			func(e Evidence) bool { return e.Field == "parties[0].name" }},
		{"new party review in transshipment jurisdiction", RuleNewParty, nil, func(o *Order) {
			chipsTo("AM")(o)
			o.Parties[0].CustomerSince = "2026-10-01"
		}, Review, nil},
		{"new party no fire for old customer", RuleNewParty, nil, nil, "", nil},
		{"blocked counterparty", RuleCounterpartyBlocked, nil, func(o *Order) { o.Parties[2].CounterpartyID = "C-BLOCKED" }, Block,
			func(e Evidence) bool {
				return e.Field == "parties[2].counterparty_id" && e.EntityID == "us_ofac_sdn:12345" && e.DispositionID == 5 &&
					e.DecidedBy == "alice" && e.ApprovedBy == "bob" && e.BlockedAt == "2026-11-02T09:30:00Z"
			}},
		{"counterparty not blocked", RuleCounterpartyBlocked, nil, func(o *Order) { o.Parties[2].CounterpartyID = "C-ALERT" }, "", nil},
		{"counterparty with open alert", RuleCounterpartyAlert, nil, func(o *Order) { o.Parties[0].CounterpartyID = "C-ALERT" }, Review,
			func(e Evidence) bool { return e.AlertID == 7 && e.CounterpartyID == "C-ALERT" }},
		{"counterparty without alert", RuleCounterpartyAlert, nil, func(o *Order) { o.Parties[0].CounterpartyID = "C-OK" }, "", nil},
		{"unknown counterparty", RuleCounterpartyUnknown, nil, func(o *Order) { o.Parties[1].CounterpartyID = "C-NOPE" }, Review,
			func(e Evidence) bool { return e.Field == "parties[1].counterparty_id" && e.Value == "C-NOPE" }},
		{"known counterparty", RuleCounterpartyUnknown, nil, func(o *Order) { o.Parties[1].CounterpartyID = "C-OK" }, "", nil},
		{"no end user fires", RuleNoEndUser, nil, func(o *Order) { o.Parties = o.Parties[:2] }, Review,
			func(e Evidence) bool { return e.Field == "parties" }},
		{"no end user no fire", RuleNoEndUser, nil, nil, "", nil},
		{"party country missing", RulePartyCountry, nil, func(o *Order) { o.Parties[0].Country = "" }, Review,
			func(e Evidence) bool { return e.Field == "parties[0].country" }},
		{"party country no fire", RulePartyCountry, nil, nil, "", nil},
		{"hs missing on keyword line", RuleHSMissing, nil, func(o *Order) { o.Lines[0].HSCode, o.Lines[0].Description = "", "IMU ADIS16470" }, Review,
			func(e Evidence) bool { return e.Field == "lines[0].hs_code" }},
		{"hs missing on plain line is info", RuleHSMissing, nil, func(o *Order) { o.Lines[0].HSCode = "" }, Info, nil},
		{"hs missing no fire", RuleHSMissing, nil, nil, "", nil},
		{"no lists fires", RuleNoLists, &listedScreener{}, nil, Review, func(e Evidence) bool { return e.Field == "parties" }},
		{"no lists no fire", RuleNoLists, &listedScreener{datasets: []*entity.Dataset{{Source: "us_ofac_sdn", Version: "v1"}}}, nil, "", nil},
		{"score accumulates", RuleScoreAccumulated, nil, func(o *Order) {
			o.Lines[0].HSCode = "9403.60.00"
			o.Lines[0].Description = "GNSS camera gimbal with IMU, servo and antenna, tantalum capacitors"
			o.Parties[0].CustomerSince = "2026-10-01"
			o.Parties[1].CustomerSince = "2026-10-01"
			o.Parties[2].CustomerSince = "2026-10-01"
		}, Review, func(e Evidence) bool { return e.Field == "order" }},
		{"score no fire", RuleScoreAccumulated, nil, nil, "", nil},
	}
	covered := map[string][2]bool{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := baseOrder()
			if tt.mutate != nil {
				tt.mutate(o)
			}
			s := tt.screener
			if s == nil {
				s = &fakeScreener{}
			}
			r, err := newTestChecker(s).Check(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			fs := findings(r, tt.rule)
			c := covered[tt.rule]
			if tt.want == "" {
				c[1] = true
				covered[tt.rule] = c
				if len(fs) > 0 {
					t.Fatalf("rule %s fired: %+v", tt.rule, fs)
				}
				return
			}
			c[0] = true
			covered[tt.rule] = c
			if len(fs) == 0 {
				t.Fatalf("rule %s did not fire; findings %+v", tt.rule, r.Findings)
			}
			f := fs[0]
			if f.Severity != tt.want {
				t.Errorf("severity = %s, want %s (%s)", f.Severity, tt.want, f.Reason)
			}
			if tt.evidence != nil && !tt.evidence(f.Evidence) {
				t.Errorf("evidence %+v does not hold what the test expects", f.Evidence)
			}
			checkFinding(t, f)
			wantDecision := map[Severity]Decision{Block: DecisionBlock, Review: DecisionReview}[tt.want]
			if wantDecision != "" && decisionRank(r.Decision) < decisionRank(wantDecision) {
				t.Errorf("decision %s, want at least %s", r.Decision, wantDecision)
			}
		})
	}
	for _, id := range RuleIDs() {
		if c := covered[id]; !c[0] || !c[1] {
			t.Errorf("rule %s lacks a firing case (%v) or a non-firing case (%v)", id, c[0], c[1])
		}
	}
}

func decisionRank(d Decision) int { return Severity(d).rank() }

// checkFinding asserts that a finding names its evidence and its source.
func checkFinding(t *testing.T, f Finding) {
	t.Helper()
	if f.Evidence.Field == "" || f.Source == "" || !strings.HasPrefix(f.SourceURL, "http") || f.SourceDate == "" || f.RuleVersion == "" || f.Reason == "" {
		t.Errorf("finding %s lacks evidence field, source, URL, date, version or reason: %+v", f.Rule, f)
	}
}

func TestValidation(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		fields []string
	}{
		{"unknown field", `{"id":"x","colour":"red"}`, []string{"colour"}},
		{"unknown nested fields", `{"id":"x","parties":[{"role":"buyer","name":"A","colour":1,"identifiers":[{"number":"1","kind":"x"}]}],"lines":[{"description":"x","hs":"1"}],"route":{"via":"x"}}`,
			[]string{"parties[0].colour", "parties[0].identifiers[0].kind", "lines[0].hs", "route.via"}},
		{"trailing data", `{"id":"x","parties":[{"role":"buyer","name":"A","country":"DE"}],"lines":[{"description":"x"}]} {}`, []string{""}},
		{"wrong type", `{"id":"x","lines":[{"quantity":"ten"}]}`, []string{"lines[0].quantity"}},
		{"empty", ``, []string{""}},
		{"every bad field", `{"id":"","parties":[{"role":"reseller","name":"A","country":"Atlantis"},{"role":"consignee","name":"","customer_since":"soon"}],
			"lines":[{"description":"chips","hs_code":"8542.3I","quantity":-1,"currency":"euro"},{"description":"","hs_code":"8542"}],
			"route":{"vessel_imo":"9321484","incoterms":"FOBX","destination_country":"Narnia"}}`,
			[]string{"id", "parties[0].role", "parties[0].country", "parties[1].name", "parties[1].customer_since",
				"lines[0].hs_code", "lines[0].quantity", "lines[0].currency", "lines[1].description", "lines[1].hs_code",
				"route.destination_country", "route.vessel_imo", "route.incoterms"}},
		{"no parties no lines", `{"id":"x"}`, []string{"parties", "lines"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := Decode(strings.NewReader(tt.in))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Decode = %+v, %v; want *ValidationError", o, err)
			}
			if !errors.Is(err, ErrInvalidOrder) {
				t.Error("error does not wrap ErrInvalidOrder")
			}
			var got []string
			for _, f := range ve.Fields {
				got = append(got, f.Field)
			}
			if strings.Join(got, ",") != strings.Join(tt.fields, ",") {
				t.Errorf("fields = %q, want %q (%v)", got, tt.fields, err)
			}
		})
	}
}

func TestCheckRejectsInvalidOrder(t *testing.T) {
	o := baseOrder()
	o.Lines[0].HSCode = "85"
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	var ve *ValidationError
	if !errors.As(err, &ve) || r != nil {
		t.Fatalf("Check = %v, %v; want no report and a ValidationError", r, err)
	}
}

func TestHSCodeForms(t *testing.T) {
	for _, code := range []string{"8542.31.0000", "854231", "8542 31"} {
		t.Run(code, func(t *testing.T) {
			o := baseOrder()
			o.Lines[0].HSCode = code
			o.Parties[1].Country, o.Parties[2].Country, o.Route.DestinationCountry = "AM", "AM", "AM"
			r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			fs := findings(r, RuleCHPLTransshipment)
			if len(fs) != 1 || fs[0].Evidence.HS6 != "854231" || fs[0].Evidence.Tier != "1" {
				t.Errorf("CHPL findings %+v, want one for 854231 tier 1", fs)
			}
		})
	}
}

func TestScreenerError(t *testing.T) {
	o := baseOrder()
	o.Parties[0].Name = strings.Repeat("x", 499) // valid for the order, screened as given
	_, err := newTestChecker(errScreener{}).Check(context.Background(), o)
	if err == nil || !strings.Contains(err.Error(), "screen parties[0]") {
		t.Fatalf("err = %v, want the screening error naming the party", err)
	}
}

type errScreener struct{}

func (errScreener) Screen(match.Query, match.Options) ([]match.Match, error) {
	return nil, errors.New("index closed")
}

func TestCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := newTestChecker(&fakeScreener{}).Check(ctx, baseOrder()); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}

func TestPartyHistory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "party-history.json")
	h, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	o := baseOrder()
	for i := range o.Parties {
		o.Parties[i].CustomerSince = ""
	}
	c := newTestChecker(&fakeScreener{})
	c.SetHistory(h)
	r, err := c.Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(findings(r, RuleNewParty)); got != 1 {
		t.Fatalf("first check: %d new-party findings, want 1 (three roles, one party)", got)
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	h2, err := OpenHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if h2.Len() != 1 {
		t.Fatalf("reopened history has %d parties, want 1", h2.Len())
	}
	c.SetHistory(h2)
	// The same order again: its own record does not make its party known.
	r, err = c.Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(findings(r, RuleNewParty)); got != 1 {
		t.Errorf("same order again: %d new-party findings, want 1", got)
	}
	// Another order, the name spelled differently: known.
	o.ID = "T-2"
	o.Parties[0].Name = "MASCHINENBAU VOSS, GmbH"
	r, err = c.Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := findings(r, RuleNewParty); len(got) != 0 {
		t.Errorf("second order: new-party findings %+v, want none", got)
	}
	if err := os.WriteFile(path, []byte("{bad"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenHistory(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("OpenHistory on a bad file = %v, want an error naming it", err)
	}
}

// TestHistoryBlockedNeverKnown: a blocked order's parties are not recorded
// (nor a review order's, which is not yet approved), and the findings of
// a batch do not depend on the order its orders were checked in.
func TestHistoryBlockedNeverKnown(t *testing.T) {
	h := NewMemoryHistory()
	c := newTestChecker(&fakeScreener{})
	c.SetHistory(h)
	o := baseOrder()
	for i := range o.Parties {
		o.Parties[i].CustomerSince = ""
	}
	blocked := *o
	blocked.ID = "BLOCKED"
	blocked.Route.DestinationCountry = "IR"
	review := *o
	review.ID = "REVIEW"
	review.Route.PaymentOriginCountry = "AE"
	for _, x := range []*Order{&blocked, &review} {
		r, err := c.Check(context.Background(), x)
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision == Clear {
			t.Fatalf("%s is clear", x.ID)
		}
	}
	// Not yet saved: a run sees the history as opened.
	o.ID = "CLEAR-1"
	r, _ := c.Check(context.Background(), o)
	if r.Decision != Clear || len(findings(r, RuleNewParty)) != 1 {
		t.Fatalf("CLEAR-1: %s with %d new-party findings, want clear with 1", r.Decision, len(findings(r, RuleNewParty)))
	}
	if err := h.Save(); err != nil {
		t.Fatal(err)
	}
	if h.Len() != 1 {
		t.Errorf("history holds %d parties, want 1 (from the clear order only)", h.Len())
	}
	o.ID = "CLEAR-2"
	r, _ = c.Check(context.Background(), o)
	if len(findings(r, RuleNewParty)) != 0 {
		t.Errorf("CLEAR-2: party of CLEAR-1 not known")
	}
}

func TestNoHistoryCaveat(t *testing.T) {
	c := newTestChecker(&fakeScreener{})
	r, _ := c.Check(context.Background(), baseOrder())
	if !slices.Contains(r.Caveats, NoHistoryCaveat) {
		t.Errorf("caveats %q lack the no-history caveat", r.Caveats)
	}
	c.SetHistory(NewMemoryHistory())
	r, _ = c.Check(context.Background(), baseOrder())
	if slices.Contains(r.Caveats, NoHistoryCaveat) {
		t.Errorf("caveats %q: no-history caveat with a history", r.Caveats)
	}
}

func TestPartyKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"Acme GmbH", "ACME, GmbH"},
		{"Société Générale", "societe generale"},
	}
	for _, tt := range tests {
		t.Run(tt.a, func(t *testing.T) {
			if PartyKey(tt.a, "de") != PartyKey(tt.b, "DE") {
				t.Errorf("PartyKey(%q) = %q, PartyKey(%q) = %q; want equal", tt.a, PartyKey(tt.a, "de"), tt.b, PartyKey(tt.b, "DE"))
			}
		})
	}
	if PartyKey("Acme", "DE") == PartyKey("Acme", "FR") {
		t.Error("same name in two countries gives one key")
	}
}

func TestWriteText(t *testing.T) {
	o := baseOrder()
	o.Route.PortOfLoading = "Amirabad"
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"Order T-1: BLOCK", "route.caspian_port", "locode=IRAMD", "IRBAM", "50%", "CHPL", "Rules: rules.yaml"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
}

func TestFindingsSortedStrongestFirst(t *testing.T) {
	o := baseOrder()
	o.Route.PortOfLoading = "Amirabad"
	o.Lines[0].EndUse = ""
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(r.Findings); i++ {
		if r.Findings[i].Severity.rank() > r.Findings[i-1].Severity.rank() {
			t.Fatalf("finding %d (%s) is stronger than finding %d (%s)", i, r.Findings[i].Severity, i-1, r.Findings[i-1].Severity)
		}
	}
	if r.RiskScore != 100 {
		t.Errorf("risk score %d, want 100 (capped)", r.RiskScore)
	}
}

func ExampleReport_WriteText() {
	o := baseOrder()
	r, _ := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	fmt.Println(r.Decision, r.RiskScore, len(r.Findings))
	// Output: clear 0 0
}

func TestSamePartyScreenedOnce(t *testing.T) {
	s := &fakeScreener{}
	if _, err := newTestChecker(s).Check(context.Background(), baseOrder()); err != nil {
		t.Fatal(err)
	}
	if s.calls != 1 {
		t.Errorf("%d screening calls for one party in three roles, want 1", s.calls)
	}
}

func TestScreenCache(t *testing.T) {
	s := &fakeScreener{byName: map[string][]match.Match{"abdollah mehrabi": {sdnMatch("Abdollah MEHRABI", 0.98, entity.Strong)}}}
	c := newTestChecker(s)
	c.SetCache(10)
	o := baseOrder()
	o.Parties[1].Name, o.Parties[1].Country = "Abdollah Mehrabi", "TR"
	for i := 0; i < 3; i++ {
		r, err := c.Check(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		if r.Decision != DecisionBlock {
			t.Fatalf("check %d: decision %s, want block from the cached match", i, r.Decision)
		}
	}
	if s.calls != 2 {
		t.Errorf("%d screening calls for two distinct parties over three checks, want 2", s.calls)
	}
}

// TestRuleSourcesOfficial: every rule cites the official publication
// (regulation, agency page or advisory: eCFR, Federal Register, BIS, OFAC,
// FinCEN, trade.gov, UNECE, EUR-Lex), never a blog, a news site or an
// internal file (issue 9, point 7).
func TestRuleSourcesOfficial(t *testing.T) {
	official := []string{"www.ecfr.gov", "www.federalregister.gov", "www.bis.gov", "ofac.treasury.gov", "www.fincen.gov",
		"www.trade.gov", "unece.org", "eur-lex.europa.eu"}
	for _, id := range RuleIDs() {
		r := DefaultRules().Rule(id)
		host, _, _ := strings.Cut(strings.TrimPrefix(r.SourceURL, "https://"), "/")
		if !slices.Contains(official, host) {
			t.Errorf("%s: source_url %s is not an official publication", id, r.SourceURL)
		}
		for _, bad := range []string{"domain", "Chokepoint", ".csv", "internal/", "product rule"} {
			if strings.Contains(r.Source, bad) {
				t.Errorf("%s: source %q cites %q, not a publication", id, r.Source, bad)
			}
		}
	}
}

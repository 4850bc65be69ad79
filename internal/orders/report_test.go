package orders

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// machinePath matches a JSON path or a field name as the order document
// spells it, which a reason shown to a person must not contain.
var machinePath = regexp.MustCompile(`\w\[\d+\]|\b(ports|parties|lines) \d|\b[a-z]+_[a-z_]+\b`)

// wrongArticle matches "a" before a vowel sound and "an" before a
// consonant sound, for the words the checker writes.
var wrongArticle = regexp.MustCompile(`(?:^|[\s(])[Aa] (imu|IMU|FPGA|fpga|RF|rf|amplifier|antenna|engine|inertial|accelerometer|[aeio]\w*)\b|(?:^|[\s(])[Aa]n (gnss|GNSS|processor|servo|camera|capacitor|memory|UAV)\b`)

// TestReportReadsAsWritten: an order's reasons name fields in words, use
// the right articles and name countries, and the JSON keeps the machine
// path (issue 9, point 7).
func TestReportReadsAsWritten(t *testing.T) {
	o := baseOrder()
	o.Route.TransshipmentPorts = []string{"Astrakhan", "Jebel Ali"}
	o.Route.PaymentOriginCountry = "AE"
	o.Parties[1].Country = "AM"
	o.Lines = append(o.Lines,
		Line{Description: "IMU ADIS16470 inertial measurement unit", Quantity: 5},
		Line{Description: "FPGA Xilinx Artix-7", HSCode: "8542.39", Quantity: 5},
		Line{Description: "RF amplifier module", HSCode: "8542.33", Quantity: 5},
		Line{Description: "antenna for aircraft engine telemetry", HSCode: "8529.10", Quantity: 1})
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	var text bytes.Buffer
	r.WriteText(&text)
	paths := 0
	for _, f := range r.Findings {
		if m := machinePath.FindString(f.Reason); m != "" {
			t.Errorf("%s: reason shows %q: %s", f.Rule, m, f.Reason)
		}
		if m := wrongArticle.FindString(f.Reason); m != "" {
			t.Errorf("%s: wrong article %q: %s", f.Rule, m, f.Reason)
		}
		if regexp.MustCompile(`\b(in|of|from) [A-Z]{2}\b`).MatchString(f.Reason) {
			t.Errorf("%s: a country by its code: %s", f.Rule, f.Reason)
		}
		if strings.Contains(f.Evidence.Field, "[") {
			paths++
		}
	}
	if paths == 0 {
		t.Error("no finding's evidence keeps the machine path (lines[0]..., route.transshipment_ports[0])")
	}
	if !strings.Contains(text.String(), "transshipment port 1") {
		t.Errorf("text report does not name the first transshipment port in words:\n%s", text.String())
	}
}

// TestRepeatedLinesAggregated: a finding repeated across lines is one
// finding listing the lines, so a 2,000-line order gets a readable report
// (issue 9, point 7: it gave 6,008 findings).
func TestRepeatedLinesAggregated(t *testing.T) {
	o := baseOrder()
	o.Parties[1].Country, o.Parties[2].Country, o.Route.DestinationCountry = "AM", "AM", "AM"
	chip := Line{Description: "STM32 microcontrollers", HSCode: "8542.31", Quantity: 10}
	o.Lines = nil
	for i := 0; i < MaxLines; i++ {
		l := chip
		if i == 1000 {
			l.EndUse = "smart meters" // one line differs
		}
		o.Lines = append(o.Lines, l)
	}
	r, err := newTestChecker(&fakeScreener{}).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) > 20 {
		t.Fatalf("%d findings for 2,000 identical lines, want them aggregated", len(r.Findings))
	}
	var all strings.Builder
	for _, f := range r.Findings {
		all.WriteString(f.Reason + "\n")
	}
	for _, want := range []string{"Lines 1-2000:", "Lines 1-1000, 1002-2000:"} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("no reason starts %q:\n%s", want, all.String())
		}
	}
}

// TestRiskScoreBands: the risk score falls in the band of the decision:
// clear below review_score (40), review from 40 to block_score-1 (69),
// block from block_score (70) to 100 (issue 9, point 7: a review order
// scored 100, above blocked ones).
func TestRiskScoreBands(t *testing.T) {
	rules := DefaultRules()
	for name, want := range exampleWant {
		t.Run(name, func(t *testing.T) {
			o, err := Decode(bytes.NewReader(readExample(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			r, err := newTestChecker(exampleScreener()).Check(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := 0, 39
			switch want.decision {
			case DecisionReview:
				lo, hi = 40, 69
			case DecisionBlock:
				lo, hi = 70, 100
			}
			if r.Decision != want.decision || r.RiskScore < lo || r.RiskScore > hi {
				t.Errorf("%s with risk score %d, want %s with a score in %d-%d", r.Decision, r.RiskScore, want.decision, lo, hi)
			}
		})
	}
	if rules.Thresholds.ReviewScore != 40 || rules.Thresholds.BlockScore != 70 {
		t.Errorf("thresholds %+v: the bands above assume review_score 40 and block_score 70", rules.Thresholds)
	}
}

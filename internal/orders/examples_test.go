package orders

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

const examplesDir = "../../examples"

// exampleWant is the decision a compliance officer expects for each
// example, and rules that must be among its findings.
var exampleWant = map[string]struct {
	decision Decision
	rules    []string
}{
	"clean-bearings-germany.json":    {Clear, nil},
	"stm32-armenia-uae-payer.json":   {DecisionReview, []string{RuleCHPLTransshipment, RuleComponentKeyword, RuleIntermediary, RuleCountryMismatch, RuleNoEndUser, RuleNoEndUse, RuleTransshipment}},
	"gnss-kazakhstan-astrakhan.json": {DecisionBlock, []string{RuleCaspian, RuleEmbargoed, RuleCHPLTransshipment, RuleIntermediary, RuleComponentKeyword}},
	"amirabad-makhachkala.json":      {DecisionBlock, []string{RuleCaspian, RuleEmbargoed, RuleSupp7}},
	"listed-party-mehrabi.json":      {DecisionBlock, []string{RulePartySanctions, RulePartyLinked}},
}

func readExample(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(examplesDir, name))
	if err != nil {
		t.Fatalf("read example: %v", err)
	}
	return data
}

func TestExamples(t *testing.T) {
	for name, want := range exampleWant {
		t.Run(name, func(t *testing.T) {
			o, err := Decode(bytes.NewReader(readExample(t, name)))
			if err != nil {
				t.Fatal(err)
			}
			c := newTestChecker(exampleScreener())
			c.SetHistory(NewMemoryHistory())
			r, err := c.Check(context.Background(), o)
			if err != nil {
				t.Fatal(err)
			}
			if r.Decision != want.decision {
				var b strings.Builder
				r.WriteText(&b)
				t.Fatalf("decision %s, want %s\n%s", r.Decision, want.decision, b.String())
			}
			got := map[string]bool{}
			for _, f := range r.Findings {
				got[f.Rule] = true
				checkFinding(t, f)
				if !evidenceNamesSomething(f.Evidence) {
					t.Errorf("finding %s evidence names no list entry, code, place or value: %+v", f.Rule, f.Evidence)
				}
			}
			for _, rule := range want.rules {
				if !got[rule] {
					t.Errorf("rule %s did not fire; fired %v", rule, keys(got))
				}
			}
		})
	}
}

// evidenceNamesSomething: beyond the field, evidence carries the value or
// the list entry, code or place it was compared with. Only the whole-order
// findings (no end user, no lists, score) have nothing more to name.
func evidenceNamesSomething(e Evidence) bool {
	if e.Field == "parties" || e.Field == "order" || strings.HasSuffix(e.Field, ".hs_code") && e.Value == "" {
		return true
	}
	return e.Value != "" || e.EntityID != "" || e.HS6 != "" || e.LOCODE != "" || e.Country != "" || e.Region != ""
}

func TestInvalidExample(t *testing.T) {
	_, err := Decode(bytes.NewReader(readExample(t, "invalid-order.json")))
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("err = %v, want *ValidationError", err)
	}
	want := []string{"id", "parties[0].role", "parties[0].country", "parties[1].name", "parties[1].customer_since",
		"lines[0].hs_code", "lines[0].quantity", "lines[0].currency", "lines[1].description", "lines[1].hs_code", "route.vessel_imo", "route.incoterms"}
	var got []string
	for _, f := range ve.Fields {
		got = append(got, f.Field)
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("fields %q, want %q", got, want)
	}
}

func TestExamplesJSONL(t *testing.T) {
	sc := bufio.NewScanner(bytes.NewReader(readExample(t, "orders.jsonl")))
	c := newTestChecker(exampleScreener())
	var decisions []string
	for sc.Scan() {
		o, err := DecodeBytes(sc.Bytes())
		if err != nil {
			decisions = append(decisions, "invalid")
			continue
		}
		r, err := c.Check(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		decisions = append(decisions, string(r.Decision))
	}
	want := "clear,review,block,invalid,block,block"
	if got := strings.Join(decisions, ","); got != want {
		t.Errorf("decisions %s, want %s", got, want)
	}
}

func TestExamplesCSV(t *testing.T) {
	r, err := NewCSVReader(bytes.NewReader(readExample(t, "orders.csv")), "orders.csv")
	if err != nil {
		t.Fatal(err)
	}
	c := newTestChecker(exampleScreener())
	var got []string
	for {
		o, line, err := r.Next()
		if err == io.EOF {
			break
		}
		var ve *ValidationError
		if errors.As(err, &ve) {
			got = append(got, o.ID+"@"+strconv.Itoa(line)+":invalid:"+ve.Fields[0].Field)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		rep, err := c.Check(context.Background(), o)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, o.ID+"@"+strconv.Itoa(line)+":"+string(rep.Decision))
	}
	want := "CSV-001@2:clear,CSV-002@7:review,CSV-003@12:block,CSV-004@16:invalid:lines[0].quantity"
	if strings.Join(got, ",") != want {
		t.Errorf("got %s, want %s", strings.Join(got, ","), want)
	}
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name, in   string
		wantParse  bool
		wantField  string
		wantFields string
	}{
		{"unknown column", "order_id,record,colour\n", true, "colour", ""},
		{"missing record column", "order_id,name\n", true, "record", ""},
		{"value in wrong column", "order_id,record,name,hs_code\nA,party,X,8542.31\n", false, "", "hs_code"},
		{"unknown record", "order_id,record\nA,shipment\n", false, "", "record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := NewCSVReader(strings.NewReader(tt.in), "b.csv")
			if tt.wantParse {
				var pe *parse.Error
				if !errors.As(err, &pe) || pe.Field != tt.wantField {
					t.Fatalf("err = %v, want parse.Error on %s", err, tt.wantField)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = r.Next()
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Fields[0].Field != tt.wantFields || ve.Fields[0].Line != 2 {
				t.Fatalf("err = %v, want first field %q on line 2", err, tt.wantFields)
			}
		})
	}
}

func TestDefaultRules(t *testing.T) {
	r := DefaultRules()
	if len(r.Rules) != len(RuleIDs()) {
		t.Errorf("%d rules, want %d", len(r.Rules), len(RuleIDs()))
	}
	if r.Thresholds.PartyMatch != 0.80 || r.CSLLists["EL"] != Block || r.CSLLists["MEU"] != Review {
		t.Errorf("thresholds %+v csl %v", r.Thresholds, r.CSLLists)
	}
}

func TestLoadRulesErrors(t *testing.T) {
	base := string(defaultRules)
	tests := []struct{ name, in, want string }{
		{"unknown key", strings.Replace(base, "thresholds:", "thresholds:\n  colour: 1", 1), "colour"},
		{"unknown rule", base + "  party.psychic:\n    version: x\n", "rules.party.psychic: unknown rule id"},
		{"missing rule", strings.Replace(base, "  score.accumulated:", "  score.accumulatedx:", 1), "rules.score.accumulated: missing"},
		{"bad severity", strings.Replace(base, "severity: block\n    weight: 100\n    source: OFAC, UN", "severity: stop\n    weight: 100\n    source: OFAC, UN", 1), "rules.party.sanctions_match.severity"},
		{"bad threshold", strings.Replace(base, "party_match: 0.80", "party_match: 1.5", 1), "thresholds.party_match"},
		{"bad csl list", strings.Replace(base, "EL: block", "EL: maybe", 1), "csl_lists.EL"},
		{"empty", "", "empty rules file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadRules(strings.NewReader(tt.in), "my-rules.yaml")
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "my-rules.yaml") {
				t.Fatalf("err = %v, want it to name my-rules.yaml and %q", err, tt.want)
			}
		})
	}
}

// FuzzDecode feeds any bytes to the order decoder: an error names fields
// in the user's words with a position inside the input, never Go's types;
// an accepted order is valid UTF-8 throughout, survives a round trip and
// checks without error.
func FuzzDecode(f *testing.F) {
	for _, name := range []string{"clean-bearings-germany.json", "stm32-armenia-uae-payer.json", "invalid-order.json", "amirabad-makhachkala.json"} {
		data, err := os.ReadFile(filepath.Join(examplesDir, name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	bad, _ := filepath.Glob("testdata/invalid/*.json")
	for _, name := range bad {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"id":"x","parties":[{"role":"buyer","name":"A"}],"lines":[{"description":"x","hs_code":"8542 31"}]}`))
	f.Add([]byte(`{"id":"x","id":"y","parties":[{"role":"buyer","name":"A\ud800"}],"lines":[{"quantity":1e999}]}`))
	c := NewChecker(exampleScreener(), nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		o, err := DecodeBytes(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) == 0 {
				t.Fatalf("error %v is not a ValidationError with fields", err)
			}
			lines := bytes.Count(data, []byte{'\n'}) + 1
			for _, fe := range ve.Fields {
				for _, w := range goTypeWords {
					if strings.Contains(fe.Error(), w) {
						t.Fatalf("error %q shows Go's %q", fe.Error(), w)
					}
				}
				if fe.Line < 0 || fe.Line > lines || fe.Column < 0 || (fe.Line > 0) != (fe.Column > 0) {
					t.Fatalf("error %q: position %d:%d outside %d lines", fe.Error(), fe.Line, fe.Column, lines)
				}
			}
			return
		}
		if !utf8.Valid(data) {
			t.Fatalf("accepted an order that is not UTF-8: %q", data)
		}
		if dup := duplicateKey(data); dup != "" {
			t.Fatalf("accepted an order with key %q twice: %q", dup, data)
		}
		again, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		o2, err := DecodeBytes(again)
		if err != nil || !reflect.DeepEqual(o, o2) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, o, o2)
		}
		r, err := c.Check(context.Background(), o)
		if err != nil {
			t.Fatalf("valid order failed to check: %v", err)
		}
		if r.Decision != Clear && r.Decision != DecisionReview && r.Decision != DecisionBlock {
			t.Fatalf("decision %q", r.Decision)
		}
		if r.Decision == Clear {
			for _, fd := range r.Findings {
				if fd.Severity != Info {
					t.Fatalf("clear order with %s finding", fd.Severity)
				}
			}
		}
		if err := r.WriteText(io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

// duplicateKey returns a key some object of data gives twice, found by
// encoding/json's token reader: a second opinion on the decoder's own
// scanner.
func duplicateKey(data []byte) string {
	dec := json.NewDecoder(bytes.NewReader(data))
	type frame struct {
		object bool
		keys   map[string]bool
		key    bool // the next token of the object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].key {
			if k, ok := tok.(string); ok {
				if stack[n-1].keys[k] {
					return k
				}
				stack[n-1].keys[k] = true
				stack[n-1].key = false
				continue
			}
		}
		if n := len(stack); n > 0 && stack[n-1].object {
			stack[n-1].key = true // after this value, a key
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, key: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
			if n := len(stack); n > 0 && stack[n-1].object {
				stack[n-1].key = true
			}
		}
	}
}

func FuzzCSV(f *testing.F) {
	f.Add(readExample(f, "orders.csv"))
	f.Add([]byte("order_id,record,role,name,country\nA,party,buyer,X,DE\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewCSVReader(bytes.NewReader(data), "f.csv")
		if err != nil {
			return
		}
		for i := 0; i < 1000; i++ {
			o, _, err := r.Next()
			if err == io.EOF {
				return
			}
			var ve *ValidationError
			var pe *parse.Error
			switch {
			case err == nil:
				if o.Validate() != nil {
					t.Fatal("Next returned an invalid order without an error")
				}
			case errors.As(err, &ve):
			case errors.As(err, &pe):
				return
			default:
				t.Fatalf("unexpected error %T %v", err, err)
			}
		}
	})
}

func FuzzLoadRules(f *testing.F) {
	f.Add(defaultRules)
	f.Add([]byte("version: x\nthresholds: {party_match: 0.8}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := LoadRules(bytes.NewReader(data), "f.yaml")
		if err == nil && len(r.Rules) != len(RuleIDs()) {
			t.Fatalf("accepted rules with %d rules", len(r.Rules))
		}
	})
}

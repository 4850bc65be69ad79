package orders

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestKind: a payment carries no lines and no end user, and a trade
// document names no end user, so neither is required or reported missing
// for them; an order still needs both.
func TestKind(t *testing.T) {
	payment := `{"id":"P1","kind":"payment","parties":[{"role":"payer","name":"Anatolia Elektronik","country":"TR"},{"role":"beneficiary","name":"Rheinwerk GmbH","country":"DE"},{"role":"bank","name":"ZYXWDEFF","country":"DE","identifiers":[{"type":"BIC","number":"ZYXWDEFF"}]}],"lines":[],"route":{}}`
	o, err := DecodeBytes([]byte(payment))
	if err != nil {
		t.Fatalf("payment without lines: %v", err)
	}
	rep, err := newTestChecker(exampleScreener()).Check(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Rule == RuleNoEndUser {
			t.Errorf("payment reported without end user: %s", f.Reason)
		}
	}
	doc := strings.Replace(payment, `"kind":"payment"`, `"kind":"document"`, 1)
	doc = strings.Replace(doc, `"lines":[]`, `"lines":[{"description":"gear units","hs_code":"848340"}]`, 1)
	if o, err = DecodeBytes([]byte(doc)); err != nil {
		t.Fatal(err)
	}
	if rep, err = newTestChecker(exampleScreener()).Check(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		if f.Rule == RuleNoEndUser {
			t.Errorf("trade document reported without end user: %s", f.Reason)
		}
	}
	order := strings.Replace(payment, `"kind":"payment",`, ``, 1)
	_, err = DecodeBytes([]byte(order))
	var ve *ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "lines: at least one line is required") {
		t.Errorf("order without lines: %v", err)
	}
	_, err = DecodeBytes([]byte(strings.Replace(payment, `"kind":"payment"`, `"kind":"swift"`, 1)))
	if err == nil || !strings.Contains(err.Error(), `kind: unknown kind "swift"`) {
		t.Errorf("unknown kind: %v", err)
	}
}

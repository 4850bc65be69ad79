package api

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/orders"
)

// invalidOrders are the refused orders of internal/orders/testdata/invalid
// with the field and message the API must give: the same words as the
// CLI's (cmd/chokepoint TestCheckInvalidOrdersCLI).
var invalidOrders = map[string][2]string{
	"duplicate-key.json": {"route.destination_country", "given twice (first at line 5, column 13); say each field once (line 5, column 42)"},
	"quantity-text.json": {"lines[0].quantity", `want a number, got text "ten" (line 4, column 80)`},
	"invalid-utf8.json":  {"parties[0].name", "invalid UTF-8: the text must be UTF-8 encoded (line 3, column 41)"},
}

// TestOrdersInvalidJSON: POST /v1/orders/check refuses duplicate keys,
// values of the wrong kind and invalid UTF-8 with a 400 naming the field,
// its line and column (issue 9, point 6).
func TestOrdersInvalidJSON(t *testing.T) {
	eng := NewEngine(nil)
	s, fake := testServer(t, Deps{Engine: eng})
	eng.Swap(fake)
	s.orders = NewOrderChecker(func(sc Screener) *orders.Checker { return orders.NewChecker(sc, nil) })
	for file, want := range invalidOrders {
		t.Run(file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("../orders/testdata/invalid", file))
			if err != nil {
				t.Fatal(err)
			}
			code, out, _ := do(s, "POST", "/v1/orders/check", "application/json", string(body))
			var got errorBody
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("%d %s: %v", code, out, err)
			}
			if code != 400 || got.Error.Code != "invalid_order" || got.Error.Field != want[0] || got.Error.Message != want[1] {
				t.Errorf("= %d %s, want 400 invalid_order %s: %s", code, out, want[0], want[1])
			}
		})
	}
}

package orders

import (
	"errors"
	"strings"
	"testing"
)

// validOrderJSON is a valid order over several lines; the decode tests
// break it in one place each.
const validOrderJSON = `{
  "id": "D-1",
  "parties": [{"role": "buyer", "name": "Maschinenbau Voss GmbH", "country": "DE"}],
  "lines": [{"description": "ball bearings", "hs_code": "8482.10", "quantity": 100}],
  "route": {"destination_country": "DE", "transshipment_ports": ["Hamburg"]}
}`

// goTypeWords are Go's words for types, which an order error must never
// show a user.
var goTypeWords = []string{"float64", "[]orders", "orders.", "struct", "Go value", "json: ", "unmarshal"}

// TestDecodeErrors: order errors name the field the way users write it,
// never Go's types; JSON errors give line and column; duplicate keys and
// invalid UTF-8 are refused with the field named (issue 9, point 6).
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string // each error, as ValidationError.Error() shows it
	}{
		{"number as text", strings.Replace(validOrderJSON, `"quantity": 100`, `"quantity": "ten"`, 1),
			[]string{`lines[0].quantity: want a number, got text "ten" (line 4, column 80)`}},
		{"text as number", strings.Replace(validOrderJSON, `"hs_code": "8482.10"`, `"hs_code": 848210`, 1),
			[]string{`lines[0].hs_code: want text in double quotes, got the number 848210 (line 4, column 57)`}},
		{"object for a list", strings.Replace(validOrderJSON, `"transshipment_ports": ["Hamburg"]`, `"transshipment_ports": {"a": 1}`, 1),
			[]string{`route.transshipment_ports: want a list [...], got an object (line 5, column 65)`}},
		{"list element", strings.Replace(validOrderJSON, `["Hamburg"]`, `["Hamburg", 7]`, 1),
			[]string{`route.transshipment_ports[1]: want text in double quotes, got the number 7 (line 5, column 77)`}},
		{"duplicate top-level key", strings.Replace(validOrderJSON, `"id": "D-1",`, `"id": "D-1", "id": "D-2",`, 1),
			[]string{`id: given twice (first at line 2, column 3); say each field once (line 2, column 16)`}},
		{"duplicate nested key", strings.Replace(validOrderJSON, `"country": "DE"}]`, `"country": "DE", "country": "IR"}]`, 1),
			[]string{`parties[0].country: given twice (first at line 3, column 67); say each field once (line 3, column 84)`}},
		{"unknown field", strings.Replace(validOrderJSON, `"id": "D-1",`, `"id": "D-1", "ID": "x",`, 1),
			[]string{`ID: unknown field (field names are lower case: "id") (line 2, column 16)`}},
		{"invalid UTF-8 in a value", strings.Replace(validOrderJSON, "Maschinenbau", "Maschinenbau\xff", 1),
			[]string{`parties[0].name: invalid UTF-8: the text must be UTF-8 encoded (line 3, column 41)`}},
		{"invalid UTF-8 in a key", strings.Replace(validOrderJSON, `"route"`, "\"rou\xfete\"", 1),
			[]string{"rou\ufffdte: invalid UTF-8: the text must be UTF-8 encoded (line 5, column 3)", "rou\ufffdte: unknown field (line 5, column 3)"}},
		{"lone surrogate", strings.Replace(validOrderJSON, "Maschinenbau", `Maschinenbau\ud800`, 1),
			[]string{`parties[0].name: invalid UTF-8: a \u escape that is not a character (a lone surrogate) (line 3, column 41)`}},
		{"syntax error", strings.Replace(validOrderJSON, `"hs_code": "8482.10",`, `"hs_code": "8482.10"`, 1),
			[]string{`: JSON syntax error: invalid character '"' after object key:value pair (line 4, column 67)`}},
		{"truncated", validOrderJSON[:60],
			[]string{`: the JSON ends before the order is complete (truncated?) (line 3, column 44)`}},
		{"not an object", `["D-1"]`, []string{`: want an object {...}, got a list (line 1, column 1)`}},
		{"trailing data", validOrderJSON + "\n{}", []string{`: data after the order object (line 7, column 1)`}},
		{"bad literal", strings.Replace(validOrderJSON, `"D-1"`, `tru`, 1), []string{`: JSON syntax error: invalid character ',' in literal true (expecting 'e') (line 2, column 12)`}},
		{"invalid UTF-8 outside a string", strings.Replace(validOrderJSON, `"D-1"`, "\xff", 1), []string{`: invalid UTF-8 outside a string (line 2, column 9)`}},
		{"empty", " \n", []string{`: empty input, want a JSON order object (line 1, column 1)`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeBytes([]byte(tt.in))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("DecodeBytes = %v, want a *ValidationError", err)
			}
			want := "invalid order: " + strings.Join(tt.want, "; ")
			if err.Error() != want {
				t.Errorf("error\n %s\nwant\n %s", err, want)
			}
			for _, w := range goTypeWords {
				if strings.Contains(err.Error(), w) {
					t.Errorf("error %q shows Go's %q", err, w)
				}
			}
		})
	}
	if _, err := DecodeBytes([]byte(validOrderJSON)); err != nil {
		t.Fatalf("the valid order: %v", err)
	}
}

// TestCSVInvalidUTF8: a CSV batch refuses text that is not UTF-8 the way
// the JSON reader does, naming the field and the CSV line.
func TestCSVInvalidUTF8(t *testing.T) {
	in := "order_id,record,role,name,country,description,hs_code\n" +
		"A,party,buyer,Maschinenbau Voss GmbH,DE,,\n" +
		"A,party,end_user,Voss\xff GmbH,DE,,\n" +
		"A,line,,,,ball bearings,8482.10\n"
	r, err := NewCSVReader(strings.NewReader(in), "u.csv")
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = r.Next()
	want := "invalid order: parties[1].name: invalid UTF-8: the text must be UTF-8 encoded (line 3)"
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestDuplicateKeyHelper(t *testing.T) {
	for in, want := range map[string]string{`{"a":1,"b":{"a":2},"c":[{"x":1},{"x":2}]}`: "", `{"a":1,"b":{"c":2,"c":3}}`: "c", `{"a":[1],"a":2}`: "a"} {
		if got := duplicateKey([]byte(in)); got != want {
			t.Errorf("duplicateKey(%s) = %q, want %q", in, got, want)
		}
	}
}

package match_test

import (
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

type pairCase struct {
	a, b string
	typ  entity.Type
	want bool
}

func checkPairs(t *testing.T, e *match.Engine, cases []pairCase) {
	t.Helper()
	for _, tt := range cases {
		c := e.Compare(tt.a, tt.b, tt.typ, 0)
		if c.Match != tt.want {
			t.Errorf("Compare(%q, %q) = %.3f match=%v, want %v: %s", tt.a, tt.b, c.Score, c.Match, tt.want, c.Explanation)
		}
	}
}

// A number written in digits, as an ordinal or in words is one number
// (rigour's ordinal table): "1st" and "First" agree, 3 and 4 do not.
func TestNumbersInWordsAndDigits(t *testing.T) {
	checkPairs(t, testEngine(), []pairCase{
		{"1st Capital Bank", "First Capital Bank", entity.Organization, true},
		{"Three Rivers Shipping", "3 Rivers Shipping", entity.Organization, true},
		{"Snow Star 3", "Snow Star Three", entity.Vessel, true},
		{"Snow Star 3", "Snow Star Four", entity.Vessel, false},
		{"Second Baltic Fund", "2nd Baltic Fund", entity.Organization, true},
		{"Second Baltic Fund", "3rd Baltic Fund", entity.Organization, false},
	})
}

package gentables

import (
	"maps"
	"slices"
	"testing"
)

// TestExtraLegalAgreesWithRigour checks that the hand-kept legal forms give
// the class rigour's table gives the same phrase, so that the two sources
// never split one legal form into two classes.
func TestExtraLegalAgreesWithRigour(t *testing.T) {
	var ot yamlOrgTypes
	if err := decode("../../data", "names__org_types.yml", &ot); err != nil {
		t.Fatal(err)
	}
	rigour := map[string]string{}
	for _, ty := range ot.Types {
		class := ty.Generic
		if class == "" {
			class = ty.Compare
		}
		if class == "" {
			class = ty.Display
		}
		for _, a := range ty.Aliases {
			p := phraseOf(a)
			if _, ok := rigour[p]; !ok {
				rigour[p] = phraseOf(class)
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(extraLegal)) {
		if r, ok := rigour[k]; ok && r != extraLegal[k] {
			t.Errorf("legal form %q: extraLegal class %q, rigour class %q", k, extraLegal[k], r)
		}
	}
}

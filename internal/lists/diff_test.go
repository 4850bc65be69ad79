package lists_test

import (
	"slices"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func parseSDN(t *testing.T, dir string) *entity.Dataset {
	t.Helper()
	files := parse.Files{}
	for _, f := range sdnFiles {
		files[f] = sharedtest.Read(t, dir+f)
	}
	ds, err := ofac.ParseCSV(files, "us_ofac_sdn")
	if err != nil {
		t.Fatalf("parse %s: %v", dir, err)
	}
	return ds
}

// TestDiffOFAC2019To2021 compares the two full SDN sets of 2019-01 and
// 2021-07 and checks the change set against the id sets computed apart.
func TestDiffOFAC2019To2021(t *testing.T) {
	t.Parallel()
	old, cur := parseSDN(t, sdn2019), parseSDN(t, sdn2021)
	cs := lists.Diff(old, cur)
	t.Logf("SDN 2019-01 (%d) -> 2021-07 (%d): %d added, %d removed, %d changed",
		len(old.Entities), len(cur.Entities), len(cs.Added), len(cs.Removed), len(cs.Changed))

	inOld := make(map[string]bool)
	for _, e := range old.Entities {
		inOld[e.ID] = true
	}
	common := 0
	for _, e := range cur.Entities {
		if inOld[e.ID] {
			common++
		}
	}
	if got, want := len(cs.Added), len(cur.Entities)-common; got != want {
		t.Errorf("added = %d, want %d", got, want)
	}
	if got, want := len(cs.Removed), len(old.Entities)-common; got != want {
		t.Errorf("removed = %d, want %d", got, want)
	}
	// Two and a half years of designations: thousands added, hundreds
	// delisted, and many entries amended.
	if len(cs.Added) < 1000 || len(cs.Removed) < 100 || len(cs.Changed) < 100 || len(cs.Changed) >= common {
		t.Errorf("implausible change set: +%d -%d ~%d of %d common", len(cs.Added), len(cs.Removed), len(cs.Changed), common)
	}
	fieldCount := make(map[string]int)
	for _, c := range cs.Changed {
		if len(c.Fields) == 0 || c.Old == nil || c.New == nil || c.Old.ID != c.ID {
			t.Fatalf("change %s is incomplete: %+v", c.ID, c)
		}
		for _, f := range c.Fields {
			fieldCount[f]++
		}
	}
	t.Logf("changed fields: %v", fieldCount)
	if !slices.IsSortedFunc(cs.Added, func(a, b *entity.Entity) int { return compare(a.ID, b.ID) }) {
		t.Error("added entities are not sorted by id")
	}
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestDiffSemantic(t *testing.T) {
	base := func() *entity.Entity {
		return &entity.Entity{
			ID: "x:1", Source: "x", SourceID: "1", Type: entity.Person, Name: "DOE, John",
			Names: []entity.Name{
				{Full: "DOE, John", Kind: entity.NamePrimary, Quality: entity.Strong},
				{Full: "Johnny", Kind: entity.NameAlias, Quality: entity.Weak},
				{Full: "J. Doe", Kind: entity.NameAlias, Quality: entity.Strong},
			},
			Programs:    []string{"SDGT", "IRAN"},
			Identifiers: []entity.Identifier{{Type: entity.IDPassport, Number: "A1"}, {Type: entity.IDNationalID, Number: "N2"}},
			BirthDates:  []entity.Date{{Year: 1961, Month: 12, Day: 22}},
			Addresses:   []entity.Address{{City: "Tehran", Country: "IR"}},
			Remarks:     "DOB 22 Dec 1961;  nationality Iran.",
			Raw:         "1,\"DOE, John\"",
		}
	}
	tests := []struct {
		name   string
		change func(e *entity.Entity)
		want   []string
	}{
		{"Identical", func(e *entity.Entity) {}, nil},
		{"ReorderedAndRaw", func(e *entity.Entity) {
			e.Names[1], e.Names[2] = e.Names[2], e.Names[1]
			e.Programs = []string{"IRAN", "SDGT"}
			e.Identifiers[0], e.Identifiers[1] = e.Identifiers[1], e.Identifiers[0]
			e.Raw = "different raw text"
			e.Remarks = "DOB 22 Dec 1961; nationality Iran."
		}, nil},
		{"Program", func(e *entity.Entity) { e.Programs = append(e.Programs, "NPWMD") }, []string{"programs"}},
		{"AliasQuality", func(e *entity.Entity) { e.Names[1].Quality = entity.Strong }, []string{"names"}},
		{"Identifier", func(e *entity.Entity) { e.Identifiers[0].Number = "A9" }, []string{"identifiers"}},
		{"BirthDate", func(e *entity.Entity) { e.BirthDates[0].Day = 23 }, []string{"birth_dates"}},
		{"AddressAndRemarks", func(e *entity.Entity) {
			e.Addresses[0].City = "Isfahan"
			e.Remarks += " Linked To: ACME."
		}, []string{"addresses", "remarks"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := base()
			tt.change(n)
			cs := lists.Diff(&entity.Dataset{Source: "x", Entities: []*entity.Entity{base()}},
				&entity.Dataset{Source: "x", Entities: []*entity.Entity{n}})
			if len(cs.Added)+len(cs.Removed) != 0 {
				t.Fatalf("added %d removed %d, want 0", len(cs.Added), len(cs.Removed))
			}
			var got []string
			if len(cs.Changed) == 1 {
				got = cs.Changed[0].Fields
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("changed fields = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDiffAddedRemoved(t *testing.T) {
	a := &entity.Entity{ID: "x:1", Source: "x", SourceID: "1", Name: "A"}
	b := &entity.Entity{ID: "x:2", Source: "x", SourceID: "2", Name: "B"}
	cs := lists.Diff(&entity.Dataset{Source: "x", Version: "v1", Entities: []*entity.Entity{a}},
		&entity.Dataset{Source: "x", Version: "v2", Entities: []*entity.Entity{b}})
	if len(cs.Added) != 1 || cs.Added[0].ID != "x:2" || len(cs.Removed) != 1 || cs.Removed[0].ID != "x:1" {
		t.Errorf("got +%v -%v, want +x:2 -x:1", cs.Added, cs.Removed)
	}
	if cs.From != "v1" || cs.To != "v2" || cs.Source != "x" {
		t.Errorf("got %s %s -> %s, want x v1 -> v2", cs.Source, cs.From, cs.To)
	}
}

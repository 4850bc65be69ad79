package entity

import (
	"testing"
)

func hashSample() *Entity {
	return &Entity{
		ID: "us_ofac_sdn:1", Source: "us_ofac_sdn", SourceID: "1", Type: Person, Name: "Ali Rezaei",
		Names: []Name{{Full: "Ali Rezaei", Kind: NamePrimary, Quality: Strong},
			{Full: "Ali Rezai", Kind: NameAlias, Quality: Strong}, {Full: "A. Rezaei", Kind: NameAlias, Quality: Weak}},
		BirthDates:  []Date{{Year: 1970, Month: 1, Day: 2}, {Year: 1971}},
		Identifiers: []Identifier{{Type: IDPassport, Number: "A1"}, {Type: IDNationalID, Number: "N2"}},
		Programs:    []string{"SDGT", "IRAN"},
		Raw:         "<entry>...</entry>",
	}
}

func TestContentHashIgnoresOrderAndRaw(t *testing.T) {
	a, b := hashSample(), hashSample()
	b.Names[1], b.Names[2] = b.Names[2], b.Names[1]
	b.BirthDates[0], b.BirthDates[1] = b.BirthDates[1], b.BirthDates[0]
	b.Identifiers[0], b.Identifiers[1] = b.Identifiers[1], b.Identifiers[0]
	b.Programs = []string{"IRAN", "SDGT"}
	b.Raw = "IRAN,SDGT,..."
	if a.ContentHash() != b.ContentHash() {
		t.Fatalf("reordered entry hashes differently:\n%s\n%s", a.Canonical(), b.Canonical())
	}
	if a.Names[1].Full != "Ali Rezai" || a.Programs[0] != "SDGT" {
		t.Fatal("Canonical changed the entity it was given")
	}
}

func TestContentHashSeesEveryChange(t *testing.T) {
	base := hashSample().ContentHash()
	changes := map[string]func(e *Entity){
		"name":        func(e *Entity) { e.Names[1].Full = "Ali Rezaie" },
		"quality":     func(e *Entity) { e.Names[2].Quality = Strong },
		"dob":         func(e *Entity) { e.BirthDates[1].Year = 1972 },
		"identifier":  func(e *Entity) { e.Identifiers[0].Number = "A2" },
		"program":     func(e *Entity) { e.Programs = append(e.Programs, "NPWMD") },
		"address":     func(e *Entity) { e.Addresses = []Address{{City: "Tehran", Country: "IR"}} },
		"nationality": func(e *Entity) { e.Nationalities = []string{"IR"} },
		"remarks":     func(e *Entity) { e.Remarks = "linked to IRGC" },
		"property":    func(e *Entity) { e.AddProperty("license", "presumption of denial") },
		"primary":     func(e *Entity) { e.Names[0], e.Names[1] = e.Names[1], e.Names[0] },
	}
	for name, change := range changes {
		e := hashSample()
		change(e)
		if e.ContentHash() == base {
			t.Errorf("%s change left the hash unchanged", name)
		}
	}
}

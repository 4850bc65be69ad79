package ofac_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func TestParseAdvancedExcerpt(t *testing.T) {
	f, err := os.Open(sharedtest.Path(t, advancedXML))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ds, err := ofac.ParseAdvanced(f, filepath.Base(advancedXML), "us_ofac_sdn")
	if err != nil {
		t.Fatalf("ParseAdvanced: %v", err)
	}
	validateAll(t, ds)
	if ds.Published != "2026-09-09" {
		t.Errorf("Published = %q, want 2026-09-09", ds.Published)
	}
	if len(ds.Entities) != 4 || len(ds.Notes) != 0 {
		t.Fatalf("entities, notes = %d, %q; want 4, none", len(ds.Entities), ds.Notes)
	}
	m := byID(ds)

	t.Run("Organization36", func(t *testing.T) {
		e := mustEntity(t, m, "36")
		if e.ID != "us_ofac_sdn:36" || e.Name != "AEROCARIBBEAN AIRLINES" || e.Type != entity.Organization {
			t.Errorf("id, name, type = %q, %q, %q", e.ID, e.Name, e.Type)
		}
		if n, ok := findName(e, "AERO-CARIBBEAN"); !ok || n.Kind != entity.NameAlias || n.Quality != entity.Strong {
			t.Errorf("AERO-CARIBBEAN = %+v, %v", n, ok)
		}
		if len(e.Addresses) != 1 || e.Addresses[0].City != "Havana" || e.Addresses[0].Country != "CU" {
			t.Errorf("Addresses = %+v, want Havana, CU", e.Addresses)
		}
		if !slices.Equal(e.Programs, []string{"CUBA"}) || e.ListedOn.String() != "1986-12-10" {
			t.Errorf("programs, listed = %q, %s", e.Programs, e.ListedOn)
		}
	})
	t.Run("Individual2677", func(t *testing.T) {
		e := mustEntity(t, m, "2677")
		if e.Type != entity.Person || e.Name != "Al-Zomor, Abboud Abdul Latif Hassan" {
			t.Errorf("type, name = %q, %q", e.Type, e.Name)
		}
		if e.Names[0].Family != "Al-Zomor" || e.Names[0].Given != "Abboud Abdul Latif Hassan" || e.Names[0].Script != "Latn" {
			t.Errorf("primary name parts = %+v", e.Names[0])
		}
		arabic := slices.IndexFunc(e.Names, func(n entity.Name) bool { return n.Script == "Arab" })
		if arabic < 0 || e.Names[arabic].Kind != entity.NameAlias {
			t.Errorf("no Arabic-script alias in %+v", e.Names)
		}
		if len(e.Names) != 7 {
			t.Errorf("names = %d, want 7 (primary, Arabic, 5 a.k.a.)", len(e.Names))
		}
		if len(e.BirthDates) != 1 || e.BirthDates[0].String() != "1947-04-19" {
			t.Errorf("BirthDates = %+v", e.BirthDates)
		}
		if !slices.Equal(e.BirthPlaces, []string{"Nahia, Giza, Egypt"}) || !slices.Equal(e.Nationalities, []string{"EG"}) || e.Gender != "Male" {
			t.Errorf("POB, nationality, gender = %q, %q, %q", e.BirthPlaces, e.Nationalities, e.Gender)
		}
		if !e.SecondarySanctions || len(e.Properties["secondary_sanctions_risk"]) != 1 {
			t.Errorf("secondary sanctions = %v, %q", e.SecondarySanctions, e.Properties["secondary_sanctions_risk"])
		}
		if !slices.Equal(e.Programs, []string{"SDGT"}) || e.ListedOn.String() != "1995-01-23" {
			t.Errorf("programs, listed = %q, %s", e.Programs, e.ListedOn)
		}
	})
	t.Run("Vessel4238", func(t *testing.T) {
		e := mustEntity(t, m, "4238")
		want := entity.VesselInfo{CallSign: "CL2192", Type: "Tug", Flag: "Cuba", Owner: "Samir de Navegacion S.A.", GRT: "212"}
		if e.Type != entity.Vessel || e.Name != "MAR AZUL" || e.Vessel == nil || *e.Vessel != want {
			t.Errorf("type, name, vessel = %q, %q, %+v; want vessel %+v", e.Type, e.Name, e.Vessel, want)
		}
	})
	t.Run("Aircraft15432", func(t *testing.T) {
		e := mustEntity(t, m, "15432")
		if e.Type != entity.Aircraft || e.Name != "EP-GOL" {
			t.Errorf("type, name = %q, %q", e.Type, e.Name)
		}
		if !hasID(e, entity.IDAircraft, "1013409297", "") || !hasID(e, entity.IDAircraft, "8305", "") {
			t.Errorf("Identifiers = %+v, want MSN 1013409297 and construction number 8305", e.Identifiers)
		}
		for key, want := range map[string]string{"aircraft_model": "IL-76TD", "aircraft_operator": "YAS AIR", "aircraft_manufacture_date": "1991"} {
			if got := e.Properties[key]; !slices.Equal(got, []string{want}) {
				t.Errorf("%s = %q, want [%s]", key, got, want)
			}
		}
	})
}

// testdata/advanced.xml is the excerpt with two IDRegDocuments and two
// ProfileRelationships added (the excerpt has none), one of which points
// at a missing profile.
func TestParseAdvancedRelationsAndDocuments(t *testing.T) {
	ds, err := ofac.ParseAdvanced(bytes.NewReader(snippet(t, "advanced.xml")), "advanced.xml", "us_ofac_sdn")
	if err != nil {
		t.Fatalf("ParseAdvanced: %v", err)
	}
	validateAll(t, ds)
	m := byID(ds)
	air := mustEntity(t, m, "15432")
	want := entity.Relation{Kind: "owned_or_controlled_by", Name: "Al-Zomor, Abboud Abdul Latif Hassan", EntityID: "us_ofac_sdn:2677"}
	if !slices.Equal(air.Relations, []entity.Relation{want}) {
		t.Errorf("Relations = %+v, want [%+v]", air.Relations, want)
	}
	if wantNote := "advanced.xml: 1 relationships refer to profiles not in DistinctParties; not applied"; !slices.Equal(ds.Notes, []string{wantNote}) {
		t.Errorf("Notes = %q, want [%q]", ds.Notes, wantNote)
	}
	p := mustEntity(t, m, "2677")
	wantID := entity.Identifier{Type: entity.IDPassport, Label: "Passport", Number: "A1234567", Country: "EG", Issued: "2010-01-02"}
	if !slices.Contains(p.Identifiers, wantID) {
		t.Errorf("Identifiers = %+v, want %+v", p.Identifiers, wantID)
	}
	if v := mustEntity(t, m, "4238"); !hasID(v, entity.IDIMO, "7406784", "") {
		t.Errorf("vessel Identifiers = %+v, want IMO 7406784", v.Identifiers)
	}
}

// testdata/advanced-small.xml is written by hand in the excerpt's shape
// to reach what the excerpt lacks: a low-quality alias, an approximate
// year of birth, a relationship and a document.
func TestParseAdvancedSmall(t *testing.T) {
	ds, err := ofac.ParseAdvanced(bytes.NewReader(snippet(t, "advanced-small.xml")), "advanced-small.xml", "us_ofac_sdn")
	if err != nil {
		t.Fatalf("ParseAdvanced: %v", err)
	}
	validateAll(t, ds)
	m := byID(ds)
	e := mustEntity(t, m, "2677")
	if e.Name != "ZUMAR, Abbud" || e.Type != entity.Person || e.Gender != "Male" {
		t.Errorf("name, type, gender = %q, %q, %q", e.Name, e.Type, e.Gender)
	}
	if n, ok := findName(e, "ABU"); !ok || n.Quality != entity.Weak {
		t.Errorf("ABU = %+v, %v; want weak alias", n, ok)
	}
	if len(e.BirthDates) != 1 || e.BirthDates[0].String() != "1947" || !e.BirthDates[0].Circa {
		t.Errorf("BirthDates = %+v, want circa 1947", e.BirthDates)
	}
	if !slices.Equal(e.Nationalities, []string{"EG"}) || !hasID(e, entity.IDPassport, "A1", "EG") {
		t.Errorf("nationalities, ids = %q, %+v", e.Nationalities, e.Identifiers)
	}
	want := []entity.Relation{{Kind: "associate_of", Name: "AEROCARIBBEAN AIRLINES", EntityID: "us_ofac_sdn:36"}}
	if !slices.Equal(e.Relations, want) {
		t.Errorf("Relations = %+v, want %+v", e.Relations, want)
	}
	if !slices.Equal(e.Programs, []string{"SDGT"}) || e.ListedOn.String() != "1995-01-23" {
		t.Errorf("programs, listed = %q, %s", e.Programs, e.ListedOn)
	}
	if o := mustEntity(t, m, "36"); o.Type != entity.Unknown {
		t.Errorf("36 type = %q, want unknown: its PartySubType is not in the lookups", o.Type)
	}
}

func TestParseAdvancedErrors(t *testing.T) {
	good := string(snippet(t, "advanced.xml"))
	party := strings.Index(good, `FixedRef="2677"`)
	secondParty := good[strings.LastIndex(good[:party], "<DistinctParty "):]
	secondParty = secondParty[:strings.Index(secondParty, "</DistinctParty>")+len("</DistinctParty>")]
	dup := strings.Replace(good, secondParty, secondParty+"\n"+secondParty, 1)
	tests := []struct {
		name  string
		data  string
		line  int
		field string
		want  error
	}{
		{"Empty", "", 0, "", parse.ErrEmpty},
		{"CSVGiven", string(snippet(t, "sdn.csv")), 1, "", parse.ErrFormat},
		{"ClassicXMLGiven", string(snippet(t, "classic.xml")), 0, "", parse.ErrFormat},
		{"TruncatedMidParty", good[:party+2000], 0, "", parse.ErrTruncated},
		{"TruncatedBetweenSections", good[:strings.Index(good, "<SanctionsEntries>")], 0, "", parse.ErrTruncated},
		{"DeeplyNested", "<Sanctions><DistinctParties>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</DistinctParties></Sanctions>", 1, "", parse.ErrTooDeep},
		{"HugeText", "<Sanctions><DistinctParties><DistinctParty FixedRef=\"1\"><Comment>" + strings.Repeat("A", 2<<20) + "</Comment></DistinctParty></DistinctParties></Sanctions>", 1, "", parse.ErrTooLarge},
		{"InvalidUTF8", "<Sanctions>\n<DistinctParties>\n<DistinctParty FixedRef=\"1\"><Comment>\xe9</Comment></DistinctParty></DistinctParties></Sanctions>", 3, "", parse.ErrInvalidUTF8},
		{"NonNumericFixedRef", "<Sanctions>\n<DistinctParties>\n<DistinctParty FixedRef=\"x1\"><Profile ID=\"1\"/></DistinctParty></DistinctParties></Sanctions>", 3, "FixedRef", parse.ErrFormat},
		{"DuplicateFixedRef", dup, 0, "FixedRef", nil},
		{"NoName", "<Sanctions>\n<DistinctParties>\n<DistinctParty FixedRef=\"1\"><Profile ID=\"1\"/></DistinctParty></DistinctParties></Sanctions>", 3, "Identity", parse.ErrFormat},
		{"NoProfile", "<Sanctions>\n<DistinctParties>\n<DistinctParty FixedRef=\"1\"></DistinctParty></DistinctParties></Sanctions>", 3, "Profile", parse.ErrFormat},
		{"NoParties", "<Sanctions>\n<DateOfIssue><Year>2026</Year><Month>9</Month><Day>9</Day></DateOfIssue><DistinctParties></DistinctParties></Sanctions>", 0, "", parse.ErrEmpty},
		{"BadDateOfIssue", "<Sanctions>\n<DateOfIssue><Year>20x6</Year></DateOfIssue></Sanctions>", 2, "DateOfIssue", parse.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := ofac.ParseAdvanced(strings.NewReader(tt.data), "SDN_ADVANCED.XML", "us_ofac_sdn")
			if ds != nil {
				t.Errorf("got a dataset with the error")
			}
			parseErr(t, err, "SDN_ADVANCED.XML", tt.line, tt.field, tt.want)
		})
	}
}

func BenchmarkParseAdvanced(b *testing.B) {
	data := sharedtest.Read(b, advancedXML)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ofac.ParseAdvanced(bytes.NewReader(data), "excerpt.xml", "us_ofac_sdn"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

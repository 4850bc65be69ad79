package un_test

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/listtest"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/lists/un"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const fullFile = "data/lists/official-samples/un-consolidated-xml/consolidated.xml"

var full struct {
	once sync.Once
	ds   *entity.Dataset
	err  error
}

// parseFull parses the full UN file once for all tests, which only read
// the result.
func parseFull(t testing.TB) *entity.Dataset {
	t.Helper()
	data := sharedtest.Read(t, fullFile)
	full.once.Do(func() { full.ds, full.err = un.Parse(data, "consolidated.xml") })
	if full.err != nil {
		t.Fatalf("Parse: %v", full.err)
	}
	return full.ds
}

func byID(ds *entity.Dataset) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity, len(ds.Entities))
	for _, e := range ds.Entities {
		m[e.SourceID] = e
	}
	return m
}

func TestParseFullFile(t *testing.T) {
	ds := parseFull(t)
	if ds.Source != "un_sc" || ds.Published != "2026-02-27" {
		t.Errorf("source, published = %q, %q; want un_sc, 2026-02-27", ds.Source, ds.Published)
	}
	counts := ds.Counts()
	if counts[entity.Person] != 730 || counts[entity.Organization] != 273 || len(counts) != 2 {
		t.Errorf("counts = %v; want 730 persons and 273 organizations", counts)
	}
	var weak, former, original int
	for _, e := range ds.Entities {
		if err := e.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
		for _, n := range e.Names {
			switch {
			case n.Quality == entity.Weak:
				weak++
			case n.Kind == entity.NameFormer:
				former++
			case n.Note == "original script":
				original++
			}
		}
		if !strings.HasPrefix(e.Raw, "<INDIVIDUAL>") && !strings.HasPrefix(e.Raw, "<ENTITY>") {
			t.Errorf("%s: Raw starts %.30q; want the published element", e.ID, e.Raw)
		}
		if !strings.Contains(e.Raw, "<REFERENCE_NUMBER>"+e.SourceID) {
			t.Errorf("%s: Raw does not hold its own reference number", e.ID)
		}
	}
	// Counted in the file with an independent script: distinct QUALITY Low
	// aliases per record, f.k.a. aliases, and NAME_ORIGINAL_SCRIPT values
	// (378, one of which, QDe.164, repeats the primary name).
	if weak != 615 || former != 19 || original != 377 {
		t.Errorf("weak, former, original-script names = %d, %d, %d; want 615, 19, 377", weak, former, original)
	}
}

func TestParseKnownIndividual(t *testing.T) {
	e := byID(parseFull(t))["QDi.020"]
	if e == nil {
		t.Fatal("QDi.020 not found")
	}
	check := func(field string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v; want %#v", field, got, want)
		}
	}
	check("ID", e.ID, "un_sc:QDi.020")
	check("Type", e.Type, entity.Person)
	check("Name", e.Name, "MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL")
	check("Names", e.Names, []entity.Name{
		{Full: "MOHAMMAD HAMDI MOHAMMAD SADIQ AL-AHDAL", Kind: entity.NamePrimary, Quality: entity.Strong},
		{Full: "محمد حمدي محمد صادق الأهدل", Kind: entity.NameAlias, Quality: entity.Strong, Script: "Arab", Note: "original script"},
		{Full: "Al-Hamati, Muhammad", Kind: entity.NameAlias, Quality: entity.Strong},
		{Full: "Muhammad Muhammad Abdullah Al-Ahdal", Kind: entity.NameAlias, Quality: entity.Strong},
		{Full: "Mohamed Mohamed Abdullah Al-Ahdal", Kind: entity.NameAlias, Quality: entity.Strong},
		{Full: "Abu Asim Al-Makki", Kind: entity.NameAlias, Quality: entity.Weak},
		{Full: "Ahmed", Kind: entity.NameAlias, Quality: entity.Weak},
	})
	check("BirthDates", e.BirthDates, []entity.Date{{Year: 1971, Month: 11, Day: 19, Text: "1971-11-19"}})
	check("BirthPlaces", e.BirthPlaces, []string{"Medina, Saudi Arabia"})
	check("Nationalities", e.Nationalities, []string{"YE"})
	check("Identifiers", e.Identifiers, []entity.Identifier{
		{Type: entity.IDPassport, Label: "Passport", Number: "541939", Country: "YE", Issued: "2000-07-31", Note: "Al-Hudaydah; in the name of Muhammad Muhammad Abdullah Al-Ahdal"},
		{Type: entity.IDNationalID, Label: "National Identification Number / Yemeni identity card number", Number: "216040"},
	})
	check("Addresses", e.Addresses, []entity.Address{{
		Full: "Jamal street, Al-Dahima alley, Al-Hudaydah, Yemen", Street: "Jamal street, Al-Dahima alley",
		City: "Al-Hudaydah", Country: "YE", CountryName: "Yemen",
	}})
	check("Programs", e.Programs, []string{"Al-Qaida", "UN List"})
	check("ListedOn", e.ListedOn.String(), "2001-10-17")
	check("Relations", e.Relations, []entity.Relation{{Kind: "linked_to", EntityID: "un_sc:QDe.004"}})
	check("un_reference", e.Properties["un_reference"], []string{"QDi.020"})
	if !strings.HasPrefix(e.Remarks, "Responsible for the finances of Al-Qa’ida (QDe.004) in Yemen.") {
		t.Errorf("Remarks = %.60q...; want COMMENTS1", e.Remarks)
	}
}

func TestParseDetails(t *testing.T) {
	m := byID(parseFull(t))
	tests := []struct {
		name string
		id   string
		get  func(*entity.Entity) any
		want any
	}{
		{"YearRange", "CDi.030", func(e *entity.Entity) any { return e.BirthDates }, []entity.Date{{Year: 1973, YearTo: 1974, Text: "1973-1974"}}},
		{"YearOnly", "CDi.001", func(e *entity.Entity) any { return e.BirthDates }, []entity.Date{{Year: 1971, Text: "1971"}}},
		{"Approximately", "CDi.014", func(e *entity.Entity) any { return e.BirthDates }, []entity.Date{{Year: 1962, Month: 3, Day: 17, Text: "1962-03-17"}, {Year: 1966, Circa: true, Text: "1966"}}},
		{"FrenchPassportLabel", "KPi.008", func(e *entity.Entity) any { return e.Identifiers[0] }, entity.Identifier{Type: entity.IDPassport, Label: "Numéro de passeport", Number: "645120196", Country: "KP"}},
		{"Gender", "CDi.001", func(e *entity.Entity) any { return e.Gender }, "male"},
		{"EntityFormerName", "CDe.001", func(e *entity.Entity) any { return e.Names[2] }, entity.Name{Full: "Forces Démocratiques Alliées-Armée Nationale de Libération de l’Ouganda", Kind: entity.NameFormer, Quality: entity.Strong}},
		{"EntityAKA", "CDe.001", func(e *entity.Entity) any { return e.Names[1] }, entity.Name{Full: "Allied Democratic Forces", Kind: entity.NameAlias, Quality: entity.Strong}},
		{"EntityRelations", "CDe.001", func(e *entity.Entity) any { return e.Relations }, []entity.Relation{{Kind: "linked_to", EntityID: "un_sc:CDi.015"}, {Kind: "linked_to", EntityID: "un_sc:CDi.036"}}},
		{"Positions", "CDi.003", func(e *entity.Entity) any { return e.Positions }, []string{"FDLR Interim President", "FDLR-FOCA 1st Vice-President", "FDLR-FOCA Major General"}},
		{"AddressNote", "CDi.001", func(e *entity.Entity) any { return e.Addresses[0].Note }, "as of early 2016"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := m[tt.id]
			if e == nil {
				t.Fatalf("%s not found", tt.id)
			}
			if got := tt.get(e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v; want %#v", tt.id, got, tt.want)
			}
		})
	}
}

const minimal = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-02-27T00:00:09.554Z">
<INDIVIDUALS>
<INDIVIDUAL>
<DATAID>1</DATAID>
<FIRST_NAME>JOHN</FIRST_NAME>
<SECOND_NAME>DOE</SECOND_NAME>
<UN_LIST_TYPE>DRC</UN_LIST_TYPE>
<REFERENCE_NUMBER>CDi.999</REFERENCE_NUMBER>
<LISTED_ON>2012-12-31</LISTED_ON>
</INDIVIDUAL>
</INDIVIDUALS>
<ENTITIES/>
</CONSOLIDATED_LIST>
`

func TestParseErrors(t *testing.T) {
	tests := []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "Blank", Data: "  \n ", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "Truncated", Data: minimal[:len(minimal)/2], WantErr: parse.ErrTruncated, Want: "truncated", Line: true},
		{Name: "WrongFormat", Data: `<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity/></export>`, WantErr: parse.ErrFormat, Want: "root element is export", Line: true},
		{Name: "NotXML", Data: "_id,source,name\n1,SDN,X\n", WantErr: parse.ErrFormat, Want: "not an XML list", Line: true},
		{Name: "NoRecords", Data: `<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS/></CONSOLIDATED_LIST>`, WantErr: parse.ErrFormat, Want: "no INDIVIDUAL"},
		{Name: "DeepNesting", Data: "<CONSOLIDATED_LIST>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</CONSOLIDATED_LIST>", WantErr: parse.ErrTooDeep, Want: "nested", Line: true},
		{Name: "HugeField", Data: strings.Replace(minimal, "JOHN", strings.Repeat("J", parse.MaxFieldSize+10), 1), WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimal, "JOHN", "JO\xffHN", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "BadDate", Data: strings.Replace(minimal, "2012-12-31", "31/12/2012", 1), Want: "LISTED_ON", Line: true},
		{Name: "NoName", Data: strings.Replace(strings.Replace(minimal, "<FIRST_NAME>JOHN</FIRST_NAME>", "", 1), "<SECOND_NAME>DOE</SECOND_NAME>", "", 1), Want: "no name", Line: true},
		{Name: "NoReference", Data: strings.Replace(strings.Replace(minimal, "<DATAID>1</DATAID>", "", 1), "<REFERENCE_NUMBER>CDi.999</REFERENCE_NUMBER>", "", 1), Want: "REFERENCE_NUMBER", Line: true},
		{Name: "Duplicate", Data: strings.Replace(minimal, "</INDIVIDUALS>", "<INDIVIDUAL><FIRST_NAME>X</FIRST_NAME><REFERENCE_NUMBER>CDi.999</REFERENCE_NUMBER></INDIVIDUAL></INDIVIDUALS>", 1), Want: "duplicate", Line: true},
		{Name: "BadQuality", Data: strings.Replace(minimal, "<LISTED_ON>", "<INDIVIDUAL_ALIAS><QUALITY>Great</QUALITY><ALIAS_NAME>X</ALIAS_NAME></INDIVIDUAL_ALIAS><LISTED_ON>", 1), Want: "QUALITY", Line: true},
		{Name: "Doctype", Data: `<!DOCTYPE x [<!ENTITY a "b">]>` + minimal[strings.Index(minimal, "<CONSOLIDATED_LIST"):], WantErr: parse.ErrFormat, Want: "DOCTYPE", Line: true},
	}
	listtest.Errors(t, un.Parse, "in.xml", tests)
}

func TestParseMinimal(t *testing.T) {
	ds, err := un.Parse([]byte(minimal), "min.xml")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if len(ds.Entities) != 1 || ds.Entities[0].ID != "un_sc:CDi.999" || ds.Entities[0].Names[0].Family != "DOE" {
		t.Errorf("got %+v; want one entity un_sc:CDi.999 with family name DOE", ds.Entities)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`<CONSOLIDATED_LIST dateGenerated="2026-02-27"><ENTITIES><ENTITY><FIRST_NAME>A</FIRST_NAME><REFERENCE_NUMBER>QDe.001</REFERENCE_NUMBER><ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>B</ALIAS_NAME></ENTITY_ALIAS></ENTITY></ENTITIES></CONSOLIDATED_LIST>`))
	f.Add([]byte(`<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>A</FIRST_NAME><DATAID>7</DATAID><INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1973</FROM_YEAR><TO_YEAR>1974</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH><INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>1</NUMBER></INDIVIDUAL_DOCUMENT></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := un.Parse(data, "fuzz.xml")
		listtest.CheckFuzz(t, ds, err)
	})
}

func BenchmarkParseUN(b *testing.B) {
	data := sharedtest.Read(b, fullFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := un.Parse(data, "consolidated.xml"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestGolden(t *testing.T) {
	ds := parseFull(t)
	m := byID(ds)
	var ents []*entity.Entity
	for _, id := range []string{"CDi.001", "CDi.030", "QDi.020", "IQi.001", "CDe.001", "KPe.023", "QDe.164"} {
		if m[id] == nil {
			t.Fatalf("%s not found", id)
		}
		ents = append(ents, m[id])
	}
	listtest.Golden(t, "consolidated-selected.golden.json", ds, ents)
}

package uk_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/listtest"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/lists/uk"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	excerptXML = "data/lists/official-samples/uk-sanctions-list-xml/uk-sanctions-list-excerpt-2026-09-10.xml"
	excerptCSV = "testdata/uk-sanctions-list-excerpt-2026-09-10.csv"
)

func parseXML(t testing.TB) *entity.Dataset {
	t.Helper()
	ds, err := uk.ParseXML(sharedtest.Read(t, excerptXML), "uk.xml")
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	return ds
}

func TestParseXMLExcerpt(t *testing.T) {
	ds := parseXML(t)
	if ds.Source != "gb_fcdo" || ds.Published != "2026-09-10" {
		t.Errorf("source, published = %q, %q; want gb_fcdo, 2026-09-10", ds.Source, ds.Published)
	}
	var ids []string
	for _, e := range ds.Entities {
		ids = append(ids, e.SourceID)
		if err := e.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if !strings.HasPrefix(e.Raw, "<Designation>") || !strings.HasSuffix(e.Raw, "</Designation>") || !strings.Contains(e.Raw, e.SourceID) {
			t.Errorf("%s: Raw = %.40q...; want the Designation element", e.ID, e.Raw)
		}
	}
	if want := []string{"AFG0001", "AFG0006", "BEL0107", "DPR0075", "AQD0195"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v; want %v", ids, want)
	}
	if c := ds.Counts(); c[entity.Person] != 2 || c[entity.Organization] != 2 || c[entity.Vessel] != 1 {
		t.Errorf("counts = %v; want 2 persons, 2 organizations, 1 vessel", c)
	}
}

func TestParseXMLDetails(t *testing.T) {
	m := make(map[string]*entity.Entity)
	for _, e := range parseXML(t).Entities {
		m[e.SourceID] = e
	}
	tests := []struct {
		name string
		id   string
		get  func(*entity.Entity) any
		want any
	}{
		{"EntityName6", "AFG0001", func(e *entity.Entity) any { return e.Names[0] }, entity.Name{Full: "HAJI KHAIRULLAH MONEY EXCHANGE", Kind: entity.NamePrimary, Quality: entity.Strong}},
		{"NonLatinName", "AFG0001", func(e *entity.Entity) any { return e.Names[2] }, entity.Name{Full: "حاجی خيرالله صرافی", Kind: entity.NameAlias, Quality: entity.Strong, Script: "Arab"}},
		{"UNReference", "AFG0001", func(e *entity.Entity) any { return e.Properties["un_reference"] }, []string{"TAe.010"}},
		{"Phones", "AFG0001", func(e *entity.Entity) any { return e.Phones }, []string{"0202-104748"}},
		{"Emails", "AFG0001", func(e *entity.Entity) any { return e.Emails }, []string{"helmand_exchange_msp@yahoo.com"}},
		{"Addresses", "AFG0001", func(e *entity.Entity) any { return e.Addresses[1] }, entity.Address{Full: "Branch Office 14, Dubai, United Arab Emirates", Street: "Branch Office 14", City: "Dubai", Country: "AE", CountryName: "United Arab Emirates"}},
		{"Programs", "AFG0001", func(e *entity.Entity) any { return e.Programs }, []string{"The Afghanistan (Sanctions) (EU Exit) Regulations 2020"}},
		{"PersonNameParts", "AFG0006", func(e *entity.Entity) any { return e.Names[0] }, entity.Name{Full: "MOHAMMAD HASSAN AKHUND", Kind: entity.NamePrimary, Quality: entity.Strong, Given: "MOHAMMAD HASSAN", Family: "AKHUND"}},
		{"PartialDOBs", "AFG0006", func(e *entity.Entity) any { return e.BirthDates }, []entity.Date{{Year: 1958, Month: 5, Day: 12, Text: "12/05/1958"}, {Year: 1945, Text: "dd/mm/1945"}, {Year: 1946, Text: "1946"}}},
		{"RepeatedPassportOnce", "AFG0006", func(e *entity.Entity) any { return len(e.Identifiers) }, 2},
		{"Passport", "AFG0006", func(e *entity.Entity) any { return e.Identifiers[0].Type + " " + e.Identifiers[0].Number }, "passport P04581926"},
		{"NationalID", "AFG0006", func(e *entity.Entity) any { return e.Identifiers[1].Type + " " + e.Identifiers[1].Number }, "national_id 2132370"},
		{"Titles", "AFG0006", func(e *entity.Entity) any { return e.Titles }, []string{"Mullah", "Haji"}},
		{"Gender", "AFG0006", func(e *entity.Entity) any { return e.Gender }, "male"},
		{"Nationality", "AFG0006", func(e *entity.Entity) any { return e.Nationalities }, []string{"AF"}},
		{"BirthPlace", "AFG0006", func(e *entity.Entity) any { return e.BirthPlaces }, []string{"Pashmul village, Panjwai District, Afghanistan"}},
		{"ListedOn", "AFG0006", func(e *entity.Entity) any { return e.ListedOn.String() }, "2001-01-25"},
		{"SanctionsImposed", "AFG0006", func(e *entity.Entity) any { return e.Properties["sanctions_imposed"] }, []string{"Asset freeze", "Travel Ban"}},
		{"DesignationSource", "AFG0006", func(e *entity.Entity) any { return e.Properties["designation_source"] }, []string{"UK|UN"}},
		{"WeakAlias", "BEL0107", func(e *entity.Entity) any { return e.Names[2] }, entity.Name{Full: "BNK", Kind: entity.NameAlias, Quality: entity.Weak, Note: "Low quality a.k.a"}},
		{"GoodAlias", "BEL0107", func(e *entity.Entity) any { return e.Names[1].Quality }, entity.Strong},
		{"Registration", "BEL0107", func(e *entity.Entity) any { return e.Identifiers }, []entity.Identifier{{Type: entity.IDRegistration, Label: "Business registration number", Number: "UK Company no. 06527449"}}},
		{"Relations", "BEL0107", func(e *entity.Entity) any { return e.Relations }, []entity.Relation{{Kind: "parent", Name: "CJSC Belarusian Oil Company"}, {Kind: "parent", Name: "Belneftekhim"}, {Kind: "subsidiary", Name: "BNK (Deutschland) GmbH"}}},
		{"Website", "BEL0107", func(e *entity.Entity) any { return e.Websites }, []string{"http://www.belnaft.co.uk/"}},
		{"Indicators", "BEL0107", func(e *entity.Entity) any { return e.Properties["sanctions_indicators"] }, []string{"AssetFreeze", "DirectorDisqualificationSanction"}},
		{"ShipType", "DPR0075", func(e *entity.Entity) any { return e.Type }, entity.Vessel},
		{"ShipIMO", "DPR0075", func(e *entity.Entity) any { return e.Identifiers }, []entity.Identifier{{Type: entity.IDIMO, Label: "IMO number", Number: "9562233", Note: "IMO9562233"}}},
		{"ShipDetails", "DPR0075", func(e *entity.Entity) any { return *e.Vessel }, entity.VesselInfo{Type: "Bulk Carrier", Flag: "Comoros", Owner: "Global United Shipping India", Tonnage: "7078"}},
		{"ShipFlagCountry", "DPR0075", func(e *entity.Entity) any { return e.Countries }, []string{"KM"}},
		{"PreviousFlag", "DPR0075", func(e *entity.Entity) any { return e.Properties["previous_flags"] }, []string{"India"}},
		{"YearOnlyDOB", "AQD0195", func(e *entity.Entity) any { return e.BirthDates }, []entity.Date{{Year: 1972, Text: "dd/mm/1972"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := m[tt.id]
			if e == nil {
				t.Fatalf("entity %s not found", tt.id)
			}
			if got := tt.get(e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v; want %#v", tt.id, got, tt.want)
			}
		})
	}
}

// TestCSVMatchesXML checks that the CSV fixture, which encodes the same
// records as the XML excerpt (see testdata/README.md), gives the same
// entities. The CSV has no SanctionsImposedIndicators, only the Sanctions
// Imposed text, so that one property is left out of the comparison.
func TestCSVMatchesXML(t *testing.T) {
	fromXML := parseXML(t)
	data, err := os.ReadFile(excerptCSV)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	fromCSV, err := uk.ParseCSV(data, "uk.csv")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if fromCSV.Published != fromXML.Published {
		t.Errorf("CSV published = %q; want %q", fromCSV.Published, fromXML.Published)
	}
	if len(fromCSV.Entities) != len(fromXML.Entities) {
		t.Fatalf("CSV gave %d entities; XML %d", len(fromCSV.Entities), len(fromXML.Entities))
	}
	for i, want := range fromXML.Entities {
		got := *fromCSV.Entities[i]
		if err := got.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if !strings.HasPrefix(got.Raw, "Last Updated,Unique ID,") || !strings.Contains(got.Raw, ","+want.SourceID+",") {
			t.Errorf("%s: CSV Raw does not hold the header and the entity's rows", want.ID)
		}
		w := *want
		w.Properties = make(map[string][]string)
		for k, v := range want.Properties {
			if k != "sanctions_indicators" {
				w.Properties[k] = v
			}
		}
		got.Raw, w.Raw = "", ""
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(w, "", " ")
		if string(gj) != string(wj) {
			t.Errorf("%s: CSV entity differs from XML entity\nCSV: %s\nXML: %s", want.ID, gj, wj)
		}
	}
}

const minimalXML = `<?xml version="1.0" encoding="utf-8"?>
<Designations>
  <DateGenerated>10/09/2026</DateGenerated>
  <Designation>
    <DateDesignated>29/06/2012</DateDesignated>
    <UniqueID>RUS0001</UniqueID>
    <Names><Name><Name1>John</Name1><Name6>DOE</Name6><NameType>Primary Name</NameType></Name></Names>
    <IndividualEntityShip>Individual</IndividualEntityShip>
    <IndividualDetails><Individual><DOBs><DOB>dd/05/1958</DOB></DOBs></Individual></IndividualDetails>
  </Designation>
</Designations>
`

const minimalCSV = "Report Date: 13-Feb-2026\n" +
	"Last Updated,Unique ID,Name 6,Name 1,Name type,Designation Type,D.O.B\n" +
	"01/01/2026,RUS0001,DOE,John,Primary Name,Individual,dd/05/1958\n" +
	"01/01/2026,RUS0001,DOE,Johnny,Alias,Individual,\n"

func TestParseXMLErrors(t *testing.T) {
	listtest.Errors(t, uk.ParseXML, "in.file", []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "Truncated", Data: minimalXML[:len(minimalXML)*2/3], WantErr: parse.ErrTruncated, Want: "truncated", Line: true},
		{Name: "WrongFormatEU", Data: `<export xmlns="http://eu.europa.ec/fpi/fsd/export"><sanctionEntity/></export>`, WantErr: parse.ErrFormat, Want: "root element is export", Line: true},
		{Name: "WrongFormatCSV", Data: minimalCSV, WantErr: parse.ErrFormat, Want: "not an XML list", Line: true},
		{Name: "NoDesignations", Data: `<Designations><DateGenerated>10/09/2026</DateGenerated></Designations>`, WantErr: parse.ErrFormat, Want: "no Designation"},
		{Name: "DeepNesting", Data: "<Designations>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</Designations>", WantErr: parse.ErrTooDeep, Want: "nested", Line: true},
		{Name: "HugeField", Data: strings.Replace(minimalXML, "John", strings.Repeat("J", parse.MaxFieldSize+1), 1), WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimalXML, "John", "Jo\xffhn", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "NoUniqueID", Data: strings.Replace(minimalXML, "<UniqueID>RUS0001</UniqueID>", "", 1), Want: "UniqueID", Line: true},
		{Name: "NoName", Data: strings.Replace(minimalXML, "<Name1>John</Name1><Name6>DOE</Name6>", "", 1), Want: "no name", Line: true},
		{Name: "BadDOB", Data: strings.Replace(minimalXML, "dd/05/1958", "May 1958", 1), Want: "DOB", Line: true},
		{Name: "BadDateGenerated", Data: strings.Replace(minimalXML, "10/09/2026", "2026-09-10", 1), Want: "DateGenerated", Line: true},
		{Name: "BadType", Data: strings.Replace(minimalXML, ">Individual<", ">Planet<", 1), Want: "designation type", Line: true},
		{Name: "BadNameType", Data: strings.Replace(minimalXML, "Primary Name", "Nickname", 1), Want: "name type", Line: true},
		{Name: "Duplicate", Data: strings.Replace(minimalXML, "</Designations>", "<Designation><UniqueID>RUS0001</UniqueID><Names><Name><Name6>X</Name6></Name></Names></Designation></Designations>", 1), Want: "duplicate", Line: true},
	})
}

func TestParseCSVErrors(t *testing.T) {
	listtest.Errors(t, uk.ParseCSV, "in.file", []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "ReportDateOnly", Data: "Report Date: 13-Feb-2026\n", WantErr: parse.ErrFormat, Want: "no header"},
		{Name: "HeaderOnly", Data: strings.Join(strings.SplitAfter(minimalCSV, "\n")[:2], ""), WantErr: parse.ErrFormat, Want: "no data rows", Line: true},
		{Name: "WrongFormatEUCSV", Data: "fileGenerationDate;Entity_LogicalId\n2026-08-05;1\n", WantErr: parse.ErrFormat, Want: "Unique ID", Line: true},
		{Name: "WrongFormatXML", Data: minimalXML, WantErr: parse.ErrFormat, Line: true},
		{Name: "WrongColumnCount", Data: minimalCSV + "01/01/2026,RUS0002,X\n", WantErr: parse.ErrFormat, Want: "columns", Line: true},
		{Name: "TruncatedQuote", Data: minimalCSV + "01/01/2026,RUS0002,\"DOE", WantErr: parse.ErrFormat, Line: true},
		{Name: "HugeField", Data: minimalCSV + "01/01/2026,RUS0002," + strings.Repeat("x", parse.MaxFieldSize+1) + ",A,Primary Name,Individual,\n", WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimalCSV, "Johnny", "Jo\xffhnny", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "EmptyID", Data: minimalCSV + "01/01/2026,,X,,Primary Name,Entity,\n", Want: "empty Unique ID", Line: true},
		{Name: "BadReportDate", Data: strings.Replace(minimalCSV, "13-Feb-2026", "yesterday", 1), Want: "report date", Line: true},
		{Name: "BadDOB", Data: strings.Replace(minimalCSV, "dd/05/1958", "1958-05", 1), Want: "DOB", Line: true},
	})
}

func TestParseCSVMinimal(t *testing.T) {
	ds, err := uk.ParseCSV([]byte(minimalCSV), "min.csv")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if ds.Published != "2026-02-13" || len(ds.Entities) != 1 {
		t.Fatalf("published %q, %d entities; want 2026-02-13 and 1", ds.Published, len(ds.Entities))
	}
	e := ds.Entities[0]
	if e.ID != "gb_fcdo:RUS0001" || e.Name != "John DOE" || len(e.Names) != 2 || e.BirthDates[0] != (entity.Date{Year: 1958, Month: 5, Text: "dd/05/1958"}) {
		t.Errorf("got %+v; want gb_fcdo:RUS0001 John DOE with one alias, born May 1958", e)
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(minimalXML))
	f.Add([]byte(`<Designations><Designation><UniqueID>DPR0075</UniqueID><Names><Name><Name6>Petrel 8</Name6><NameType>Primary Name</NameType></Name><Name><Name6>BNK</Name6><NameType>Alias</NameType><AliasStrength>Low quality a.k.a</AliasStrength></Name></Names><IndividualEntityShip>Ship</IndividualEntityShip><ShipDetails><Ship><IMONumbers><IMONumber>IMO9562233</IMONumber></IMONumbers><CurrentBelievedFlagOfShips><CurrentBelievedFlagOfShip>Comoros</CurrentBelievedFlagOfShip></CurrentBelievedFlagOfShips></Ship></ShipDetails></Designation></Designations>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := uk.ParseXML(data, "fuzz.xml")
		listtest.CheckFuzz(t, ds, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(minimalCSV))
	f.Add([]byte("Report Date: 10-Sep-2026\nUnique ID,Name 6,Name type,Alias strength,Designation Type,IMO number,Parent company,Address Line 1,Address Country\nDPR0075,Petrel 8,Primary Name,,Ship,IMO9562233,\"A, B\",x,Comoros\nDPR0075,BNK,Alias,Low quality a.k.a,Ship,,,,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := uk.ParseCSV(data, "fuzz.csv")
		listtest.CheckFuzz(t, ds, err)
	})
}

func TestGolden(t *testing.T) {
	ds := parseXML(t)
	listtest.Golden(t, "uk-sanctions-list-excerpt-2026-09-10.golden.json", ds, ds.Entities)
}

func BenchmarkParseXML(b *testing.B) {
	data := sharedtest.Read(b, excerptXML)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := uk.ParseXML(data, "uk.xml"); err != nil {
			b.Fatal(err)
		}
	}
}

package eu_test

import (
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/eu"
	"github.com/chokepoint-dev/chokepoint/internal/lists/listtest"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	excerptXML = "data/lists/official-samples/eu-fsf-xml/eu-fsf-excerpt-2026-08-05.xml"
	excerptCSV = "testdata/eu-fsf-excerpt-2026-08-05.csv"
)

func parseXML(t testing.TB) *entity.Dataset {
	t.Helper()
	ds, err := eu.ParseXML(sharedtest.Read(t, excerptXML), "eu.xml")
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	return ds
}

func readCSV(t testing.TB) []byte {
	t.Helper()
	data, err := os.ReadFile(excerptCSV)
	if err != nil {
		t.Fatalf("read fixture: %v", err)
	}
	return data
}

func TestParseXMLExcerpt(t *testing.T) {
	ds := parseXML(t)
	if ds.Source != "eu_fsf" || ds.Published != "2026-08-05" {
		t.Errorf("source, published = %q, %q; want eu_fsf, 2026-08-05", ds.Source, ds.Published)
	}
	var ids []string
	for _, e := range ds.Entities {
		ids = append(ids, e.SourceID)
		if err := e.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if !strings.HasPrefix(e.Raw, "<sanctionEntity") || !strings.HasSuffix(e.Raw, "</sanctionEntity>") {
			t.Errorf("%s: Raw = %.40q...; want the sanctionEntity element", e.ID, e.Raw)
		}
	}
	if want := []string{"191", "521", "3822", "6106", "6177"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ids = %v; want %v", ids, want)
	}
	if c := ds.Counts(); c[entity.Person] != 4 || c[entity.Organization] != 1 {
		t.Errorf("counts = %v; want 4 persons, 1 organization", c)
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
		{"PrimaryIsSplitEnglishName", "191", func(e *entity.Entity) any { return e.Names[0] },
			entity.Name{Full: "Khalid Sheikh MOHAMMED", Kind: entity.NamePrimary, Quality: entity.Strong, Lang: "en", Given: "Khalid Sheikh", Family: "MOHAMMED"}},
		{"NameLanguage", "191", func(e *entity.Entity) any { return e.Names[1].Lang }, "fr"},
		{"Gender", "191", func(e *entity.Entity) any { return e.Gender }, "male"},
		{"TwoBirthDates", "191", func(e *entity.Entity) any { return dates(e.BirthDates) }, []string{"1965-04-14", "1964-03-01"}},
		{"UnknownCountryPassport", "191", func(e *entity.Entity) any { return e.Identifiers },
			[]entity.Identifier{{Type: entity.IDPassport, Label: "National passport", Number: "488555"}}},
		{"NoDesignationDate", "191", func(e *entity.Entity) any { return e.ListedOn.IsZero() }, true},
		{"CircaRange", "521", func(e *entity.Entity) any { return e.BirthDates },
			[]entity.Date{{Year: 1953, YearTo: 1958, Circa: true, Text: "1953-1958"}}},
		{"BirthPlaces", "521", func(e *entity.Entity) any { return e.BirthPlaces },
			[]string{"Tirin Kot District, Uruzgan Province, AFGHANISTAN", "Kandahar province, AFGHANISTAN"}},
		{"Citizenship", "521", func(e *entity.Entity) any { return e.Citizenships }, []string{"AF"}},
		{"DesignationDate", "521", func(e *entity.Entity) any { return e.ListedOn.String() }, "2001-01-25"},
		{"Programme", "3822", func(e *entity.Entity) any { return e.Programs }, []string{"IRN"}},
		{"Enterprise", "3822", func(e *entity.Entity) any { return e.Type }, entity.Organization},
		{"PersianScript", "3822", func(e *entity.Entity) any { return e.Names[8] },
			entity.Name{Full: "صنایع شیمیایی پارچین", Kind: entity.NameAlias, Quality: entity.Strong, Script: "Arab", Lang: "fa"}},
		{"Websites", "3822", func(e *entity.Entity) any { return e.Websites }, []string{"http://icig.ir/"}},
		{"Phones", "3822", func(e *entity.Entity) any { return e.Phones }, []string{"+98 21 2258929", "+98 21 35243153", "+98 21 3130626"}},
		{"DoubledSpacesCollapsed", "3822", func(e *entity.Entity) any { return e.Addresses[1].Street }, "Khavaran Road Km 30-35, Parchin Special Road"},
		{"AddressCountry", "3822", func(e *entity.Entity) any { return e.Addresses[5].Country + " " + e.Addresses[5].PostalCode }, "IR 15765-358"},
		{"RegNumber", "3822", func(e *entity.Entity) any { return e.Identifiers[0].Type + " " + e.Identifiers[0].Number }, "registration 892"},
		{"UNReference", "6106", func(e *entity.Entity) any { return e.Properties["un_reference"] }, []string{"LYi.006"}},
		{"EUReference", "6106", func(e *entity.Entity) any { return e.Properties["eu_reference"] }, []string{"EU.3886.3"}},
		{"PassportDetails", "6106", func(e *entity.Entity) any { return e.Identifiers[0] },
			entity.Identifier{Type: entity.IDPassport, Label: "National passport", Number: "FK117RK0", Country: "LY", Issued: "2018-11-25", Expires: "2026-11-24", Note: "region: Tripoli"}},
		{"LowQualityRemarkIsWeak", "6177", func(e *entity.Entity) any { return weakNames(e) }, []string{"Abu-Salaah", "Abosslah", "Abu Saleh"}},
		{"IslamicDateNotGregorian", "6177", func(e *entity.Entity) any { return dates(e.BirthDates) }, []string{"1982-04-18", "1982-04-19"}},
		{"IslamicDateKept", "6177", func(e *entity.Entity) any { return e.Properties["birth_date_islamic"] }, []string{"1402-6-24"}},
		{"KnownExpired", "6177", func(e *entity.Entity) any { return strings.HasPrefix(e.Identifiers[1].Note, "known expired") }, true},
		{"NationalID", "6177", func(e *entity.Entity) any { return e.Identifiers[0].Type }, entity.IDNationalID},
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

func dates(ds []entity.Date) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.String())
	}
	return out
}

func weakNames(e *entity.Entity) []string {
	var out []string
	for _, n := range e.Names {
		if n.Quality == entity.Weak {
			out = append(out, n.Full)
		}
	}
	return out
}

// TestCSVMatchesXML checks that the CSV fixture, which encodes the same
// records as the XML excerpt (see testdata/README.md), gives the same
// entities.
func TestCSVMatchesXML(t *testing.T) {
	fromXML := parseXML(t)
	fromCSV, err := eu.ParseCSV(readCSV(t), "eu.csv")
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
		if !strings.HasPrefix(got.Raw, "fileGenerationDate;Entity_LogicalId;") || !strings.Contains(got.Raw, "\n2026-08-05;"+want.SourceID+";") {
			t.Errorf("%s: CSV Raw does not hold the header and the entity's rows", want.ID)
		}
		w := *want
		got.Raw, w.Raw = "", ""
		gj, _ := json.MarshalIndent(got, "", " ")
		wj, _ := json.MarshalIndent(w, "", " ")
		if string(gj) != string(wj) {
			t.Errorf("%s: CSV entity differs from XML entity\nCSV: %s\nXML: %s", want.ID, gj, wj)
		}
	}
}

const minimalXML = `<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-08-05T16:47:04.449+02:00">
<sanctionEntity designationDate="2001-01-25" euReferenceNumber="EU.1.1" logicalId="7">
<regulation programme="TERR"><publicationUrl>https://eur-lex.europa.eu/x</publicationUrl></regulation>
<subjectType code="person" classificationCode="P"/>
<nameAlias firstName="John" lastName="DOE" wholeName="John DOE" nameLanguage="EN" strong="true" logicalId="1"/>
<nameAlias wholeName="Johnny" strong="false" logicalId="2"/>
</sanctionEntity>
</export>
`

const minimalCSV = "fileGenerationDate;Entity_LogicalId;Entity_SubjectType;NameAlias_WholeName;NameAlias_LogicalId;Entity_Regulation_Programme\n" +
	"2026-08-05;7;person;John DOE;1;TERR\n" +
	"2026-08-05;7;person;Johnny;2;TERR\n"

func TestParseXMLErrors(t *testing.T) {
	listtest.Errors(t, eu.ParseXML, "in.file", []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "Truncated", Data: minimalXML[:len(minimalXML)*2/3], WantErr: parse.ErrTruncated, Want: "truncated", Line: true},
		{Name: "WrongFormatUN", Data: `<CONSOLIDATED_LIST dateGenerated="2026-02-27"><INDIVIDUALS/></CONSOLIDATED_LIST>`, WantErr: parse.ErrFormat, Want: "root element is CONSOLIDATED_LIST", Line: true},
		{Name: "WrongFormatCSV", Data: minimalCSV, WantErr: parse.ErrFormat, Want: "not an XML list", Line: true},
		{Name: "NoEntities", Data: `<export generationDate="2026-08-05"></export>`, WantErr: parse.ErrFormat, Want: "no sanctionEntity"},
		{Name: "DeepNesting", Data: "<export>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</export>", WantErr: parse.ErrTooDeep, Want: "nested", Line: true},
		{Name: "HugeAttribute", Data: strings.Replace(minimalXML, `wholeName="Johnny"`, `wholeName="`+strings.Repeat("J", parse.MaxFieldSize+1)+`"`, 1), WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimalXML, "Johnny", "Jo\xffhnny", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "NoLogicalID", Data: strings.Replace(minimalXML, `logicalId="7"`, "", 1), Want: "logicalId", Line: true},
		{Name: "NoName", Data: strings.Replace(strings.Replace(minimalXML, `wholeName="Johnny"`, "", 1), `firstName="John" lastName="DOE" wholeName="John DOE"`, "", 1), Want: "no name", Line: true},
		{Name: "BadDate", Data: strings.Replace(minimalXML, "2001-01-25", "25/01/2001", 1), Want: "designationDate", Line: true},
		{Name: "BadSubjectType", Data: strings.Replace(minimalXML, `code="person" classificationCode="P"`, `code="planet"`, 1), Want: "subject type", Line: true},
		{Name: "Duplicate", Data: strings.Replace(minimalXML, "</export>", `<sanctionEntity logicalId="7"><nameAlias wholeName="X"/></sanctionEntity></export>`, 1), Want: "duplicate", Line: true},
	})
}

func TestParseCSVErrors(t *testing.T) {
	listtest.Errors(t, eu.ParseCSV, "in.file", []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "HeaderOnly", Data: strings.SplitAfter(minimalCSV, "\n")[0], WantErr: parse.ErrFormat, Want: "no data rows", Line: true},
		{Name: "WrongFormatXML", Data: minimalXML, WantErr: parse.ErrFormat, Want: "Entity_LogicalId", Line: true},
		{Name: "WrongFormatUKCSV", Data: "Report Date: 13-Feb-2026\nLast Updated,Unique ID,Name 6\n", WantErr: parse.ErrFormat, Want: "Entity_LogicalId", Line: true},
		{Name: "WrongColumnCount", Data: minimalCSV + "2026-08-05;8;person\n", WantErr: parse.ErrFormat, Want: "columns", Line: true},
		{Name: "TruncatedRow", Data: minimalCSV[:len(minimalCSV)-12], WantErr: parse.ErrFormat, Want: "columns", Line: true},
		{Name: "HugeField", Data: minimalCSV + "2026-08-05;8;person;" + strings.Repeat("x", parse.MaxFieldSize+1) + ";3;TERR\n", WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimalCSV, "Johnny", "Jo\xffhnny", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "EmptyID", Data: minimalCSV + "2026-08-05;;person;X;3;TERR\n", Want: "empty entity id", Line: true},
		{Name: "BadFileDate", Data: strings.Replace(minimalCSV, "2026-08-05", "August 5", 1), Want: "fileGenerationDate", Line: true},
		{Name: "DuplicateColumn", Data: strings.Replace(minimalCSV, "Entity_SubjectType", "Entity_LogicalId", 1), WantErr: parse.ErrFormat, Want: "twice", Line: true},
		{Name: "BadContactInfo", Data: "Entity_LogicalId;NameAlias_WholeName;Address_ContactInfo\n1;X;no key here\n", Want: "contact info", Line: true},
	})
}

func TestParseCSVMinimal(t *testing.T) {
	ds, err := eu.ParseCSV([]byte(minimalCSV), "min.csv")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	if len(ds.Entities) != 1 {
		t.Fatalf("got %d entities; want 1", len(ds.Entities))
	}
	e := ds.Entities[0]
	if e.ID != "eu_fsf:7" || e.Name != "John DOE" || len(e.Names) != 2 || e.Programs[0] != "TERR" || e.Type != entity.Person {
		t.Errorf("got %+v; want eu_fsf:7 John DOE with one alias, programme TERR", e)
	}
}

func FuzzParseXML(f *testing.F) {
	f.Add([]byte(minimalXML))
	f.Add([]byte(`<export generationDate="2026-08-05"><sanctionEntity logicalId="1"><subjectType code="enterprise"/><nameAlias wholeName="A"/><birthdate circa="true" yearRangeFrom="1953" yearRangeTo="1958" countryIso2Code="00"/><address city="X"><contactInfo key="PHONE" value="1; 2"/></address><identification number="1" identificationTypeCode="passport" knownFalse="true"/></sanctionEntity></export>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := eu.ParseXML(data, "fuzz.xml")
		listtest.CheckFuzz(t, ds, err)
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte(minimalCSV))
	f.Add([]byte("Entity_LogicalId;NameAlias_WholeName;BirthDate_Year;BirthDate_Circa;Address_ContactInfo;Identification_Number\n1;A;1970;true;WEB: http://x|PHONE: 1;P1\n1;\"B\"\"C\";;;;\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := eu.ParseCSV(data, "fuzz.csv")
		listtest.CheckFuzz(t, ds, err)
	})
}

func TestGolden(t *testing.T) {
	ds := parseXML(t)
	listtest.Golden(t, "eu-fsf-excerpt-2026-08-05.golden.json", ds, ds.Entities)
}

func TestParseCSVTwoRegulations(t *testing.T) {
	data := minimalCSV + "2026-08-05;7;person;John DOE;1;RUS\n"
	ds, err := eu.ParseCSV([]byte(data), "two.csv")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	e := ds.Entities[0]
	if !reflect.DeepEqual(e.Programs, []string{"TERR", "RUS"}) || len(e.Names) != 2 {
		t.Errorf("programs %v, %d names; want [TERR RUS] and the two names once each", e.Programs, len(e.Names))
	}
	if n := strings.Count(e.Raw, "\n"); n != 3 {
		t.Errorf("Raw has %d line breaks; want header and three rows", n)
	}
}

func BenchmarkParseXML(b *testing.B) {
	data := sharedtest.Read(b, excerptXML)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eu.ParseXML(data, "eu.xml"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCSV(b *testing.B) {
	data := readCSV(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eu.ParseCSV(data, "eu.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

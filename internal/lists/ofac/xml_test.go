package ofac_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

func TestParseXMLConsolidated2018(t *testing.T) {
	data := sharedtest.Read(t, classicXML)
	ds, err := ofac.ParseXML(data, "consolidated.xml", "us_ofac_cons")
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	validateAll(t, ds)
	if got, want := len(ds.Entities), 639; got != want {
		t.Errorf("entities = %d, want %d (Record_Count)", got, want)
	}
	if ds.Published != "2018-04-06" {
		t.Errorf("Published = %q, want 2018-04-06", ds.Published)
	}
	counts := ds.Counts()
	for typ, want := range map[entity.Type]int{entity.Person: 94, entity.Organization: 471, entity.Vessel: 74} {
		if counts[typ] != want {
			t.Errorf("count of %s = %d, want %d", typ, counts[typ], want)
		}
	}
	m := byID(ds)

	t.Run("Bank", func(t *testing.T) {
		e := mustEntity(t, m, "4632")
		if e.Name != "BANK MARKAZI JOMHOURI ISLAMI IRAN" || e.Type != entity.Organization {
			t.Errorf("name, type = %q, %q", e.Name, e.Type)
		}
		if n, ok := findName(e, "CENTRAL BANK OF IRAN"); !ok || n.Quality != entity.Strong {
			t.Errorf("CENTRAL BANK OF IRAN = %+v, %v; want strong", n, ok)
		}
		// "Not Subject to Secondary Sanctions" must not set the flag.
		if e.SecondarySanctions {
			t.Error("SecondarySanctions = true, want false")
		}
		if len(e.Addresses) != 2 || e.Addresses[1].PostalCode != "11365" || e.Addresses[1].Country != "IR" {
			t.Errorf("Addresses = %+v", e.Addresses)
		}
		if !strings.HasPrefix(e.Raw, "<sdnEntry>") || !strings.HasSuffix(e.Raw, "</sdnEntry>") || !strings.Contains(e.Raw, "<uid>4632</uid>") {
			t.Errorf("Raw is not the sdnEntry element: %.80q", e.Raw)
		}
	})
	t.Run("WeakAlias", func(t *testing.T) {
		weak, strong := 0, 0
		for _, e := range ds.Entities {
			for _, n := range e.Names[1:] {
				switch n.Quality {
				case entity.Weak:
					weak++
				case entity.Strong:
					strong++
				}
			}
		}
		if weak == 0 || strong == 0 {
			t.Errorf("weak, strong aliases = %d, %d; want both", weak, strong)
		}
	})
	t.Run("PersonFacts", func(t *testing.T) {
		dob, pob := 0, 0
		for _, e := range ds.Entities {
			dob += len(e.BirthDates)
			pob += len(e.BirthPlaces)
			if e.Type == entity.Person && e.Names[0].Given == "" && strings.Contains(e.Name, ", ") {
				t.Errorf("%s: person %q has no given name", e.ID, e.Name)
			}
		}
		if dob != 87 || pob != 22 {
			t.Errorf("birth dates, places = %d, %d; want 87, 22", dob, pob)
		}
	})
	t.Run("Vessels", func(t *testing.T) {
		n := 0
		for _, e := range ds.Entities {
			if e.Vessel != nil && e.Vessel.Flag != "" {
				n++
			}
		}
		if n != 74 {
			t.Errorf("vessels with a flag = %d, want 74", n)
		}
	})
}

func TestParseXMLSnippet(t *testing.T) {
	ds, err := ofac.ParseXML(snippet(t, "classic.xml"), "classic.xml", "us_ofac_cons")
	if err != nil {
		t.Fatalf("ParseXML: %v", err)
	}
	validateAll(t, ds)
	if len(ds.Entities) != 5 {
		t.Errorf("entities = %d, want 5", len(ds.Entities))
	}
}

func TestParseXMLErrors(t *testing.T) {
	good := string(snippet(t, "classic.xml"))
	csv := string(snippet(t, "sdn.csv"))
	firstEnd := strings.Index(good, "</sdnEntry>")
	tests := []struct {
		name  string
		data  string
		line  int
		field string
		want  error
	}{
		{"Empty", "", 0, "", parse.ErrEmpty},
		{"Blank", " \r\n ", 0, "", parse.ErrEmpty},
		{"CSVGiven", csv, 1, "", parse.ErrFormat},
		{"WrongRoot", `<?xml version="1.0"?><Sanctions><DateOfIssue/></Sanctions>`, 1, "", parse.ErrFormat},
		{"TruncatedMidRecord", good[:firstEnd-40], 0, "", parse.ErrTruncated},
		{"DeeplyNested", "<sdnList>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</sdnList>", 1, "", parse.ErrTooDeep},
		{"HugeText", "<sdnList><sdnEntry><uid>1</uid><lastName>" + strings.Repeat("A", 2<<20) + "</lastName></sdnEntry></sdnList>", 1, "", parse.ErrTooLarge},
		{"InvalidUTF8", "<sdnList>\n<sdnEntry><uid>1</uid><lastName>CAF\xe9</lastName></sdnEntry></sdnList>", 2, "", parse.ErrInvalidUTF8},
		{"NonNumericUID", "<sdnList>\n<sdnEntry><uid>x1</uid><lastName>A</lastName></sdnEntry></sdnList>", 2, "uid", parse.ErrFormat},
		{"DuplicateUID", "<sdnList>\n<sdnEntry><uid>1</uid><lastName>A</lastName></sdnEntry>\n<sdnEntry><uid>1</uid><lastName>B</lastName></sdnEntry></sdnList>", 3, "uid", nil},
		{"NoName", "<sdnList>\n<sdnEntry><uid>1</uid><sdnType>Entity</sdnType></sdnEntry></sdnList>", 2, "lastName", parse.ErrFormat},
		{"BadType", "<sdnList>\n<sdnEntry><uid>1</uid><lastName>A</lastName><sdnType>Ship</sdnType></sdnEntry></sdnList>", 2, "sdnType", parse.ErrFormat},
		{"BadPublishDate", "<sdnList>\n<publshInformation><Publish_Date>2018-04-06</Publish_Date></publshInformation></sdnList>", 2, "Publish_Date", parse.ErrFormat},
		{"NoEntries", "<sdnList>\n<publshInformation><Publish_Date>04/06/2018</Publish_Date></publshInformation>\n</sdnList>", 0, "", parse.ErrEmpty},
		{"RecordCountMismatch", strings.Replace(good, "<Record_Count>5</Record_Count>", "<Record_Count>6</Record_Count>", 1), 3, "Record_Count", parse.ErrTruncated},
		{"BadRecordCount", strings.Replace(good, "<Record_Count>5</Record_Count>", "<Record_Count>five</Record_Count>", 1), 3, "Record_Count", parse.ErrFormat},
		{"Doctype", `<!DOCTYPE sdnList [<!ENTITY x "y">]><sdnList></sdnList>`, 1, "", parse.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := ofac.ParseXML([]byte(tt.data), "SDN.XML", "us_ofac_sdn")
			if ds != nil {
				t.Errorf("got a dataset with the error")
			}
			parseErr(t, err, "SDN.XML", tt.line, tt.field, tt.want)
		})
	}
}

func TestParseXMLNamespaceAgnostic(t *testing.T) {
	for _, root := range []string{`<sdnList>`, `<sdnList xmlns="http://tempuri.org/sdnList.xsd">`, `<x:sdnList xmlns:x="urn:other">`} {
		end := "</sdnList>"
		if strings.HasPrefix(root, "<x:") {
			end = "</x:sdnList>"
		}
		data := root + `<publshInformation><Publish_Date>12/31/2025</Publish_Date></publshInformation><sdnEntry><uid>7</uid><lastName>DOE</lastName><firstName>John</firstName><sdnType>Individual</sdnType><programList><program>SDGT</program></programList><akaList><aka><uid>1</uid><type>f.k.a.</type><category>weak</category><lastName>ROE</lastName></aka></akaList><idList><id><uid>2</uid><idType>Passport</idType><idNumber>X1</idNumber><idCountry>Iran</idCountry><expirationDate>01 Jan 2030</expirationDate></id></idList><remarks>DOB circa 1960; Gender Male</remarks></sdnEntry>` + end
		ds, err := ofac.ParseXML([]byte(data), "SDN.XML", "us_ofac_sdn")
		if err != nil {
			t.Fatalf("%s: %v", root, err)
		}
		e := ds.Entities[0]
		want := entity.Identifier{Type: entity.IDPassport, Label: "Passport", Number: "X1", Country: "IR", Expires: "2030-01-01"}
		if ds.Published != "2025-12-31" || e.Name != "DOE, John" || e.Type != entity.Person || !slices.Contains(e.Identifiers, want) {
			t.Errorf("%s: got %q %q %q %+v", root, ds.Published, e.Name, e.Type, e.Identifiers)
		}
		if n, ok := findName(e, "ROE"); !ok || n.Kind != entity.NameFormer || n.Quality != entity.Weak {
			t.Errorf("%s: ROE = %+v, %v; want weak former", root, n, ok)
		}
		if len(e.BirthDates) != 1 || !e.BirthDates[0].Circa || e.Gender != "Male" {
			t.Errorf("%s: remarks not mined: %+v %q", root, e.BirthDates, e.Gender)
		}
	}
}

func BenchmarkParseXML(b *testing.B) {
	data := sharedtest.Read(b, classicXML)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ofac.ParseXML(data, "consolidated.xml", "us_ofac_cons"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

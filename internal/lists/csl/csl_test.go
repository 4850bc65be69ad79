package csl_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/csl"
	"github.com/chokepoint-dev/chokepoint/internal/lists/listtest"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	currentFile = "data/lists/official-samples/us-csl-csv/consolidated-excerpt.csv"
	legacyFile  = "data/lists/official-samples/us-csl-csv/csl-2019-legacy-format.csv"
	fullFile    = "data/lists/official-samples/us-csl-csv-full/consolidated.csv"
)

func parseFile(t testing.TB, rel string) *entity.Dataset {
	t.Helper()
	ds, err := csl.Parse(sharedtest.Read(t, rel), rel)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return ds
}

func byName(ds *entity.Dataset) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity)
	for _, e := range ds.Entities {
		m[e.Name] = e
	}
	return m
}

func TestParseFiles(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		rows  int
		types map[entity.Type]int
		lists map[string]int
	}{
		{"Current", currentFile, 13,
			map[entity.Type]int{entity.Person: 4, entity.Organization: 4, entity.Unknown: 5},
			map[string]int{"SSI": 3, "PLC": 2, "ISN": 1, "UVL": 1, "MEU": 1, "SDN": 1, "DTC": 1, "DPL": 1, "FSE": 1, "EL": 1}},
		{"Legacy2019", legacyFile, 115,
			map[entity.Type]int{entity.Person: 20, entity.Organization: 68, entity.Vessel: 2, entity.Unknown: 25},
			map[string]int{"SDN": 28, "SSI": 26, "EL": 22, "PLC": 13, "DTC": 10, "DPL": 8, "UVL": 4, "ISN": 3, "CAP": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := parseFile(t, tt.file)
			if len(ds.Entities) != tt.rows {
				t.Errorf("got %d entities; want %d", len(ds.Entities), tt.rows)
			}
			if got := ds.Counts(); !reflect.DeepEqual(got, tt.types) {
				t.Errorf("counts = %v; want %v", got, tt.types)
			}
			lists := make(map[string]int)
			ids := make(map[string]bool)
			for _, e := range ds.Entities {
				if err := e.Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
				if ids[e.ID] {
					t.Errorf("duplicate id %s", e.ID)
				}
				ids[e.ID] = true
				code := e.Properties[csl.PropList][0]
				lists[code]++
				if e.Programs[0] != code {
					t.Errorf("%s: Programs[0] = %q; want the list code %q", e.ID, e.Programs[0], code)
				}
				if !strings.Contains(e.Raw, "\n") || !strings.HasPrefix(e.Raw, strings.SplitN(string(sharedtest.Read(t, tt.file)), "\n", 2)[0]) {
					t.Errorf("%s: Raw does not start with the header line", e.ID)
				}
			}
			if !reflect.DeepEqual(lists, tt.lists) {
				t.Errorf("lists = %v; want %v", lists, tt.lists)
			}
		})
	}
}

func TestParseCurrentDetails(t *testing.T) {
	m := byName(parseFile(t, currentFile))
	el := "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
	tests := []struct {
		name   string
		entity string
		get    func(*entity.Entity) any
		want   any
	}{
		{"ELType", el, func(e *entity.Entity) any { return e.Type }, entity.Organization},
		{"ELLicenceRequirement", el, func(e *entity.Entity) any { return e.Properties[csl.PropLicenseRequirement] },
			[]string{"For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), and 744.21(b) of the EAR)"}},
		{"ELLicencePolicy", el, func(e *entity.Entity) any { return len(e.Properties[csl.PropLicensePolicy]) }, 1},
		{"ELAliasesSplitAtAnd", el, func(e *entity.Entity) any { return names(e)[1:] },
			[]string{"Hebei Semiconductor Research Institute", "HSRI", "Hebei Institute of Semiconductors", "Hebei Semiconductor Institute", "Hebei Semiconductor", "CETC Research Institute 13"}},
		{"ELAddressKeptWhole", el, func(e *entity.Entity) any { return len(e.Addresses) }, 1},
		{"ELAddressCountry", el, func(e *entity.Entity) any { return e.Addresses[0].Country }, "CN"},
		{"ELFederalRegister", el, func(e *entity.Entity) any { return e.Properties["federal_register_notice"] }, []string{"83 FR 37423; 87 FR 77505"}},
		{"ELListedOn", el, func(e *entity.Entity) any { return e.ListedOn.String() }, "2018-08-01"},
		{"ISNNameNotSplit", "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof", func(e *entity.Entity) any { return len(e.Names) }, 1},
		{"ISNProgram", "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof", func(e *entity.Entity) any { return e.Programs }, []string{"ISN", "INKSNA"}},
		{"SDNIDs", "RIM, Ryong Nam", func(e *entity.Entity) any { return e.Identifiers }, []entity.Identifier{{Type: entity.IDPassport, Label: "Passport", Number: "836238033", Country: "KP"}}},
		{"SDNGenderFeature", "RIM, Ryong Nam", func(e *entity.Entity) any { return e.Gender }, "male"},
		{"SDNSecondary", "RIM, Ryong Nam", func(e *entity.Entity) any { return e.SecondarySanctions }, true},
		{"SDNAddresses", "RIM, Ryong Nam", func(e *entity.Entity) any { return []string{e.Addresses[0].Country, e.Addresses[1].Country} }, []string{"CN", "KP"}},
		{"SDNDOB", "RIM, Ryong Nam", func(e *entity.Entity) any { return e.BirthDates[0].String() }, "1978-12-05"},
		{"SDNNationality", "RIM, Ryong Nam", func(e *entity.Entity) any { return e.Nationalities }, []string{"KP"}},
		{"SSISwift", "SME BANK", func(e *entity.Entity) any { return e.Identifiers[1] }, entity.Identifier{Type: entity.IDSWIFT, Label: "SWIFT/BIC", Number: "RUDVRUMM"}},
		{"SSIWebsite", "SME BANK", func(e *entity.Entity) any { return e.Websites }, []string{"mspbank.ru"}},
		{"SSIDirective", "SME BANK", func(e *entity.Entity) any { return e.Properties["executive_order_13662_directive_determination"] }, []string{"Subject to Directive 1"}},
		{"VATWithCountry", "TNK Trading International S.A.", func(e *entity.Entity) any { return e.Identifiers[0] }, entity.Identifier{Type: entity.IDTaxID, Label: "V.A.T. Number", Number: "CHE-267.936.404", Country: "CH"}},
		{"TwoPrograms", "TNK Trading International S.A.", func(e *entity.Entity) any { return e.Programs }, []string{"SSI", "VENEZUELA-EO13850", "UKRAINE-EO13662"}},
		{"DPLEndDate", "I. ASH", func(e *entity.Entity) any { return e.Properties["end_date"] }, []string{"2056-06-29"}},
		{"DPLStandardOrder", "I. ASH", func(e *entity.Entity) any { return e.Properties["standard_order"] }, []string{"Y"}},
		{"PLCAliases", "Mohammed ABU JHEISHEH", func(e *entity.Entity) any { return names(e) }, []string{"Mohammed ABU JHEISHEH", "Mohammad Mutlaq ABU JHESHEH", "Mohammed ABU JEHEISHA"}},
		{"CurrentID", "Atlas Sanatgaran", func(e *entity.Entity) any { return e.SourceID }, "1b5979e8fd3920a1a0985bf5088dad930a6a5562d1513f9e4b015e42"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := m[tt.entity]
			if e == nil {
				t.Fatalf("%q not found", tt.entity)
			}
			if got := tt.get(e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v; want %#v", tt.entity, got, tt.want)
			}
		})
	}
}

func TestParseLegacyDetails(t *testing.T) {
	m := byName(parseFile(t, legacyFile))
	tests := []struct {
		name   string
		entity string
		get    func(*entity.Entity) any
		want   any
	}{
		{"IDWithEntityNumber", "200G PSA HOLDINGS LLC", func(e *entity.Entity) any { return e.ID }, "us_csl:SDN-20264"},
		{"ReversedIDOrder", "200G PSA HOLDINGS LLC", func(e *entity.Entity) any { return e.Identifiers }, []entity.Identifier{{Type: entity.IDTaxID, Label: "Tax ID No.", Number: "80-0890696", Country: "US"}}},
		{"HashedID", "ADRIAN MANUEL HERNANDEZ", func(e *entity.Entity) any { return e.SourceID }, "DPL-e22808493bbf"},
		{"VesselIMO", "7-28", func(e *entity.Entity) any { return e.Identifiers[0].Type + " " + e.Identifiers[0].Number }, "imo 8898831"},
		{"VesselFlag", "7-28", func(e *entity.Entity) any { return e.Countries }, []string{"KP"}},
		{"LinkedTo", "7-28", func(e *entity.Entity) any { return e.Relations }, []entity.Relation{{Kind: "linked_to", Name: "YUSONG SHIPPING CO"}}},
		{"LegacySecondary", "7TH OF TIR", func(e *entity.Entity) any { return e.SecondarySanctions }, true},
		{"FormerFlag", "ADRIAN DARYA 1", func(e *entity.Entity) any { return e.Properties["former_vessel_flag"] }, []string{"Panama"}},
		{"VesselType", "ADRIAN DARYA 1", func(e *entity.Entity) any { return e.Vessel.Type }, "Crude Oil Tanker"},
		{"ELTypeDefault", "32 Group China Ltd.", func(e *entity.Entity) any { return e.Type }, entity.Organization},
		{"ELLicence", "32 Group China Ltd.", func(e *entity.Entity) any { return e.Properties[csl.PropLicensePolicy] }, []string{"Presumption of denial."}},
		{"ELAliasTrailingAnd", "54th Research Institute of China", func(e *entity.Entity) any { return names(e)[3] }, "Shijiazhuang Communication Observation and Control Technology Institute."},
		{"TaxAndEmail", "90 EKSPERIMENTALNY ZAVOD OAO", func(e *entity.Entity) any { return e.Websites }, []string{"http://www.90zavod.ru"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := m[tt.entity]
			if e == nil {
				t.Fatalf("%q not found", tt.entity)
			}
			if got := tt.get(e); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("%s: got %#v; want %#v", tt.entity, got, tt.want)
			}
		})
	}
}

// TestParseLegacyDuplicateName checks that a name listed twice on the
// same list gets distinct, stable ids.
func TestParseLegacyDuplicateName(t *testing.T) {
	var ids []string
	for _, e := range parseFile(t, legacyFile).Entities {
		if e.Name == "AL NASER WINGS AIRLINES" && e.Properties[csl.PropList][0] == "DPL" {
			ids = append(ids, e.SourceID)
		}
	}
	if len(ids) != 2 || ids[1] != ids[0]+"-2" {
		t.Errorf("ids = %v; want two, the second with -2", ids)
	}
}

func names(e *entity.Entity) []string {
	var out []string
	for _, n := range e.Names {
		out = append(out, n.Full)
	}
	return out
}

const header = "_id,source,entity_number,type,programs,name,title,addresses,federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,source_information_url,ids\n"

const minimal = header +
	`"a1","Entity List (EL) - Bureau of Industry and Security","","","","Acme Ltd","","1 Road, Town, CN","83 FR 1","2018-08-01","","","For all items subject to the EAR.","Presumption of denial.","","","","","","","","","Acme; and Acme Two","","","","","",""` + "\n"

func TestParseErrors(t *testing.T) {
	tests := []listtest.ErrCase{
		{Name: "Empty", WantErr: parse.ErrEmpty, Want: "empty"},
		{Name: "HeaderOnly", Data: header, WantErr: parse.ErrFormat, Want: "no data rows", Line: true},
		{Name: "WrongFormatUN", Data: `<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>`, WantErr: parse.ErrFormat, Want: "source", Line: true},
		{Name: "WrongFormatEU", Data: "fileGenerationDate;Entity_LogicalId\n2026;1\n", WantErr: parse.ErrFormat, Want: "not a CSL", Line: true},
		{Name: "WrongColumnCount", Data: minimal + "\"a2\",\"SDN\",\"1\"\n", WantErr: parse.ErrFormat, Want: "columns", Line: true},
		{Name: "Truncated", Data: minimal[:len(minimal)-40], WantErr: parse.ErrFormat, Line: true},
		{Name: "HugeField", Data: strings.Replace(minimal, "Acme Ltd", strings.Repeat("A", parse.MaxFieldSize+1), 1), WantErr: parse.ErrTooLarge, Want: "too large", Line: true},
		{Name: "InvalidUTF8", Data: strings.Replace(minimal, "Acme Ltd", "Acme \xff", 1), WantErr: parse.ErrInvalidUTF8, Want: "UTF-8", Line: true},
		{Name: "EmptyName", Data: strings.Replace(minimal, `"Acme Ltd"`, `""`, 1), Want: "empty name", Line: true},
		{Name: "EmptyID", Data: strings.Replace(minimal, `"a1"`, `""`, 1), Want: "empty _id", Line: true},
		{Name: "BadType", Data: strings.Replace(minimal, `Security","",""`, `Security","","Planet"`, 1), Want: "unknown type", Line: true},
	}
	listtest.Errors(t, csl.Parse, "in.csv", tests)
}

// TestParseFull reads the whole CSL of May 2022 (the bundled one): every
// row becomes an entity, and the _id values the file repeats (one OFAC
// party on several OFAC lists) get the list code, whatever the row order.
func TestParseFull(t *testing.T) {
	ds := parseFile(t, fullFile)
	lists := make(map[string]int)
	for _, e := range ds.Entities {
		lists[e.Properties[csl.PropList][0]]++
	}
	if len(ds.Entities) != 14160 || lists["EL"] != 2001 || lists["MEU"] != 71 || lists["UVL"] != 201 {
		t.Errorf("%d entities, lists %v; want 14160 with 2001 EL, 71 MEU, 201 UVL", len(ds.Entities), lists)
	}
	byID := make(map[string]*entity.Entity)
	for _, e := range ds.Entities {
		byID[e.SourceID] = e
	}
	for _, id := range []string{"34616-CAP", "34616-SDN", "15268-CAP", "15268-CAP-2"} {
		if byID[id] == nil {
			t.Errorf("no entity %s", id)
		}
	}
	if byID["34616"] != nil {
		t.Error("a shared _id kept its plain form on one of its rows")
	}
	notes := strings.Join(ds.Notes, "\n")
	if !strings.Contains(notes, "71 _id values are on more than one row") || !strings.Contains(notes, "3 start or end dates of listing are not valid dates") {
		t.Errorf("notes %q do not count the shared _id values and the 3 bad listing dates", ds.Notes)
	}
	var typos int
	for _, e := range ds.Entities {
		if v := e.Properties["start_date"]; len(v) > 0 && v[0] == "0097-06-30" {
			typos++
			if !e.ListedOn.IsZero() {
				t.Errorf("%s: the start date typo became a listing date: %v", e.ID, e.ListedOn)
			}
		}
	}
	if typos != 2 {
		t.Errorf("%d rows keep the start date text 0097-06-30, want 2", typos)
	}
	// The same two rows in the other order give the same ids.
	data := sharedtest.Read(t, fullFile)
	lines := strings.SplitAfter(string(data), "\n")
	var a, b int
	for i, l := range lines {
		if strings.HasPrefix(l, "34616,") {
			if a == 0 {
				a = i
			} else {
				b = i
			}
		}
	}
	lines[a], lines[b] = lines[b], lines[a]
	ds2, err := csl.Parse([]byte(strings.Join(lines, "")), "consolidated.csv")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ds2.Entities {
		if strings.HasPrefix(e.SourceID, "34616") && byID[e.SourceID].Properties[csl.PropList][0] != e.Properties[csl.PropList][0] {
			t.Errorf("swapping the rows moved id %s to another list", e.SourceID)
		}
	}
}

func TestParseMinimal(t *testing.T) {
	ds, err := csl.Parse([]byte(minimal), "min.csv")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	e := ds.Entities[0]
	if e.ID != "us_csl:a1" || e.Type != entity.Organization || !reflect.DeepEqual(names(e), []string{"Acme Ltd", "Acme", "Acme Two"}) {
		t.Errorf("got %s %s %v; want us_csl:a1 organization with aliases Acme, Acme Two", e.ID, e.Type, names(e))
	}
}

func TestParseUndatedBirthNoted(t *testing.T) {
	data := strings.Replace(minimal, `"Acme; and Acme Two","","",""`, `"Acme; and Acme Two","","circa 1960; sometime in the 1970s",""`, 1)
	ds, err := csl.Parse([]byte(data), "dob.csv")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	e := ds.Entities[0]
	if len(e.BirthDates) != 1 || !e.BirthDates[0].Circa || e.BirthDates[0].Year != 1960 {
		t.Errorf("BirthDates = %+v; want circa 1960", e.BirthDates)
	}
	if got := e.Properties["date_of_birth_text"]; !reflect.DeepEqual(got, []string{"sometime in the 1970s"}) {
		t.Errorf("date_of_birth_text = %v; want the unparsed text", got)
	}
	if len(ds.Notes) != 1 {
		t.Errorf("Notes = %v; want one note about the date", ds.Notes)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	// The same row twice: a shared _id.
	f.Add([]byte(minimal + strings.SplitN(minimal, "\n", 2)[1]))
	f.Add([]byte("source,entity_number,type,programs,name,addresses,alt_names,ids,dates_of_birth,vessel_flag\n" +
		"Specially Designated Nationals (SDN) - Treasury Department,23156,Vessel,DPRK4,7-28,\"Meiktila, MM\",,\"IMO 8898831, Vessel Registration Identification; North Korea Sanctions Regulations, sections 510.201 and 510.210, Secondary sanctions risk:\",1955,Iran\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := csl.Parse(data, "fuzz.csv")
		listtest.CheckFuzz(t, ds, err)
		if err != nil {
			return
		}
		ids := make(map[string]bool)
		for _, e := range ds.Entities {
			if ids[e.ID] {
				t.Fatalf("duplicate id %s", e.ID)
			}
			ids[e.ID] = true
		}
	})
}

func TestGolden(t *testing.T) {
	for _, tt := range []struct{ file, golden string }{
		{currentFile, "consolidated-excerpt.golden.json"},
		{legacyFile, "csl-2019-legacy-format.golden.json"},
	} {
		ds := parseFile(t, tt.file)
		listtest.Golden(t, tt.golden, ds, ds.Entities)
	}
}

func BenchmarkParseCSL(b *testing.B) {
	data := sharedtest.Read(b, legacyFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := csl.Parse(data, "csl.csv"); err != nil {
			b.Fatal(err)
		}
	}
}

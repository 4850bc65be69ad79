package ftm_test

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ftm"
	"github.com/chokepoint-dev/chokepoint/internal/lists/listtest"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

const (
	zalaFile = "data/lists/opensanctions-fixtures/yente/zala/entities.ftm.json"
	t1File   = "data/lists/opensanctions-fixtures/yente/t1/entities.ftm.json"
	t2Dir    = "data/lists/opensanctions-fixtures/yente/t2/"

	zakharov = "os:NK-aU5ybkbRFJucf8YMwsJvDw"
	cst      = "os:NK-abdzbEBkqyT29GyREbiURZ" // LLC CST, the drone maker
)

func parseFile(t testing.TB, rel string) *entity.Dataset {
	t.Helper()
	ds, err := ftm.Parse(bytes.NewReader(sharedtest.Read(t, rel)), rel, "os")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	for _, e := range ds.Entities {
		if err := e.Validate(); err != nil {
			t.Errorf("Validate: %v", err)
		}
		if !strings.HasPrefix(e.Raw, `{"id"`) || !strings.Contains(e.Raw, e.SourceID) {
			t.Errorf("%s: Raw = %.40q; want the published JSON line", e.ID, e.Raw)
		}
	}
	return ds
}

func index(ds *entity.Dataset) map[string]*entity.Entity {
	m := make(map[string]*entity.Entity)
	for _, e := range ds.Entities {
		m[e.ID] = e
	}
	return m
}

func TestParseFiles(t *testing.T) {
	tests := []struct {
		name      string
		file      string
		counts    map[entity.Type]int
		published string
	}{
		{"Zala", zalaFile, map[entity.Type]int{entity.Person: 6, entity.Organization: 11}, "2026-04-29"},
		{"T1", t1File, map[entity.Type]int{entity.Person: 4, entity.Organization: 2}, "2024-06-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds := parseFile(t, tt.file)
			if got := ds.Counts(); !reflect.DeepEqual(got, tt.counts) {
				t.Errorf("counts = %v; want %v", got, tt.counts)
			}
			if ds.Source != "os" || ds.Published != tt.published {
				t.Errorf("source, published = %q, %q; want os, %s", ds.Source, ds.Published, tt.published)
			}
		})
	}
}

func TestParseZalaCluster(t *testing.T) {
	ds := parseFile(t, zalaFile)
	m := index(ds)
	z, c := m[zakharov], m[cst]
	if z == nil || c == nil {
		t.Fatalf("Zakharov or LLC CST missing")
	}
	hasRel := func(e *entity.Entity, kind, id string) bool {
		for _, r := range e.Relations {
			if strings.HasPrefix(r.Kind, kind) && r.EntityID == id {
				return true
			}
		}
		return false
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"Name", z.Name, "Alexander Vyacheslavovich ZAKHAROV"},
		{"Type", z.Type, entity.Person},
		{"DirectorOf", hasRel(z, "director_of", cst), true},
		{"DirectedBy", hasRel(c, "directed_by", zakharov), true},
		{"OwnsCST", hasRel(z, "owns", cst), true},
		{"CSTOwnedByKalashnikov", hasRel(c, "owned_by", "os:NK-nR5AXM9AVPq4pQaSPSaVam"), true},
		{"FamilyNikita", hasRel(z, "family", "os:NK-JseaPJctnK9o8wrmz8xmoT"), true},
		{"FamilyBack", hasRel(m["os:NK-JseaPJctnK9o8wrmz8xmoT"], "family", zakharov), true},
		{"RelationName", c.Relations[0].Name, "JSC Kalashnikov Concern"},
		{"SanctionProgramsEL", slices.Contains(c.Programs, "US-BIS-EL"), true},
		{"SanctionProgramsEU", slices.Contains(c.Programs, "EU-UKR"), true},
		{"ListedOnEarliest", c.ListedOn.String(), "2021-10-30"},
		{"BirthDate", z.BirthDates[0].String(), "1965-09-21"},
		{"Nationality", z.Nationalities, []string{"RU"}},
		{"Gender", z.Gender, "male"},
		{"INN", slices.Contains(z.Identifiers, entity.Identifier{Type: entity.IDTaxID, Label: "INN", Number: "183111242406"}), true},
		{"AddressEntityResolved", slices.ContainsFunc(z.Addresses, func(a entity.Address) bool {
			return a.City == "Izhevsk" && a.Country == "RU" && a.PostalCode == "426008"
		}), true},
		{"CyrillicAlias", slices.ContainsFunc(z.Names, func(n entity.Name) bool {
			return n.Full == "Александр Вячеславович Захаров" && n.Script == "Cyrl"
		}), true},
		{"Datasets", slices.Contains(z.Properties["datasets"], "us_ofac_sdn"), true},
		{"SkippedNoted", slices.ContainsFunc(ds.Notes, func(n string) bool { return strings.Contains(n, "Passport without number: 1") }), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !reflect.DeepEqual(tt.got, tt.want) {
				t.Errorf("got %#v; want %#v", tt.got, tt.want)
			}
		})
	}
	// Every relation between two parties of the file is recorded on both.
	for _, e := range ds.Entities {
		for _, r := range e.Relations {
			other := m[r.EntityID]
			if other == nil {
				continue
			}
			if !slices.ContainsFunc(other.Relations, func(b entity.Relation) bool { return b.EntityID == e.ID }) {
				t.Errorf("%s -> %s (%s) has no relation back", e.ID, r.EntityID, r.Kind)
			}
		}
	}
}

func TestParseNames(t *testing.T) {
	data := `{"id":"p1","caption":"John Doe","schema":"Person","properties":{"name":["Johnny Doe","John Doe"],"alias":["JD"],"weakAlias":["Jo"],"previousName":["John Roe"],"birthDate":["1970","around 1970"],"idNumber":["X1"]}}` + "\n" +
		`{"id":"v1","caption":"SEA STAR","schema":"Vessel","properties":{"name":["SEA STAR"],"imoNumber":["IMO9562233"],"flag":["pa"],"buildDate":["1999-01-01"]}}` + "\n"
	ds, err := ftm.Parse(strings.NewReader(data), "custom.json", "my_list")
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	p, v := ds.Entities[0], ds.Entities[1]
	want := []entity.Name{
		{Full: "John Doe", Kind: entity.NamePrimary, Quality: entity.Strong},
		{Full: "Johnny Doe", Kind: entity.NameAlias, Quality: entity.Strong},
		{Full: "JD", Kind: entity.NameAlias, Quality: entity.Strong},
		{Full: "Jo", Kind: entity.NameAlias, Quality: entity.Weak},
		{Full: "John Roe", Kind: entity.NameFormer, Quality: entity.Strong},
	}
	if !reflect.DeepEqual(p.Names, want) {
		t.Errorf("Names = %+v; want %+v", p.Names, want)
	}
	if p.ID != "my_list:p1" || len(p.BirthDates) != 1 || p.Properties["birth_date_text"][0] != "around 1970" {
		t.Errorf("got id %s, dates %v, text %v; want my_list:p1, 1970 and the unparsed text kept", p.ID, p.BirthDates, p.Properties["birth_date_text"])
	}
	if len(ds.Notes) != 1 || !strings.Contains(ds.Notes[0], "birth dates") {
		t.Errorf("Notes = %v; want one note on the unparsed date", ds.Notes)
	}
	if v.Type != entity.Vessel || v.Identifiers[0] != (entity.Identifier{Type: entity.IDIMO, Label: "IMO", Number: "9562233"}) ||
		v.Vessel.BuildYear != "1999" || v.Countries[0] != "PA" {
		t.Errorf("vessel = %+v %+v; want IMO 9562233, built 1999, flag PA", v, v.Vessel)
	}
}

func TestParseDelta(t *testing.T) {
	tests := []struct {
		version string
		adds    []string
		dels    []string
	}{
		{"20240527134702-zbn", nil, nil},
		{"20240527194702-wnk", []string{"os:NK-2T3S8Hu29ktYnKSTgQp2wL AL-QAIDA IN IRAQ", "os:NK-2sJaJRaPJcWUfMbHjTtWcL Janan Agha"}, nil},
		{"20240528014702-pfh", []string{"os:NK-500Poltergeist AL-QAIDA IN IRAQ", "os:NK-2T3S8Hu29ktYnKSTgQp2wL Foobar Foobargroup"}, nil},
		{"20240528074703-npf", nil, []string{"os:NK-500Poltergeist"}},
		{"20240528134729-3iv", []string{"os:Q4365364 Vladimir Nikolaevich PLOTNIKOV"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			rel := t2Dir + tt.version + "/entities.delta.json"
			adds, dels, err := ftm.ParseDelta(bytes.NewReader(sharedtest.Read(t, rel)), rel, "os")
			if err != nil {
				t.Fatalf("ParseDelta: %v", err)
			}
			var got []string
			for _, e := range adds {
				if err := e.Validate(); err != nil {
					t.Errorf("Validate: %v", err)
				}
				got = append(got, e.ID+" "+e.Name)
			}
			if !reflect.DeepEqual(got, tt.adds) || !reflect.DeepEqual(dels, tt.dels) {
				t.Errorf("adds %v, dels %v; want %v, %v", got, dels, tt.adds, tt.dels)
			}
		})
	}
}

const person = `{"id":"p1","caption":"John Doe","schema":"Person","properties":{"name":["John Doe"]}}`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		data    string
		source  string
		wantErr error
		want    string
		line    int
	}{
		{"Empty", "", "os", parse.ErrEmpty, "empty", 0},
		{"BlankLines", "\n\n  \n", "os", parse.ErrEmpty, "empty", 0},
		{"EmptySource", person, "", nil, "source", 0},
		{"WrongFormatXML", `<CONSOLIDATED_LIST dateGenerated="2026-02-27"/>`, "os", parse.ErrFormat, "not an FtM JSON line", 1},
		{"WrongFormatCSV", "_id,source,name\n1,SDN,X\n", "os", parse.ErrFormat, "not an FtM JSON line", 1},
		{"JSONArray", "[" + person + "]", "os", parse.ErrFormat, "not an FtM JSON line", 1},
		{"Truncated", person + "\n" + person[:40], "os", parse.ErrFormat, "not an FtM JSON line", 2},
		{"TwoOnOneLine", person + person, "os", parse.ErrFormat, "more than one", 1},
		{"HugeLine", `{"id":"p1","schema":"Person","properties":{"name":["` + strings.Repeat("x", ftm.MaxLine) + `"]}}`, "os", parse.ErrTooLarge, "too large", 1},
		{"InvalidUTF8", person + "\n" + strings.Replace(person, "John", "Jo\xffhn", 1), "os", parse.ErrInvalidUTF8, "UTF-8", 2},
		{"DeepNesting", `{"id":"p1","schema":"Person","properties":{"name":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}`, "os", parse.ErrFormat, "", 1},
		{"NonStringValue", `{"id":"p1","schema":"Person","properties":{"name":[{"a":1}]}}`, "os", parse.ErrFormat, "", 1},
		{"NoID", `{"schema":"Person","properties":{"name":["X"]}}`, "os", nil, "no id", 1},
		{"NoSchema", `{"id":"p1","properties":{"name":["X"]}}`, "os", nil, "no schema", 1},
		{"NoName", `{"id":"p1","schema":"Person","properties":{}}`, "os", nil, "no name", 1},
		{"Duplicate", person + "\n" + person, "os", nil, "duplicate id", 2},
		{"NoThings", `{"id":"a1","schema":"Address","properties":{"full":["1 Road"]}}`, "os", parse.ErrFormat, "no Person", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := ftm.Parse(strings.NewReader(tt.data), "in.json", tt.source)
			if err == nil {
				t.Fatalf("got %d entities and no error; want an error", len(ds.Entities))
			}
			var pe *parse.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %T %v; want *parse.Error", err, err)
			}
			if pe.File != "in.json" || pe.Line != tt.line {
				t.Errorf("file, line = %q, %d; want in.json, %d", pe.File, pe.Line, tt.line)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %q is not %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q; want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestParseDeltaErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"UnknownOp", `{"op":"UPSERT","entity":` + person + `}`, "unknown op"},
		{"DelWithoutID", `{"op":"DEL","entity":{}}`, "DEL without"},
		{"NotDelta", "<x/>", "not an FtM JSON line"},
		{"BadEntity", `{"op":"ADD","entity":{"id":"p1","schema":"Person","properties":{}}}`, "no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ftm.ParseDelta(strings.NewReader(tt.data), "d.json", "os")
			var pe *parse.Error
			if !errors.As(err, &pe) || pe.Line != 1 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v; want a *parse.Error at line 1 containing %q", err, tt.want)
			}
		})
	}
}

func fuzzSeeds(f *testing.F) {
	f.Add([]byte(person))
	f.Add([]byte(`{"id":"c1","caption":"LLC CST","schema":"Company","properties":{"name":["LLC CST"],"addressEntity":["a1"],"innCode":["1"]}}
{"id":"a1","schema":"Address","properties":{"full":["1 Road"],"country":["ru"]}}
{"id":"s1","schema":"Sanction","properties":{"entity":["c1"],"programId":["EU-UKR"],"startDate":["2021-10-30"]}}
{"id":"o1","schema":"Ownership","properties":{"owner":["p1"],"asset":["c1"]}}
{"id":"x1","schema":"Passport","properties":{"holder":["p1"],"number":["P1"]}}
` + person))
	f.Add([]byte(`{"op":"ADD","entity":` + person + "}\n" + `{"op":"DEL","entity":{"id":"p2"}}`))
}

func FuzzParse(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		ds, err := ftm.Parse(bytes.NewReader(data), "fuzz.json", "os")
		listtest.CheckFuzz(t, ds, err)
	})
}

func FuzzParseDelta(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		adds, _, err := ftm.ParseDelta(bytes.NewReader(data), "fuzz.json", "os")
		listtest.CheckFuzzEntities(t, adds, err)
	})
}

func BenchmarkParseZala(b *testing.B) {
	data := sharedtest.Read(b, zalaFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ftm.Parse(bytes.NewReader(data), "zala.json", "os"); err != nil {
			b.Fatal(err)
		}
	}
}

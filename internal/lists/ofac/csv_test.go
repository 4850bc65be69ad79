package ofac_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/ofac"
	"github.com/chokepoint-dev/chokepoint/internal/lists/parse"
)

// sdnOnce parses the full SDN set once for all the tests that read it;
// they must not modify the result.
var sdnOnce struct {
	sync.Mutex
	ds *entity.Dataset
}

func parseSDN(t *testing.T) *entity.Dataset {
	t.Helper()
	sdnOnce.Lock()
	defer sdnOnce.Unlock()
	if sdnOnce.ds == nil {
		ds, err := ofac.ParseCSV(loadSet(t, sdnDir, sdnFiles...), "us_ofac_sdn")
		if err != nil {
			t.Fatalf("ParseCSV: %v", err)
		}
		sdnOnce.ds = ds
	}
	return sdnOnce.ds
}

func TestParseCSVSDN(t *testing.T) {
	ds := parseSDN(t)
	validateAll(t, ds)
	// 14,965 entries of sdn.csv and 1,724 partial ones known only from the
	// newer alt.csv.
	if got, want := len(ds.Entities), 14965+1724; got != want {
		t.Errorf("entities = %d, want %d", got, want)
	}
	if ds.Source != "us_ofac_sdn" || ds.Published != "" {
		t.Errorf("Source, Published = %q, %q; want us_ofac_sdn and empty", ds.Source, ds.Published)
	}
	counts := ds.Counts()
	for typ, want := range map[entity.Type]int{entity.Person: 6854, entity.Organization: 6884, entity.Vessel: 851, entity.Aircraft: 376} {
		if counts[typ] != want {
			t.Errorf("count of %s = %d, want %d", typ, counts[typ], want)
		}
	}
	if counts[entity.Unknown] != 1724 {
		t.Errorf("%d entities of unknown type, want the 1,724 partial records", counts[entity.Unknown])
	}
}

// A party designated after sdn.csv's date is in the newer alt.csv and
// add.csv only; it must still be screened, as a partial record.
func TestParseCSVPartialRecord(t *testing.T) {
	ds := parseSDN(t)
	var e *entity.Entity
	for _, x := range ds.Entities {
		if x.ID == "us_ofac_sdn:54326" {
			e = x
		}
	}
	if e == nil {
		t.Fatal("us_ofac_sdn:54326 (Anzali Free Zone Semiconductor Chip Industries) is missing")
	}
	if e.Name != "ANZALI FREE ZONE SEMICONDUCTOR CHIP INDUSTRIES DEVELOPMENT COMPANY" || e.Type != entity.Unknown {
		t.Errorf("name %q type %q", e.Name, e.Type)
	}
	if len(e.Addresses) == 0 || e.Addresses[0].Country != "IR" {
		t.Errorf("addresses %+v, want the Anzali address in IR", e.Addresses)
	}
	if len(e.Properties["partial_record"]) != 1 || !strings.Contains(e.Remarks, "Partial record") {
		t.Errorf("not marked partial: %q %v", e.Remarks, e.Properties)
	}
}

// The four SDN files were captured on different dates, so the companion
// files refer to entries sdn.csv lacks. Those rows must be reported, not
// dropped in silence.
func TestParseCSVOrphans(t *testing.T) {
	ds := parseSDN(t)
	want := []string{
		"sdn_comments.csv: 6 rows refer to 6 entries not in sdn.csv (files of different dates); not screened",
		"sdn_comments.csv: 5 rows continue remarks that are not truncated in sdn.csv (files of different dates); kept apart, not joined",
		"alt.csv: 1,724 entries are not in sdn.csv (listed after its date); screened as partial records of type unknown with their aliases and addresses, without programs or remarks",
		"add.csv: 3,473 rows refer to 3,170 entries not in sdn.csv (files of different dates); not screened",
	}
	for _, w := range want {
		if !slices.Contains(ds.Notes, w) {
			t.Errorf("Notes lack %q; got %q", w, ds.Notes)
		}
	}
	// 34682's sdn.csv remarks end at 947 characters; the 2025 comments
	// row belongs to a longer version and must not be glued on.
	e := mustEntity(t, byID(ds), "34682")
	if len(e.Remarks) != 947 || len(e.Properties["unjoined_remarks_continuation"]) != 1 {
		t.Errorf("34682: stale continuation joined or lost: remarks %q, kept %q", e.Remarks, e.Properties["unjoined_remarks_continuation"])
	}
}

func TestParseCSVAcceptance(t *testing.T) {
	m := byID(parseSDN(t))

	t.Run("Mehrabi", func(t *testing.T) {
		e := mustEntity(t, m, "33596")
		if e.ID != "us_ofac_sdn:33596" || e.Name != "MEHRABI, Abdollah" || e.Type != entity.Person {
			t.Errorf("id, name, type = %q, %q, %q", e.ID, e.Name, e.Type)
		}
		if len(e.BirthDates) != 1 || e.BirthDates[0].String() != "1961-12-22" || e.BirthDates[0].Precision() != "day" {
			t.Errorf("BirthDates = %+v, want [1961-12-22 day]", e.BirthDates)
		}
		if !slices.Equal(e.BirthPlaces, []string{"Khansar, Iran"}) {
			t.Errorf("BirthPlaces = %q", e.BirthPlaces)
		}
		if !slices.Equal(e.Nationalities, []string{"IR"}) {
			t.Errorf("Nationalities = %q, want [IR]", e.Nationalities)
		}
		if e.Gender != "Male" {
			t.Errorf("Gender = %q", e.Gender)
		}
		if !hasID(e, entity.IDNationalID, "1229632603", "IR") {
			t.Errorf("Identifiers = %+v, want national_id 1229632603 IR", e.Identifiers)
		}
		if !slices.Equal(e.Programs, []string{"NPWMD", "IRGC", "IFSR"}) {
			t.Errorf("Programs = %q", e.Programs)
		}
		if !e.SecondarySanctions {
			t.Error("SecondarySanctions = false, want true")
		}
		wantRel := entity.Relation{Kind: "linked_to", Name: "ISLAMIC REVOLUTIONARY GUARD CORPS AEROSPACE FORCE SELF SUFFICIENCY JIHAD ORGANIZATION"}
		if !slices.Contains(e.Relations, wantRel) {
			t.Errorf("Relations = %+v, want %+v", e.Relations, wantRel)
		}
		if len(e.Addresses) != 1 || e.Addresses[0].Country != "IR" || e.Addresses[0].CountryName != "Iran" {
			t.Errorf("Addresses = %+v, want one in IR", e.Addresses)
		}
		if !strings.HasPrefix(e.Raw, "33596,\"MEHRABI, Abdollah\"") || !strings.Contains(e.Raw, "\n33596,50375,") {
			t.Errorf("Raw lacks the sdn.csv or add.csv row: %q", e.Raw)
		}
		if len(e.Properties["remark"]) != 0 {
			t.Errorf("unrecognised remarks %q", e.Properties["remark"])
		}
	})
	t.Run("QodsStrongAlias", func(t *testing.T) {
		e := mustEntity(t, m, "16418")
		n, ok := findName(e, "LIGHT AIRPLANES DESIGN AND MANUFACTURING INDUSTRIES")
		if !ok || n.Kind != entity.NameAlias || n.Quality != entity.Strong {
			t.Errorf("alias = %+v, %v; want strong alias", n, ok)
		}
	})
	t.Run("AlabugaINNAndOGRN", func(t *testing.T) {
		e := mustEntity(t, m, "45708")
		if !hasID(e, entity.IDTaxID, "1646019914", "RU") {
			t.Errorf("no tax_id 1646019914 RU in %+v", e.Identifiers)
		}
		if !hasID(e, entity.IDRegistration, "1061674037259", "") {
			t.Errorf("no OGRN registration 1061674037259 in %+v", e.Identifiers)
		}
	})
	t.Run("DamavandianPassportAndNationalID", func(t *testing.T) {
		e := mustEntity(t, m, "40416")
		i := slices.IndexFunc(e.Identifiers, func(id entity.Identifier) bool { return id.Type == entity.IDPassport })
		if i < 0 {
			t.Fatalf("no passport in %+v", e.Identifiers)
		}
		want := entity.Identifier{Type: entity.IDPassport, Label: "Passport", Number: "G9336_77", Country: "IR", Expires: "2019-10-27"}
		if e.Identifiers[i] != want {
			t.Errorf("passport = %+v, want %+v", e.Identifiers[i], want)
		}
		if !hasID(e, entity.IDNationalID, "0052944492", "IR") {
			t.Errorf("no national_id 0052944492 IR in %+v", e.Identifiers)
		}
	})
	t.Run("WeakStaysWeak", func(t *testing.T) {
		e := mustEntity(t, m, "306")
		if n, ok := findName(e, "BNC"); !ok || n.Quality != entity.Weak || n.Kind != entity.NameAlias {
			t.Errorf("BNC = %+v, %v; want weak alias", n, ok)
		}
		if n, ok := findName(e, "NATIONAL BANK OF CUBA"); !ok || n.Quality != entity.Strong {
			t.Errorf("NATIONAL BANK OF CUBA = %+v, %v; want strong alias", n, ok)
		}
	})
	t.Run("CommentsContinueRemarks", func(t *testing.T) {
		// Lazarus Group's a.k.a. 'WHOIS HACKING TEAM' is cut after
		// "HACKIN" in sdn.csv and continues in sdn_comments.csv.
		e := mustEntity(t, m, "27307")
		if n, ok := findName(e, "WHOIS HACKING TEAM"); !ok || n.Quality != entity.Weak {
			t.Errorf("WHOIS HACKING TEAM = %+v, %v; want the joined weak alias", n, ok)
		}
		if len(e.Remarks) <= 1000 {
			t.Errorf("Remarks has %d characters, want the continuation appended", len(e.Remarks))
		}
	})
	t.Run("FormerNameAndCrypto", func(t *testing.T) {
		e := mustEntity(t, m, "22985")
		if n, ok := findName(e, "KYONGYONG CREDIT BANK"); !ok || n.Kind != entity.NameFormer || n.Quality != entity.Weak {
			t.Errorf("KYONGYONG CREDIT BANK = %+v, %v; want weak former name", n, ok)
		}
		y := mustEntity(t, m, "25308")
		if !hasID(y, entity.IDCrypto, "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h", "") {
			t.Errorf("no XBT address in %+v", y.Identifiers)
		}
	})
	t.Run("Vessel", func(t *testing.T) {
		e := mustEntity(t, m, "4238")
		want := entity.VesselInfo{CallSign: "CL2192", Type: "Tug", GRT: "212", Flag: "Cuba", Owner: "Samir de Navegacion S.A."}
		if e.Type != entity.Vessel || e.Vessel == nil || *e.Vessel != want {
			t.Errorf("vessel = %q %+v, want %+v", e.Type, e.Vessel, want)
		}
		if !slices.Contains(e.Countries, "CU") {
			t.Errorf("Countries = %q, want CU from the flag", e.Countries)
		}
	})
}

// Every remark fragment of the full file should map to a field or a named
// property; the rest land in Properties["remark"]. This keeps that rest
// small (481 of 61,374 in the 2024-05 file; the rest is free text such as
// "Dealer and transporter of weapons and minerals").
func TestParseCSVUnrecognisedRemarks(t *testing.T) {
	ds := parseSDN(t)
	total, fragments := 0, 0
	for _, e := range ds.Entities {
		total += len(e.Properties["remark"])
		if e.Remarks != "" {
			fragments += strings.Count(e.Remarks, "; ") + 1
		}
	}
	t.Logf("unrecognised remark fragments: %d of about %d", total, fragments)
	if total == 0 || total > 600 {
		t.Errorf("unrecognised fragments = %d, want between 1 and 600", total)
	}
}

func TestParseCSVConsolidated(t *testing.T) {
	ds, err := ofac.ParseCSV(loadSet(t, consDir, consFiles...), "us_ofac_cons")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	validateAll(t, ds)
	if got, want := len(ds.Entities), 442; got != want {
		t.Errorf("entities = %d, want %d", got, want)
	}
	for _, e := range ds.Entities {
		if !strings.HasPrefix(e.ID, "us_ofac_cons:") || len(e.Programs) == 0 {
			t.Fatalf("entity %s: want a us_ofac_cons id and programs, got programs %q", e.ID, e.Programs)
		}
	}
	if len(ds.Notes) != 0 {
		t.Errorf("Notes = %q, want none: the cons files are of one date", ds.Notes)
	}
	// Most of what stays unrecognised here are NS-PLC affiliations
	// ("HAMAS - Gaza").
	unrecognised, cmic := 0, 0
	for _, e := range ds.Entities {
		unrecognised += len(e.Properties["remark"])
		cmic += len(e.Properties["cmic_divestment_date"])
	}
	t.Logf("unrecognised remark fragments: %d", unrecognised)
	if unrecognised > 150 || cmic == 0 {
		t.Errorf("unrecognised fragments, CMIC dates = %d, %d; want at most 150 and some", unrecognised, cmic)
	}
}

// The older full sets copied from moov-io/watchman must parse too: the
// format has not changed since 2019, but these files lack the 0x1A byte
// or even the final line break.
func TestParseCSVWatchman(t *testing.T) {
	tests := []struct {
		name, dir string
		want      int
	}{
		{"Full2019", "data/lists/watchman-testdata/test/testdata", 7379},
		{"Full2021", "data/lists/watchman-testdata/test/testdata/bench", 8976},
		{"Tiny", "data/lists/watchman-testdata/internal/ofactest/testdata", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ds, err := ofac.ParseCSV(loadSet(t, tt.dir, sdnFiles...), "us_ofac_sdn")
			if err != nil {
				t.Fatalf("ParseCSV: %v", err)
			}
			validateAll(t, ds)
			if tt.want != 0 && len(ds.Entities) != tt.want {
				t.Errorf("entities = %d, want %d", len(ds.Entities), tt.want)
			}
			if len(ds.Entities) == 0 {
				t.Error("no entities")
			}
		})
	}
}

// snippet reads a small real file from testdata/.
func snippet(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseCSVSnippet(t *testing.T) {
	files := parse.Files{}
	for _, n := range sdnFiles {
		files[n] = snippet(t, n)
	}
	ds, err := ofac.ParseCSV(files, "us_ofac_sdn")
	if err != nil {
		t.Fatalf("ParseCSV: %v", err)
	}
	validateAll(t, ds)
	if got := len(ds.Entities); got != 7 {
		t.Errorf("entities = %d, want 7", got)
	}
	// Both comment rows belong to entries not in the snippet.
	if want := "sdn_comments.csv: 2 rows refer to 2 entries not in sdn.csv (files of different dates); not screened"; !slices.Contains(ds.Notes, want) {
		t.Errorf("Notes = %q, want %q", ds.Notes, want)
	}
}

// OFAC cuts Remarks at 1,000 characters, possibly right after a "; ", and
// the comments row continues it exactly: the join must keep the space.
func TestParseCSVCommentsJoinExactly(t *testing.T) {
	remark := "POB " + strings.Repeat("A", 1000-4-2) + "; "
	files := parse.Files{
		"sdn.csv":          []byte(`7,"DOE, John","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"` + remark + "\"\r\n\x1a"),
		"sdn_comments.csv": []byte("7,\"Gender Male; a.k.a. 'JD'.\"\r\n\x1a"),
	}
	ds, err := ofac.ParseCSV(files, "us_ofac_sdn")
	if err != nil {
		t.Fatal(err)
	}
	e := ds.Entities[0]
	if e.Gender != "Male" || len(e.Names) != 2 || len(e.Properties["remark"]) != 0 {
		t.Errorf("gender, names, unrecognised = %q, %+v, %q; want Male, a weak alias, none", e.Gender, e.Names, e.Properties["remark"])
	}
	if len(e.BirthPlaces) != 1 || len(e.BirthPlaces[0]) != 994 {
		t.Errorf("BirthPlaces = %d places, want one of 994 characters", len(e.BirthPlaces))
	}
}

func TestParseCSVErrors(t *testing.T) {
	good := snippet(t, "sdn.csv")
	lines := strings.SplitAfter(string(bytes.TrimRight(good, "\x1a")), "\r\n")
	first3 := strings.Join(lines[:3], "")
	mehrabi := lines[slices.IndexFunc(lines, func(l string) bool { return strings.HasPrefix(l, "33596,") })]
	replaceLine := func(i int, s string) string {
		l := slices.Clone(lines[:5])
		l[i] = s
		return strings.Join(l, "")
	}
	tests := []struct {
		name  string
		file  string // which file of the set is broken
		data  string
		line  int
		field string
		want  error
	}{
		{"Empty", "sdn.csv", "", 0, "", parse.ErrEmpty},
		{"OnlyEOFByte", "sdn.csv", "\r\n\x1a", 0, "", parse.ErrEmpty},
		{"OnlyBOM", "sdn.csv", "\ufeff", 0, "", parse.ErrEmpty},
		{"TruncatedMidField", "sdn.csv", first3 + mehrabi[:120], 4, "", parse.ErrTruncated},
		{"TruncatedMidRecord", "sdn.csv", first3 + `33596,"MEHRABI, Abdollah","individual"`, 4, "", parse.ErrTruncated},
		{"XMLGiven", "sdn.csv", string(snippet(t, "classic.xml")), 1, "", parse.ErrFormat},
		{"WrongColumnCount", "sdn.csv", replaceLine(1, "173,\"ANGLO-CARIBBEAN CO., LTD.\",-0- ,\"CUBA\"\r\n"), 2, "", parse.ErrFormat},
		{"NonNumericEntNum", "sdn.csv", replaceLine(2, strings.Replace(lines[2], "306,", "3O6,", 1)), 3, "ent_num", parse.ErrFormat},
		{"DuplicateEntNum", "sdn.csv", replaceLine(2, strings.Replace(lines[2], "306,", "36,", 1)), 3, "ent_num", nil},
		{"HugeField", "sdn.csv", first3 + `99,"` + strings.Repeat("A", 2<<20) + `",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ` + "\r\n", 4, "SDN_Name", parse.ErrTooLarge},
		{"InvalidUTF8", "sdn.csv", first3 + "99,\"CAF\xe9 CUBA\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n", 4, "", parse.ErrInvalidUTF8},
		{"UnknownType", "sdn.csv", replaceLine(0, strings.Replace(lines[0], "-0- ,\"CUBA\"", "\"submarine\",\"CUBA\"", 1)), 1, "SDN_Type", parse.ErrFormat},
		{"EmptyName", "sdn.csv", replaceLine(0, strings.Replace(lines[0], `"AEROCARIBBEAN AIRLINES"`, "-0- ", 1)), 1, "SDN_Name", parse.ErrFormat},
		{"AltWrongColumns", "alt.csv", "36,12,\"aka\"\r\n306,220,\"aka\",\"NATIONAL BANK OF CUBA\",-0- \r\n", 1, "", parse.ErrFormat},
		{"AltNonNumeric", "alt.csv", "x36,12,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n", 1, "ent_num", parse.ErrFormat},
		{"AddTruncated", "add.csv", "36,25,-0- ,\"Havana\",\"Cub", 1, "", parse.ErrTruncated},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := parse.Files{}
			for _, n := range sdnFiles {
				files[n] = snippet(t, n)
			}
			files[tt.file] = []byte(tt.data)
			ds, err := ofac.ParseCSV(files, "us_ofac_sdn")
			if ds != nil {
				t.Errorf("got a dataset of %d entities with the error", len(ds.Entities))
			}
			parseErr(t, err, tt.file, tt.line, tt.field, tt.want)
		})
	}
	t.Run("MainFileMissing", func(t *testing.T) {
		_, err := ofac.ParseCSV(parse.Files{"add.csv": snippet(t, "add.csv")}, "us_ofac_sdn")
		parseErr(t, err, "sdn.csv", 0, "", nil)
	})
}

func BenchmarkParseCSV(b *testing.B) {
	files := loadSet(b, sdnDir, sdnFiles...)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := ofac.ParseCSV(files, "us_ofac_sdn"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
}

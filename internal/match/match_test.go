package match_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

// person builds a listed person with the given names (the first is the
// primary; a name prefixed "~" is a weak alias).
func person(source, id string, dob string, country string, names ...string) *entity.Entity {
	e := &entity.Entity{ID: source + ":" + id, Source: source, SourceID: id, Type: entity.Person, Name: names[0]}
	for i, n := range names {
		kind, q := entity.NameAlias, entity.Strong
		if i == 0 {
			kind = entity.NamePrimary
		}
		if strings.HasPrefix(n, "~") {
			n, q = n[1:], entity.Weak
		}
		e.Names = append(e.Names, entity.Name{Full: n, Kind: kind, Quality: q})
	}
	if dob != "" {
		d, err := entity.ParseDate(dob)
		if err != nil {
			panic(err)
		}
		e.BirthDates = []entity.Date{d}
	}
	if country != "" {
		e.Nationalities = []string{country}
	}
	return e
}

func org(source, id string, names ...string) *entity.Entity {
	e := person(source, id, "", "", names...)
	e.Type = entity.Organization
	return e
}

func testEngine() *match.Engine {
	mehrabi := person("us_ofac_sdn", "33596", "1961-12-22", "IR", "MEHRABI, Abdollah")
	mehrabi.Identifiers = []entity.Identifier{{Type: entity.IDNationalID, Number: "1229632603", Country: "IR"}}
	sdn := &entity.Dataset{Source: "us_ofac_sdn", Version: "v1", Entities: []*entity.Entity{
		mehrabi,
		person("us_ofac_sdn", "40416", "1968-05-02", "IR", "DAMAVANDIAN, Ghassem"),
		person("us_ofac_sdn", "1", "1970", "SY", "AL-DULAIMI, Ayman Sabawi Ibrahim Hasan", "~ABU AHMED"),
		org("us_ofac_sdn", "45714", "ALABUGA DEVELOPMENT OOO", "LIMITED LIABILITY COMPANY ALABUGA DEVELOPMENT"),
		org("us_ofac_sdn", "16418", "QODS AVIATION INDUSTRIES", "LIGHT AIRPLANES DESIGN AND MANUFACTURING INDUSTRIES"),
		person("us_ofac_sdn", "2", "1960", "SA", "SALMAN BIN MUHAMMAD AL-RAWI"),
	}}
	// The same person on the UN list, linked by the identifier.
	un := person("un_sc", "IRi.001", "1961-12-22", "IR", "ABDOLLAH MEHRABI")
	un.Identifiers = []entity.Identifier{{Type: entity.IDNationalID, Number: "1229632603"}}
	unDS := &entity.Dataset{Source: "un_sc", Version: "v2", Entities: []*entity.Entity{un}}
	return match.New([]*entity.Dataset{sdn, unDS})
}

func screen(t *testing.T, e *match.Engine, q match.Query) []match.Match {
	t.Helper()
	ms, err := e.Screen(q, match.Options{})
	if err != nil {
		t.Fatalf("screen %+v: %v", q, err)
	}
	return ms
}

func TestScreen(t *testing.T) {
	e := testEngine()
	tests := []struct {
		name    string
		q       match.Query
		want    string // entity id of the top match, "" for no match
		minimum float64
	}{
		{"ExactReordered", match.Query{Name: "Abdollah Mehrabi"}, "us_ofac_sdn:33596", 1},
		{"TransliterationVariant", match.Query{Name: "Ghasem Damavandiyan"}, "us_ofac_sdn:40416", 0.85},
		{"Cyrillic", match.Query{Name: "ООО Алабуга Девелопмент"}, "us_ofac_sdn:45714", 0.95},
		{"LegalFormSpelledOut", match.Query{Name: "Obshchestvo s Ogranichennoi Otvetstvennostyu Alabuga Development"}, "us_ofac_sdn:45714", 0.95},
		{"StrongAliasScoresTop", match.Query{Name: "Light Airplanes Design and Manufacturing Industries"}, "us_ofac_sdn:16418", 1},
		{"IdentifierWhateverTheName", match.Query{Name: "Someone Else Entirely", IDs: []string{"1229-632-603"}}, "us_ofac_sdn:33596", 0.95},
		{"IdentifierAlone", match.Query{IDs: []string{"1229632603"}}, "us_ofac_sdn:33596", 0.95},
		{"Unrelated", match.Query{Name: "John Kirby"}, "", 0},
		{"SubstitutedSurname", match.Query{Name: "Ayman Sabawi Ibrahim Hasan Al-Tikriti"}, "", 0},
		{"PatronymicSwapped", match.Query{Name: "Muhammad bin Salman al-Rawi"}, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := screen(t, e, tt.q)
			if tt.want == "" {
				for _, m := range ms {
					if m.Match {
						t.Fatalf("got match %s %q score %.3f, want none: %s", m.EntityID, m.MatchedName, m.Score, m.Explanation)
					}
				}
				return
			}
			if len(ms) == 0 || !ms[0].Match {
				t.Fatalf("got %v, want match %s", ms, tt.want)
			}
			if ms[0].EntityID != tt.want || ms[0].Score < tt.minimum {
				t.Errorf("got %s score %.3f, want %s >= %.2f (%s)", ms[0].EntityID, ms[0].Score, tt.want, tt.minimum, ms[0].Explanation)
			}
		})
	}
}

func TestWeakAliasCountsLess(t *testing.T) {
	e := testEngine()
	ms := screen(t, e, match.Query{Name: "Abu Ahmed"})
	if len(ms) == 0 {
		t.Fatal("weak alias not found at all; it should come back as a near match")
	}
	m := ms[0]
	if m.Match || m.MatchedNameQuality != entity.Weak {
		t.Errorf("exact weak alias: got match=%v quality %s score %.3f, want a non-match from a weak alias", m.Match, m.MatchedNameQuality, m.Score)
	}
	if m.Score < 0.7 || m.Score >= match.DefaultThreshold {
		t.Errorf("exact weak alias scored %.3f, want in [0.7, %.2f)", m.Score, match.DefaultThreshold)
	}
}

func TestDateOfBirth(t *testing.T) {
	e := testEngine()
	base := screen(t, e, match.Query{Name: "Ghasem Damavandian"})[0].Score
	same := screen(t, e, match.Query{Name: "Ghasem Damavandian", DOB: "1968-05-02"})[0].Score
	other := screen(t, e, match.Query{Name: "Ghasem Damavandian", DOB: "1990-01-01"})
	if same <= base {
		t.Errorf("same DOB: %.3f, want above the name-only %.3f", same, base)
	}
	if len(other) > 0 && other[0].Score >= base {
		t.Errorf("other DOB: %.3f, want below the name-only %.3f", other[0].Score, base)
	}
	if len(other) > 0 && other[0].Match {
		t.Errorf("a 22-year DOB difference still matches: %s", other[0].Explanation)
	}
}

func TestTypeMismatch(t *testing.T) {
	e := testEngine()
	ms := screen(t, e, match.Query{Name: "Alabuga Development", Type: entity.Person})
	if len(ms) > 0 && ms[0].Match {
		t.Errorf("a person query matched an organisation: %s", ms[0].Explanation)
	}
}

func TestOnePartyOneHit(t *testing.T) {
	e := testEngine()
	ms := screen(t, e, match.Query{Name: "Abdollah Mehrabi"})
	var matches int
	for _, m := range ms {
		if m.Match {
			matches++
		}
	}
	if matches != 1 {
		t.Fatalf("got %d matches, want the OFAC and UN entries folded into one", matches)
	}
	if len(ms[0].AlsoListed) != 1 || ms[0].AlsoListed[0].EntityID != "un_sc:IRi.001" {
		t.Fatalf("also listed: %+v, want un_sc:IRi.001", ms[0].AlsoListed)
	}
	if ms[0].AlsoListed[0].Reason == "" || ms[0].AlsoListed[0].ListVersion != "v2" {
		t.Errorf("also listed lacks reason or version: %+v", ms[0].AlsoListed[0])
	}
}

func TestExplanation(t *testing.T) {
	e := testEngine()
	m := screen(t, e, match.Query{Name: "Abdollah Mehrabi", DOB: "1961-12-22", Country: "Iran"})[0]
	for _, want := range []string{"MEHRABI, Abdollah", "primary", "abdollah", "1961-12-22", "threshold"} {
		if !strings.Contains(m.Explanation, want) {
			t.Errorf("explanation lacks %q: %s", want, m.Explanation)
		}
	}
	var names []string
	for _, f := range m.Factors {
		names = append(names, f.Name)
		if f.Detail == "" {
			t.Errorf("factor %s has no detail", f.Name)
		}
	}
	if got := strings.Join(names, ","); got != "name,dob,country" {
		t.Errorf("factors %s, want name,dob,country", got)
	}
	if m.ListVersion != "v1" || len(m.Tokens) != 2 {
		t.Errorf("version %q tokens %v", m.ListVersion, m.Tokens)
	}
}

func TestInvalidQuery(t *testing.T) {
	e := testEngine()
	for _, q := range []match.Query{{}, {Name: "x", DOB: "22/12/1961"}, {Name: "x", Type: "ship-ish"}, {Name: strings.Repeat("a", match.MaxNameLen+1)}} {
		_, err := e.Screen(q, match.Options{})
		if !errors.Is(err, match.ErrInvalidQuery) {
			t.Errorf("%+v: got %v, want ErrInvalidQuery", q, err)
		}
	}
}

func TestCompare(t *testing.T) {
	e := testEngine()
	tests := []struct {
		a, b string
		typ  entity.Type
		want bool
	}{
		{"Vladimir Putin", "PUTIN, Vladimir Vladimirovich", entity.Person, true},
		{"Владимир Путин", "Vladimir Putin", entity.Person, true},
		{"vanderbilt corp", "van der bilt corp", entity.Organization, true},
		{"Banco Santander S.A.", "Banco Santander Chile S.A.", entity.Organization, false},
		{"TARIQ ANWAR EL SAYED MOHAMED", "TARIQ ANWAR EL SAYED AHMED", entity.Person, false},
		{"Osama bin Laden", "Usama ibn Laden", entity.Person, true},
		{"Bob Oldfield", "Robert Oldfield", entity.Person, true},
		{"Aleksandar Vucic", "Aleksandar Vučić", entity.Person, true},
	}
	for _, tt := range tests {
		c := e.Compare(tt.a, tt.b, tt.typ, 0)
		if c.Match != tt.want {
			t.Errorf("Compare(%q, %q) = %.3f match=%v, want %v: %s", tt.a, tt.b, c.Score, c.Match, tt.want, c.Explanation)
		}
	}
}

func FuzzScreen(f *testing.F) {
	e := testEngine()
	for _, s := range []string{"Abdollah Mehrabi", "ООО Алабуга", "bin bin bin", "A.B.C.D.E.F", "", "1229632603", "ال ال ال"} {
		f.Add(s, "1961", "IR")
	}
	f.Fuzz(func(t *testing.T, name, dob, country string) {
		q := match.Query{Name: name, DOB: dob, Country: country}
		ms, err := e.Screen(q, match.Options{})
		if err != nil {
			if !errors.Is(err, match.ErrInvalidQuery) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for i, m := range ms {
			if m.Score < 0 || m.Score > 1 || m.Explanation == "" {
				t.Fatalf("result %d: score %v explanation %q", i, m.Score, m.Explanation)
			}
			if i > 0 && m.Score > ms[i-1].Score {
				t.Fatalf("results not best first: %v after %v", m.Score, ms[i-1].Score)
			}
		}
	})
}

func ExampleEngine_Screen() {
	ds := &entity.Dataset{Source: "us_ofac_sdn", Version: "2024-05-03", Entities: []*entity.Entity{{
		ID: "us_ofac_sdn:33596", Source: "us_ofac_sdn", SourceID: "33596", Type: entity.Person,
		Name:  "MEHRABI, Abdollah",
		Names: []entity.Name{{Full: "MEHRABI, Abdollah", Kind: entity.NamePrimary, Quality: entity.Strong}},
	}}}
	e := match.New([]*entity.Dataset{ds})
	ms, _ := e.Screen(match.Query{Name: "Abdollah Mehrabi"}, match.Options{})
	for _, m := range ms {
		fmt.Printf("%s %.2f match=%v\n", m.EntityID, m.Score, m.Match)
	}
	// Output: us_ofac_sdn:33596 1.00 match=true
}

// An Engine is shared by every request of a server: screening from many
// goroutines at once must give each the same answer as alone (run with
// -race to check the pooled per-query memory).
func TestScreenConcurrently(t *testing.T) {
	e := testEngine()
	queries := []match.Query{{Name: "Abdollah Mehrabi"}, {Name: "Ghasem Damavandiyan"}, {Name: "ООО Алабуга Девелопмент"}, {Name: "John Kirby"}}
	want := make([]string, len(queries))
	for i, q := range queries {
		want[i] = fmt.Sprint(screen(t, e, q))
	}
	done := make(chan error, 8)
	for g := 0; g < 8; g++ {
		go func(g int) {
			for k := 0; k < 200; k++ {
				i := (g + k) % len(queries)
				ms, err := e.Screen(queries[i], match.Options{})
				if err != nil {
					done <- err
					return
				}
				if got := fmt.Sprint(ms); got != want[i] {
					done <- fmt.Errorf("query %q: concurrent result differs", queries[i].Name)
					return
				}
			}
			done <- nil
		}(g)
	}
	for g := 0; g < 8; g++ {
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

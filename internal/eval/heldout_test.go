package eval_test

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/eval"
	"github.com/chokepoint-dev/chokepoint/internal/match"
)

func heldout(t testing.TB) string {
	t.Helper()
	d := eval.FindHeldout()
	if d == "" {
		t.Fatalf("held-out sets not found under the module root (%s)", eval.HeldoutDir)
	}
	return d
}

// The counts PROVENANCE.md gives for the multi-culture set.
const (
	mcPeople    = 54700
	mcLatin     = 13900
	mcRowsDev   = 34300
	mcRowsTest  = 34300
	mcPeopleDev = 27348
)

func TestMultiCultureSetMatchesProvenance(t *testing.T) {
	dir := heldout(t)
	people := map[string]string{} // person id -> part
	var native, latin int
	scripts := map[string]int{}
	for _, part := range eval.Parts {
		rows, err := eval.LoadMultiCulture(dir, part)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"dev": mcRowsDev, "test": mcRowsTest}[part]
		if len(rows) != want {
			t.Errorf("%s: %d rows, PROVENANCE.md says %d", part, len(rows), want)
		}
		for _, r := range rows {
			pid := strings.TrimSuffix(r.ID, "-latn")
			if p, ok := people[pid]; ok && p != part {
				t.Fatalf("person %s is in both parts", pid)
			}
			people[pid] = part
			if strings.HasPrefix(r.Group, "Latn<") {
				latin++
			} else {
				native++
				scripts[r.Group]++
			}
		}
	}
	if native != mcPeople || latin != mcLatin || len(people) != mcPeople {
		t.Errorf("%d people, %d native rows, %d Latin rows; PROVENANCE.md says %d, %d, %d", len(people), native, latin, mcPeople, mcPeople, mcLatin)
	}
	dev := 0
	for _, p := range people {
		if p == "dev" {
			dev++
		}
	}
	if dev != mcPeopleDev {
		t.Errorf("%d people in dev, PROVENANCE.md says %d", dev, mcPeopleDev)
	}
	// The scripts the issue names must each be there in numbers that give a
	// rate per script some meaning.
	for _, s := range []string{"Latn", "Arab", "Cyrl", "Hang", "Hani", "Jpan", "Thai", "Grek", "Hebr", "Deva", "Armn", "Geor"} {
		if scripts[s] < 500 {
			t.Errorf("script %s: %d people, want at least 500", s, scripts[s])
		}
	}
}

func TestPartIsFNV1aOfTheKey(t *testing.T) {
	// Published FNV-1a 32-bit test vectors: the JavaScript generator
	// implements the same function, and the loaders check every row.
	for s, want := range map[string]uint32{"": 0x811c9dc5, "a": 0xe40c292c, "foobar": 0xbf9cf968} {
		if got := eval.FNV32a(s); got != want {
			t.Errorf("FNV32a(%q) = %#x, want %#x", s, got, want)
		}
	}
	if eval.Part("a") != "dev" || eval.Part("foobar") != "dev" || eval.Part("") != "test" {
		t.Error("Part does not follow the parity of FNV-1a")
	}
}

func TestLoadRefusesARowOfTheOtherPart(t *testing.T) {
	dir := heldout(t)
	tmp := t.TempDir()
	data, err := os.ReadFile(filepath.Join(dir, eval.MultiCultureFile("test")))
	if err != nil {
		t.Fatal(err)
	}
	// The test file's rows put under the dev name must be refused, naming
	// the file and the line.
	if err := os.WriteFile(filepath.Join(tmp, eval.MultiCultureFile("dev")), data, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = eval.LoadMultiCulture(tmp, "dev")
	if err == nil || !strings.Contains(err.Error(), eval.MultiCultureFile("dev")+":2:") || !strings.Contains(err.Error(), "test part") {
		t.Errorf("got %v, want an error naming line 2 and the test part", err)
	}
	pdata, err := os.ReadFile(filepath.Join(dir, eval.PerturbFile("dev")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, eval.PerturbFile("test")), pdata, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := eval.LoadPerturbations(tmp, "test"); err == nil || !strings.Contains(err.Error(), ":2:") {
		t.Errorf("got %v, want an error naming line 2", err)
	}
}

func TestLoadPerturbationsRejectsBadRows(t *testing.T) {
	tmp := t.TempDir()
	head := strings.Join(eval.PerturbHeader, ",") + "\n"
	// un_sc:CDi.001 is in the dev part (FNV-1a is even).
	for name, row := range map[string]string{
		"unknown kind": "un_sc:CDi.001/typo,un_sc:CDi.001,typo,person,ERIC BADEGE,ERIC BADEG,1971,CD\n",
		"bad date":     "un_sc:CDi.001/delete,un_sc:CDi.001,delete,person,ERIC BADEGE,ERC BADEGE,19x1,CD\n",
		"bad country":  "un_sc:CDi.001/delete,un_sc:CDi.001,delete,person,ERIC BADEGE,ERC BADEGE,1971,Atlantis\n",
		"wrong entity": "un_sc:CDi.002/delete,un_sc:CDi.001,delete,person,ERIC BADEGE,ERC BADEGE,1971,CD\n",
		"no name":      "un_sc:CDi.001/delete,un_sc:CDi.001,delete,person,ERIC BADEGE,,1971,CD\n",
	} {
		if err := os.WriteFile(filepath.Join(tmp, eval.PerturbFile("dev")), []byte(head+row), 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := eval.LoadPerturbations(tmp, "dev"); err == nil || !strings.Contains(err.Error(), ":2:") {
			t.Errorf("%s: got %v, want an error naming line 2", name, err)
		}
	}
}

// TestPerturbationSetIsReproducible regenerates the set from the shared UN
// file and compares it with the committed files row by row: the files are
// what the generator makes, and the generator is deterministic.
func TestPerturbationSetIsReproducible(t *testing.T) {
	gen, err := eval.PerturbationsFromFile(shared(t, eval.UNXMLFile))
	if err != nil {
		t.Fatal(err)
	}
	again, err := eval.PerturbationsFromFile(shared(t, eval.UNXMLFile))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gen, again) {
		t.Fatal("two runs of the generator differ")
	}
	dir := heldout(t)
	var committed []eval.Perturbation
	for _, part := range eval.Parts {
		rows, err := eval.LoadPerturbations(dir, part)
		if err != nil {
			t.Fatal(err)
		}
		committed = append(committed, rows...)
	}
	if len(gen) != len(committed) {
		t.Fatalf("generator gives %d rows, the committed files hold %d: regenerate (go run ./internal/eval/cmd/genperturb)", len(gen), len(committed))
	}
	byID := make(map[string]eval.Perturbation, len(gen))
	for _, p := range gen {
		byID[p.ID] = p
	}
	for _, c := range committed {
		if g, ok := byID[c.ID]; !ok || g != c {
			t.Fatalf("committed row %+v differs from generated %+v", c, g)
		}
	}
}

func TestPerturbationKinds(t *testing.T) {
	rows, err := eval.PerturbationsFromFile(shared(t, eval.UNXMLFile))
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, p := range rows {
		kinds[p.Kind]++
		lw, nw := strings.Fields(p.Listed), strings.Fields(p.Name)
		switch p.Kind {
		case eval.KindSwapStart, eval.KindSwapInner:
			if len(lw) != len(nw) || utf8.RuneCountInString(p.Name) != utf8.RuneCountInString(p.Listed) || sortedRunes(p.Name) != sortedRunes(p.Listed) {
				t.Errorf("%s: %q is not a letter swap of %q", p.Kind, p.Name, p.Listed)
			}
			if p.Kind == eval.KindSwapStart && !startSwapped(lw, nw) {
				t.Errorf("swap_start: %q does not swap the first two letters of a word of %q", p.Name, p.Listed)
			}
		case eval.KindDelete:
			if utf8.RuneCountInString(p.Name) != utf8.RuneCountInString(p.Listed)-1 {
				t.Errorf("delete: %q is not %q less one letter", p.Name, p.Listed)
			}
		case eval.KindBoundary:
			if sortedRunes(p.Name) != sortedRunes(p.Listed) || strings.Count(p.Name, " ")+strings.Count(p.Name, "-") != strings.Count(p.Listed, " ")+strings.Count(p.Listed, "-") {
				t.Errorf("boundary: %q does not move one letter across a separator of %q", p.Name, p.Listed)
			}
		case eval.KindReorder, eval.KindComma:
			if sortedRunes(p.Name) != sortedRunes(p.Listed) || len(nw) != len(lw) {
				t.Errorf("%s: %q does not hold the words of %q", p.Kind, p.Name, p.Listed)
			}
		case eval.KindDropMiddle:
			if len(nw) != len(lw)-1 || nw[0] != lw[0] || nw[len(nw)-1] != lw[len(lw)-1] {
				t.Errorf("drop_middle: %q does not keep the first and last words of %q", p.Name, p.Listed)
			}
		case eval.KindHonorific:
			if len(nw) != len(lw)+1 {
				t.Errorf("honorific: %q is not %q with one word more", p.Name, p.Listed)
			}
		}
	}
	for _, k := range eval.PerturbKinds {
		if kinds[k] < 300 {
			t.Errorf("kind %s: %d rows, want at least 300", k, kinds[k])
		}
	}
}

func sortedRunes(s string) string {
	r := []rune(strings.ToLower(strings.NewReplacer(" ", "", "-", "", ",", "").Replace(s)))
	for i := 1; i < len(r); i++ {
		for j := i; j > 0 && r[j] < r[j-1]; j-- {
			r[j], r[j-1] = r[j-1], r[j]
		}
	}
	return string(r)
}

func startSwapped(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			ra, rb := []rune(a[i]), []rune(b[i])
			return len(ra) >= 2 && strings.EqualFold(string(ra[0]), string(rb[1])) && strings.EqualFold(string(ra[1]), string(rb[0])) && string(ra[2:]) == string(rb[2:])
		}
	}
	return false
}

// The held-out measurements run end to end on the dev parts. The floors
// are today's figures before the work of issue 10 (docs/quality.md), so
// that a change that makes them worse fails; raise them as the work lands.
func TestMultiCultureDev(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping 34,300-row held-out negatives run in -short mode")
	}
	res, err := eval.MultiCulture(bundled(t), heldout(t), "dev", match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	no, wf := float64(res.NameOnly)/float64(res.Rows), float64(res.WithFacts)/float64(res.Rows)
	t.Logf("multi-culture dev: %d rows, flagged %.2f%% by name only, %.2f%% with facts", res.Rows, 100*no, 100*wf)
	if res.Rows != mcRowsDev || len(res.ByScript) < 15 {
		t.Errorf("%d rows in %d script groups", res.Rows, len(res.ByScript))
	}
	// Floors: today's figures (0.64% and 0.13%; before issue 10 1.75%
	// and 0.16%, and 2.00% and 0.52% once the whole US CSL was bundled);
	// targets 0.2% and 0.05%.
	if no > 0.0066 || wf > 0.0014 {
		t.Errorf("flagged %.4f by name only, %.4f with facts; want <= 0.0066 and 0.0014", no, wf)
	}
}

func TestPerturbedDev(t *testing.T) {
	res, err := eval.Perturbed(bundled(t), heldout(t), "dev", match.DefaultThreshold)
	if err != nil {
		t.Fatal(err)
	}
	no, wf := float64(res.NameOnly.Matched)/float64(res.Rows), float64(res.WithFacts.Matched)/float64(res.Rows)
	t.Logf("UN perturbations dev: %d rows, right entity a match %.1f%% by name only, %.1f%% with facts", res.Rows, 100*no, 100*wf)
	if verbose {
		for _, m := range res.Misses {
			t.Log("miss:", m)
		}
	}
	// Floors: today's figures (94.08% and 94.61%, after the second round
	// of issue 10 mechanisms; 88.11% and 89.25% before issue 10).
	if no < 0.94 || wf < 0.946 {
		t.Errorf("right entity a match %.4f by name only, %.4f with facts; want >= 0.94 and 0.946", no, wf)
	}
}

// The committed files must read with any strict CSV reader (the same
// number of fields on every line), not only through our loaders.
func TestHeldoutFilesAreStrictCSV(t *testing.T) {
	dir := heldout(t)
	for _, part := range eval.Parts {
		for _, f := range []string{eval.MultiCultureFile(part), eval.PerturbFile(part)} {
			fh, err := os.Open(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			r := csv.NewReader(fh)
			if _, err := r.ReadAll(); err != nil { // fixed field count per record
				t.Errorf("%s: %v", f, err)
			}
			fh.Close()
		}
	}
}

// The loaders read files a person may edit by hand: whatever the bytes,
// they give rows that keep the split, or an error, never a panic.
func FuzzLoadMultiCulture(f *testing.F) {
	head := "id,person_id,form,full_name,first_name,middle_name,last_name,script,locale,gender,date_of_birth,nationality\n"
	f.Add([]byte(head + "mc-ko-00001,mc-ko-00001,native,방아준,아준,,방,Hang,ko,male,1993-07-10,KR\nmc-ko-00001-latn,mc-ko-00001,latin,Bang Ajun,Ajun,,Bang,Latn,ko,male,1993-07-10,KR\n"))
	f.Add([]byte(head + "x,y,latin,\"a,b\",,,,Latn,de,,19x,DE\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, eval.MultiCultureFile("dev")), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := eval.LoadMultiCulture(dir, "dev")
		if err != nil {
			return
		}
		for _, r := range rows {
			if r.ID == "" || r.Name == "" || r.Group == "" {
				t.Fatalf("row without id, name or script: %+v", r)
			}
		}
	})
}

func FuzzLoadPerturbations(f *testing.F) {
	head := strings.Join(eval.PerturbHeader, ",") + "\n"
	f.Add([]byte(head + "un_sc:CDi.001/delete,un_sc:CDi.001,delete,person,ERIC BADEGE,ERC BADEGE,1971,CD\n"))
	f.Add([]byte(head + "un_sc:CDi.001/comma,un_sc:CDi.001,comma,person,ERIC BADEGE,\"BADEGE, ERIC\",,\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, eval.PerturbFile("dev")), data, 0o644); err != nil {
			t.Fatal(err)
		}
		rows, err := eval.LoadPerturbations(dir, "dev")
		if err != nil {
			return
		}
		for _, p := range rows {
			if eval.Part(p.EntityID) != "dev" || p.Name == "" || !strings.HasPrefix(p.ID, p.EntityID+"/") {
				t.Fatalf("row breaks the set's rules: %+v", p)
			}
		}
	})
}

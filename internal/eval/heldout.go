package eval

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/lists/un"
	"github.com/chokepoint-dev/chokepoint/internal/sharedtest"
)

// The held-out sets live in the repository (they are ours, built for
// issue 10), each in a dev and a test file; see PROVENANCE.md there.
const (
	// HeldoutDir is the directory of the held-out sets, relative to the
	// module root.
	HeldoutDir = "internal/eval/testdata/heldout"
	// UNXMLFile is the UN list the perturbation set is made from, under the
	// shared data directory.
	UNXMLFile = "data/lists/official-samples/un-consolidated-xml/consolidated.xml"
)

// Parts are the two halves of every held-out set.
var Parts = []string{"dev", "test"}

// MultiCultureFile is the file name of one part of the multi-culture
// negatives set.
func MultiCultureFile(part string) string { return "negatives_multiculture_" + part + ".csv" }

// PerturbFile is the file name of one part of the UN perturbation set.
func PerturbFile(part string) string { return "perturb_un_" + part + ".csv" }

// FindHeldout returns HeldoutDir under the module root, found by walking
// up from the working directory to go.mod, or "" when there is none.
func FindHeldout() string {
	root := sharedtest.ModuleRoot()
	if root == "" {
		return ""
	}
	d := filepath.Join(root, HeldoutDir)
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// NegRow is one made-up person to be screened; none should match.
type NegRow struct {
	ID     string
	Group  string // the script the name is written in, for rates per script
	Name   string
	DOB    string
	Nation string // ISO alpha-2
	Gender string
}

// ReadCSV's rows carry no line numbers; header order and row index give
// them back for error messages.
func checkHeader(path string, rows []map[string]string, want []string) error {
	if len(rows) == 0 {
		return fmt.Errorf("%s: no rows", path)
	}
	for _, h := range want {
		if _, ok := rows[0][h]; !ok {
			return fmt.Errorf("%s: column %q missing", path, h)
		}
	}
	return nil
}

var multiCultureHeader = []string{"id", "person_id", "form", "full_name", "first_name", "middle_name", "last_name", "script", "locale", "gender", "date_of_birth", "nationality"}

// LoadMultiCulture reads one part of the multi-culture negatives set. A
// native-script row is grouped under its script ("Hang"), a Latin form
// under "Latn<" and its source script ("Latn<Hang"), so that a rate per
// script shows both what customers write in the script and in Latin.
// Every row must belong to the part by its person id.
func LoadMultiCulture(dir, part string) ([]NegRow, error) {
	path := filepath.Join(dir, MultiCultureFile(part))
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(path, rows, multiCultureHeader); err != nil {
		return nil, err
	}
	native := make(map[string]string) // person id -> script
	out := make([]NegRow, 0, len(rows))
	seen := make(map[string]bool, len(rows))
	for i, r := range rows {
		line := i + 2
		if r["id"] == "" || r["full_name"] == "" || r["script"] == "" {
			return nil, fmt.Errorf("%s:%d: id, full_name and script are required", path, line)
		}
		if seen[r["id"]] {
			return nil, fmt.Errorf("%s:%d: id %q repeated", path, line, r["id"])
		}
		seen[r["id"]] = true
		if p := Part(r["person_id"]); p != part {
			return nil, fmt.Errorf("%s:%d: person %q belongs to the %s part", path, line, r["person_id"], p)
		}
		if r["date_of_birth"] != "" {
			if _, err := entity.ParseDate(r["date_of_birth"]); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		group := r["script"]
		switch r["form"] {
		case "native":
			native[r["person_id"]] = r["script"]
		case "latin":
			src, ok := native[r["person_id"]]
			if !ok {
				return nil, fmt.Errorf("%s:%d: Latin form of %q comes before its native row", path, line, r["person_id"])
			}
			group = "Latn<" + src
		default:
			return nil, fmt.Errorf("%s:%d: form %q, want native or latin", path, line, r["form"])
		}
		out = append(out, NegRow{ID: r["id"], Group: group, Name: r["full_name"], DOB: r["date_of_birth"], Nation: r["nationality"], Gender: r["gender"]})
	}
	return out, nil
}

// PerturbationsFromFile parses a UN consolidated list XML and generates the
// perturbation set from it.
func PerturbationsFromFile(path string) ([]Perturbation, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	ds, err := un.Parse(data, path)
	if err != nil {
		return nil, err
	}
	return GeneratePerturbations(ds), nil
}

// LoadPerturbations reads one part of the perturbation set. Every row must
// belong to the part by its entity id.
func LoadPerturbations(dir, part string) ([]Perturbation, error) {
	path := filepath.Join(dir, PerturbFile(part))
	rows, err := ReadCSV(path)
	if err != nil {
		return nil, err
	}
	if err := checkHeader(path, rows, PerturbHeader); err != nil {
		return nil, err
	}
	out := make([]Perturbation, 0, len(rows))
	for i, r := range rows {
		line := i + 2
		p := Perturbation{ID: r["id"], EntityID: r["entity_id"], Kind: r["kind"], Listed: r["listed_name"], Name: r["name"], DOB: r["date_of_birth"], Nationality: r["nationality"]}
		typ, ok := entity.ParseType(r["type"])
		if !ok || p.ID == "" || p.EntityID == "" || p.Name == "" || !slices.Contains(PerturbKinds, p.Kind) {
			return nil, fmt.Errorf("%s:%d: want id, entity_id, a known kind, a type and a name", path, line)
		}
		p.Type = typ
		if !strings.HasPrefix(p.ID, p.EntityID+"/") {
			return nil, fmt.Errorf("%s:%d: id %q is not of entity %q", path, line, p.ID, p.EntityID)
		}
		if got := Part(p.EntityID); got != part {
			return nil, fmt.Errorf("%s:%d: entity %q belongs to the %s part", path, line, p.EntityID, got)
		}
		if p.DOB != "" {
			if _, err := entity.ParseDate(p.DOB); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", path, line, err)
			}
		}
		if p.Nationality != "" && country.Code(p.Nationality) == "" {
			return nil, fmt.Errorf("%s:%d: nationality %q is not a country", path, line, p.Nationality)
		}
		out = append(out, p)
	}
	return out, nil
}

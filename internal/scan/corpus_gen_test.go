package scan_test

import (
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusSeed fixes the ordinary-text corpus: the same seed and name file
// give the same bytes.
const corpusSeed = 1212

// TestGenerateOrdinaryCorpus writes testdata/ordinary.txt when
// SCAN_GEN_CORPUS=1; otherwise it checks the committed file is what the
// generator makes, so the corpus and its provenance cannot drift apart.
func TestGenerateOrdinaryCorpus(t *testing.T) {
	got := generateCorpus(t)
	path := filepath.Join("testdata", "ordinary.txt")
	if os.Getenv("SCAN_GEN_CORPUS") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Fatalf("%s differs from what the generator makes; run SCAN_GEN_CORPUS=1 go test -run TestGenerateOrdinaryCorpus ./internal/scan/", path)
	}
}

// generateCorpus builds 120 news-style paragraphs from sentence templates
// written for the project, filled with made-up people from the held-out
// development names (Faker-generated, MIT; see
// internal/eval/testdata/heldout/PROVENANCE.md), companies made of their
// surnames, and ordinary places.
func generateCorpus(t *testing.T) string {
	f, err := os.Open(filepath.Join("..", "eval", "testdata", "heldout", "negatives_multiculture_dev.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	type person struct{ full, last string }
	var latin, other []person
	for _, r := range rows[1:] {
		if r[6] == "" || strings.ContainsAny(r[3], ",\"") {
			continue
		}
		p := person{r[3], r[6]}
		switch {
		case r[7] == "Latn":
			latin = append(latin, p)
		case r[7] == "Cyrl" || r[7] == "Arab" || r[7] == "Grek":
			other = append(other, p)
		}
	}
	rng := rand.New(rand.NewPCG(corpusSeed, 0))
	pick := func() person {
		if rng.IntN(10) == 0 {
			return other[rng.IntN(len(other))]
		}
		return latin[rng.IntN(len(latin))]
	}
	suffixes := []string{"Holdings", "Logistics", "Group", "GmbH", "& Partners", "Industries", "Trading", "Electronics", "Systems", "Shipping", "Capital", "Foods", "Media", "Consulting", "Ltd", "SA", "Freight", "Motors"}
	company := func() string {
		return pick().last + " " + suffixes[rng.IntN(len(suffixes))]
	}
	outlets := []string{"the Daily Ledger", "Harbour Weekly", "the Evening Courier", "Trade Signals", "the Morning Post", "Market Watchers"}
	cities := []string{"Rotterdam", "Hamburg", "Lyon", "Valencia", "Gdansk", "Antwerp", "Porto", "Genoa", "Marseille", "Gothenburg", "Leeds", "Toronto", "Melbourne", "Nairobi", "Lagos", "Lima", "Osaka", "Seoul", "Manila", "Cape Town"}
	roles := []string{"a spokesperson for", "the chief executive of", "an analyst at", "a director of", "the founder of", "a lawyer representing", "the head of procurement at"}
	officials := []string{"the deputy mayor", "the transport minister", "a customs official", "the regional governor", "a senior prosecutor", "the harbour master"}
	months := []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	templates := []func() string{
		func() string {
			return fmt.Sprintf("%s, %s %s, said the firm expected demand to recover by %s.", pick().full, roles[rng.IntN(len(roles))], company(), months[rng.IntN(12)])
		},
		func() string {
			return fmt.Sprintf("According to %s, who covers logistics for %s, shipments through %s rose by %d percent last quarter.", pick().full, outlets[rng.IntN(len(outlets))], cities[rng.IntN(len(cities))], 2+rng.IntN(30))
		},
		func() string {
			return fmt.Sprintf("%s, %s, told reporters that the contract with %s would be reviewed.", pick().full, officials[rng.IntN(len(officials))], company())
		},
		func() string {
			p := pick()
			return fmt.Sprintf("\"We did everything by the book,\" %s said. %s later added that %s had hired new auditors.", p.full, p.last, company())
		},
		func() string {
			return fmt.Sprintf("The council heard from %s and %s before voting %d to %d in favour of the new terminal in %s.", pick().full, pick().full, 5+rng.IntN(10), rng.IntN(5), cities[rng.IntN(len(cities))])
		},
		func() string {
			return fmt.Sprintf("%s bought a %d%% stake in %s, a deal advised by %s of %s.", company(), 5+rng.IntN(45), company(), pick().full, company())
		},
		func() string {
			return fmt.Sprintf("In %s, %s opened a second warehouse near %s, where %s now manages a team of %d.", months[rng.IntN(12)], company(), cities[rng.IntN(len(cities))], pick().full, 10+rng.IntN(200))
		},
		func() string {
			return fmt.Sprintf("Neither %s nor %s responded to requests for comment from %s.", pick().full, company(), outlets[rng.IntN(len(outlets))])
		},
		func() string {
			return fmt.Sprintf("Local residents, among them %s and %s, complained about night-time noise from the %s depot.", pick().full, pick().full, cities[rng.IntN(len(cities))])
		},
		func() string {
			return fmt.Sprintf("The court appointed %s as administrator after %s missed a payment of %d million euros.", pick().full, company(), 1+rng.IntN(90))
		},
	}
	var b strings.Builder
	b.WriteString("# Ordinary news-style paragraphs for the scanner's false-mention test. Generated by\n")
	b.WriteString("# TestGenerateOrdinaryCorpus (internal/scan/corpus_gen_test.go, seed 1212): templates written\n")
	b.WriteString("# for the project; names from internal/eval/testdata/heldout/negatives_multiculture_dev.csv\n")
	b.WriteString("# (made-up people generated with @faker-js/faker, MIT). Paragraphs are separated by blank lines.\n\n")
	for p := 0; p < 120; p++ {
		n := 3 + rng.IntN(3)
		for s := 0; s < n; s++ {
			if s > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(templates[rng.IntN(len(templates))]())
		}
		b.WriteString("\n\n")
	}
	return b.String()
}

package scan_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/lists"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

var bundled = sync.OnceValues(func() (*scan.Scanner, error) {
	cat, err := lists.Open("", lists.Options{})
	if err != nil {
		return nil, err
	}
	sc := scan.New(match.New(cat.Datasets()))
	sc.Prepare()
	return sc, nil
})

// scanner returns a scanner over the bundled lists, built once for the
// package's tests.
func scanner(tb testing.TB) *scan.Scanner {
	tb.Helper()
	sc, err := bundled()
	if err != nil {
		tb.Fatalf("open bundled lists: %v", err)
	}
	return sc
}

func scanText(tb testing.TB, text string) []scan.Mention {
	tb.Helper()
	ms, err := scanner(tb).Scan(context.Background(), text, scan.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	return ms
}

// TestDroneProcurementExample holds the example news paragraph to the
// findings a compliance officer expects: the listed parties and vessel,
// the Caspian ports, the embargoed countries, the HS codes and the
// component families, and none of the unlisted people.
func TestDroneProcurementExample(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", "texts", "drone-procurement-news.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	ms := scanText(t, text)
	got := make(map[string]bool)
	for _, m := range ms {
		if text[m.Start:m.End] != m.Text {
			t.Errorf("mention %q at %d-%d, text there is %q", m.Text, m.Start, m.End, text[m.Start:m.End])
		}
		got[string(m.Kind)+" "+m.Ref+" "+m.Text] = true
		t.Logf("%4d-%-4d %-10s %-28q %-20s %-18s %.2f", m.Start, m.End, m.Kind, m.Text, m.Ref, m.Rule, m.Score)
	}
	for _, want := range []string{
		"country RU Russia",
		"party us_ofac_sdn:45708 Alabuga Special Economic Zone",
		"party us_ofac_sdn:45710 Timur Shagivaleev",
		"country IR Iran",
		"party us_ofac_sdn:45713 Alabuga Machinery LLC",
		"component processor STM32F405",
		"component processor microcontrollers",
		"component imu MPU-6050",
		"component imu inertial measurement units",
		"component gnss GNSS",
		"hs_code 854231 8542.31",
		"hs_code 852691 8526.91",
		"port IRBAZ Bandar\nAnzali",
		"port RUMCX Makhachkala",
		"party us_ofac_sdn:15050 Pioneer",
		"identifier us_ofac_sdn:15050 9362073",
		"party us_ofac_sdn:16418 Qods Aviation Industries",
	} {
		want = strings.ReplaceAll(want, "\\n", "\n")
		if !got[want] {
			t.Errorf("missing %s", want)
		}
	}
	for _, m := range ms {
		for _, person := range []string{"Karen", "Whitfield", "Oleg", "Petrenko", "Daniel", "Moreau", "Hong Kong", "Kazan"} {
			if strings.Contains(m.Text, person) {
				t.Errorf("unlisted %q reported: %s %s %q %.2f", person, m.Kind, m.Ref, m.Text, m.Score)
			}
		}
	}
	if got, want := ms[4].Summary(), `party "Alabuga Machinery LLC" at 244-265: us_ofac_sdn:45713 LIMITED LIABILITY COMPANY ALABUGA MACHINERY (listed_party, score 1.00)`; got != want {
		t.Errorf("Summary() = %s\nwant %s", got, want)
	}
	if got, want := ms[12].Summary(), `port "Bandar\nAnzali" at 439-452: IRBAZ Bandar Anzali (caspian_port, score 1.00)`; got != want {
		t.Errorf("Summary() = %s\nwant %s", got, want)
	}
	if n := len(ms); n != 17 {
		t.Errorf("%d mentions, want the 17 above", n)
	}
}

// TestScriptsAgainstBundledLists finds a UN-listed person written in
// Arabic script in an Arabic sentence, and in Latin letters in an English
// one, as the name analysis reads both.
func TestScriptsAgainstBundledLists(t *testing.T) {
	for _, text := range []string{
		"قال مسؤول عراقي إن عزت ابراهيم الدوري غادر البلاد.",
		"Officials said Izzat Ibrahim al-Duri had left the country.",
	} {
		ms := partyMentions(scanText(t, text))
		if len(ms) != 1 || !sameParty(ms[0], "un_sc:IQi.006") {
			t.Errorf("%q: mentions %+v, want un_sc:IQi.006 (or its entry on another list) only", text, ms)
		}
	}
}

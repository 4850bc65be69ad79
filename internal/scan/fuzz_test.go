package scan_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// small is a scanner over a few hand-made entries, built in milliseconds,
// for fuzzing and for the rules that need no real list.
var small = sync.OnceValue(func() *scan.Scanner {
	ent := func(id string, t entity.Type, names ...string) *entity.Entity {
		e := &entity.Entity{ID: "test:" + id, Source: "test", SourceID: id, Type: t, Name: names[0]}
		for i, n := range names {
			kind := entity.NameAlias
			if i == 0 {
				kind = entity.NamePrimary
			}
			e.Names = append(e.Names, entity.Name{Full: n, Kind: kind, Quality: entity.Strong})
		}
		return e
	}
	vessel := ent("v1", entity.Vessel, "FREEDOM")
	vessel.Identifiers = []entity.Identifier{{Type: entity.IDIMO, Number: "IMO 9187629"}, {Type: entity.IDMMSI, Number: "572459210"}}
	sept := ent("o3", entity.Organization, "LIMITED LIABILITY COMPANY SEPTEMBER")
	person := ent("p1", entity.Person, "SHAGIVALEEV, Timur")
	person.Identifiers = []entity.Identifier{{Type: entity.IDPassport, Number: "A1234567"}}
	ds := &entity.Dataset{Source: "test", Version: "test-1", Entities: []*entity.Entity{
		ent("o1", entity.Organization, "LIMITED LIABILITY COMPANY ALABUGA MACHINERY", "ООО АЛАБУГА МАШИНЕРИ"),
		ent("o2", entity.Organization, "HAMAS"),
		sept, vessel, person,
		ent("p2", entity.Person, "MORADI, Ali Reza"),
	}}
	sc := scan.New(match.New([]*entity.Dataset{ds}))
	sc.Prepare()
	return sc
})

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"Alabuga Machinery LLC paid the MV FREEDOM (IMO 9187629) at Bandar Anzali.",
		"<p>Timur <b>Shagivaleev</b> &amp; HAMAS</p><script>x</script> 8542.31 STM32F4",
		"ООО «Алабуга Машинери» — Иран, Makhachkala, IR BAZ, HS code 854231",
		"\xff\xfe<!-- a", "&#x41;&amp;&bogus; <a href='x'>Ali Reza Moradi</a>", "Iran's MPU-6050 A1234567",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, text string, html bool) {
		sc := small()
		var ms []scan.Mention
		var err error
		if html {
			ms, err = sc.ScanHTML(context.Background(), text, scan.Options{MinScore: 0.5})
		} else {
			ms, err = sc.Scan(context.Background(), text, scan.Options{MinScore: 0.5})
		}
		if err != nil {
			t.Fatal(err)
		}
		last := -1
		for _, m := range ms {
			if m.Start < 0 || m.End > len(text) || m.Start >= m.End {
				t.Fatalf("mention %+v outside the text (%d bytes)", m, len(text))
			}
			if m.Start < last {
				t.Fatalf("mentions out of order at %d", m.Start)
			}
			last = m.Start
			if m.Text != text[m.Start:m.End] {
				t.Fatalf("mention text %q, input there %q", m.Text, text[m.Start:m.End])
			}
			if utf8.ValidString(text) && (!utf8.RuneStart(text[m.Start]) || m.End < len(text) && !utf8.RuneStart(text[m.End])) {
				t.Fatalf("mention %d-%d not on character boundaries of %q", m.Start, m.End, text)
			}
			if m.Kind == "" || m.Ref == "" || m.Rule == "" || m.Explanation == "" {
				t.Fatalf("mention %+v lacks a field", m)
			}
		}
		if !html && !strings.ContainsAny(text, "<&") {
			// Plain text read as HTML must find the same mentions.
			hm, err := sc.ScanHTML(context.Background(), text, scan.Options{MinScore: 0.5})
			if err != nil || len(hm) != len(ms) {
				t.Fatalf("as HTML: %d mentions (%v), as text %d", len(hm), err, len(ms))
			}
		}
	})
}

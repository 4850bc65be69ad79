package scan_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/scan"
)

// paragraphs reads a testdata file of paragraphs separated by blank lines,
// skipping "#" comment lines; a paragraph's "expect:" line is returned
// apart.
func paragraphs(t *testing.T, name string) (texts []string, expect [][]string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	for _, block := range strings.Split(string(b), "\n\n") {
		var lines, exp []string
		for _, l := range strings.Split(block, "\n") {
			switch {
			case strings.HasPrefix(l, "#"), strings.TrimSpace(l) == "":
			case strings.HasPrefix(l, "expect:"):
				exp = strings.Fields(strings.TrimPrefix(l, "expect:"))
			default:
				lines = append(lines, l)
			}
		}
		if len(lines) > 0 {
			texts = append(texts, strings.Join(lines, "\n"))
			expect = append(expect, exp)
		}
	}
	return texts, expect
}

// partyMentions returns the matched party and identifier mentions.
func partyMentions(ms []scan.Mention) []scan.Mention {
	var out []scan.Mention
	for _, m := range ms {
		if (m.Kind == scan.Party || m.Kind == scan.Identifier) && m.Match {
			out = append(out, m)
		}
	}
	return out
}

// sameParty reports whether mention m points to entity id, directly or
// as another list's entry of the same party.
func sameParty(m scan.Mention, id string) bool {
	if m.Ref == id {
		return true
	}
	var ms []match.Match
	if m.Party != nil {
		ms = append(ms, *m.Party)
	}
	for _, o := range append(ms, m.Also...) {
		if o.EntityID == id {
			return true
		}
		for _, r := range o.AlsoListed {
			if r.EntityID == id {
				return true
			}
		}
	}
	return false
}

// TestOrdinaryTextFalseMentions scans 120 paragraphs of ordinary news text
// full of made-up people and companies: a party mention there is a false
// one.
func TestOrdinaryTextFalseMentions(t *testing.T) {
	texts, _ := paragraphs(t, "ordinary.txt")
	if len(texts) < 100 {
		t.Fatalf("read %d paragraphs, want at least 100", len(texts))
	}
	// The same text in capitals, as payment messages write it, where
	// capitals no longer mark names.
	for _, upper := range []bool{false, true} {
		bad := 0
		for _, p := range texts {
			if upper {
				p = strings.ToUpper(p)
			}
			ms := partyMentions(scanText(t, p))
			if len(ms) > 0 {
				bad++
			}
			for _, m := range ms {
				t.Logf("false mention %q -> %s %q %.2f", m.Text, m.Ref, m.Party.MatchedName, m.Score)
			}
		}
		rate := float64(bad) / float64(len(texts))
		t.Logf("ordinary text (capitals %v): %d of %d paragraphs (%.1f%%) have a false party mention", upper, bad, len(texts), 100*rate)
		if rate > maxFalseParagraphs {
			t.Errorf("capitals %v: false-mention rate %.3f of paragraphs, want <= %.3f", upper, rate, maxFalseParagraphs)
		}
	}
}

// TestListedPartiesRecall scans paragraphs naming listed parties of the
// UAV programmes; each expected entity must be reported, and nothing else.
func TestListedPartiesRecall(t *testing.T) {
	texts, expect := paragraphs(t, "listed.txt")
	want, found, extra := 0, 0, 0
	for i, p := range texts {
		ms := partyMentions(scanText(t, p))
		for _, id := range expect[i] {
			want++
			ok := false
			for _, m := range ms {
				if sameParty(m, id) {
					ok = true
				}
			}
			if ok {
				found++
			} else {
				t.Logf("paragraph %d: %s not found in %q", i+1, id, p)
			}
		}
		for _, m := range ms {
			expected := false
			for _, id := range expect[i] {
				expected = expected || sameParty(m, id)
			}
			if !expected {
				extra++
				t.Logf("paragraph %d: unexpected mention %q -> %s %q %.2f", i+1, m.Text, m.Ref, m.Party.MatchedName, m.Score)
			}
		}
	}
	recall := float64(found) / float64(want)
	t.Logf("listed parties: %d of %d found (recall %.3f), %d unexpected mentions", found, want, recall, extra)
	if recall < minRecall {
		t.Errorf("recall %.3f, want >= %.3f", recall, minRecall)
	}
	if extra > 0 {
		t.Errorf("%d unexpected party mentions", extra)
	}
}

const (
	maxFalseParagraphs = 0.02
	minRecall          = 0.95
)

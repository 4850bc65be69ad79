package scan

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// candidate is a span of words [i, j] that covers enough of some listed
// names, the entities of which the engine then judges.
type candidate struct {
	i, j int
	ents []int32
}

// vesselMarkers are the words that say the next name is a ship's or an
// aircraft's: a one-word vessel name (FREEDOM, FORTUNE) is an ordinary
// word without them.
var vesselMarkers = map[string]bool{
	"mv": true, "mt": true, "ms": true, "ss": true, "mvs": true, "vessel": true, "vessels": true, "ship": true,
	"tanker": true, "freighter": true, "carrier": true, "yacht": true, "tug": true, "barge": true, "boat": true,
	"aircraft": true, "airplane": true, "plane": true, "jet": true, "airliner": true, "helicopter": true,
	"v": true, "t": true, // the second word of M/V and M/T
}

// parties finds the mentions of listed names.
func (sc *Scanner) parties(ctx context.Context, d *doc, opt Options) ([]Mention, error) {
	x := sc.x
	n := len(d.words)
	keys := make([][]int32, n)
	var buf [16]int32
	for i := range d.words {
		w := &d.words[i]
		typos := !d.cased || w.cap || w.caps || w.uncased
		if ks := x.wordKeys(w, typos, buf[:0]); len(ks) > 0 {
			keys[i] = append([]int32(nil), ks...)
		}
	}
	memo := closeMemo{d: d, m: make(map[uint64]bool)}
	var cands []candidate
	at := make(map[[2]int]int)
	// doneTo remembers, per name, the last word of the last span judged,
	// so a name is not judged again from each of its own words.
	doneTo := make(map[int32]int)
	for a := 0; a < n; a++ {
		if d.cased && !capWord(&d.words[a]) && !d.words[a].hasDigit {
			// A name is started by one of its rarer words, which a cased
			// text capitalises: a lower-case word starts nothing.
			continue
		}
		for _, k := range keys[a] {
			for _, ni := range x.trig[k] {
				if to, ok := doneTo[ni]; ok && a <= to {
					continue
				}
				i, j, ok := sc.cover(d, keys, &memo, ni, a)
				if !ok {
					continue
				}
				doneTo[ni] = j
				ln := &x.names[ni]
				c, seen := at[[2]int{i, j}]
				if !seen {
					c = len(cands)
					at[[2]int{i, j}] = c
					cands = append(cands, candidate{i: i, j: j})
				}
				if !containsInt32(cands[c].ents, ln.ent) {
					cands[c].ents = append(cands[c].ents, ln.ent)
				}
			}
		}
	}
	var out []Mention
	screened := make(map[string][]match.Match)
	for ci := range cands {
		if ci%16 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		c := &cands[ci]
		i, j := sc.withLegalForms(d, c.i, c.j)
		q := d.span(i, j)
		if len(q) > match.MaxNameLen {
			continue
		}
		// A document names its parties again and again; each wording is
		// screened once.
		ms, seen := screened[q]
		if !seen {
			var err error
			// The engine refuses text that is not UTF-8; a stray byte
			// of a document read leniently (a file in another encoding)
			// is screened as U+FFFD rather than dropping the span.
			ms, err = sc.s.Screen(match.Query{Name: strings.ToValidUTF8(q, "\uFFFD")}, match.Options{Threshold: opt.Threshold, MinScore: opt.MinScore, Limit: match.MaxLimit})
			if err != nil {
				return nil, err
			}
			screened[q] = ms
		}
		m, others, ok := sc.pick(ms, c.ents, opt.MinScore)
		if !ok || m.Score < opt.MinScore {
			continue
		}
		out = append(out, Mention{
			Start: d.words[i].start, End: d.words[j].end, Kind: Party, Ref: m.EntityID, Rule: "listed_party",
			Score: m.Score, Match: m.Score >= opt.Threshold, Explanation: m.Explanation, Party: &m, Also: others,
		})
	}
	return out, nil
}

// closeMemo remembers near for pairs of a text word and a listed word's
// fold: the names one word finds share most of their words.
type closeMemo struct {
	d *doc
	m map[uint64]bool
}

func (c *closeMemo) near(i int, lw *lword) bool {
	k := uint64(i)<<32 | uint64(uint32(lw.foldID))
	v, ok := c.m[k]
	if !ok {
		v = near(c.d.words[i].fold, lw.fold)
		c.m[k] = v
	}
	return v
}

// pick returns the best result that is one of ents (or lists one of them
// as the same party), and the other results of ents scoring at least
// minScore: the engine may rank another entity first, which the span does
// not cover enough to be a mention of, and may keep one person's entries
// on two lists apart.
func (sc *Scanner) pick(ms []match.Match, ents []int32, minScore float64) (match.Match, []match.Match, bool) {
	in := func(m *match.Match) bool {
		for _, ei := range ents {
			id := sc.x.ents[ei].ID
			if m.EntityID == id {
				return true
			}
			for _, r := range m.AlsoListed {
				if r.EntityID == id {
					return true
				}
			}
		}
		return false
	}
	var best match.Match
	var others []match.Match
	found := false
	for i := range ms {
		if !in(&ms[i]) {
			continue
		}
		if !found {
			best, found = ms[i], true
		} else if ms[i].Score >= minScore {
			others = append(others, ms[i])
		}
	}
	return best, others, found
}

// cover looks for the words of listed name ni around word a and returns
// the span they cover, if it is a mention candidate: it covers minCover
// of the name's weight and two of its words (a name of two or more
// words), holds at most slack other words, crosses no hard break, and its
// name words are capitalised in a text that has case. A one-word name
// must also pass singleOK.
func (sc *Scanner) cover(d *doc, keys [][]int32, memo *closeMemo, ni int32, a int) (int, int, bool) {
	x := sc.x
	ln := &x.names[ni]
	ws := x.words[ln.off : ln.off+ln.n]
	// Most names a word's keys find share only a consonant skeleton with
	// it; one of them must be written close to the word before the
	// window is searched.
	anchored := false
	for k := range ws {
		lw := &ws[k]
		if containsInt32(keys[a], lw.key) && (lw.kind != names.Word || memo.near(a, lw)) {
			anchored = true
			break
		}
	}
	if !anchored {
		return 0, 0, false
	}
	reach := min(int(ln.n)+slack, 31)
	lo, hi := a, a
	for lo > 0 && a-lo < reach && !d.words[lo].breakBefore {
		lo--
	}
	for hi+1 < len(d.words) && hi-a < reach && !d.words[hi+1].breakBefore {
		hi++
	}
	var used uint64
	var covered float32
	count, minp, maxp := 0, a, a
	family, content := false, false
	// Content words first; particles and generic organisation words only
	// where they extend the span by a word, so that an "of" three lines
	// down does not stretch it.
	for pass := 0; pass < 2; pass++ {
		for k := range ws {
			lw := &ws[k]
			generic := lw.kind == names.Particle || lw.kind == names.OrgWord
			if generic != (pass == 1) {
				continue
			}
			best := -1
			for dist := 0; dist <= reach && best < 0; dist++ {
				for _, p := range [2]int{a - dist, a + dist} {
					if p < lo || p > hi || used&(1<<(p-lo)) != 0 {
						continue
					}
					if generic && count > 0 && (p < minp-1 || p > maxp+1) {
						continue
					}
					if containsInt32(keys[p], lw.key) {
						best = p
						break
					}
				}
			}
			if best < 0 {
				continue
			}
			w := &d.words[best]
			if lw.kind == names.Word && !memo.near(best, lw) || lw.kind == names.Initial && w.latin != lw.text {
				continue
			}
			if d.cased && lw.kind != names.Particle && !(w.cap || w.caps || w.uncased || w.hasDigit) {
				// "the new star player" is no mention of a vessel NEW
				// STAR, nor "a trading house" of A A TRADING FZCO.
				continue
			}
			used |= 1 << (best - lo)
			covered += lw.w
			count++
			family = family || lw.family
			content = content || lw.kind == names.Word || lw.kind == names.Number
			minp, maxp = min(minp, best), max(maxp, best)
		}
	}
	if count == 0 || used&(1<<(a-lo)) == 0 {
		return 0, 0, false
	}
	if covered < minCover*ln.total || maxp-minp+1 > count+slack {
		return 0, 0, false
	}
	if !content && (count < int(ln.n) || maxp-minp+1 != count) {
		// A name of generic words and initials only (A A TRADING FZCO)
		// must be written whole: "Trading, a" is not it.
		return 0, 0, false
	}
	if ln.n >= 2 && count < 2 || ln.hasFamily && !family {
		// A given name and a patronymic are no mention of a person
		// whose surname the text does not write.
		return 0, 0, false
	}
	if ln.n == 1 && !sc.singleOK(d, ln, a) {
		return 0, 0, false
	}
	if int(ln.n) > count && sc.isPlace(d, minp, maxp) {
		// "Hong Kong" names a place, not HONG KONG ELECTRONICS: a place
		// name counts as a party only when it is the whole listed name.
		return 0, 0, false
	}
	return minp, maxp, true
}

// singleOK applies the rules for a name of one word (see Scan).
func (sc *Scanner) singleOK(d *doc, ln *lname, a int) bool {
	if ln.weak {
		return false
	}
	ent := sc.x.ents[ln.ent]
	if ent.Type == entity.Person {
		return false
	}
	w := &d.words[a]
	letters := utf8.RuneCountInString(w.raw)
	if letters < 3 {
		return false
	}
	if !w.uncased && d.cased {
		if letters <= 4 && !w.caps {
			return false
		}
		if !w.caps && (!w.cap || w.sentenceStart && !ln.hasLegal) {
			// At a sentence start a capital proves nothing, unless a legal
			// form follows (checked below).
			return false
		}
	}
	lw := &sc.x.words[ln.off]
	if !(w.latin == ln.singleWord || near(w.fold, lw.fold)) || lw.kind != names.Word {
		// A generic word (SYSTEM of NPO SYSTEM) never stands alone; a
		// spelling variant does (Hezbollah for HIZBALLAH).
		return false
	}
	// The word must be the whole of the proper name it is written in:
	// "Wagner" in "Anna Wagner" or "Wagner Logistics" is someone else.
	if a > 0 && !w.breakBefore {
		p := a - 1
		// "Berríos de Yanes": a particle joins the name before it.
		if particles[d.words[p].latin] && p > 0 && !d.words[p].breakBefore {
			p--
		}
		if sc.nameWord(d, &d.words[p]) {
			return false
		}
	}
	if a+1 < len(d.words) && !d.words[a+1].breakBefore && sc.nameWord(d, &d.words[a+1]) {
		return false
	}
	if ln.hasLegal {
		// LLC SEPTEMBER is a company only where the text says so:
		// "September LLC", not "in September".
		if i, j := sc.withLegalForms(d, a, a); i == a && j == a {
			return false
		}
	}
	if ent.Type == entity.Vessel || ent.Type == entity.Aircraft {
		return vesselContext(d, a)
	}
	return true
}

// particles join the parts of a surname ("de Yanes", "van der Berg",
// "al Rashid").
var particles = map[string]bool{
	"de": true, "del": true, "della": true, "da": true, "dos": true, "das": true, "do": true, "du": true,
	"van": true, "von": true, "der": true, "den": true, "ter": true, "la": true, "le": true, "di": true,
	"al": true, "el": true, "bin": true, "ibn": true, "bint": true, "abu": true, "ben": true, "y": true,
}

// functionWords are the English words that stand next to a name in
// payment and trade texts without being part of it.
var functionWords = map[string]bool{
	"to": true, "for": true, "of": true, "the": true, "and": true, "by": true, "from": true, "via": true,
	"in": true, "on": true, "at": true, "with": true, "per": true, "re": true, "a": true, "an": true,
	"or": true, "as": true, "payment": true, "invoice": true, "inv": true, "ref": true, "order": true,
	"contract": true, "beneficiary": true, "buyer": true, "seller": true, "consignee": true, "shipper": true,
}

// nameWord reports whether a word next to a one-word name makes it part
// of a longer proper name: it is capitalised and neither a legal form nor
// a vessel marker (M/V, MT) nor an IMO label.
func (sc *Scanner) nameWord(d *doc, w *word) bool {
	if !capWord(w) || vesselMarkers[w.latin] || sc.isLegal(w.latin) {
		return false
	}
	if !d.cased && functionWords[w.latin] {
		// In a text all in capitals (a SWIFT field) every word is
		// capitalised; "PAYMENT TO HAMAS" still names HAMAS alone.
		return false
	}
	switch w.latin {
	case "m", "imo", "mmsi":
		return false
	}
	return true
}

// capWord reports whether w is written as a name word: capitalised, in
// capitals, or in a script without case.
func capWord(w *word) bool { return w.cap || w.caps || w.uncased && !w.hasDigit }

// vesselContext reports whether a vessel or aircraft word stands before
// word a (within three words, no hard break) or an IMO number follows.
func vesselContext(d *doc, a int) bool {
	for p := a; p > 0 && a-p < 3; p-- {
		if d.words[p].breakBefore {
			break
		}
		if vesselMarkers[d.words[p-1].latin] {
			return true
		}
	}
	if a+1 < len(d.words) {
		switch d.words[a+1].latin {
		case "imo", "mmsi":
			return true
		}
	}
	return false
}

// withLegalForms widens span [i, j] over a legal form written next to it
// ("Alabuga Development OOO"), which the engine weighs.
func (sc *Scanner) withLegalForms(d *doc, i, j int) (int, int) {
	if j+1 < len(d.words) && !d.words[j+1].breakBefore {
		for l := min(sc.x.maxLegal, len(d.words)-1-j); l >= 1; l-- {
			if sc.isLegal(d.phrase(j+1, j+l)) && (!d.cased || capitalised(d, j+1, j+l)) {
				j += l
				break
			}
		}
	}
	// A form before the name ("OOO Alabuga") must not be the tail of the
	// name before it ("Alabuga LLC & HAMAS").
	if i > 0 && !d.words[i].breakBefore && strings.TrimSpace(d.text[d.words[i-1].end:d.words[i].start]) == "" {
		for l := min(sc.x.maxLegal, i); l >= 1; l-- {
			if k := i - l - 1; k >= 0 && !d.words[i-l].breakBefore && capWord(&d.words[k]) {
				continue
			}
			if sc.isLegal(d.phrase(i-l, i-1)) && (!d.cased || capitalised(d, i-l, i-1)) {
				i -= l
				break
			}
		}
	}
	return i, j
}

// isLegal reports whether phrase (Latin words) is a legal form: one the
// lists use, or one the name analysis knows (the lists may not write LLC
// where a text does).
func (sc *Scanner) isLegal(phrase string) bool {
	if phrase == "" {
		return false
	}
	if sc.x.legal[phrase] {
		return true
	}
	a := names.Analyze(phrase, names.Org)
	return len(a.Tokens) == 1 && a.Tokens[0].Kind == names.LegalForm
}

// phrase returns the Latin words [i, j] separated by spaces, or "" when a
// hard break lies between them.
func (d *doc) phrase(i, j int) string {
	if i == j {
		return d.words[i].latin
	}
	var b strings.Builder
	for p := i; p <= j; p++ {
		if p > i {
			if d.words[p].breakBefore {
				return ""
			}
			b.WriteByte(' ')
		}
		b.WriteString(d.words[p].latin)
	}
	return b.String()
}

func containsInt32(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// isPlace reports whether words [i, j] are a country name or a place of
// the gazetteer.
func (sc *Scanner) isPlace(d *doc, i, j int) bool {
	if country.Code(d.span(i, j)) != "" {
		return true
	}
	return len(sc.g.phrases[d.phrase(i, j)]) > 0
}

package scan

import (
	"math"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// Tuning of candidate finding.
const (
	// maxTriggerDF: a word held by more listed names than this does not
	// start a candidate (MUHAMMAD, TRADING); it only counts towards the
	// names a rarer word of the text found. A name of common words only
	// is started by its rarest one.
	maxTriggerDF = 100
	// minCover is the share of a listed name's weight a span must cover
	// to be a candidate: "Ali Reza" is not a mention of "MORADI, Ali
	// Reza", whose rarest word it lacks.
	minCover = 0.6
	// slack is how many words inside a span may be no word of the name
	// ("Ali Reza Mehrabi" for "MEHRABI, Ali").
	slack = 2
	// minTypoKey is the shortest key whose one-letter deletions are
	// looked up, as in the engine.
	minTypoKey = 5
	// maxNameWords bounds the names indexed: a span is at most 64 words.
	maxNameWords = 40
)

// lword is one word of a listed name.
type lword struct {
	key  int32 // interned key
	w    float32
	kind names.TokenKind
	// family marks a surname of a person's name (the part before the
	// comma of "SURNAME, Given", or the list's family name).
	family bool
	text   string // the Latin word
	fold   string // its fold, for near
	foldID int32  // fold interned, for memoising near per text word
}

// lname is one listed name.
type lname struct {
	ent        int32 // index in index.ents
	off, n     int32 // its words: index.words[off:off+n], legal forms left out
	total      float32
	weak       bool
	hasLegal   bool   // the listed name has a legal form (LLC SEPTEMBER)
	hasFamily  bool   // some word is marked family
	text       string // the name as listed
	singleWord string // the Latin word of a one-word name
}

// index finds candidate mentions of listed names.
type index struct {
	ents  []*entity.Entity
	names []lname
	words []lword
	keys  map[string]int32
	folds map[string]int32
	// del maps a key with one letter deleted to the keys it comes from.
	del map[string][]int32
	// trig maps a key to the names it starts a candidate for.
	trig map[int32][]int32
	// legal holds the legal forms the lists use, as Latin words separated
	// by spaces ("limited liability company", "ooo"), with the longest
	// in words.
	legal    map[string]bool
	maxLegal int
}

func (x *index) keyID(k string, add bool) int32 {
	if id, ok := x.keys[k]; ok {
		return id
	}
	if !add {
		return -1
	}
	id := int32(len(x.keys))
	x.keys[k] = id
	return id
}

// buildIndex analyses every name of every entity.
func buildIndex(datasets []*entity.Dataset) *index {
	x := &index{keys: make(map[string]int32), folds: make(map[string]int32), del: make(map[string][]int32), trig: make(map[int32][]int32), legal: make(map[string]bool)}
	seen := make(map[string]bool)
	df := make(map[int32]int32)
	var sig strings.Builder
	for _, d := range datasets {
		for _, ent := range d.Entities {
			if seen[ent.ID] {
				continue
			}
			seen[ent.ID] = true
			ei := int32(len(x.ents))
			x.ents = append(x.ents, ent)
			kind := names.KindOf(ent.Type)
			sigs := make(map[string]bool, len(ent.Names))
			for _, n := range ent.Names {
				a := names.Analyze(n.Full, kind)
				family := familyKeys(ent, n, kind)
				off := int32(len(x.words))
				sig.Reset()
				var single string
				for _, t := range a.Tokens {
					if t.Kind == names.LegalForm {
						x.legal[t.Text] = true
						x.maxLegal = max(x.maxLegal, strings.Count(t.Text, " ")+1)
						continue
					}
					// A multi-word organisation phrase is matched word by
					// word, as the text writes it.
					for _, part := range strings.Fields(t.Text) {
						if int(int32(len(x.words))-off) >= maxNameWords {
							break
						}
						k := names.Key(part)
						f := fold(part)
						fid, ok := x.folds[f]
						if !ok {
							fid = int32(len(x.folds))
							x.folds[f] = fid
						}
						x.words = append(x.words, lword{key: x.keyID(k, true), kind: t.Kind, text: part, fold: f, foldID: fid, family: family[k]})
						sig.WriteString(part)
						sig.WriteByte(' ')
						single = part
					}
				}
				nw := int32(len(x.words)) - off
				if nw == 0 || sigs[sig.String()] {
					x.words = x.words[:off]
					continue
				}
				sigs[sig.String()] = true
				ln := lname{ent: ei, off: off, n: nw, weak: n.Quality == entity.Weak, text: n.Full, hasLegal: len(a.LegalForms) > 0}
				for _, w := range x.words[off:] {
					ln.hasFamily = ln.hasFamily || w.family
				}
				if nw == 1 {
					ln.singleWord = single
				}
				seenKey := make(map[int32]bool, nw)
				for _, w := range x.words[off : off+nw] {
					if !seenKey[w.key] {
						seenKey[w.key] = true
						df[w.key]++
					}
				}
				x.names = append(x.names, ln)
			}
		}
	}
	// Weights as the engine gives them: rare words prove most, generic
	// organisation words and particles little.
	maxDF := math.Log(float64(len(x.names) + 1))
	for i := range x.words {
		w := &x.words[i]
		switch w.kind {
		case names.Particle:
			w.w = 0.15
		case names.Initial:
			w.w = 0.3
		default:
			idf := math.Log(float64(len(x.names)+1)/float64(max(df[w.key], 1))) / maxDF
			w.w = float32(0.35 + 0.65*idf)
			if w.kind == names.OrgWord {
				w.w *= 0.6
			}
		}
	}
	for ni := range x.names {
		n := &x.names[ni]
		ws := x.words[n.off : n.off+n.n]
		best, bestDF := int32(-1), int32(math.MaxInt32)
		triggered := false
		for _, w := range ws {
			n.total += w.w
			d := df[w.key]
			if w.kind == names.Particle || w.kind == names.Initial {
				continue
			}
			if d <= maxTriggerDF && w.kind != names.OrgWord {
				x.addTrigger(w.key, int32(ni))
				triggered = true
			}
			if d < bestDF {
				best, bestDF = w.key, d
			}
		}
		if !triggered && best >= 0 {
			x.addTrigger(best, int32(ni))
		}
	}
	for k, id := range x.keys {
		if len(k) < minTypoKey-1 {
			continue
		}
		var buf []byte
		for i := 0; i < len(k); i++ {
			if i > 0 && k[i] == k[i-1] {
				continue
			}
			buf = append(append(buf[:0], k[:i]...), k[i+1:]...)
			x.del[string(buf)] = append(x.del[string(buf)], id)
		}
	}
	return x
}

func (x *index) addTrigger(key, ni int32) {
	l := x.trig[key]
	if len(l) == 0 || l[len(l)-1] != ni {
		x.trig[key] = append(l, ni)
	}
}

// wordKeys returns the interned keys a text word may stand for: its own,
// and, for a long enough word, those one typo away (a letter missing,
// added or changed). The list is short and written into buf.
func (x *index) wordKeys(w *word, typos bool, buf []int32) []int32 {
	out := buf[:0]
	if id := x.keyID(w.key, false); id >= 0 {
		out = append(out, id)
	}
	if !typos || len(w.key) < minTypoKey {
		return out
	}
	add := func(ids []int32) {
		for _, id := range ids {
			if len(out) >= 12 {
				return
			}
			dup := false
			for _, o := range out {
				if o == id {
					dup = true
					break
				}
			}
			if !dup {
				out = append(out, id)
			}
		}
	}
	add(x.del[w.key])
	var b [64]byte
	k := w.key
	if len(k) > len(b) {
		return out
	}
	for i := 0; i < len(k); i++ {
		if i > 0 && k[i] == k[i-1] {
			continue
		}
		d := append(append(b[:0], k[:i]...), k[i+1:]...)
		if id, ok := x.keys[string(d)]; ok {
			add([]int32{id})
		}
		add(x.del[string(d)])
	}
	return out
}

// familyKeys returns the keys of the surname of a person's name: the
// list's family name, or the part before the comma of "SURNAME, Given".
func familyKeys(ent *entity.Entity, n entity.Name, kind names.Kind) map[string]bool {
	if ent.Type != entity.Person {
		return nil
	}
	fam := n.Family
	if fam == "" {
		if before, _, ok := strings.Cut(n.Full, ","); ok && strings.Count(n.Full, ",") == 1 {
			fam = before
		}
	}
	if fam == "" {
		return nil
	}
	out := make(map[string]bool)
	for _, t := range names.Analyze(fam, kind).Tokens {
		for _, part := range strings.Fields(t.Text) {
			out[names.Key(part)] = true
		}
	}
	return out
}

// near reports whether a text word is near enough a listed word to stand
// for it, given both folded (see fold): the key says they may be variants,
// and this bounds the letters that differ: none for words of up to four
// letters, one up to seven, two beyond. Key agreement alone let "Korda"
// stand for "Guard" and "Yeon" for "Yona".
func near(a, b string) bool {
	if a == b {
		return true
	}
	n := max(len(a), len(b))
	switch {
	case n <= 4:
		return false
	case n <= 7:
		return editDistance(a, b, 1) <= 1
	}
	return editDistance(a, b, 2) <= 2
}

// fold writes a Latin word with the usual transliteration pairs made one
// (y/i, sh/s, kh/k, zh/z, ch/c, gh/g, w/v, q/k) and doubled letters once.
func fold(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case 'y':
			c = 'i'
		case 'w':
			c = 'v'
		case 'q':
			c = 'k'
		case 'h':
			if i > 0 && strings.IndexByte("cszkg", s[i-1]) >= 0 {
				continue
			}
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue // doubled letters
		}
		b = append(b, c)
	}
	return string(b)
}

// editDistance returns the optimal-string-alignment distance of a and b,
// or max+1 once it must exceed max.
func editDistance(a, b string, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	var rows [3][33]int
	prev2, prev, cur := rows[0][:], rows[1][:], rows[2][:]
	if len(b) >= len(rows[0]) {
		prev2, prev, cur = make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	}
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

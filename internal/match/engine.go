// Package match finds the listed entities a party may be, scores them in
// [0,1] and explains each score.
//
// It is the screening stage of the data flow: it reads entity datasets,
// builds an in-memory index over their names and identifiers, and answers
// queries. An Engine is immutable once built, so any number of goroutines
// may screen with it at once; a list update builds a new one and swaps it
// in.
//
// Retrieval never scans the list: query tokens are looked up by their
// spelling-variant key, by keys one deletion away (typos), and by the keys
// of joined neighbours (split and joined words); very common tokens only
// confirm candidates that rarer tokens found. Identifiers are looked up
// exactly, whatever the name says.
package match

import (
	"hash/maphash"
	"iter"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// DefaultThreshold is the score from which a candidate counts as a match.
// Scores are calibrated around it: an exact primary name or strong alias
// scores 1, an exact weak alias 0.75, and a name that differs by a typo or
// a transliteration variant about 0.9.
const DefaultThreshold = 0.80

// tok is one analysed name token with its weight.
type tok struct {
	text  string
	key   string
	class string
	kind  names.TokenKind
	w     float32 // informativeness, from how rare the key is in the lists
	// geo marks a country name inside an organisation's name ("Banco
	// Santander Chile"), which names a distinct subsidiary.
	geo bool
	// initials marks a token joined from single letters.
	initials bool
	// patronymic marks a Slavic or Turkic patronymic (-ovich, -ovna,
	// -ogly), which customer records routinely leave out.
	patronymic bool
	// nick lists the nickname groups of a given name (Bob and Robert
	// share one), comma-separated; empty for most tokens.
	nick string
	// flat is text with the h of ch, sh, zh and kh dropped, so that the
	// ASCII form and the transliterated form of a háček name agree: VUCIC,
	// Vuchich (from Vučić or Вучич), Sevcenko and Shevchenko.
	flat string
	// id numbers the distinct texts of list tokens (-1 for a text no list
	// name has), so that per-query similarity can be memoised. Texts from
	// abjad and from other sources, and words of Chinese-shaped names,
	// are numbered apart (see tokHash and sino).
	id int32
	// abjad marks a spelling derived from a script that leaves vowels
	// out (Arabic, Hebrew): the name was written in one, or its listed
	// party has a name in one. Agreeing consonants prove more there.
	abjad bool
	// native marks a word written in an abjad script itself, whose
	// transliteration keeps the long vowels the script writes.
	native bool
	// gender is 'm' or 'f' for a common given name borne almost only by
	// men or by women (names.GivenGender) in a name that is not an
	// organisation's, 0 otherwise.
	gender byte
	// sino and korean mark a word of a name shaped like a Chinese or a
	// Korean personal name (names.Analysis): two such words compare by
	// syllables.
	sino, korean bool
}

// nameRec is one indexed name of one entity.
type nameRec struct {
	ent  int32
	name int16 // index in the entity's Names
	// weak and kind copy what scoring needs of the entity and the name,
	// so that judging a candidate, most of which are then discarded, does
	// not reach into the entity records. kind is the entity's type as a
	// name kind (Any when the list does not say, even after inferType).
	weak bool
	kind names.Kind
	// acronym marks a name derived from the listed one: the initials of
	// its words ("IRGC" for Islamic Revolutionary Guard Corps), one token.
	acronym bool
	// toks and joins (neighbouring tokens written as one word) are the
	// analysed name while the engine is built; compactNames then moves
	// them into lt and lj and drops them.
	toks  []tok
	joins []join
	lt    []ltok
	lj    []ljoin
	legal []string // legal-form classes
}

// ltok is a tok as the index keeps it: its strings are spans of the
// engine's string arena rather than Go strings, so that the arrays of
// listed tokens hold no pointers. The garbage collector marks the heap
// every few seconds on a busy server, and a million string pointers in
// the index were most of its work (see compactNames).
type ltok struct {
	text, key, class, nick, flat span
	w                            float32
	id                           int32
	kind                         names.TokenKind
	geo, initials, patronymic    bool
	abjad, native                bool
	gender                       byte
	sino, korean                 bool
}

// ljoin is a join as the index keeps it.
type ljoin struct {
	i, span int32
	t       ltok
}

// span is a string of the engine's arena: arena[off:off+n].
type span struct{ off, n uint32 }

// hasKey reports whether name ni is in the postings of the key whose
// hash is h, without walking them.
func (e *Engine) hasKey(ni int32, h uint64) bool {
	for _, k := range e.keyHash[e.keyOff[ni]:e.keyOff[ni+1]] {
		if k == h {
			return true
		}
	}
	return false
}

// join is 2 or 3 neighbouring tokens written as one word, precomputed so
// that split and joined words ("Abd al Rahman" / "Abdulrahman") cost no
// work per comparison.
type join struct {
	i, span int
	t       tok
}

// joinsOf appends to out the joined forms of neighbouring word tokens.
func joinsOf(toks []tok, out []join) []join {
	// The texts of all joins are substrings of the name written without
	// spaces, built once on the first join.
	var all string
	var buf [49]int // convertTokens keeps at most 48 tokens
	start := buf[:]
	if len(toks) >= len(buf) {
		start = make([]int, len(toks)+1)
	}
	for i := 0; i+1 < len(toks); i++ {
		if !joinable(&toks[i]) {
			continue
		}
		for span := 2; span <= maxSpan && i+span <= len(toks); span++ {
			if !joinable(&toks[i+span-1]) {
				break
			}
			// Three words are written as one only around a particle or a
			// short word ("Abd al Rahman", "van der Bilt"); keeping other
			// triples would cost memory for nothing.
			if span == 3 && !short(&toks[i]) && !short(&toks[i+1]) && !short(&toks[i+2]) {
				break
			}
			if all == "" {
				all = concatTexts(toks, start)
			}
			text := all[start[i]:start[i+span]]
			out = append(out, join{i: i, span: span, t: tok{text: text, key: names.Key(text), kind: names.Word, flat: flatten(text), abjad: toks[i].abjad, sino: toks[i].sino, korean: toks[i].korean}})
		}
	}
	return out
}

// concatTexts returns the texts of toks written as one, and sets start[i]
// to the offset of toks[i] (start[len(toks)] to the length).
func concatTexts(toks []tok, start []int) string {
	var b strings.Builder
	n := 0
	for i := range toks {
		n += len(toks[i].text)
	}
	b.Grow(n)
	for i := range toks {
		start[i] = b.Len()
		b.WriteString(toks[i].text)
	}
	start[len(toks)] = b.Len()
	return b.String()
}

func joinable(t *tok) bool { return t.kind == names.Word || t.kind == names.Particle }

func short(t *tok) bool { return t.kind == names.Particle || len(t.text) <= 3 }

// entInfo is what scoring needs of an entity, parsed once at build time.
type entInfo struct {
	typ       entity.Type
	dobs      []entity.Date
	countries []string
	gender    byte // 'm', 'f' or 0
	version   string
	cluster   int32 // index into Engine.clusters, or -1
	srcRank   int   // sourceRank of the entity's list
	// inferred says typ was guessed from the names (see inferType).
	inferred bool
}

// Engine screens queries against a fixed set of datasets.
type Engine struct {
	datasets []*entity.Dataset
	ents     []*entity.Entity
	info     []entInfo
	byID     map[string]int32
	names    []nameRec
	// wsum is the total token weight of each name, for ranking
	// candidates; retrieval reads it for many names, apart from the rest
	// of their records.
	wsum []float32
	// strs holds the strings of the listed tokens (see ltok).
	strs string
	// keyHash holds the postings hashes of the keys each name is indexed
	// under (indexKeys), those of name i at keyHash[keyOff[i]:keyOff[i+1]]:
	// retrieval checks hundreds of candidates for one common key, and this
	// reads one cache line per name where the names' own tokens cost two
	// misses.
	keyHash []uint64
	keyOff  []int32
	// post maps a token key to the names holding it, and a key with one
	// letter deleted to the names holding the full key. How many names
	// hold a key (its document frequency) is the length of its post list.
	post *postings
	ids  map[string][]int32 // normalised identifier -> entities
	// tokID interns the texts of list tokens, by hash (see postings).
	tokID map[uint64]int32
	seed  maphash.Seed
	// clusters group entries of different lists that are the same party.
	clusters []cluster
	scratch  sync.Pool
	maxDF    float64
}

// cluster is a set of entities on different lists judged to be one party.
type cluster struct {
	members []int32
	reasons map[int32]string // member -> why it joined
}

// New builds an engine over datasets. It analyses every name once, so it
// costs about a second for the full official lists on two cores.
func New(datasets []*entity.Dataset) *Engine {
	e := &Engine{
		datasets: datasets,
		byID:     make(map[string]int32),
		ids:      make(map[string][]int32),
		tokID:    make(map[uint64]int32),
		seed:     maphash.MakeSeed(),
	}
	for _, d := range datasets {
		for _, ent := range d.Entities {
			if _, dup := e.byID[ent.ID]; dup {
				continue
			}
			e.byID[ent.ID] = int32(len(e.ents))
			e.ents = append(e.ents, ent)
			e.info = append(e.info, newEntInfo(ent, d.Version))
		}
	}
	e.analyseNames()
	e.buildIndex()
	e.buildClusters()
	e.compactNames()
	n := len(e.names)
	e.scratch.New = func() any { return newScratch(n) }
	return e
}

func newEntInfo(ent *entity.Entity, version string) entInfo {
	in := entInfo{typ: ent.Type, dobs: ent.BirthDates, countries: ent.AllCountries(), version: version, cluster: -1, srcRank: sourceRank(ent.Source)}
	switch strings.ToLower(ent.Gender) {
	case "male", "m":
		in.gender = 'm'
	case "female", "f":
		in.gender = 'f'
	}
	return in
}

// Acronyms are made of minAcronym to maxAcronym words: two letters are
// too common to prove anything.
const (
	minAcronym = 3
	maxAcronym = 8
)

// acronymKey starts the index key of a derived acronym: the letters
// themselves, in a key space of their own, so that only a query word
// written like it finds it, and the acronyms of thousands of company
// names do not join the candidates of every short name.
const acronymKey = "#"

// acronymOf returns the initials of a name's words, skipping particles
// ("of", "the"), legal forms and numbers, when it has minAcronym to
// maxAcronym of them and the name is more than one word written out.
func acronymOf(toks []tok) (string, bool) {
	var buf [maxAcronym]byte
	acr := buf[:0]
	for i := range toks {
		t := &toks[i]
		if t.kind == names.Particle || t.kind == names.Number {
			continue
		}
		if t.initials {
			// Already an acronym, or dotted initials: nothing to derive.
			return "", false
		}
		// A phrase token ("shipping lines") has an initial per word.
		for k := 0; k < len(t.text); k++ {
			if k == 0 || t.text[k-1] == ' ' {
				if len(acr) == maxAcronym {
					return "", false
				}
				acr = append(acr, t.text[k])
			}
		}
	}
	if len(acr) < minAcronym {
		return "", false
	}
	return string(acr), true
}

// abjadSource reports whether a listed party has a name written in an
// abjad: its Latin names are then transliterations of that name, whose
// vowels the transliterators supplied ("YUSUF" beside "يوسف").
func abjadSource(ent *entity.Entity) bool {
	for _, n := range ent.Names {
		s := n.Script
		if s == "" || s == "Latn" {
			s = names.ScriptOf(n.Full)
		}
		if names.Abjad(s) {
			return true
		}
	}
	return false
}

// vowelVariants returns the keys of the words that a party's own names
// spell with different vowels (HIZBALLAH beside HEZBOLLAH): the list
// itself then treats those vowels as a transliterator's choice, as for a
// name written in an abjad, and so should the comparison of a query with
// that word. Other words of the party keep the vowel check.
func vowelVariants(toks []tok) map[string]bool {
	var byKey map[string]string
	var loose map[string]bool
	for _, t := range toks {
		if t.kind != names.Word || len(t.text) < 4 || t.key == "" {
			continue
		}
		if byKey == nil {
			byKey = make(map[string]string, len(toks))
		}
		prev, ok := byKey[t.key]
		if !ok {
			byKey[t.key] = t.text
			continue
		}
		if prev != t.text && !names.SameVowels(prev, t.text) {
			if loose == nil {
				loose = make(map[string]bool)
			}
			loose[t.key] = true
		}
	}
	return loose
}

// tokHash is the key of a token's text in tokID. A text from an abjad
// source, read as a given name, read as an organisation word with a class
// ("islam" in a person's name and in "Islamic Bank"), written in an abjad
// itself, or a word of a Chinese- or Korean-shaped name compares
// differently from the same text elsewhere (see tokSim), so it gets an id
// of its own, lest the per-query memo mix them.
func (e *Engine) tokHash(t *tok) uint64 {
	h := maphash.String(e.seed, t.text)
	if t.abjad {
		h = ^h
	}
	if t.sino {
		h = bits.RotateLeft64(h, 17) ^ 0x2545F4914F6CDD1D
	}
	if t.korean {
		h = h*0x9E3779B97F4A7C15 + 1
	}
	if t.class != "" {
		h ^= maphash.String(e.seed, t.class) * 0xBF58476D1CE4E5B9
	}
	if t.native {
		h ^= 0xD6E8FEB86659FD93
	}
	return h + uint64(t.gender)*0xC2B2AE3D27D4EB4F + uint64(t.kind)*0x94D049BB133111EB
}

// analyseNames runs name analysis over every name on all cores.
func (e *Engine) analyseNames() {
	perEnt := make([][]nameRec, len(e.ents))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	chunk := (len(e.ents) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*chunk, min((w+1)*chunk, len(e.ents))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				ent := e.ents[i]
				kind := names.KindOf(ent.Type)
				seen := make(map[string]bool, len(ent.Names))
				type analysed struct {
					j     int
					toks  []tok
					legal []string
				}
				all := make([]analysed, 0, len(ent.Names))
				for j, n := range ent.Names {
					toks, legal := convertTokens(names.Analyze(givenFirst(n.Full, kind), kind), kind, nil)
					if len(toks) > 0 {
						all = append(all, analysed{j, toks, legal})
					}
				}
				abjad := abjadSource(ent)
				var loose map[string]bool
				if !abjad {
					var words []tok
					for _, a := range all {
						words = append(words, a.toks...)
					}
					loose = vowelVariants(words)
				}
				for _, an := range all {
					j, n, toks, legal := an.j, ent.Names[an.j], an.toks, an.legal
					for k := range toks {
						if abjad || loose[toks[k].key] {
							toks[k].abjad = true
						}
					}
					sig := signature(toks)
					// The same words under another kind of name add nothing
					// to retrieval; the best-ranked one is kept.
					if seen[sig] {
						continue
					}
					seen[sig] = true
					perEnt[i] = append(perEnt[i], nameRec{ent: int32(i), name: int16(j), weak: n.Quality == entity.Weak, toks: toks, joins: joinsOf(toks, nil), legal: legal})
				}
				if kind == names.Org {
					// After all real names, so that a listed acronym
					// ("IRGC" as an alias) is found as the name it is.
					for _, r := range perEnt[i] {
						acr, ok := acronymOf(r.toks)
						if !ok || seen[acr+" "] {
							continue
						}
						seen[acr+" "] = true
						perEnt[i] = append(perEnt[i], nameRec{ent: int32(i), name: r.name, weak: r.weak, acronym: true,
							toks: []tok{{text: acr, key: acronymKey + acr, kind: names.Word, flat: acr, initials: true}}})
					}
				}
			}
		}(lo, hi)
	}
	wg.Wait()
	for _, recs := range perEnt {
		e.names = append(e.names, recs...)
	}
	for i := range e.ents {
		if e.info[i].typ == entity.Unknown {
			e.info[i].typ, e.info[i].inferred = inferType(e.ents[i], perEnt[i])
		}
	}
	for i := range e.names {
		e.names[i].kind = names.KindOf(e.info[e.names[i].ent].typ)
	}
}

// compactNames moves the tokens and joins of every name into one
// pointer-free array each (ltok, ljoin), with their strings in one arena
// string where each distinct string is stored once. Scoring turns a
// candidate's tokens back into toks (unpack), which costs less than the
// garbage collector's visits to a million string pointers did: over half
// of each marking cycle on the bundled lists.
func (e *Engine) compactNames() {
	var nt, nj int
	for i := range e.names {
		nt += len(e.names[i].toks)
		nj += len(e.names[i].joins)
	}
	a := arena{offs: make(map[string]uint32)}
	lt := make([]ltok, 0, nt)
	lj := make([]ljoin, 0, nj)
	for i := range e.names {
		r := &e.names[i]
		lo := len(lt)
		for k := range r.toks {
			lt = append(lt, a.pack(&r.toks[k]))
		}
		// Capacities are cut so that an append to one name's tokens can
		// never write over the next name's.
		r.lt = lt[lo:len(lt):len(lt)]
		lo = len(lj)
		for k := range r.joins {
			j := &r.joins[k]
			lj = append(lj, ljoin{int32(j.i), int32(j.span), a.pack(&j.t)})
		}
		r.lj = lj[lo:len(lj):len(lj)]
		r.toks, r.joins = nil, nil
	}
	e.strs = a.b.String()
}

// arena collects distinct strings into one.
type arena struct {
	b    strings.Builder
	offs map[string]uint32
}

func (a *arena) span(s string) span {
	if s == "" {
		return span{}
	}
	o, ok := a.offs[s]
	if !ok {
		o = uint32(a.b.Len())
		a.offs[s] = o
		a.b.WriteString(s)
	}
	return span{o, uint32(len(s))}
}

func (a *arena) pack(t *tok) ltok {
	return ltok{
		text: a.span(t.text), key: a.span(t.key), class: a.span(t.class), nick: a.span(t.nick), flat: a.span(t.flat),
		w: t.w, id: t.id, kind: t.kind, geo: t.geo, initials: t.initials, patronymic: t.patronymic, abjad: t.abjad, native: t.native, gender: t.gender, sino: t.sino, korean: t.korean,
	}
}

func (e *Engine) str(s span) string { return e.strs[s.off : s.off+s.n] }

func (e *Engine) unpackTok(l *ltok) tok {
	return tok{
		text: e.str(l.text), key: e.str(l.key), class: e.str(l.class), nick: e.str(l.nick), flat: e.str(l.flat),
		w: l.w, id: l.id, kind: l.kind, geo: l.geo, initials: l.initials, patronymic: l.patronymic, abjad: l.abjad, native: l.native, gender: l.gender, sino: l.sino, korean: l.korean,
	}
}

// unpack appends the tokens and joins of a listed name to toks and joins.
func (e *Engine) unpack(r *nameRec, toks []tok, joins []join) ([]tok, []join) {
	for k := range r.lt {
		toks = append(toks, e.unpackTok(&r.lt[k]))
	}
	for k := range r.lj {
		j := &r.lj[k]
		joins = append(joins, join{int(j.i), int(j.span), e.unpackTok(&j.t)})
	}
	return toks, joins
}

// inferType guesses the type of an entity its list does not type (CSL rows
// without a type, OFAC parties known only from the alias file) from its
// names: a legal form makes an organisation, OFAC's "SURNAME, Given"
// form a person. Without a guess a person query would meet no type
// evidence against a company or a ship.
func inferType(ent *entity.Entity, recs []nameRec) (entity.Type, bool) {
	for _, r := range recs {
		if len(r.legal) > 0 {
			return entity.Organization, true
		}
	}
	for _, n := range ent.Names {
		if n.Quality == entity.Strong && strings.Count(n.Full, ",") == 1 && !strings.ContainsAny(n.Full, "0123456789") {
			return entity.Person, true
		}
	}
	return entity.Unknown, false
}

// convertTokens turns analysed tokens into toks, appended to dst[:0].
func convertTokens(a names.Analysis, kind names.Kind, dst []tok) ([]tok, []string) {
	toks := slices.Grow(dst[:0], len(a.Tokens))
	abjad := names.Abjad(a.Script)
	for _, t := range a.Tokens {
		if t.Kind == names.LegalForm {
			continue
		}
		// alignScore tracks tokens in 64-bit masks; no real name comes close.
		if len(toks) == 48 {
			break
		}
		nt := tok{text: t.Text, key: t.Key, class: t.Class, kind: t.Kind, flat: flatten(t.Text), abjad: abjad, native: abjad, sino: a.Sino, korean: a.Korean}
		if kind != names.Org {
			nt.gender = names.GivenGender(t.Text)
		}
		if n := len(toks); n > 0 {
			prev := &toks[n-1]
			// Dotted initials of an organisation are one acronym:
			// "L.X.C. Aviation" is "LXC Aviation".
			if kind == names.Org && nt.kind == names.Initial && (prev.kind == names.Initial || prev.initials) {
				prev.text += nt.text
				prev.flat = prev.text
				prev.key = names.Key(prev.text)
				prev.kind = names.Word
				prev.initials = true
				continue
			}
			// "Forty-four" is 44.
			if nt.kind == names.Number && prev.kind == names.Number && isTens(prev.class) && len(nt.class) == 1 && nt.class != "0" {
				prev.class = prev.class[:1] + nt.class
				prev.text = prev.class
				prev.flat = prev.class
				prev.key = prev.class
				continue
			}
		}
		if kind == names.Org && nt.kind == names.Word && len(nt.text) > 3 && country.Code(nt.text) != "" {
			nt.geo = true
		}
		if kind != names.Org && nt.kind == names.Word {
			nt.patronymic = isPatronymic(nt.text)
			nt.nick = names.Nicknames(nt.text)
		}
		toks = append(toks, nt)
	}
	return toks, a.LegalForms
}

// patronymicEndings are the endings of East Slavic and Turkic
// patronymics in their usual transliterations.
var patronymicEndings = []string{"ovich", "evich", "ovych", "evych", "avich", "ovitch", "evitch", "owitsch", "ovna", "evna", "ovnaa", "ogly", "oglu", "kyzy", "qizi"}

func isPatronymic(s string) bool {
	if len(s) < 7 {
		return false
	}
	for _, e := range patronymicEndings {
		if strings.HasSuffix(s, e) {
			return true
		}
	}
	return false
}

// flatten drops the h after c, s, z and k.
func flatten(s string) string {
	if !strings.Contains(s, "h") {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == 'h' && i > 0 && strings.IndexByte("cszk", s[i-1]) >= 0 {
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

func isTens(s string) bool {
	return len(s) == 2 && s[1] == '0' && s[0] >= '2' && s[0] <= '9'
}

func signature(toks []tok) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.text)
		b.WriteByte(' ')
	}
	return b.String()
}

// indexKeys returns the keys a name is found by: each token's key, and the
// key of each pair of neighbours written as one word.
func indexKeys(toks []tok, out []string) []string {
	for i, t := range toks {
		if t.key != "" {
			out = append(out, t.key)
		}
		if i+1 < len(toks) && toks[i].kind == names.Word && toks[i+1].kind == names.Word {
			out = append(out, names.Key(t.text+toks[i+1].text))
		}
	}
	return out
}

// deletions yields key with each single letter removed, for keys long
// enough that a one-letter typo still leaves them distinctive. Each
// deletion is written in buf (grown if short), valid until the next.
func deletions(key string, buf []byte) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		if len(key) < 4 {
			return
		}
		for i := 0; i < len(key); i++ {
			if i > 0 && key[i] == key[i-1] {
				continue
			}
			buf = append(append(buf[:0], key[:i]...), key[i+1:]...)
			if !yield(buf) {
				return
			}
		}
	}
}

func (e *Engine) buildIndex() {
	post := make(map[string][]int32)
	del := make(map[string][]int32)
	var keys []string
	var buf []byte
	e.keyOff = make([]int32, len(e.names)+1)
	for i := range e.names {
		keys = indexKeys(e.names[i].toks, keys[:0])
		slices.Sort(keys)
		keys = slices.Compact(keys)
		for _, k := range keys {
			e.keyHash = append(e.keyHash, hashKey(e.seed, k))
			post[k] = append(post[k], int32(i))
			if strings.HasPrefix(k, acronymKey) {
				// Initials are matched exactly, never a typo away.
				continue
			}
			buf = slices.Grow(buf[:0], len(k))
			for d := range deletions(k, buf) {
				if p := del[string(d)]; len(p) == 0 || p[len(p)-1] != int32(i) {
					del[string(d)] = append(p, int32(i))
				}
			}
		}
		e.keyOff[i+1] = int32(len(e.keyHash))
	}
	e.keyHash = slices.Clip(e.keyHash)
	e.post = newPostings(e.seed, post, del)
	n := float64(len(e.names) + 1)
	e.maxDF = math.Log(n)
	e.wsum = make([]float32, len(e.names))
	for i := range e.names {
		for j := range e.names[i].toks {
			t := &e.names[i].toks[j]
			t.w = e.weight(t)
			h := e.tokHash(t)
			id, ok := e.tokID[h]
			if !ok {
				id = int32(len(e.tokID))
				e.tokID[h] = id
			}
			t.id = id
			e.wsum[i] += t.w
		}
	}
	for i, ent := range e.ents {
		for _, id := range ent.Identifiers {
			for _, k := range idKeys(id.Number) {
				if p := e.ids[k]; len(p) == 0 || p[len(p)-1] != int32(i) {
					e.ids[k] = append(p, int32(i))
				}
			}
		}
	}
}

// weight is a token's informativeness in [0.1,1]: rare surnames weigh
// most, MUHAMMAD and COMPANY little, particles (AL, BIN) least.
func (e *Engine) weight(t *tok) float32 {
	switch t.kind {
	case names.Particle:
		return 0.15
	case names.Initial:
		return 0.3
	case names.Number:
		return 1
	}
	df := float64(len(e.post.get(t.key)))
	idf := 1.0
	if e.maxDF > 0 && df > 0 {
		idf = math.Log((float64(len(e.names))+1)/df) / e.maxDF
	}
	w := 0.35 + 0.65*idf
	if t.kind == names.OrgWord {
		w *= 0.6
	}
	if t.patronymic {
		w *= 0.5
	}
	return float32(min(w, 1))
}

// idKeys returns the lookup keys of an identifier: upper-case letters and
// digits only, and, for numbers written with a prefix such as "IMO" or
// "INN", the number alone. Short numbers are not keys: they collide.
func idKeys(s string) []string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	k := b.String()
	if len(k) < 5 {
		return nil
	}
	out := []string{k}
	i := 0
	for i < len(k) && k[i] >= 'A' && k[i] <= 'Z' {
		i++
	}
	if i > 0 && i <= 4 && len(k)-i >= 6 && isDigits(k[i:]) {
		out = append(out, k[i:])
	}
	return out
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Entity returns the entity with the given id.
func (e *Engine) Entity(id string) (*entity.Entity, bool) {
	i, ok := e.byID[id]
	if !ok {
		return nil, false
	}
	return e.ents[i], true
}

// Datasets returns the datasets the engine screens against.
func (e *Engine) Datasets() []*entity.Dataset { return e.datasets }

// Stats describes the index, for logs and benchmarks.
type Stats struct {
	Entities, Names, Keys, DeletionKeys, Identifiers, Clusters int
}

// Stats returns the size of the index.
func (e *Engine) Stats() Stats {
	return Stats{len(e.ents), len(e.names), e.post.nPost, e.post.nDel, len(e.ids), len(e.clusters)}
}

// countryCodes maps a query's country field to codes; it accepts codes and
// names.
func countryCode(s string) string {
	if s == "" {
		return ""
	}
	return country.Code(s)
}

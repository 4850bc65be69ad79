package match

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// Tuning of retrieval. A token whose names exceed commonPostings only
// confirms candidates found by rarer tokens, which keeps MUHAMMAD, AL and
// COMPANY from pulling in thousands of names.
const (
	commonPostings = 3000
	maxCandidates  = 30
	maxTokens      = 16
	// minShare is the share of the query's weight a listed name must be
	// found by to be scored at all: below it no name can reach a score
	// near the threshold.
	minShare = 0.4
	// minTypoKey is the shortest query key whose one-letter deletions
	// are looked up.
	minTypoKey = 5
	// typoHit is the share of a token's weight credited for a hit through
	// the deletion index.
	typoHit = 0.6
	// minPre is the least retrieval estimate worth scoring.
	minPre = 0.5
)

// scratch is per-query working memory, pooled so that screening allocates
// little.
type scratch struct {
	// cand is indexed by name: one struct rather than parallel slices,
	// since retrieval reads and writes a name's fields together at random
	// places.
	cand    []candAcc
	gen     uint32 // generation of the query under way, below 1<<(32-stampBits)
	touched []int32
	buf     []byte // a deletion of a query key
	tps     []tokPost
	lists   []posting
	memo    simMemo
	ranks   []rank
	toks    []tok
	joins   []join
	nt      []tok  // a candidate name unpacked (query.nt)
	nj      []join // its joins
	byEnt   []scored
	results []*scored
}

// candAcc is retrieval's running total for one name, 8 bytes so that
// more names share a cache line.
type candAcc struct {
	acc float32 // weight of the query tokens found in the name
	// tag is the generation of the query that wrote acc, shifted left by
	// stampBits, plus the tag of the last tokPost credited, so that each
	// token counts once and a query need not clear the previous one's
	// totals.
	tag uint32
}

// stampBits holds a tokPost's tag: 1 + a query token's index, or
// maxTokens + 1 + the index of the first of a pair of tokens.
const stampBits = 5

// The conversion fails to compile if the tags outgrow stampBits.
const _ = uint(1<<stampBits - 1 - (2*maxTokens - 1))

// posting is a list of names found for a query token: by the exact key
// (f 1) or through a deleted letter, a typo away (f typoHit).
type posting struct {
	ids []int32
	f   float32
}

// tokPost is the posting lists of one query token: lists[lo:hi] of
// scratch.lists, holding size names in all.
type tokPost struct {
	i, lo, hi int
	size      int
	h         uint64 // the postings hash of the token's key
	// w is the weight a name found by these postings gathers, tag the
	// stamp that keeps it from gathering it twice: a token's own, or for
	// two neighbouring tokens written as one, both their weights.
	w   float32
	tag uint32
}

// simMemo remembers, for one query, the similarity of each query token to
// each list token text already compared: candidate names share most of
// their words, and the edit distance is the costliest step of scoring.
//
// It is an open-addressing table kept in the pooled scratch. Entries carry
// the generation of the query that wrote them, so starting a query clears
// nothing. It keeps similarities exactly as computed: alignment breaks
// ties between equal similarities, and a value rounded on its way through
// the table once made a name's score depend on which names were scored
// before it (0.43 or 0.75 for one pair).
type simMemo struct {
	slots []memoSlot // length a power of two, at most 3/4 full
	gen   uint32
	n     int // entries of this generation
}

// memoSlot is one remembered similarity. key is the list token's id
// shifted left by memoShift, plus the query token's index.
type memoSlot struct {
	key uint32
	gen uint32
	sim float64
}

const (
	memoShift = 4 // bits of a query token index: maxTokens is 16
	memoSize  = 512
)

// reset starts a new query.
func (m *simMemo) reset() {
	if m.slots == nil {
		m.slots = make([]memoSlot, memoSize)
	}
	m.gen++
	if m.gen == 0 {
		// Wrapped: old entries could pass for current ones.
		clear(m.slots)
		m.gen = 1
	}
	m.n = 0
}

func (m *simMemo) sim(i int, a, b *tok) float64 {
	if m == nil || b.id < 0 || i >= 1<<memoShift || b.id >= 1<<(32-memoShift) {
		return tokSim(a, b)
	}
	key := uint32(b.id)<<memoShift | uint32(i)
	mask := uint32(len(m.slots) - 1)
	for h := memoHash(key) & mask; ; h = (h + 1) & mask {
		sl := &m.slots[h]
		if sl.gen != m.gen {
			s := tokSim(a, b)
			*sl = memoSlot{key, m.gen, s}
			if m.n++; m.n > len(m.slots)*3/4 {
				m.grow()
			}
			return s
		}
		if sl.key == key {
			return sl.sim
		}
	}
}

// memoHash spreads keys over the table: ids of one query's words are
// often close together.
func memoHash(key uint32) uint32 {
	h := key * 0x9E3779B1
	return h ^ h>>16
}

// grow doubles the table, keeping this generation's entries.
func (m *simMemo) grow() {
	old := m.slots
	m.slots = make([]memoSlot, 2*len(old))
	mask := uint32(len(m.slots) - 1)
	for _, sl := range old {
		if sl.gen != m.gen {
			continue
		}
		h := memoHash(sl.key) & mask
		for m.slots[h].gen == m.gen {
			h = (h + 1) & mask
		}
		m.slots[h] = sl
	}
}

func newScratch(n int) *scratch {
	return &scratch{cand: make([]candAcc, n), gen: 1}
}

func (s *scratch) reset() {
	s.touched = s.touched[:0]
	if s.gen++; s.gen == 1<<(32-stampBits) {
		// Wrapped: old totals could pass for current ones.
		clear(s.cand)
		s.gen = 1
	}
	// Results hold the explained entries' factors and token pairs; the
	// pool must not keep them alive.
	clear(s.byEnt)
	clear(s.results)
}

// query is an analysed Query.
type query struct {
	Query
	toks    []tok
	joins   []join
	legal   []string
	kind    names.Kind
	dob     entity.Date
	country string
	gender  byte
	// short says the query has at most two words besides particles: only
	// such a query can be an acronym, alone or with one more word.
	short bool
	// genderFrom is the given name gender was inferred from, "" when the
	// query stated it or it is unknown.
	genderFrom string
	ids        []string
	memo       *simMemo
	// nt and nj hold the candidate name being scored, unpacked.
	nt []tok
	nj []join
}

// pairKey returns the key of tokens i and i+1 written as one word, which
// joinsOf has already computed when both are joinable.
func (q *query) pairKey(i int) string {
	for k := range q.joins {
		if j := &q.joins[k]; j.i == i && j.span == 2 {
			return j.t.key
		}
	}
	return names.Key(q.toks[i].text + q.toks[i+1].text)
}

// inferGender returns the gender of the given names in toks and the first
// of them, when at least one is a man's or a woman's name and none is of
// the other gender ("José María" says nothing).
func inferGender(toks []tok) (byte, string) {
	var g byte
	from := ""
	for i := range toks {
		switch t := &toks[i]; {
		case t.gender == 0:
		case g == 0:
			g, from = t.gender, t.text
		case t.gender != g:
			return 0, ""
		}
	}
	return g, from
}

// analyseQuery analyses q, whose birth date validation parsed, keeping
// its tokens in s.
func (e *Engine) analyseQuery(q Query, dob entity.Date, s *scratch) query {
	aq := query{Query: q, dob: dob}
	if t, ok := entity.ParseType(string(q.Type)); ok {
		aq.Type = t
	}
	aq.kind = names.KindOf(aq.Type)
	a := names.Analyze(givenFirst(q.Name, aq.kind), aq.kind)
	aq.toks, aq.legal = convertTokens(a, aq.kind, s.toks)
	s.toks = aq.toks
	if len(aq.toks) > maxTokens {
		aq.toks = aq.toks[:maxTokens]
	}
	for i := range aq.toks {
		t := &aq.toks[i]
		t.w = e.weight(t)
		t.id = -1
		if id, ok := e.tokID[e.tokHash(t)]; ok {
			t.id = id
		}
	}
	aq.short = words(aq.toks) <= 2
	aq.joins = joinsOf(aq.toks, s.joins[:0])
	s.joins = aq.joins
	aq.nt, aq.nj = s.nt[:0], s.nj[:0]
	aq.country = countryCode(q.Country)
	switch strings.ToLower(q.Gender) {
	case "male", "m":
		aq.gender = 'm'
	case "female", "f":
		aq.gender = 'f'
	}
	if aq.gender == 0 && aq.kind != names.Org {
		aq.gender, aq.genderFrom = inferGender(aq.toks)
	}
	for _, id := range q.IDs {
		aq.ids = append(aq.ids, idKeys(id)...)
	}
	return aq
}

// Screen returns the entities q may be, best first: matches (score at or
// above the threshold) and near matches (within 0.1 below it, or above
// opt.MinScore when set). Entries of several lists that are the same
// party come back once, the others in AlsoListed.
func (e *Engine) Screen(q Query, opt Options) ([]Match, error) {
	dob, err := q.validate()
	if err != nil {
		return nil, err
	}
	threshold := opt.Threshold
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	limit := opt.Limit
	if limit <= 0 {
		limit = 10
	}
	minScore := opt.MinScore
	if minScore <= 0 {
		minScore = threshold - 0.1
	}
	s := e.scratch.Get().(*scratch)
	defer func() { s.reset(); e.scratch.Put(s) }()
	aq := e.analyseQuery(q, dob, s)

	cands := e.retrieve(&aq, s, opt.Sources)
	s.memo.reset()
	aq.memo = &s.memo
	// One evaluation per entity, its best name's. An entity has few
	// candidate names and a query few candidates, so a linear search of
	// the short list costs less than a map.
	byEnt := s.byEnt[:0]
	find := func(ei int32) int {
		for i := range byEnt {
			if byEnt[i].ent == ei {
				return i
			}
		}
		return -1
	}
	for _, r := range cands {
		rec := &e.names[r.ni]
		if !e.allowed(rec.ent, opt.Sources) {
			continue
		}
		sc := e.scoreName(&aq, rec, false)
		if i := find(rec.ent); i < 0 {
			byEnt = append(byEnt, sc)
		} else if sc.nameScore > byEnt[i].nameScore {
			byEnt[i] = sc
		}
	}
	for _, k := range aq.ids {
		for _, ei := range e.ids[k] {
			if !e.allowed(ei, opt.Sources) {
				continue
			}
			i := find(ei)
			if i < 0 {
				i = len(byEnt)
				byEnt = append(byEnt, e.bestNameOf(&aq, ei))
			}
			byEnt[i].idMatch = k
		}
	}
	s.byEnt = byEnt
	results := s.results[:0]
	for i := range byEnt {
		sc := &byEnt[i]
		e.applyFactors(&aq, sc, false)
		if sc.score >= minScore {
			results = append(results, sc)
		}
	}
	s.results = results
	slices.SortFunc(results, func(a, b *scored) int {
		if c := cmp.Compare(b.score, a.score); c != 0 {
			return c
		}
		if c := cmp.Compare(e.info[a.ent].srcRank, e.info[b.ent].srcRank); c != 0 {
			return c
		}
		return cmp.Compare(e.ents[a.ent].ID, e.ents[b.ent].ID)
	})
	m := e.assemble(&aq, results, threshold, limit)
	s.nt, s.nj = aq.nt, aq.nj // keep what scoring grew, for the next query
	return m, nil
}

// sourceOrder decides which entry of a party leads when several lists
// score the same: the blocking lists with legal force first, then the
// screening-only lists.
var sourceOrder = []string{"us_ofac_sdn", "un_sc", "eu_fsf", "gb_fcdo", "us_ofac_cons", "us_csl"}

func sourceRank(s string) int {
	if i := slices.Index(sourceOrder, s); i >= 0 {
		return i
	}
	return len(sourceOrder)
}

func (e *Engine) allowed(ei int32, sources []string) bool {
	return len(sources) == 0 || slices.Contains(sources, e.ents[ei].Source)
}

// retrieve returns candidate names for the query, best-supported first.
func (e *Engine) retrieve(q *query, s *scratch, sources []string) []rank {
	// A posting list found by the exact key counts the token's full
	// weight; one found through a deleted letter (a typo away) counts
	// less, since many different names are one letter apart.
	tps := s.tps[:0]
	lists := s.lists[:0]
	var totalW float32
	for i, t := range q.toks {
		tp := tokPost{i: i, lo: len(lists), w: t.w, tag: uint32(i + 1)}
		add := func(p []int32, f float32) {
			if len(p) > 0 {
				lists = append(lists, posting{p, f})
				tp.size += len(p)
			}
		}
		tp.h = e.post.hash(t.key)
		exact, del := e.post.find(tp.h)
		add(exact, 1)
		// A key one letter longer or shorter than the query's is a typo
		// away: look up both directions of the deletion index. A token
		// already found exactly in thousands of names gains nothing from
		// its typo neighbours, and short keys have too many to be useful.
		if (t.kind == names.Word || t.kind == names.OrgWord) && len(exact) < commonPostings {
			add(del, typoHit)
			if len(t.key) >= minTypoKey {
				s.buf = slices.Grow(s.buf[:0], len(t.key))
				for d := range deletions(t.key, s.buf) {
					post, del := e.post.lookupBytes(d)
					add(post, typoHit)
					add(del, typoHit)
				}
			}
		}
		if len(exact) == 0 && t.kind == names.Word && len(t.text) >= 3 && t.text[0] != t.text[1] {
			// A word no list has may have its first two letters swapped
			// ("IKM" for KIM, "OHSEIN" for HOSEIN), which changes the key
			// where the deletion index does not reach: short words, and
			// a vowel moved to the front.
			s.buf = append(append(s.buf[:0], t.text[1], t.text[0]), t.text[2:]...)
			if k := names.Key(string(s.buf)); k != t.key {
				add(e.post.get(k), typoHit)
			}
		}
		if q.short && t.kind == names.Word && len(t.text) >= minAcronym && len(t.text) <= maxAcronym {
			// An organisation's initials (see acronymOf).
			s.buf = append(append(s.buf[:0], acronymKey...), t.text...)
			post, _ := e.post.lookupBytes(s.buf)
			add(post, 1)
		}
		tp.hi = len(lists)
		if tp.size > 0 {
			tps = append(tps, tp)
		}
		if i+1 < len(q.toks) && t.kind == names.Word && q.toks[i+1].kind == names.Word {
			// Two neighbouring words that, written as one, are a listed
			// word or two listed neighbours written as one: joined or
			// split words, or a letter moved across the space ("ERICB
			// ADEGE" for ERIC BADEGE). The pair is found on its own, with
			// both words' weight: the shifted words alone find nothing,
			// or only the many names sharing a common one.
			pk := q.pairKey(i)
			if pair := e.post.get(pk); len(pair) > 0 {
				tps = append(tps, tokPost{i: i, lo: len(lists), hi: len(lists) + 1, size: len(pair), h: e.post.hash(pk), w: t.w + q.toks[i+1].w, tag: uint32(maxTokens + i + 1)})
				lists = append(lists, posting{pair, 1})
			}
		}
		if t.kind != names.Particle {
			totalW += t.w
		}
	}
	s.tps, s.lists = tps, lists
	if len(tps) == 0 {
		return nil
	}
	slices.SortFunc(tps, func(a, b tokPost) int { return cmp.Compare(a.size, b.size) })
	minAcc := float32(minShare) * totalW
	// rest[n] is the most weight a name first found by the n-th token can
	// still gather: once below minAcc, later tokens open no candidates,
	// since every one they opened would be dropped below. A small margin
	// keeps float rounding from pruning a name that would have been kept.
	//
	// A pair's weight is its words' (see above), which count here
	// already: counted twice, the bound would let common words open
	// candidates that gather nothing more.
	var rest [2 * maxTokens]float64
	for n := len(tps) - 1; n >= 0; n-- {
		rest[n] = rest[n+1]
		if tps[n].tag <= maxTokens {
			rest[n] += float64(tps[n].w)
		}
	}
	cand, gen := s.cand, s.gen
	for n, tp := range tps {
		w := tp.w
		tag := gen<<stampBits | tp.tag
		tl := lists[tp.lo:tp.hi]
		// The rarest token always opens candidates; common ones only
		// confirm what rarer tokens found.
		open := (n == 0 || tp.size <= commonPostings) && rest[n]*(1+1e-5) >= float64(minAcc)
		// A common token found only exactly (no typo lists) confirms
		// candidates; when its postings far outnumber them, looking for
		// its key among each candidate's own tokens costs less than
		// walking thousands of postings (JOHN, MUHAMMAD).
		if !open && len(tl) == 1 && tl[0].f == 1 && tp.size > 4*len(s.touched) {
			for _, ni := range s.touched {
				if c := &cand[ni]; c.tag != tag && e.hasKey(ni, tp.h) {
					c.tag = tag
					c.acc += w
				}
			}
			continue
		}
		// Exact postings come first in a token's lists, so a name found
		// both exactly and through a typo key is credited the full weight.
		for _, p := range tl {
			pw := w * p.f
			for _, ni := range p.ids {
				c := &cand[ni]
				if c.tag>>stampBits != gen {
					if open {
						c.tag, c.acc = tag, pw
						s.touched = append(s.touched, ni)
					}
					continue
				}
				if c.tag != tag {
					c.tag = tag
					c.acc += pw
				}
			}
		}
	}
	// Keep the names that share enough of the query's weight to possibly
	// score near the threshold, best first.
	ranks := s.ranks[:0]
	for _, ni := range s.touched {
		a := cand[ni].acc
		if a < minAcc || (len(sources) > 0 && !e.allowed(e.names[ni].ent, sources)) {
			continue
		}
		// A Dice-like estimate, so that among names sharing all of a
		// query's common words the ones with fewest other words come
		// first: "MOHAMED OMAR MOHAMED" before "MOHAMED OMAR MOHAMED
		// ABDULLAHI HASSAN".
		// Several query tokens may hit one listed token, so the shared
		// weight is capped by the listed name's own; a pair of words is
		// credited on top of the words themselves, so it is capped by the
		// query's too.
		ws := e.wsum[ni]
		pre := 2 * min(a, ws, totalW) / (totalW + ws + 1e-6)
		if pre >= minPre {
			ranks = append(ranks, rank{ni, pre})
		}
	}
	s.ranks = ranks
	return bestRanks(ranks, maxCandidates)
}

// rank is a candidate name with its retrieval estimate.
type rank struct {
	ni  int32
	pre float32
}

// before orders ranks best first: higher estimate, then lower name index,
// a total order so that the candidates kept never depend on input order.
func (a rank) before(b rank) bool {
	return a.pre > b.pre || (a.pre == b.pre && a.ni < b.ni)
}

// bestRanks returns the k best of r, best first, reordering r; r itself
// when it holds no more than k. A query of common words has thousands of
// ranked names of which 30 are kept, so it selects them (quickselect)
// before sorting, rather than sorting all.
func bestRanks(r []rank, k int) []rank {
	if len(r) <= k {
		return r
	}
	lo, hi := 0, len(r)-1
	for lo < hi {
		// Median of three as pivot, left at hi.
		mid := lo + (hi-lo)/2
		if r[mid].before(r[lo]) {
			r[mid], r[lo] = r[lo], r[mid]
		}
		if r[hi].before(r[lo]) {
			r[hi], r[lo] = r[lo], r[hi]
		}
		if r[mid].before(r[hi]) {
			r[mid], r[hi] = r[hi], r[mid]
		}
		p := lo
		for i := lo; i < hi; i++ {
			if r[i].before(r[hi]) {
				r[i], r[p] = r[p], r[i]
				p++
			}
		}
		r[p], r[hi] = r[hi], r[p]
		// r[:p] are before the pivot, now at p; r[p+1:] are not.
		switch {
		case p == k || p == k-1:
			lo = hi // done: the k best are r[:k]
		case p > k:
			hi = p - 1
		default:
			lo = p + 1
		}
	}
	r = r[:k]
	slices.SortFunc(r, compareRanks)
	return r
}

func compareRanks(a, b rank) int {
	switch {
	case a.before(b):
		return -1
	case b.before(a):
		return 1
	}
	return 0
}

// scored is one entity's evaluation for one query.
type scored struct {
	ent       int32
	name      int16
	acronym   bool    // matched the initials of the name
	nameScore float64 // after the weak-alias, acronym and legal-form factors
	raw       float64 // token alignment score alone
	pairs     []TokenPair
	legalNote string
	idMatch   string
	factors   []Factor
	score     float64
}

// bestNameOf scores every name of an entity, for entities found by
// identifier alone.
func (e *Engine) bestNameOf(q *query, ei int32) scored {
	best := scored{ent: ei}
	lo, _ := slices.BinarySearchFunc(e.names, ei, func(r nameRec, t int32) int { return cmp.Compare(r.ent, t) })
	for i := lo; i < len(e.names) && e.names[i].ent == ei; i++ {
		sc := e.scoreName(q, &e.names[i], false)
		if i == lo || sc.nameScore > best.nameScore {
			best = sc
		}
	}
	return best
}

// Weak aliases and differing legal forms scale a name score down.
const (
	weakAliasFactor = 0.75
	legalFormFactor = 0.92
	// acronymFactor scales a match on the initials of a listed name: an
	// acronym of four or more letters is fairly specific but derived, not
	// listed. Three letters (acronymShortFactor) collide often and make a
	// near match at most.
	acronymFactor      = 0.88
	acronymShortFactor = 0.75
)

// scoreName scores one listed name against the query. With explain set it
// also keeps the token alignment and the legal-form note for display.
func (e *Engine) scoreName(q *query, rec *nameRec, explain bool) scored {
	person := rec.kind == names.Person || (rec.kind == names.Any && q.kind == names.Person)
	q.nt, q.nj = e.unpack(rec, q.nt[:0], q.nj[:0])
	raw, pairs := alignScore(q.toks, q.nt, q.joins, q.nj, person, q.memo, explain)
	sc := scored{ent: rec.ent, name: rec.name, raw: raw, pairs: pairs, nameScore: raw, acronym: rec.acronym}
	if rec.weak {
		sc.nameScore *= weakAliasFactor
	}
	if rec.acronym {
		sc.nameScore *= acronymScale(q.nt[0].text)
	}
	if len(q.legal) > 0 && len(rec.legal) > 0 && !overlaps(q.legal, rec.legal) {
		sc.nameScore *= legalFormFactor
		if explain {
			sc.legalNote = fmt.Sprintf("legal forms differ (%s / %s)", strings.Join(q.legal, ","), strings.Join(rec.legal, ","))
		}
	}
	return sc
}

// acronymScale is the factor for a match on an acronym.
func acronymScale(acr string) float64 {
	if len(acr) > minAcronym {
		return acronymFactor
	}
	return acronymShortFactor
}

// nameRecOf returns the index record of an entity's name.
func (e *Engine) nameRecOf(ei int32, name int16, acronym bool) *nameRec {
	lo, _ := slices.BinarySearchFunc(e.names, ei, func(r nameRec, t int32) int { return cmp.Compare(r.ent, t) })
	for i := lo; i < len(e.names) && e.names[i].ent == ei; i++ {
		if e.names[i].name == name && e.names[i].acronym == acronym {
			return &e.names[i]
		}
	}
	return nil
}

func overlaps(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

// tokSim is the similarity of two tokens in [0,1].
func tokSim(a, b *tok) float64 {
	if a.text == b.text {
		return 1
	}
	if a.kind == names.Number || b.kind == names.Number {
		// A number's class is its digits, whether written "1st", "First"
		// or "1": only the same number agrees, and a number never agrees
		// with a word.
		if a.kind == b.kind && a.class == b.class {
			return 1
		}
		return 0
	}
	if a.gender != 0 && b.gender != 0 && a.gender != b.gender {
		// Two common given names, one a man's and one a woman's, are two
		// names however alike they look (Olga, Oleg; Carla, Carlos).
		return 0
	}
	if a.class != "" && a.class == b.class {
		return 1
	}
	if designator(a.class) && designator(b.class) {
		// "Company" and "Corporation" (with their abbreviations and
		// translations) say the same thing of a company: a variant of its
		// name, not a different word.
		return 0.9
	}
	if isFiliation(a) && isFiliation(b) {
		return 1
	}
	if a.kind == names.Initial || b.kind == names.Initial {
		if a.text[0] == b.text[0] {
			return initialSim
		}
		return 0
	}
	if a.sino && b.sino {
		// Two Chinese names: a different syllable is a different name,
		// whatever the letters or consonant keys say.
		if s, ok := names.SinoSim(a.text, b.text); ok {
			return s
		}
	} else if a.korean && b.korean && osa(a.text, b.text, 1) > 1 {
		// Two Korean names, likewise; but Korean romanisations are so
		// dense in syllables that a typo (Hwag for Hwang) often spells
		// another one, so a word one edit away is left to its letters.
		if s, ok := names.KoreanSim(a.text, b.text); ok {
			return s
		}
	}
	if a.flat == b.flat && a.flat != "" {
		return 0.95
	}
	if a.nick != "" && b.nick != "" && sharesGroup(a.nick, b.nick) {
		// A nickname and its full name (Ted / Theodore) are one name as
		// much as two spellings are.
		return 0.9
	}
	s := tokenSim(a.text, b.text)
	if s < 0.85 && inflected(a.text, b.text) {
		s = 0.85
	}
	if (a.sino != b.sino || a.korean != b.korean) && osa(a.text, b.text, 1) > 1 {
		// A Chinese or Korean name's syllables against a word of another
		// kind of name: only the letters can make them one, a typo (Yun,
		// Uyn) but not a shared skeleton (Janke is not Zhang).
		return s
	}
	if a.key != "" && a.key == b.key {
		// Same skeleton: a transliteration or spelling variant. Short
		// skeletons collide more, so they prove less. Where both
		// spellings come from scripts that write vowels, a skeleton is
		// shared by distinct names (Bruno, Brian) and proves a variant
		// only when the vowels agree too.
		ks := 0.9
		if len(a.key) <= 2 {
			ks = 0.8
		}
		if s < ks && (a.abjad || b.abjad || names.SameVowels(a.text, b.text)) && longVowelsAgree(a, b) {
			s = ks
		}
	} else if s == 0 && len(a.key) >= 4 && len(b.key) >= 4 {
		// Vowels are checked last: most pairs of keys are far apart.
		if ks := tokenSim(a.key, b.key); ks > 0 && (a.abjad || b.abjad || names.SameVowels(a.text, b.text)) && longVowelsAgree(a, b) {
			s = 0.85 * ks
		}
	}
	return s
}

// longVowelsAgree reports whether, when one of two words was written in
// Arabic or Hebrew script and the other in Latin, the Latin spelling has a
// vowel wherever the script wrote a long one (names.LongVowelsAgree): a
// shared skeleton then proves a spelling variant, not Husayn for Hasan.
func longVowelsAgree(a, b *tok) bool {
	switch {
	case a.native == b.native:
		return true
	case a.native:
		return names.LongVowelsAgree(a.text, b.text)
	}
	return names.LongVowelsAgree(b.text, a.text)
}

// designator reports whether an organisation-word class is a general
// word for a business: the words lists and customers swap for one another
// in one company's name.
func designator(class string) bool {
	return class == "company" || class == "corporation"
}

// sharesGroup reports whether two comma-separated group lists overlap.
func sharesGroup(a, b string) bool {
	for a != "" {
		var g string
		g, a, _ = strings.Cut(a, ",")
		for rest := b; rest != ""; {
			var h string
			h, rest, _ = strings.Cut(rest, ",")
			if g == h {
				return true
			}
		}
	}
	return false
}

// inflected reports whether one token is the other with a short ending
// added, as Baltic, Slavic and Greek names inflect (Putin / Putinas,
// Lavrov / Lavrovs).
func inflected(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 4 && len(b)-len(a) <= 2 && strings.HasPrefix(b, a)
}

type cand struct {
	qi, ni int
	qn, nn int // how many tokens each side of the pair spans (1 to 3)
	sim    float64
}

// Weights of unmatched tokens. An omitted token (one side has a word the
// other lacks: a middle name, a patronymic, a branch word) is weak
// evidence against a match; a substituted one (both sides have a word
// the other lacks: AL-DULAIMI against AL-TIKRITI) is strong evidence
// against, however common the words are.
const (
	omitPerson      = 0.3
	omitOrg         = 0.6
	omitSingle      = 0.9
	substituteFloor = 0.8
	// substituteCost makes a substituted pair cost more than a matched
	// pair earns: five name parts of which one differs is a review, not a
	// match.
	substituteCost = 1.5
	// minPairSim is the least similarity at which two tokens are aligned
	// at all; below it they are a substitution, not a spelling variant.
	minPairSim = 0.7
	maxSpan    = 3
	// initialSim is the similarity of an initial to a word it begins.
	initialSim = 0.8
)

// alignScore aligns query and listed tokens in any order, greedily by
// similarity, allowing up to three neighbouring tokens on one side to
// stand for one joined token on the other, and returns a weighted Dice
// score: matched weight over matched weight plus the cost of the
// unmatched tokens (see omitPerson and substituteFloor).
func alignScore(q, n []tok, qj, nj []join, person bool, memo *simMemo, explain bool) (float64, []TokenPair) {
	if len(q) == 0 || len(n) == 0 {
		return 0, nil
	}
	var buf [64]cand
	cands := buf[:0]
	for i := range q {
		for j := range n {
			if s := memo.sim(i, &q[i], &n[j]); s >= minPairSim {
				cands = append(cands, cand{i, j, 1, 1, s})
			}
		}
	}
	// Joined and split words: "Abd al Rahman" / "Abdulrahman",
	// "van der Bilt" / "Vanderbilt".
	cands = joinCands(cands, qj, n, false)
	cands = joinCands(cands, nj, q, true)
	// A letter moved across a space ("ERICB ADEGE" / "ERIC BADEGE"): the
	// two words written together are the same.
	cands = shiftedCands(cands, qj, nj)
	if person {
		// Initials written as one word: "JR Smith" / "John Robert Smith".
		cands = initialsCands(cands, q, n, false)
		cands = initialsCands(cands, n, q, true)
	}
	// Best pairs first; among equals, pairs of equal span, then earlier
	// tokens, so results are deterministic. The list is short: an
	// insertion sort beats a generic sort here.
	for i := 1; i < len(cands); i++ {
		c := cands[i]
		j := i
		for j > 0 && (cands[j-1].sim < c.sim || cands[j-1].sim == c.sim && cands[j-1].qn+cands[j-1].nn > c.qn+c.nn) {
			cands[j] = cands[j-1]
			j--
		}
		cands[j] = c
	}
	var qUsed, nUsed uint64
	var matchedSim, matched float64
	var pairs []TokenPair
	var order [][2]int
	for _, c := range cands {
		qm := spanMask(c.qi, c.qn)
		nm := spanMask(c.ni, c.nn)
		if qm == 0 || nm == 0 || qUsed&qm != 0 || nUsed&nm != 0 {
			continue
		}
		qUsed |= qm
		nUsed |= nm
		wq := spanWeight(q, c.qi, c.qn)
		wn := spanWeight(n, c.ni, c.nn)
		matchedSim += c.sim * (wq + wn)
		// The part of a pair that does not agree is charged like a
		// substitution: MOHAMED ~ AHMED is mostly a different name.
		matched += c.sim*(wq+wn) + (1-c.sim)*(max(wq, substituteFloor)+max(wn, substituteFloor))
		if explain {
			pairs = append(pairs, TokenPair{Query: spanText(q, c.qi, c.qn), Listed: spanText(n, c.ni, c.nn), Score: round(c.sim)})
		}
		order = append(order, [2]int{c.qi, c.ni})
	}
	if matched == 0 {
		return 0, nil
	}
	var uq, un [64]unmatched
	lq := unmatchedTokens(q, qUsed, uq[:0])
	ln := unmatchedTokens(n, nUsed, un[:0])
	omit := omitOrg
	if person {
		omit = omitPerson
	}
	var cost float64
	k := min(len(lq), len(ln))
	for i := 0; i < k; i++ {
		cost += substituteCost * (max(lq[i].w, substituteFloor) + max(ln[i].w, substituteFloor))
	}
	// A listed name of one word that covers one word of a longer query is
	// weak evidence ("LUNA" in "Eva Luna"): the query's other words then
	// cost as much as an organisation's would.
	omitQuery := omit
	if len(lq) > k && words(n) == 1 {
		omitQuery = max(omit, omitSingle)
	}
	if person && k == 0 {
		// One name holds all of the other's words but its first given
		// name: "Hector De Jesus Garcia" for "Jesus Garcia", "Erik John
		// Lee" for "LEE, John". Customers go by their first given name,
		// and a middle name shared with a common surname is how namesakes
		// look, so the missing first name counts as a word that differs,
		// not as a middle name left out.
		// Likewise its surname, when the other's surname is aligned with
		// one of its given names: "Michael Barry Shor" for "Michael
		// Berry", "Steven Joseph Horton" for "Steven Joseph". A second
		// surname after the one aligned (GUZMAN LOERA for Guzman) is left
		// out as customers leave it out.
		u := leadOmitted(q, n, qUsed, nUsed)
		if u == 0 {
			u = leadOmitted(n, q, nUsed, qUsed)
		}
		if u == 0 {
			u = lastOmitted(q, n, qUsed, order, 0)
		}
		if u == 0 {
			u = lastOmitted(n, q, nUsed, order, 1)
		}
		if u > 0 {
			cost += substituteCost*max(u, substituteFloor) - omit*u
		}
	}
	for side, rest := range [][]unmatched{lq[k:], ln[k:]} {
		o := omit
		if side == 0 {
			o = omitQuery
		}
		for _, u := range rest {
			if u.strict {
				// A number or a country in an organisation's name marks
				// another fund, vessel or subsidiary even when the other
				// name simply lacks it.
				cost += max(u.w, substituteFloor)
			} else {
				cost += o * u.w
			}
		}
	}
	score := matchedSim / (matched + cost)
	if person && patronymicSwap(q, n, order) {
		// "SALMAN BIN MUHAMMAD" is the son of Muhammad, "MUHAMMAD BIN
		// SALMAN" the son of Salman: the same words name another man.
		score *= patronymicFactor
	}
	return score, pairs
}

// leadOmitted returns the weight of t's first word when it is a common
// given name left unmatched (used) while the other name's first word, a
// common given name too, is matched (otherUsed) to a later word of t; 0
// otherwise. A name of the surname alone ("President Putin") leaves the
// given names out as a middle name is left out.
func leadOmitted(t, other []tok, used, otherUsed uint64) float64 {
	if used&1 != 0 || otherUsed&1 == 0 || t[0].gender == 0 || t[0].kind != names.Word || other[0].gender == 0 {
		return 0
	}
	return float64(t[0].w)
}

// lastOmitted returns the weight of t's last word when it is a word that
// is no common given name, left unmatched (used), while the other name's
// last word is aligned with a middle given name or initial of t; 0
// otherwise. order holds the aligned pairs' first tokens, t's at index
// side.
func lastOmitted(t, other []tok, used uint64, order [][2]int, side int) float64 {
	last := len(t) - 1
	if last < 2 || last >= 64 || used&(1<<uint(last)) != 0 || t[last].kind != names.Word || t[last].gender != 0 || words(other) < 2 || t[last].abjad || other[len(other)-1].abjad {
		// A last word that is a given name may be a father's name in a
		// chain (AKHTAR MOHAMMAD MANSOUR SHAH MOHAMMED), one word alone
		// is no full name to hold a surname, and Arabic and Hebrew names
		// are chains of given names and epithets where the last word is
		// no surname customers keep (عزت ابراهيم الدوري).
		return 0
	}
	for _, p := range order {
		if p[1-side] != len(other)-1 {
			continue
		}
		// A middle word: the other's surname aligned with t's first
		// word is a reordered name ("Scott Michael" / "Michael Scott").
		if g := &t[p[side]]; p[side] > 0 && (g.gender != 0 || g.kind == names.Initial) {
			return float64(t[last].w)
		}
		return 0
	}
	return 0
}

// givenFirst writes a person's "SURNAME, Given" name as "Given SURNAME",
// so that a person's first word is a given name whichever way the name was
// written. Other kinds of names keep their commas' order: "Acme, Inc." is
// not an inverted name.
func givenFirst(name string, kind names.Kind) string {
	if kind != names.Person {
		return name
	}
	sur, given, ok := strings.Cut(name, ",")
	if !ok || strings.Contains(given, ",") {
		return name
	}
	sur, given = strings.TrimSpace(sur), strings.TrimSpace(given)
	if sur == "" || given == "" {
		return name
	}
	return given + " " + sur
}

// words counts the tokens of t that are not particles.
func words(t []tok) int {
	n := 0
	for i := range t {
		if t[i].kind != names.Particle {
			n++
		}
	}
	return n
}

// patronymicFactor scales a person score whose aligned names sit on
// opposite sides of "bin"/"ibn"/"ben" in the two names.
const patronymicFactor = 0.7

func isFiliation(t *tok) bool {
	switch t.text {
	case "bin", "ibn", "ben", "bint", "binti", "ould", "walad":
		return true
	}
	return false
}

// patronymicSwap reports whether a word before the filiation particle on
// one side is aligned with a word after it on the other.
func patronymicSwap(q, n []tok, order [][2]int) bool {
	fq, fn := -1, -1
	for i := range q {
		if isFiliation(&q[i]) {
			fq = i
			break
		}
	}
	for j := range n {
		if isFiliation(&n[j]) {
			fn = j
			break
		}
	}
	if fq < 0 || fn < 0 {
		return false
	}
	for _, p := range order {
		if p[0] == fq || p[1] == fn {
			continue
		}
		if (p[0] < fq) != (p[1] < fn) {
			return true
		}
	}
	return false
}

type unmatched struct {
	w      float64
	strict bool
}

// unmatchedTokens appends the tokens not in used, heaviest first.
func unmatchedTokens(t []tok, used uint64, out []unmatched) []unmatched {
	for i := range t {
		if i < 64 && used&(1<<uint(i)) == 0 {
			out = append(out, unmatched{float64(t[i].w), t[i].kind == names.Number || t[i].geo})
		}
	}
	for i := 1; i < len(out); i++ {
		u := out[i]
		j := i
		for j > 0 && out[j-1].w < u.w {
			out[j] = out[j-1]
			j--
		}
		out[j] = u
	}
	return out
}

// shiftedSim is the similarity of two neighbouring words to two others
// that are the same letters with the space elsewhere.
const shiftedSim = 0.9

// shiftedCands adds a pair for each two neighbouring words of one name
// that, written as one, are two neighbouring words of the other written as
// one, with the space in another place.
func shiftedCands(cands []cand, qj, nj []join) []cand {
	for a := range qj {
		if qj[a].span != 2 {
			continue
		}
		for b := range nj {
			if nj[b].span == 2 && qj[a].t.text == nj[b].t.text {
				cands = append(cands, cand{qj[a].i, nj[b].i, 2, 2, shiftedSim})
			}
		}
	}
	return cands
}

// joinCands adds candidate pairs where a joined form of neighbouring
// tokens on one side matches one token of the other. flip says the joins
// are the listed side's.
func joinCands(cands []cand, joins []join, b []tok, flip bool) []cand {
	for k := range joins {
		jt := &joins[k].t
		for j := range b {
			bt := &b[j]
			// Only a long word can be a joined form, and only one about as
			// long as the join; the cheap checks spare most comparisons.
			// Chinese syllables may start with other letters in Wade-Giles
			// (Chinping / Jinping).
			if bt.kind != names.Word || len(bt.text) < 5 || absDiff(len(bt.text), len(jt.text)) > 3 || bt.text[0] != jt.text[0] && !(bt.sino && jt.sino) && !(bt.korean && jt.korean) {
				continue
			}
			s := tokSim(jt, bt)
			if s < 0.8 {
				continue
			}
			if flip {
				cands = append(cands, cand{j, joins[k].i, 1, joins[k].span, s})
			} else {
				cands = append(cands, cand{joins[k].i, j, joins[k].span, 1, s})
			}
		}
	}
	return cands
}

// initialsCands adds candidate pairs where a short word of b is the
// initials of two or three neighbouring words of a ("AK" for Abdollah
// Karim), each scored as an initial against its word. A common given name
// (Al, Eva) is a name, not initials. flip says a is the listed side.
func initialsCands(cands []cand, a, b []tok, flip bool) []cand {
	for j := range b {
		bt := &b[j]
		n := len(bt.text)
		if bt.kind != names.Word || n < 2 || n > maxSpan || bt.gender != 0 {
			continue
		}
	spans:
		for i := 0; i+n <= len(a); i++ {
			for k := 0; k < n; k++ {
				// Words of one letter are initials already (and Korean
				// syllables such as 이 written alone).
				if t := &a[i+k]; t.kind != names.Word || len(t.text) < 2 || t.text[0] != bt.text[k] {
					continue spans
				}
			}
			if flip {
				cands = append(cands, cand{j, i, 1, n, initialSim})
			} else {
				cands = append(cands, cand{i, j, n, 1, initialSim})
			}
		}
	}
	return cands
}

func absDiff(a, b int) int {
	if a > b {
		return a - b
	}
	return b - a
}

func spanMask(i, n int) uint64 {
	if i+n > 64 {
		return 0
	}
	return (uint64(1)<<uint(n) - 1) << uint(i)
}

func spanWeight(t []tok, i, n int) float64 {
	var w float64
	for k := i; k < i+n; k++ {
		w += float64(t[k].w)
	}
	if n > 1 {
		// Several tokens standing for one count as one.
		w /= float64(n)
	}
	return w
}

func spanText(t []tok, i, n int) string {
	if n == 1 {
		return t[i].text
	}
	parts := make([]string, n)
	for k := range parts {
		parts[k] = t[i+k].text
	}
	return strings.Join(parts, " ")
}

func round(f float64) float64 { return math.Round(f*1000) / 1000 }

// Package scan finds what the lists and the trade rules care about in free
// text: mentions of listed parties and vessels (by any listed name or
// alias, in any script the name analysis reads), listed identifiers (IMO,
// MMSI, passport, registration numbers), ports by name or UN/LOCODE,
// embargoed countries and occupied regions, HS codes on the CHPL or in EAR
// Supp. 7 to Part 746, and the component part families of the UAV
// guidance.
//
// It sits above screening in the data flow (sources -> entities -> index
// -> screening -> decisions -> store): the index of names is built from
// the engine's own datasets, one pass over the text finds candidate spans
// (words starting some listed name, covering enough of it), and the engine
// scores each span as a query, so a mention's score means what a
// screening score means. Words that only look like a name (a given name,
// a common word, a lower-case phrase) are not reported alone: see
// Scanner.Scan for the rules. The messages parsers and the scan command
// call it on the free-text fields of documents.
package scan

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/route"
)

// Screener is what the scanner needs of the screening engine;
// *match.Engine and api.Screener implement it.
type Screener interface {
	Screen(q match.Query, opt match.Options) ([]match.Match, error)
	Datasets() []*entity.Dataset
}

// Kind is what a mention names.
type Kind string

// The mention kinds.
const (
	Party      Kind = "party"      // a listed person, organisation, vessel or aircraft, by name
	Identifier Kind = "identifier" // a listed identifier (IMO, MMSI, passport, registration...)
	PortKind   Kind = "port"       // a port of the route data, by name or UN/LOCODE
	Country    Kind = "country"    // an embargoed (or, if asked, transshipment) country
	Region     Kind = "region"     // an occupied region of Ukraine, or a city or port in it
	HSCode     Kind = "hs_code"    // an HS code on the CHPL or in EAR Supp. 7 to Part 746
	Component  Kind = "component"  // a component kind or part family of the UAV guidance
)

// Mention is one thing found in the text.
type Mention struct {
	// Start and End are byte offsets into the input as given (HTML
	// included); Text is input[Start:End].
	Start int    `json:"start"`
	End   int    `json:"end"`
	Text  string `json:"text"`
	Kind  Kind   `json:"kind"`
	// Ref is what the mention points to: the entity id of a party or
	// identifier, the UN/LOCODE (or name) of a port, the country code,
	// the region, the HS-6 code, the component kind.
	Ref string `json:"ref"`
	// Rule names why it matters: listed_party, listed_identifier,
	// caspian_port, port_in_embargoed_country, occupied_region,
	// embargoed_country, transshipment_country, chpl, ear_supp7, component.
	Rule string `json:"rule"`
	// Score is the screening score for parties and identifiers (what
	// match.Engine.Screen gives the span as a query) and 1 for exact
	// rule hits.
	Score       float64 `json:"score"`
	Match       bool    `json:"match"`
	Explanation string  `json:"explanation"`

	Party *match.Match `json:"party,omitempty"`
	// Also holds other listed entries the same words match (at least
	// MinScore) that the engine does not fold into Party: one person's
	// entries on two lists it did not judge the same party.
	Also      []match.Match      `json:"also,omitempty"`
	ID        *entity.Identifier `json:"identifier,omitempty"`
	Port      *route.Port        `json:"port,omitempty"`
	Country   *route.Fact        `json:"country,omitempty"`
	Region    *route.Region      `json:"region,omitempty"`
	HS        *HSRef             `json:"hs,omitempty"`
	Component *goods.Component   `json:"component,omitempty"`
}

// HSRef is an HS code found in text and the lists it is on.
type HSRef struct {
	Code  goods.Code   `json:"code"`
	CHPL  *goods.Entry `json:"chpl,omitempty"`
	Supp7 *goods.Entry `json:"supp7,omitempty"`
}

// Options tune one scan. Zero values take the defaults.
type Options struct {
	// Threshold is the score from which a party or identifier mention is
	// a match; 0 means match.DefaultThreshold.
	Threshold float64
	// MinScore reports party mentions scoring at least this as near
	// matches (Match false); 0 reports matches only.
	MinScore float64
	// Transshipment also reports the transshipment jurisdictions of the
	// FinCEN-BIS alerts (China, Turkey, the UAE...), which ordinary text
	// names often.
	Transshipment bool
}

// Scanner scans text against one version of the lists. It is safe for
// concurrent use; build one per engine (its index is built from the
// engine's datasets on first use, in about the time the engine takes to
// analyse its names).
type Scanner struct {
	s    Screener
	once sync.Once
	x    *index
	g    *gazetteer
}

// New returns a scanner over the lists s screens against. The index is
// built on the first scan (or by Prepare), not here, so that a server can
// start answering before any document arrives.
func New(s Screener) *Scanner { return &Scanner{s: s} }

// Prepare builds the index now, if it is not built yet.
func (sc *Scanner) Prepare() {
	sc.once.Do(func() {
		sc.x = buildIndex(sc.s.Datasets())
		sc.g = newGazetteer(sc.x)
	})
}

// MaxText is the largest text Scan accepts, in bytes: offsets are kept in
// 32 bits and a caller holding more should split it into documents.
const MaxText = 64 << 20

// Scan finds the mentions in plain text, in order of their start.
//
// A listed name is a mention when a span of the text covers a meaningful
// part of it (most of its weight and, for a name of several words, at
// least two of them), its words are capitalised as names are (unless the
// text has no lower-case letters, or no case at all), and the engine,
// given the span as a query, scores that entity at or above the
// threshold. A name of one word counts alone only when it is not a
// person's (a given name or surname alone proves nothing), not a weak
// alias, not a vessel's unless the text says it is a vessel ("MV", "the
// tanker"...), and written as a name: an acronym in capitals, or a
// capitalised word inside a sentence, equal to the listed word but for one
// letter.
func (sc *Scanner) Scan(ctx context.Context, text string, opt Options) ([]Mention, error) {
	return sc.scan(ctx, plainText{s: text}, text, opt)
}

// ScanHTML is Scan for an HTML document: tags, comments, scripts and
// styles are dropped, character references decoded, block elements break
// names apart, and offsets point into the HTML as given.
func (sc *Scanner) ScanHTML(ctx context.Context, doc string, opt Options) ([]Mention, error) {
	if len(doc) > MaxText {
		return nil, fmt.Errorf("scan: document of %d bytes is larger than %d", len(doc), MaxText)
	}
	return sc.scan(ctx, fromHTML(doc), doc, opt)
}

func (sc *Scanner) scan(ctx context.Context, p plainText, input string, opt Options) ([]Mention, error) {
	if len(input) > MaxText {
		return nil, fmt.Errorf("scan: text of %d bytes is larger than %d", len(input), MaxText)
	}
	sc.Prepare()
	if opt.Threshold <= 0 {
		opt.Threshold = match.DefaultThreshold
	}
	if opt.MinScore <= 0 || opt.MinScore > opt.Threshold {
		opt.MinScore = opt.Threshold
	}
	ws := words(p.s)
	d := newDoc(p.s, ws)
	var out []Mention
	parties, err := sc.parties(ctx, d, opt)
	if err != nil {
		return nil, err
	}
	out = append(out, parties...)
	ids, err := sc.identifiers(ctx, d, opt)
	if err != nil {
		return nil, err
	}
	out = append(out, ids...)
	out = append(out, sc.g.places(d, opt)...)
	out = append(out, sc.g.goodsMentions(d)...)
	out = resolveOverlaps(out, len(p.s))
	for i := range out {
		m := &out[i]
		m.Start, m.End = p.inputSpan(m.Start, m.End)
		m.Text = input[m.Start:m.End]
	}
	return out, nil
}

// doc is a text ready for scanning.
type doc struct {
	text  string
	words []word
	// cased: the text has both capitals and lower-case letters, so
	// capitals mark names.
	cased bool
}

func newDoc(text string, ws []word) *doc {
	var up, low bool
	for i := range ws {
		w := &ws[i]
		up = up || w.cap || w.caps
		low = low || !w.caps && !w.uncased
	}
	return &doc{text: text, words: ws, cased: up && low}
}

// span is the plain text of words [i, j].
func (d *doc) span(i, j int) string { return d.text[d.words[i].start:d.words[j].end] }

// resolveOverlaps keeps, of mentions of one kind that overlap, the one
// with the higher score, then the longer; mentions of different kinds
// over the same words (a port that is also a region, a vessel and its
// IMO number) are all kept. The result is in order of start. n is the
// length of the text the offsets are into.
func resolveOverlaps(ms []Mention, n int) []Mention {
	sort.SliceStable(ms, func(i, j int) bool {
		a, b := &ms[i], &ms[j]
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.End-a.Start > b.End-b.Start
	})
	// taken marks, per kind, the bytes kept mentions cover: a text of
	// many mentions must not cost a comparison of each pair.
	taken := make(map[Kind][]uint64)
	var kept []Mention
	for _, m := range ms {
		bits := taken[m.Kind]
		if bits == nil {
			bits = make([]uint64, n/64+1)
			taken[m.Kind] = bits
		}
		clash := false
		for b := m.Start; b < m.End && !clash; b++ {
			clash = bits[b/64]&(1<<(b%64)) != 0
		}
		if clash {
			continue
		}
		for b := m.Start; b < m.End; b++ {
			bits[b/64] |= 1 << (b % 64)
		}
		kept = append(kept, m)
	}
	sort.SliceStable(kept, func(i, j int) bool {
		if kept[i].Start != kept[j].Start {
			return kept[i].Start < kept[j].Start
		}
		return kept[i].End < kept[j].End
	})
	return kept
}

// Summary is one line about m for a human report: what was found, where
// it points and why it matters, e.g.
//
//	party "Alabuga Machinery LLC" at 244-265: us_ofac_sdn:45713 LIMITED LIABILITY COMPANY ALABUGA MACHINERY (listed_party, score 1.00)
func (m Mention) Summary() string {
	what := m.Ref
	switch {
	case m.Party != nil:
		what = m.Party.EntityID + " " + m.Party.Name
	case m.Port != nil:
		what = strings.TrimSpace(m.Port.LOCODE + " " + m.Port.Name)
	case m.Country != nil:
		what = m.Country.Code + " " + m.Country.Name
	case m.Region != nil:
		what = m.Region.Region
	case m.Component != nil:
		what = m.Component.Kind + " (" + m.Component.Pattern + ")"
	}
	s := fmt.Sprintf("%s %q at %d-%d: %s (%s, score %.2f)", m.Kind, m.Text, m.Start, m.End, what, m.Rule, m.Score)
	if !m.Match {
		s += " near match"
	}
	return s
}

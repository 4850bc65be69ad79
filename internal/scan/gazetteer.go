package scan

import (
	"context"
	"fmt"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/goods"
	"github.com/chokepoint-dev/chokepoint/internal/match"
	"github.com/chokepoint-dev/chokepoint/internal/route"
)

// place is one phrase of the gazetteer: a port, country, region or
// component keyword, by its Latin words.
type place struct {
	kind Kind
	ref  string
	rule string
	expl string
	// caps: must be capitalised in a cased text (places are names;
	// component words are not). context: a one-word port name that is
	// also an ordinary word or given name (Olya, Neka) needs "port" near.
	caps, context bool
	port          *route.Port
	country       *route.Fact
	region        *route.Region
	comp          *goods.Component
	transship     bool
}

// gazetteer holds the phrase dictionary and the identifier index.
type gazetteer struct {
	phrases  map[string][]place
	maxWords int
	// first holds the first word of every phrase, so that most words of
	// a text cost one lookup.
	first    map[string]bool
	locodes  map[string]*route.Port
	prefixes []goods.Component // part-number families, by prefix
	// byLead indexes prefixes by their first two characters, upper-case.
	byLead map[string][]int
	ids    map[string][]idRef
}

// idRef is one listed identifier.
type idRef struct {
	ent int32
	id  int
}

// demonyms name an embargoed country as an adjective ("Iranian-made",
// "Russian Federation" is in the country names). Written for this
// package; the country package has names only.
var demonyms = map[string][]string{
	"IR": {"Iranian"}, "KP": {"North Korean"}, "SY": {"Syrian"}, "CU": {"Cuban"},
	"RU": {"Russian"}, "BY": {"Belarusian", "Belarussian", "Byelorussian"},
}

func newGazetteer(x *index) *gazetteer {
	g := &gazetteer{phrases: make(map[string][]place), first: make(map[string]bool), locodes: make(map[string]*route.Port), ids: make(map[string][]idRef)}
	rd := route.Default()
	for _, name := range rd.PortNames() {
		p, ok := rd.Port(name)
		if !ok {
			continue
		}
		pl := place{kind: PortKind, ref: p.LOCODE, caps: true, port: &p}
		if pl.ref == "" {
			pl.ref = p.Name
		}
		switch {
		case p.CaspianIRRU():
			pl.rule = "caspian_port"
			pl.expl = fmt.Sprintf("%s is a Caspian Sea port of %s, the route of Iranian drones and munitions to Russia", p.Name, country.Name(p.Country))
		default:
			if f, ok := rd.Embargoed(p.Country); ok {
				pl.rule = "port_in_embargoed_country"
				pl.expl = fmt.Sprintf("%s is a port of %s (%s)", p.Name, f.Name, f.Source)
			} else if r, ok := rd.OccupiedRegion(p.Name); ok {
				pl.rule = "occupied_region"
				pl.expl = fmt.Sprintf("%s is in occupied %s (%s)", p.Name, r.Region, r.Source)
			} else {
				pl.rule = "port"
				pl.expl = fmt.Sprintf("%s (%s) is a port the route rules watch", p.Name, country.Name(p.Country))
			}
		}
		ws := words(name)
		if len(ws) == 1 && len(ws[0].latin) <= 5 {
			pl.context = true
		}
		g.add(ws, pl)
		if p.LOCODE != "" {
			g.locodes[p.LOCODE] = &p
		}
	}
	for _, name := range rd.RegionNames() {
		r, ok := rd.OccupiedRegion(name)
		if !ok {
			continue
		}
		g.add(words(name), place{kind: Region, ref: r.Region, rule: "occupied_region", caps: true, region: &r,
			expl: fmt.Sprintf("%s is in the occupied %s region of Ukraine (%s)", r.Name, r.Region, r.Source)})
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			f, ok := rd.Country(code)
			if !ok {
				continue
			}
			pl := place{kind: Country, ref: code, caps: true, country: &f, rule: "embargoed_country",
				expl: fmt.Sprintf("%s is comprehensively embargoed (%s)", f.Name, f.Source)}
			if f.Category == route.Transshipment {
				pl.rule, pl.transship = "transshipment_country", true
				pl.expl = fmt.Sprintf("%s is a transshipment jurisdiction of the red-flag alerts (%s)", f.Name, f.Source)
			}
			for _, n := range append(country.Names(code), demonyms[code]...) {
				ws := words(n)
				// Short abbreviations ("us", "uae") are words in
				// running text.
				if len(ws) == 1 && len(ws[0].latin) <= 3 {
					continue
				}
				g.add(ws, pl)
			}
		}
	}
	for _, c := range goods.Components().Components() {
		c := c
		pl := place{kind: Component, ref: c.Kind, rule: "component", comp: &c,
			expl: fmt.Sprintf("%q names a %s, a component kind of the UAV guidance (HS %s)", c.Pattern, c.Kind, strings.Join(c.HS6, ", "))}
		if c.Match == "prefix" {
			if lead := upperASCII(c.Pattern); len(lead) >= 2 {
				if g.byLead == nil {
					g.byLead = make(map[string][]int)
				}
				g.byLead[lead[:2]] = append(g.byLead[lead[:2]], len(g.prefixes))
				g.prefixes = append(g.prefixes, c)
			}
			continue
		}
		ws := words(c.Pattern)
		g.add(ws, pl)
		if n := len(ws); n > 0 {
			// The plural of the last word.
			ws[n-1].latin += "s"
			g.add(ws, pl)
		}
	}
	for ei, ent := range x.ents {
		for k, id := range ent.Identifiers {
			for _, key := range match.IDKeys(id.Number) {
				l := g.ids[key]
				if len(l) == 0 || l[len(l)-1].ent != int32(ei) {
					g.ids[key] = append(l, idRef{int32(ei), k})
				}
			}
		}
	}
	return g
}

func (g *gazetteer) add(ws []word, pl place) {
	if len(ws) == 0 {
		return
	}
	k := latinPhrase(ws)
	for _, old := range g.phrases[k] {
		if old.kind == pl.kind && old.ref == pl.ref {
			return
		}
	}
	g.phrases[k] = append(g.phrases[k], pl)
	g.maxWords = max(g.maxWords, len(ws))
	g.first[ws[0].latin] = true
}

func latinPhrase(ws []word) string {
	parts := make([]string, len(ws))
	for i := range ws {
		parts[i] = ws[i].latin
	}
	return strings.Join(parts, " ")
}

// portWords near a short port name show that it is one.
var portWords = map[string]bool{"port": true, "ports": true, "harbour": true, "harbor": true, "seaport": true, "terminal": true, "bandar": true}

// places finds ports, regions, countries and component keywords, longest
// phrase first at each word.
func (g *gazetteer) places(d *doc, opt Options) []Mention {
	var out []Mention
	for i := 0; i < len(d.words); i++ {
		if ms, j := g.phraseAt(d, i, opt); len(ms) > 0 {
			out = append(out, ms...)
			i = j
			continue
		}
		if p, j, ok := g.locode(d, i); ok {
			m := placeMention(d, i, j, place{kind: PortKind, ref: p.LOCODE, rule: "caspian_port", port: p,
				expl: fmt.Sprintf("UN/LOCODE %s is %s, %s", p.LOCODE, p.Name, country.Name(p.Country))})
			if !p.CaspianIRRU() {
				m.Rule = "port"
			}
			out = append(out, m)
			i = j
		}
	}
	return out
}

// phraseAt returns the mentions of the longest phrase starting at word i
// and its last word.
func (g *gazetteer) phraseAt(d *doc, i int, opt Options) ([]Mention, int) {
	if !g.first[d.words[i].latin] {
		return nil, i
	}
	for l := min(g.maxWords, len(d.words)-i); l >= 1; l-- {
		k := d.phrase(i, i+l-1)
		if k == "" {
			continue
		}
		var out []Mention
		for _, pl := range g.phrases[k] {
			if pl.transship && !opt.Transshipment {
				continue
			}
			if pl.caps && d.cased && !capitalised(d, i, i+l-1) {
				continue
			}
			if pl.context && !nearPortWord(d, i) {
				continue
			}
			out = append(out, placeMention(d, i, i+l-1, pl))
		}
		if len(out) > 0 {
			return out, i + l - 1
		}
	}
	return nil, i
}

func placeMention(d *doc, i, j int, pl place) Mention {
	return Mention{Start: d.words[i].start, End: d.words[j].end, Kind: pl.kind, Ref: pl.ref, Rule: pl.rule,
		Score: 1, Match: true, Explanation: pl.expl, Port: pl.port, Country: pl.country, Region: pl.region, Component: pl.comp}
}

// capitalised reports whether the words [i, j] that are not short
// function words start with a capital (or are in a script without case).
func capitalised(d *doc, i, j int) bool {
	for p := i; p <= j; p++ {
		w := &d.words[p]
		if w.cap || w.caps || w.uncased || w.hasDigit {
			continue
		}
		switch w.latin {
		case "of", "the", "e", "and", "de", "al", "el":
			continue
		}
		return false
	}
	return true
}

func nearPortWord(d *doc, i int) bool {
	for p := max(0, i-2); p <= min(len(d.words)-1, i+2); p++ {
		if p != i && portWords[d.words[p].latin] {
			return true
		}
	}
	return false
}

// locode finds a known UN/LOCODE written in capitals at word i, as one
// word ("IRBAZ") or two ("IR BAZ"), and returns its last word.
func (g *gazetteer) locode(d *doc, i int) (*route.Port, int, bool) {
	w := &d.words[i]
	if !w.caps && !w.hasDigit || w.raw != strings.ToUpper(w.raw) {
		return nil, 0, false
	}
	if len(w.raw) == 5 {
		if p, ok := g.locodes[w.raw]; ok {
			return p, i, true
		}
	}
	if len(w.raw) == 2 && i+1 < len(d.words) {
		n := &d.words[i+1]
		if len(n.raw) == 3 && n.raw == strings.ToUpper(n.raw) && !n.breakBefore && d.text[w.end:n.start] == " " {
			if p, ok := g.locodes[w.raw+n.raw]; ok {
				return p, i + 1, true
			}
		}
	}
	return nil, 0, false
}

// hsLabels before a bare number of 6 to 10 digits say it is a commodity
// code; a code written with dots needs none.
var hsLabels = map[string]bool{"hs": true, "hts": true, "code": true, "codes": true, "tariff": true, "heading": true,
	"subheading": true, "commodity": true, "cn": true, "taric": true, "hs6": true, "schedule": true}

// goodsMentions finds HS codes on the goods lists and part-number
// families.
func (g *gazetteer) goodsMentions(d *doc) []Mention {
	var out []Mention
	n := len(d.words)
	for i := 0; i < n; i++ {
		w := &d.words[i]
		if w.hasDigit && isDigits(w.raw) {
			j, digits := i, w.raw
			for j+1 < n && d.words[j+1].joinedBefore == '.' && isDigits(d.words[j+1].raw) && len(digits) < 10 {
				j++
				digits += d.words[j].raw
			}
			dotted := j > i && len(w.raw) == 4
			labelled := false
			for p := i - 1; p >= 0 && p >= i-3; p-- {
				if hsLabels[d.words[p].latin] {
					labelled = true
					break
				}
			}
			if (dotted || labelled) && len(digits) >= 6 && len(digits) <= 10 {
				if m, ok := hsMention(d, i, j, digits); ok {
					out = append(out, m)
					i = j
					continue
				}
			}
		}
		if len(w.raw) < 2 {
			continue
		}
		cands := g.byLead[upperASCII(w.raw[:2])]
		if len(cands) == 0 {
			continue
		}
		// A part number may be written with hyphens or dots inside
		// ("MPU-6050", "STM32F405RGT6").
		j := i
		for j+1 < n && (d.words[j+1].joinedBefore == '-' || d.words[j+1].joinedBefore == '.') {
			j++
		}
		pn := strings.ToUpper(d.text[w.start:d.words[j].end])
		strip := upperASCII(pn)
		for _, k := range cands {
			c := &g.prefixes[k]
			norm := strings.ToUpper(strings.TrimSpace(c.Pattern))
			cs := upperASCII(norm)
			if strings.HasPrefix(pn, norm) || strings.ContainsAny(cs, "0123456789") && strings.HasPrefix(strip, cs) {
				cc := *c
				out = append(out, Mention{Start: w.start, End: d.words[j].end, Kind: Component, Ref: c.Kind, Rule: "component",
					Score: 1, Match: true, Component: &cc,
					Explanation: fmt.Sprintf("%s is a part of the %s family (%s), a component kind of the UAV guidance (HS %s)", pn, c.Pattern, c.Kind, strings.Join(c.HS6, ", "))})
				i = j
				break
			}
		}
	}
	return out
}

func hsMention(d *doc, i, j int, digits string) (Mention, bool) {
	code, err := goods.ParseCode(digits)
	if err != nil {
		return Mention{}, false
	}
	ref := &HSRef{Code: code}
	code.Raw = d.text[d.words[i].start:d.words[j].end]
	ref.Code = code
	var lists []string
	if e, ok := goods.CHPL().Lookup(code.HS6); ok {
		ref.CHPL = &e
		lists = append(lists, fmt.Sprintf("CHPL tier %s (%s)", e.Tier, e.Description))
	}
	rule := "chpl"
	if e, ok := goods.Supp7().Lookup(code.HS6); ok {
		ref.Supp7 = &e
		lists = append(lists, fmt.Sprintf("%s (%s)", goods.Supp7Name, e.Description))
		rule = "ear_supp7"
	}
	if len(lists) == 0 {
		return Mention{}, false
	}
	return Mention{Start: d.words[i].start, End: d.words[j].end, Kind: HSCode, Ref: code.HS6, Rule: rule, Score: 1, Match: true, HS: ref,
		Explanation: fmt.Sprintf("HS %s is on %s", code.HS6, strings.Join(lists, " and "))}, true
}

// idLabels before a number of fewer than seven digits say it is an
// identifier; longer numbers and codes with letters need none.
var idLabels = map[string]bool{"imo": true, "mmsi": true, "passport": true, "no": true, "nr": true, "number": true, "inn": true,
	"ogrn": true, "reg": true, "registration": true, "id": true, "tax": true, "licence": true, "license": true,
	"certificate": true, "national": true, "kpp": true, "okpo": true, "swift": true, "bic": true, "lei": true}

// identifiers finds listed identifiers written in the text: a word (or
// words joined by hyphens, slashes or dots) equal to a listed number, and
// scores each with the engine as an identifier query.
func (sc *Scanner) identifiers(ctx context.Context, d *doc, opt Options) ([]Mention, error) {
	g := sc.g
	var out []Mention
	n := len(d.words)
	for i := 0; i < n; i++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !d.words[i].hasDigit && !d.words[i].caps {
			continue
		}
		last := i
		for last+1 < n && last-i < 3 && d.words[last+1].joinedBefore != 0 {
			last++
		}
		for j := last; j >= i; j-- {
			raw := d.text[d.words[i].start:d.words[j].end]
			key := upperASCII(raw)
			refs := g.ids[key]
			if len(refs) == 0 || len(key) < 5 || !strings.ContainsAny(key, "0123456789") {
				continue
			}
			if isDigits(key) && len(key) < 7 && !(i > 0 && idLabels[d.words[i-1].latin]) {
				continue
			}
			m, ok, err := sc.identifierMention(d, i, j, raw, refs, opt)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, m)
				i = j
				break
			}
		}
	}
	return out, nil
}

func (sc *Scanner) identifierMention(d *doc, i, j int, raw string, refs []idRef, opt Options) (Mention, bool, error) {
	if len(raw) > match.MaxIDLen {
		return Mention{}, false, nil
	}
	ms, err := sc.s.Screen(match.Query{IDs: []string{strings.ToValidUTF8(raw, "\uFFFD")}}, match.Options{Threshold: opt.Threshold, MinScore: 0.01, Limit: match.MaxLimit})
	if err != nil {
		return Mention{}, false, err
	}
	ents := make([]int32, len(refs))
	for k, r := range refs {
		ents[k] = r.ent
	}
	m, others, ok := sc.pick(ms, ents, opt.Threshold)
	if !ok {
		return Mention{}, false, nil
	}
	var id *entity.Identifier
	for _, r := range refs {
		ent := sc.x.ents[r.ent]
		if ent.ID == m.EntityID || m.Entity == ent {
			idc := ent.Identifiers[r.id]
			id = &idc
			break
		}
	}
	if id == nil {
		idc := sc.x.ents[refs[0].ent].Identifiers[refs[0].id]
		id = &idc
	}
	return Mention{Start: d.words[i].start, End: d.words[j].end, Kind: Identifier, Ref: m.EntityID, Rule: "listed_identifier",
		Score: m.Score, Match: m.Score >= opt.Threshold, Explanation: m.Explanation, Party: &m, Also: others, ID: id}, true, nil
}

func isDigits(s string) bool { return s != "" && strings.Trim(s, "0123456789") == "" }

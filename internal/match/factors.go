package match

import (
	"fmt"
	"slices"
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/country"
	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// Effects of the facts besides the name. A disagreeing fact lowers a score
// more than an agreeing one raises it: agreement on a birth year is weak
// evidence, disagreement is strong.
const (
	dobDayAgree      = 0.05
	dobYearAgree     = 0.02
	dobPartDisagree  = -0.10
	dobYearOffByOne  = -0.10
	dobYearDisagree  = -0.20
	countryAgree     = 0.02
	countryDisagree  = -0.08
	countryDisOrg    = -0.05
	genderDisagree   = -0.10
	typeDisagree     = -0.35
	typeNearDisagree = -0.10
	idMatchScore     = 0.97
)

// applyFactors computes sc.score from the name score and the other facts.
// With explain set it also writes sc.factors in plain words; screening
// asks for that only for the results it returns, since formatting costs
// more than scoring.
func (e *Engine) applyFactors(q *query, sc *scored, explain bool) {
	info := &e.info[sc.ent]
	score := sc.nameScore
	sc.factors = sc.factors[:0]
	if explain && strings.TrimSpace(q.Name) != "" {
		n := e.ents[sc.ent].Names[sc.name]
		kind := "name"
		what := "primary name"
		switch {
		case n.Kind == entity.NameFormer:
			kind, what = "alias", "former name"
		case n.Kind == entity.NameAlias && n.Quality == entity.Weak:
			kind, what = "weak_alias", "weak alias"
		case n.Kind == entity.NameAlias:
			kind, what = "alias", "strong alias"
		}
		if n.Kind == entity.NameFormer && n.Quality == entity.Weak {
			kind, what = "weak_alias", "weak former name"
		}
		detail := fmt.Sprintf("query name matched the %s %q with name score %.2f", what, n.Full, sc.raw)
		if sc.acronym && len(sc.pairs) > 0 {
			acr := sc.pairs[0].Listed
			detail = fmt.Sprintf("query name matched the initials %q of the %s %q with name score %.2f, scaled by %.2f because an acronym is derived, not listed", acr, what, n.Full, sc.raw, acronymScale(acr))
		}
		if kind == "weak_alias" {
			detail += fmt.Sprintf(", scaled by %.2f because the list marks this alias as weak (low quality)", weakAliasFactor)
		}
		if sc.legalNote != "" {
			detail += fmt.Sprintf("; %s, scaled by %.2f", sc.legalNote, legalFormFactor)
		}
		sc.factors = append(sc.factors, Factor{Name: kind, Effect: round(score), Detail: detail})
	}

	// note explains one factor. It is called only when explaining: boxing
	// its arguments for fmt would allocate for every candidate scored.
	note := func(name string, effect float64, format string, args ...any) {
		sc.factors = append(sc.factors, Factor{Name: name, Effect: round(effect), Detail: fmt.Sprintf(format, args...)})
	}
	if q.Type != entity.Unknown && info.typ != entity.Unknown && q.Type != info.typ {
		how := ""
		if info.inferred {
			how = " (the list gives no type; inferred from its name)"
		}
		if q.Type == entity.Person || info.typ == entity.Person {
			score += typeDisagree
			if explain {
				note("type", typeDisagree, "query is a %s, the listed party a %s%s", q.Type, info.typ, how)
			}
		} else {
			score += typeNearDisagree
			if explain {
				note("type", typeNearDisagree, "query is a %s, the listed party a %s%s", q.Type, info.typ, how)
			}
		}
	}
	if !q.dob.IsZero() && len(info.dobs) > 0 {
		effect, d := dobEffect(q.dob, info.dobs)
		score += effect
		if explain {
			note("dob", effect, "%s", lazyDetail{d, q.dob})
		}
	}
	if q.country != "" && len(info.countries) > 0 {
		if slices.Contains(info.countries, q.country) {
			score += countryAgree
			if explain {
				note("country", countryAgree, "country %s is among the listed party's countries", q.country)
			}
		} else {
			effect := countryDisagree
			if info.typ != entity.Person {
				effect = countryDisOrg
			}
			score += effect
			if explain {
				note("country", effect, "country %s is not among the listed party's countries (%s)", q.country, countryLister(info.countries))
			}
		}
	}
	if q.gender != 0 && info.gender != 0 && q.gender != info.gender {
		score += genderDisagree
		if explain {
			if q.genderFrom != "" {
				note("gender", genderDisagree, "gender differs (query %s, inferred from the given name %q; listed %s)", genderWord(q.gender), q.genderFrom, e.ents[sc.ent].Gender)
			} else {
				note("gender", genderDisagree, "gender differs (query %s, listed %s)", q.Gender, e.ents[sc.ent].Gender)
			}
		}
	}
	if sc.idMatch != "" {
		target := idMatchScore
		if sc.raw >= 0.7 {
			target = 1
		}
		ent := e.ents[sc.ent]
		if score < target {
			effect := target - score
			score += effect
			if explain {
				note("identifier", effect, "identifier %s equals the listed %s, which identifies the party whatever the name says", sc.idMatch, idLabeler{ent, sc.idMatch})
			}
		} else if explain {
			note("identifier", 0, "identifier %s equals the listed %s", sc.idMatch, idLabeler{ent, sc.idMatch})
		}
	}
	sc.score = round(min(max(score, 0), 1))
}

// countryLister, idLabeler and lazyDetail defer formatting to fmt, so that
// nothing is built unless a result is explained.
type countryLister []string

func (c countryLister) String() string { return countryList(c) }

type idLabeler struct {
	ent *entity.Entity
	key string
}

func (l idLabeler) String() string { return idLabel(l.ent, l.key) }

// lazyDetail holds the comparison of a birth date; String formats it.
type lazyDetail struct {
	d dobResult
	q entity.Date
}

func (l lazyDetail) String() string { return l.d.detail(l.q) }

func countryList(cs []string) string {
	if len(cs) > 6 {
		return strings.Join(cs[:6], ", ") + ", ..."
	}
	return strings.Join(cs, ", ")
}

func idLabel(ent *entity.Entity, key string) string {
	for _, id := range ent.Identifiers {
		if slices.Contains(idKeys(id.Number), key) {
			l := id.Label
			if l == "" {
				l = id.Type
			}
			if id.Country != "" {
				return fmt.Sprintf("%s %s (%s)", l, id.Number, country.Name(id.Country))
			}
			return fmt.Sprintf("%s %s", l, id.Number)
		}
	}
	return "identifier"
}

// dobResult is how a query birth date compares with one listed date.
type dobResult struct {
	kind   int // one of the dob* kinds below
	listed entity.Date
}

const (
	dobDay = iota
	dobYear
	dobRange
	dobMonthDiffers
	dobDayDiffers
	dobOffByOne
	dobDiffers
)

func (r dobResult) effect() float64 {
	switch r.kind {
	case dobDay:
		return dobDayAgree
	case dobYear, dobRange:
		return dobYearAgree
	case dobMonthDiffers, dobDayDiffers:
		return dobPartDisagree
	case dobOffByOne:
		return dobYearOffByOne
	}
	return dobYearDisagree
}

func (r dobResult) detail(q entity.Date) string {
	l := r.listed.String()
	switch r.kind {
	case dobDay:
		return fmt.Sprintf("birth date %s equals the listed %s", q, l)
	case dobYear:
		return fmt.Sprintf("birth date %s agrees with the listed %s at the precision both give", q, l)
	case dobRange:
		return fmt.Sprintf("birth year %d falls within the listed %s", q.Year, l)
	case dobMonthDiffers:
		return fmt.Sprintf("birth date %s differs from the listed %s in the month", q, l)
	case dobDayDiffers:
		return fmt.Sprintf("birth date %s differs from the listed %s in the day", q, l)
	case dobOffByOne:
		return fmt.Sprintf("birth year %d is one year off the listed %s", q.Year, l)
	}
	return fmt.Sprintf("birth year %d differs from the listed %s", q.Year, l)
}

// dobEffect compares a query date of birth with the listed ones at the
// precision both share and returns the best agreement.
func dobEffect(q entity.Date, dobs []entity.Date) (float64, dobResult) {
	var best dobResult
	for i, d := range dobs {
		r := dobCompare(q, d)
		if i == 0 || r.effect() > best.effect() {
			best = r
		}
	}
	return best.effect(), best
}

func dobCompare(q, d entity.Date) dobResult {
	lo, hi := d.Year, max(d.Year, d.YearTo)
	slack := 0
	if d.Circa {
		slack = 1
	}
	r := dobResult{listed: d}
	switch {
	case q.Year < lo-slack-1 || q.Year > hi+slack+1:
		r.kind = dobDiffers
	case q.Year < lo-slack || q.Year > hi+slack:
		r.kind = dobOffByOne
	case d.YearTo != 0 && d.YearTo != d.Year || d.Circa:
		r.kind = dobRange
	case q.Month != 0 && d.Month != 0 && q.Month != d.Month:
		r.kind = dobMonthDiffers
	case q.Day != 0 && d.Day != 0 && q.Day != d.Day:
		r.kind = dobDayDiffers
	case q.Day != 0 && d.Day != 0:
		r.kind = dobDay
	default:
		r.kind = dobYear
	}
	return r
}

// assemble turns scored entities into results: one per party (entries of
// one cluster fold into the best-scoring one), explained, best first.
func (e *Engine) assemble(q *query, results []*scored, threshold float64, limit int) []Match {
	out := make([]Match, 0, min(len(results), limit))
	seen := make(map[int32]int) // cluster -> index in out
	for _, sc := range results {
		info := &e.info[sc.ent]
		if info.cluster >= 0 {
			if i, ok := seen[info.cluster]; ok {
				ref := e.sourceRef(sc.ent, info.cluster)
				ref.Score = sc.score
				out[i].AlsoListed = replaceRef(out[i].AlsoListed, ref)
				continue
			}
		}
		if len(out) >= limit {
			continue
		}
		if rec := e.nameRecOf(sc.ent, sc.name, sc.acronym); rec != nil {
			full := e.scoreName(q, rec, true)
			sc.pairs, sc.legalNote = full.pairs, full.legalNote
		}
		e.applyFactors(q, sc, true)
		m := e.toMatch(q, sc, threshold)
		if info.cluster >= 0 {
			seen[info.cluster] = len(out)
			for _, mem := range e.clusters[info.cluster].members {
				if mem != sc.ent {
					m.AlsoListed = append(m.AlsoListed, e.sourceRef(mem, info.cluster))
				}
			}
		}
		out = append(out, m)
	}
	return out
}

func replaceRef(refs []SourceRef, r SourceRef) []SourceRef {
	for i := range refs {
		if refs[i].EntityID == r.EntityID {
			refs[i] = r
			return refs
		}
	}
	return append(refs, r)
}

func (e *Engine) sourceRef(ei, cl int32) SourceRef {
	ent := e.ents[ei]
	return SourceRef{
		EntityID: ent.ID, Source: ent.Source, SourceID: ent.SourceID, Name: ent.Name,
		ListVersion: e.info[ei].version, Reason: e.clusters[cl].reasons[ei],
	}
}

func (e *Engine) toMatch(q *query, sc *scored, threshold float64) Match {
	ent := e.ents[sc.ent]
	n := ent.Names[sc.name]
	m := Match{
		EntityID: ent.ID, Source: ent.Source, SourceID: ent.SourceID, Type: ent.Type, Name: ent.Name,
		MatchedName: n.Full, MatchedNameKind: n.Kind, MatchedNameQuality: n.Quality,
		Score: sc.score, Match: sc.score >= threshold, Factors: sc.factors, Tokens: sc.pairs,
		Programs: ent.Programs, ListVersion: e.info[sc.ent].version, Entity: ent,
	}
	if sc.acronym && len(sc.pairs) > 0 {
		m.MatchedInitials = sc.pairs[0].Listed
	}
	m.Explanation = explain(q, &m, threshold)
	return m
}

// explain writes the result in plain words: which listed name matched, how
// the tokens lined up, what each other fact did, and the verdict.
func explain(q *query, m *Match, threshold float64) string {
	var b strings.Builder
	if strings.TrimSpace(q.Name) != "" {
		if m.MatchedInitials != "" {
			fmt.Fprintf(&b, "%q matched the initials %q of %q (%s", q.Name, m.MatchedInitials, m.MatchedName, m.MatchedNameKind)
		} else {
			fmt.Fprintf(&b, "%q matched %q (%s", q.Name, m.MatchedName, m.MatchedNameKind)
		}
		if m.MatchedNameKind != entity.NamePrimary {
			fmt.Fprintf(&b, ", %s", m.MatchedNameQuality)
		}
		fmt.Fprintf(&b, ") of %s %s", m.EntityID, m.Name)
		if len(m.Tokens) > 0 {
			b.WriteString("; tokens ")
			for i, t := range m.Tokens {
				if i > 0 {
					b.WriteString(", ")
				}
				if t.Query == t.Listed {
					fmt.Fprintf(&b, "%s=%s", t.Query, t.Listed)
				} else {
					fmt.Fprintf(&b, "%s~%s %.2f", t.Query, t.Listed, t.Score)
				}
			}
		}
		b.WriteString(". ")
	} else {
		fmt.Fprintf(&b, "%s %s was found by identifier. ", m.EntityID, m.Name)
	}
	for _, f := range m.Factors {
		if f.Name == "name" || f.Name == "alias" || f.Name == "weak_alias" {
			fmt.Fprintf(&b, "Name score %.2f", f.Effect)
			if f.Name == "weak_alias" {
				b.WriteString(" (weak alias, counted less)")
			}
			if m.MatchedInitials != "" {
				b.WriteString(" (initials, counted less)")
			}
			b.WriteString(". ")
			continue
		}
		fmt.Fprintf(&b, "%s (%+.2f). ", capitalize(f.Detail), f.Effect)
	}
	verdict := "match"
	if !m.Match {
		verdict = "no match, near the threshold: review if other facts point to this party"
	}
	fmt.Fprintf(&b, "Score %.2f against threshold %.2f: %s.", m.Score, threshold, verdict)
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func genderWord(g byte) string {
	if g == 'f' {
		return "female"
	}
	return "male"
}

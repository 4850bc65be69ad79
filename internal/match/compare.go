package match

import (
	"fmt"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// Comparison is the score of one name against another, explained.
type Comparison struct {
	Name1       string      `json:"name1"`
	Name2       string      `json:"name2"`
	Type        entity.Type `json:"type,omitempty"`
	Score       float64     `json:"score"`
	Match       bool        `json:"match"`
	Threshold   float64     `json:"threshold"`
	Tokens      []TokenPair `json:"aligned_tokens,omitempty"`
	LegalForms  [2][]string `json:"legal_forms"`
	Explanation string      `json:"explanation"`
}

// Compare scores name1 (as a query) against name2 (as a listed primary
// name) the way Screen would, with token weights taken from the engine's
// lists: a word that is common in the lists proves less.
func (e *Engine) Compare(name1, name2 string, t entity.Type, threshold float64) Comparison {
	if threshold <= 0 {
		threshold = DefaultThreshold
	}
	kind := names.KindOf(t)
	a1, a2 := names.Analyze(givenFirst(name1, kind), kind), names.Analyze(givenFirst(name2, kind), kind)
	q, l1 := convertTokens(a1, kind, nil)
	n, l2 := convertTokens(a2, kind, nil)
	for i := range q {
		q[i].w = e.weight(&q[i])
	}
	for i := range n {
		n[i].w = e.weight(&n[i])
	}
	person := t == entity.Person
	for i := range n {
		n[i].id = -1
	}
	score, pairs := alignScore(q, n, joinsOf(q, nil), joinsOf(n, nil), person, nil, true)
	c := Comparison{Name1: name1, Name2: name2, Type: t, Threshold: threshold, Tokens: pairs, LegalForms: [2][]string{l1, l2}}
	expl := fmt.Sprintf("Token alignment score %.2f", score)
	if kind == names.Org {
		// Either name may be the other's acronym (IRGC / Islamic
		// Revolutionary Guard Corps).
		for _, p := range [2][2][]tok{{q, n}, {n, q}} {
			if len(p[0]) != 1 {
				continue
			}
			if acr, ok := acronymOf(p[1]); ok && acr == p[0][0].text && acronymScale(acr) > score {
				score = acronymScale(acr)
				expl = fmt.Sprintf("One name is the initials %q of the other, scored %.2f", acr, score)
			}
		}
	}
	if len(l1) > 0 && len(l2) > 0 && !overlaps(l1, l2) {
		score *= legalFormFactor
		expl += fmt.Sprintf("; legal forms differ (%v / %v), scaled by %.2f", l1, l2, legalFormFactor)
	}
	c.Score = round(score)
	c.Match = c.Score >= threshold
	verdict := "no match"
	if c.Match {
		verdict = "match"
	}
	c.Explanation = fmt.Sprintf("%s. Tokens: %s. Score %.2f against threshold %.2f: %s.", expl, pairList(pairs), c.Score, threshold, verdict)
	return c
}

func pairList(pairs []TokenPair) string {
	if len(pairs) == 0 {
		return "none aligned"
	}
	s := ""
	for i, p := range pairs {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s~%s %.2f", p.Query, p.Listed, p.Score)
	}
	return s
}

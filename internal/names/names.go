// Package names turns party names into comparable tokens across scripts and
// spellings.
//
// It sits between the entities and the index in the data flow (sources ->
// entities -> index -> screening -> decisions -> store): the index analyses
// every list name once at load, and screening analyses every query name the
// same way, so that both sides meet in one form. Analyze folds case, accents
// and compatibility forms, transliterates Cyrillic, Greek, Armenian,
// Georgian, Arabic, Persian, Hebrew, Indic scripts, Hangul and kana to
// Latin, splits the result into words and tags each word: legal forms
// (OOO = LLC = Limited Liability Company), generic organisation words
// (company, group, bank), particles (al, bin, van), initials and numbers. Titles in front of person
// names (Mr, Dr, Sheikh, General) are dropped. Every token carries a Key,
// a consonant skeleton shared by the usual transliteration variants
// (Mohammad, Muhammad, Mukhammad), for finding candidates.
//
// The package tags and never deletes name words: how much a legal form or
// an organisation word counts is the matcher's decision. The legal-form,
// symbol, title and number tables are rigour's (MIT), kept as YAML in data/
// (see data/PROVENANCE.md) and compiled by go generate into tables_gen.go,
// because decoding the YAML at start-up would cost about 50 ms.
package names

import (
	"strings"

	"github.com/chokepoint-dev/chokepoint/internal/entity"
)

// Kind says what sort of party a name belongs to; it decides which rules
// apply (legal forms for organisations, honorifics for persons).
type Kind uint8

// The party kinds. Org covers organizations, vessels and aircraft. Any
// applies the organisation rules but drops no titles, since a title word
// may be part of a company name (General Electric).
const (
	Any Kind = iota
	Person
	Org
)

// KindOf returns the Kind for an entity type: Person for persons, Org for
// organizations, vessels and aircraft, and Any when the list does not say.
func KindOf(t entity.Type) Kind {
	switch t {
	case entity.Person:
		return Person
	case entity.Organization, entity.Vessel, entity.Aircraft:
		return Org
	}
	return Any
}

// TokenKind says what a token is.
type TokenKind uint8

// The token kinds.
const (
	// Word is an ordinary name word.
	Word TokenKind = iota
	// LegalForm is a legal form (LLC, OOO, JSC, GmbH, Limited Liability
	// Company, Obshchestvo s Ogranichennoi Otvetstvennostyu...). A
	// multi-word form is one token whose Text holds its words separated
	// by single spaces; Class holds its class and Key equals Class.
	LegalForm
	// OrgWord is a generic organisation word (company, group, industries,
	// trading, international, bank, shipping...); Class holds a canonical
	// word shared by its abbreviations and translations (co, kompaniya,
	// компания -> "company"). A phrase the tables list as one (shipping
	// lines) is one token whose Text has spaces; Key is then the key of
	// the words run together.
	OrgWord
	// Particle is a name particle or article (al, el, bin, ibn, abu, de,
	// van, von, der, the, and, of...).
	Particle
	// Initial is a single letter.
	Initial
	// Number is digits or a number word or ordinal; Class holds the
	// digits, without leading zeros ("5th", "fifth", "V" in words -> "5").
	Number
)

var tokenKindNames = [...]string{"word", "legal", "org", "particle", "initial", "number"}

// String returns a short lower-case name of the kind ("word", "legal"...).
func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return "unknown"
}

// Token is one word (or one multi-word legal form or organisation phrase)
// of an analysed name.
type Token struct {
	// Text is the lower-case Latin ASCII form, e.g. "mehrabi".
	Text string
	// Key is the spelling-variant key (see Key); equal for common
	// transliteration variants. For a LegalForm it is the Class, for a
	// Number the digits.
	Key  string
	Kind TokenKind
	// Class is the legal-form class ("llc", "jsc", "plc"...) of a
	// LegalForm, the canonical word ("company", "corporation", "group",
	// "international"...) of an OrgWord, and the digits of a Number.
	Class string
}

// Analysis is the analysed form of one name.
type Analysis struct {
	// Tokens are in input order, with titles removed from person names.
	Tokens []Token
	// LegalForms are the classes of the legal forms found, in order.
	LegalForms []string
	// Script is the dominant ISO 15924 script of the input (Latn, Cyrl,
	// Arab, Hebr, Grek, Armn, Geor, Hang...), "" if it has no letters.
	Script string
	// Sino marks a name shaped like a Chinese personal name: two to four
	// words, each one or two pinyin or Wade-Giles syllables (Xi Jinping,
	// Hsi Chin-p'ing, 习近平), not an organisation's. Its words are then
	// compared by syllables (SinoSim), not letters.
	Sino bool
	// Korean marks a name written in Hangul, or shaped like a Korean
	// personal name in Latin letters (two to four words of one or two
	// Korean syllables, one a Korean surname: Kim Jong Un, Gim Jeongeun),
	// not an organisation's. Its words are then compared by syllables
	// (KoreanSim).
	Korean bool
}

// title marks a phrase match that is a title in front of a person name:
// it is dropped, not made a token.
const title TokenKind = 255

// span is a token's place in the Latin string.
type span struct{ start, end int }

// Analyze returns the tokens of name, read as a name of the given kind.
//
// Legal forms are found for Org and Any by longest match over the words,
// anywhere in the name. Forms of two letters or of initials (SA, "S.A.",
// "J.P.") count only as the last words, since they are ordinary letters
// elsewhere; the few that lists write first (AO, PT, TOV, AB) also count as
// the first word. Organisation words are tagged for Org and Any. Titles are
// dropped only from the front of Person names, and never the last word.
// Person names get no legal forms or organisation words.
func Analyze(name string, kind Kind) Analysis {
	var lbuf [256]byte
	lat, script := appendLatin(lbuf[:0], name)
	if len(lat) == 0 {
		return Analysis{Script: script}
	}
	text := string(lat)

	var sbuf [24]span
	spans := sbuf[:0]
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], ' ')
		if j < 0 {
			spans = append(spans, span{i, len(text)})
			break
		}
		spans = append(spans, span{i, i + j})
		i += j + 1
	}

	d := loadDict()
	a := Analysis{Script: script, Tokens: make([]Token, 0, len(spans))}
	var kbuf [128]byte
	keys := kbuf[:0]
	type keyRef struct{ tok, start, end int }
	var rbuf [24]keyRef
	refs := rbuf[:0]

	n := len(spans)
	leading := kind == Person
	for i := 0; i < n; {
		first := text[spans[i].start:spans[i].end]
		best, bestLen := (*entry)(nil), 0
		var bestKind TokenKind
		if m := int(d.maxLen[first]); m > 0 {
			if m > n-i {
				m = n - i
			}
			for l := m; l >= 1; l-- {
				e := d.phrases[text[spans[i].start:spans[i+l-1].end]]
				if e == nil {
					continue
				}
				atEdge := i == 0 || i+l == n
				switch {
				case leading && e.honorific && i+l < n:
					best, bestLen, bestKind = e, l, title
				case kind == Person && l == 1 && i+l == n && len(a.Tokens) > 0 && trailingTitles[first]:
					// Hungarian, Japanese and Korean put the title after
					// the name ("Putyin elnök"); a name word must remain.
					best, bestLen, bestKind = e, l, title
				case kind != Person && e.legal != "" && (!e.legalEdg || atEdge) && (!e.legalEnd || i+l == n):
					best, bestLen, bestKind = e, l, LegalForm
				case kind != Person && e.org != "" && l > 1 && !allOrgWords(d, text, spans[i:i+l]):
					// A phrase of org words and particles ("insurance
					// company") stays separate words, each with its class.
					best, bestLen, bestKind = e, l, OrgWord
				case l == 1:
					switch {
					case kind != Person && e.org != "":
						best, bestLen, bestKind = e, l, OrgWord
					case e.number != "":
						best, bestLen, bestKind = e, l, Number
					case e.particle:
						best, bestLen, bestKind = e, l, Particle
					}
				}
				if best != nil {
					break
				}
			}
		}
		if best == nil {
			leading = false
			t := Token{Text: first}
			switch {
			case len(first) == 1 && first[0] >= 'a' && first[0] <= 'z':
				t.Kind = Initial
			case isNumber(first):
				t.Kind, t.Class = Number, digitsOf(first)
			}
			if t.Kind == Number {
				t.Key = t.Class
			} else {
				st := len(keys)
				keys = appendKey(keys, first)
				refs = append(refs, keyRef{len(a.Tokens), st, len(keys)})
			}
			a.Tokens = append(a.Tokens, t)
			i++
			continue
		}
		if bestKind == title {
			i += bestLen
			continue
		}
		leading = false
		t := Token{Text: text[spans[i].start:spans[i+bestLen-1].end], Kind: bestKind}
		switch bestKind {
		case LegalForm:
			t.Class, t.Key = best.legal, best.legal
			a.LegalForms = append(a.LegalForms, best.legal)
		case Number:
			t.Class, t.Key = best.number, best.number
		case OrgWord:
			t.Class = best.org
		}
		if t.Key == "" {
			st := len(keys)
			keys = appendKey(keys, t.Text)
			refs = append(refs, keyRef{len(a.Tokens), st, len(keys)})
		}
		a.Tokens = append(a.Tokens, t)
		i += bestLen
	}
	ks := string(keys)
	for _, r := range refs {
		a.Tokens[r.tok].Key = ks[r.start:r.end]
	}
	// A name of both shapes (Han Yu) is read as the script says: Korean
	// when written in Hangul, Chinese otherwise, whose comparison is the
	// stricter.
	// Only names in Latin letters, Han or Hangul can be either; the others
	// (Cyrillic, Arabic...) are spared the checks.
	hangul := script == "Hang"
	if kind != Org && len(a.Tokens) <= 4 && (script == "Latn" || script == "Hani" || hangul) {
		a.Sino = !hangul && sinoShaped(a.Tokens)
		a.Korean = !a.Sino && koreanShaped(a.Tokens, hangul)
	}
	return a
}

// allOrgWords reports whether every word in spans is an org word or a
// particle alone, so that the phrase adds nothing to its words
// ("insurance company", "government of").
func allOrgWords(d *dict, text string, spans []span) bool {
	for _, sp := range spans {
		if e := d.phrases[text[sp.start:sp.end]]; e == nil || e.org == "" && !e.particle {
			return false
		}
	}
	return true
}

// isNumber reports whether w is digits, optionally with an ordinal suffix
// (5, 05, 5th, 1st, 2nd, 3rd, 4e, 2o, 3a) as numbers appear in names.
func isNumber(w string) bool {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	if i == 0 {
		return false
	}
	switch w[i:] {
	case "", "st", "nd", "rd", "th", "e", "er", "eme", "o", "a", "ry", "go", "yy", "iy", "oy", "ya", "ye":
		return true
	}
	return false
}

// digitsOf returns the leading digits of w without leading zeros.
func digitsOf(w string) string {
	i := 0
	for i < len(w) && w[i] >= '0' && w[i] <= '9' {
		i++
	}
	d := strings.TrimLeft(w[:i], "0")
	if d == "" {
		return "0"
	}
	return d
}

// trailingTitles are titles that follow a person's name in the languages
// that put them there, written as separate words: Hungarian (elnök,
// miniszterelnök, úr), Japanese (san, sama) and Korean (ssi, nim).
var trailingTitles = map[string]bool{
	"elnok": true, "miniszterelnok": true, "ur": true, "urne": true,
	"san": true, "sama": true, "ssi": true, "nim": true,
}

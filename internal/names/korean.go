package names

import (
	"strings"
	"sync"
)

// Korean names in Latin letters are written in the Revised Romanization
// (Gim Jeongeun), McCune-Reischauer without its marks (KIM CHONG-UN, as
// North Korean names on UN and OFAC lists), or the customary spellings
// of surnames (Kim, Lee, Park). Their words are strings of Korean
// syllables; two such words are one name when their syllables agree once
// the differences between the systems are folded (eo/o/u, eu/u, g/k,
// d/t, b/p, j/ch, r/l), and another name when a syllable differs (Seunghun,
// Song Hun): letters and consonant keys make such names look alike.

// koFold folds the consonant differences between Korean romanisations
// (g/k, d/t, b/p, j/ch, r/l, doubled letters) and the customary vowel
// spellings (oo for u, ee for i), longest spellings first. Vowels that
// differ between the systems are handled by koReadings.
var koFold = strings.NewReplacer(
	"oo", "u", "ee", "i", "oi", "oe",
	"tch", "c", "ch", "c", "jj", "c", "j", "c", "sh", "s", "kk", "k", "gg", "k", "g", "k",
	"tt", "t", "d", "t", "pp", "p", "b", "p", "ss", "s", "rh", "l", "r", "l",
)

// koSurnameSpellings maps the customary Latin spellings of Korean
// surnames to their Revised Romanization (Lee, Yi, Rhee and Ri are 이/리;
// Park and Pak are 박). They apply to a word of one syllable.
var koSurnameSpellings = map[string]string{
	"lee": "i", "yi": "i", "rhee": "i", "rhie": "i", "ri": "i", "ree": "i", "ly": "i",
	"park": "bak", "pak": "bak", "bahk": "bak", "choi": "choe", "chwe": "choe", "roh": "no", "noh": "no", "ro": "no",
	"oh": "o", "yoo": "yu", "you": "yu", "ahn": "an", "shin": "sin", "lim": "im", "rim": "im", "yim": "im",
	"moon": "mun", "jung": "jeong", "chung": "jeong", "joung": "jeong", "huh": "heo", "hur": "heo",
	"suh": "seo", "sohn": "son", "yoon": "yun", "koo": "gu", "woo": "u", "kwack": "gwak",
	"paik": "baek", "baik": "baek", "whang": "hwang", "kahng": "gang",
}

// koReadings appends to dst the folded Revised Romanization spellings a
// romanised syllable may stand for. Without its marks McCune-Reischauer
// writes ŏ (RR eo) as o and ŭ (RR eu) as u, and customary spellings write
// eo as u (Jung, Myung): an o may be o or eo, a u may be u, eu or eo.
func koReadings(dst []string, s string) []string {
	if r, ok := koReadingMap()[s]; ok {
		return append(dst, r...)
	}
	return koReadingsSlow(dst, s)
}

// koReadingMap holds koReadings of every spelling of koSpellings, which
// screening asks again and again.
var koReadingMap = sync.OnceValue(func() map[string][]string {
	m := make(map[string][]string, len(koSpellings()))
	for s := range koSpellings() {
		m[s] = koReadingsSlow(nil, s)
	}
	return m
})

// koReadingsSlow computes koReadings.
func koReadingsSlow(dst []string, s string) []string {
	dst = append(dst, koFold.Replace(s))
	if i := strings.IndexByte(s, 'o'); i >= 0 && (i == 0 || s[i-1] != 'e') && !strings.HasPrefix(s[i:], "oe") {
		dst = append(dst, koFold.Replace(s[:i]+"eo"+s[i+1:]))
	}
	if i := strings.IndexByte(s, 'u'); i >= 0 && (i == 0 || s[i-1] != 'e') {
		dst = append(dst, koFold.Replace(s[:i]+"eu"+s[i+1:]), koFold.Replace(s[:i]+"eo"+s[i+1:]))
	}
	return dst
}

// koSyllables is the set of folded Revised Romanization spellings of all
// 11,172 Hangul syllables.
var koSyllables = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 2000)
	var buf []byte
	for r := rune(0xAC00); r <= 0xD7A3; r++ {
		buf = appendHangul(buf[:0], r)
		m[koFold.Replace(string(buf))] = true
	}
	return m
})

// koSpellings is every Latin spelling of a Korean syllable that the
// folds and koReadings accept, built once from the initials, vowels and
// finals of the systems, so that telling whether a name is Korean-shaped
// is map lookups.
var koSpellings = sync.OnceValue(func() map[string]bool {
	inits := []string{"", "g", "k", "kk", "gg", "n", "d", "t", "tt", "r", "l", "rh", "m", "b", "p", "pp", "s", "ss", "sh", "j", "ch", "jj", "tch", "h"}
	vowels := []string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "oi", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i", "oo", "ee", "yoo", "eui", "wu"}
	finals := []string{"", "k", "g", "n", "d", "t", "l", "r", "m", "b", "p", "ng", "s"}
	m := make(map[string]bool, 4000)
	var buf [3]string
	for _, i := range inits {
		for _, v := range vowels {
			for _, f := range finals {
				c := i + v + f
				for _, r := range koReadingsSlow(buf[:0], c) {
					if koSyllables()[r] {
						m[c] = true
						break
					}
				}
			}
		}
	}
	return m
})

var koPacked = sync.OnceValue(func() map[uint64]bool { return packSet(koSpellings()) })

// koSurnamePacked is every spelling of koSpellings that is a surname.
var koSurnamePacked = sync.OnceValue(func() map[uint64]bool {
	m := make(map[string]bool)
	for s := range koSpellings() {
		if koSurname(s) {
			m[s] = true
		}
	}
	return packSet(m)
})

// packed is packSyllable's key, 0 (in no set) for a string it cannot pack.
func packed(s string) uint64 {
	k, _ := packSyllable(s)
	return k
}

// koSyllable reports whether s is a romanised Korean syllable.
func koSyllable(s string) bool { return koSpellings()[s] }

// koSurnameSet holds the folded spellings of the Korean surnames.
var koSurnameSet = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool)
	var buf []byte
	for r := range koreanSurnames {
		buf = appendHangul(buf[:0], r)
		m[koFold.Replace(string(buf))] = true
	}
	for h := range koreanCompoundSurnames {
		m[koFold.Replace(Latin(h))] = true
	}
	for _, f := range koSurnameSpellings {
		m[koFold.Replace(f)] = true
	}
	return m
})

// koSurname reports whether a one-syllable word is a Korean surname.
func koSurname(s string) bool {
	var buf [3]string
	for _, f := range koReadings(buf[:0], s) {
		if koSurnameSet()[f] {
			return true
		}
	}
	return false
}

// koreanShaped reports whether tokens are the words of a Korean personal
// name in Latin letters: two to four words of one or two syllables, one a
// Korean surname. hangul says the name was written in Hangul, which makes
// it Korean whatever its shape.
func koreanShaped(toks []Token, hangul bool) bool {
	if len(toks) < 1 || len(toks) > 4 {
		return false
	}
	if hangul {
		// Whatever its romanisation spells (도 do is also a Portuguese
		// particle).
		return true
	}
	if len(toks) < 2 {
		return false
	}
	for _, t := range toks {
		if t.Kind != Word || len(t.Text) > 14 {
			return false
		}
	}
	// The surname first, as in sinoShaped.
	surname := false
	for _, t := range toks {
		if _, ok := koSurnameSpellings[t.Text]; ok || koSurnamePacked()[packed(t.Text)] {
			surname = true
			break
		}
	}
	if !surname {
		return false
	}
	for _, t := range toks {
		if _, ok := koSurnameSpellings[t.Text]; ok {
			continue
		}
		if n := fewestCuts(t.Text, koPacked(), 7); n < 1 || n > 2 {
			return false
		}
	}
	return true
}

// KoreanSim compares two words of Korean names by their syllables: 1 when
// they cut into the same syllables once romanisations are folded (Jong,
// Jeong, Chong; Jongun, Jeongeun), 0 when they differ (Seunghun,
// Songhun). ok is false when either word does not cut into Korean
// syllables; the caller then compares letters.
func KoreanSim(a, b string) (sim float64, ok bool) {
	if a == b {
		return 1, true
	}
	a, b = koSurnameSpelling(a), koSurnameSpelling(b)
	if fewestCuts(a, koPacked(), 7) == 0 || fewestCuts(b, koPacked(), 7) == 0 {
		return 0, false
	}
	if sylMatch(a, b, koSyllable, koReadingMap(), 7) {
		return 1, true
	}
	return 0, true
}

// koSurnameSpelling returns the Revised Romanization of a customary
// surname spelling (Lee -> i), or w itself.
func koSurnameSpelling(w string) string {
	if f, ok := koSurnameSpellings[w]; ok {
		return f
	}
	return w
}

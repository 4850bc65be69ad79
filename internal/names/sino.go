package names

import (
	"strings"
	"sync"
)

// Chinese names in Latin letters are written in pinyin or, on older
// records and in Taiwan, Wade-Giles (Xi Jinping, Hsi Chin-p'ing). Their
// words are strings of a closed set of about 400 syllables, so two such
// words are the same name only when their syllables are the same or are
// each other's Wade-Giles spelling: Wenjing and Wenqing differ in one
// letter but are two names, Jinping and Chinping are one. Letter-based
// similarity and consonant keys cannot see this.

// pinyinSet is the set of toneless pinyin syllables, those of the Han
// table that have a vowel (the table also reads interjections as hm, ng).
var pinyinSet = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool, 420)
	for _, s := range hanSyllableList() {
		if strings.ContainsAny(s, "aeiou") {
			m[s] = true
		}
	}
	return m
})

// maxSyllable is the length of the longest syllable in either spelling
// (zhuang, hsiung).
const maxSyllable = 6

// sinoReadings appends to dst the pinyin syllables that syllable s may
// stand for: itself if it is pinyin, and its pinyin readings if it is a
// Wade-Giles syllable with the aspiration apostrophe and umlaut dropped,
// as lists write them (chin is jin or qin, hsi is xi, kuo is guo or kuo).
func sinoReadings(dst []string, s string) []string {
	if r, ok := sinoReadingMap()[s]; ok {
		return append(dst, r...)
	}
	return sinoReadingsSlow(dst, s)
}

// sinoReadingMap holds sinoReadings of every spelling of sinoSpellings,
// which screening asks again and again.
var sinoReadingMap = sync.OnceValue(func() map[string][]string {
	m := make(map[string][]string, len(sinoSpellings()))
	for s := range sinoSpellings() {
		m[s] = sinoReadingsSlow(nil, s)
	}
	return m
})

// sinoReadingsSlow computes sinoReadings.
func sinoReadingsSlow(dst []string, s string) []string {
	py := pinyinSet()
	if py[s] {
		dst = append(dst, s)
	}
	var inits []string
	var fin string
	switch {
	case strings.HasPrefix(s, "hs"):
		inits, fin = []string{"x"}, s[2:]
	case strings.HasPrefix(s, "tz"), strings.HasPrefix(s, "ts"):
		inits, fin = []string{"z", "c"}, s[2:]
		if fin == "u" {
			fin = "i" // tzu, tsu: zi, ci
		}
	case strings.HasPrefix(s, "ss"), strings.HasPrefix(s, "sz"):
		inits, fin = []string{"s"}, s[2:]
		if fin == "u" {
			fin = "i"
		}
	case strings.HasPrefix(s, "ch"):
		inits, fin = []string{"zh", "ch", "j", "q"}, s[2:]
	case strings.HasPrefix(s, "sh"):
		inits, fin = []string{"sh"}, s[2:]
	case strings.HasPrefix(s, "k"):
		inits, fin = []string{"g", "k"}, s[1:]
	case strings.HasPrefix(s, "t"):
		inits, fin = []string{"d", "t"}, s[1:]
	case strings.HasPrefix(s, "p"):
		inits, fin = []string{"b", "p"}, s[1:]
	case strings.HasPrefix(s, "j"):
		inits, fin = []string{"r"}, s[1:]
	case s != "" && strings.IndexByte("mfnlhsyw", s[0]) >= 0:
		inits, fin = []string{s[:1]}, s[1:]
	default:
		inits, fin = []string{""}, s
	}
	fins := wgFinals(fin, inits[0])
	for _, i := range inits {
		for _, f := range fins {
			if p := i + f; p != s && py[p] {
				dst = append(dst, p)
			}
		}
	}
	return dst
}

var wgFinal = strings.NewReplacer("ieh", "ie", "eh", "e", "ien", "ian", "iung", "iong", "ung", "ong", "uei", "ui")

// wgFinals returns the pinyin finals a Wade-Giles final may stand for.
func wgFinals(f, init string) []string {
	switch f {
	case "ih":
		return []string{"i"} // chih, shih, jih: zhi, shi, ri
	case "erh":
		return []string{"er"}
	case "o":
		if init == "g" || init == "h" || init == "" {
			return []string{"e", "o"} // ko, ho, o: ge, he, e
		}
	case "u":
		if init == "y" {
			return []string{"ou", "u"} // yu: you
		}
	}
	g := wgFinal.Replace(f)
	if init == "y" && strings.HasPrefix(g, "en") {
		g = "an" + g[2:] // yen: yan
	}
	return []string{g}
}

// sinoSpellings is every pinyin and Wade-Giles syllable, built once by
// trying each initial of either system with each final, so that telling
// whether a name is Chinese-shaped is map lookups.
var sinoSpellings = sync.OnceValue(func() map[string]bool {
	finals := map[string]bool{"ih": true, "erh": true, "ieh": true, "eh": true, "ien": true, "iung": true, "ung": true, "uei": true, "o": true, "u": true}
	inits := []string{"hs", "tz", "ts", "ss", "sz", "zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h", "j", "q", "x", "r", "z", "c", "s", "y", "w"}
	for p := range pinyinSet() {
		f := p
		for _, i := range inits {
			if strings.HasPrefix(p, i) {
				f = p[len(i):]
				break
			}
		}
		finals[f] = true
	}
	m := make(map[string]bool, 1500)
	var buf [8]string
	for f := range finals {
		for _, i := range append(inits, "") {
			if c := i + f; len(sinoReadingsSlow(buf[:0], c)) > 0 {
				m[c] = true
			}
		}
	}
	return m
})

// sinoSyllable reports whether s is a pinyin or Wade-Giles syllable.
func sinoSyllable(s string) bool { return sinoSpellings()[s] }

// packSyllable packs a syllable of at most 12 lower-case letters into a
// number, which a set looks up faster than a string; ok is false for any
// other string.
func packSyllable(s string) (k uint64, ok bool) {
	if len(s) == 0 || len(s) > 12 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 'a' || c > 'z' {
			return 0, false
		}
		k = k<<5 | uint64(c-'a'+1)
	}
	return k, true
}

// packSet packs the keys of a set of syllables.
func packSet(m map[string]bool) map[uint64]bool {
	p := make(map[uint64]bool, len(m))
	for s := range m {
		if k, ok := packSyllable(s); ok {
			p[k] = true
		}
	}
	return p
}

var sinoPacked = sync.OnceValue(func() map[uint64]bool { return packSet(sinoSpellings()) })

// fewestCuts returns the fewest syllables of set (packed) that w cuts
// into, 0 if it does not cut: a dynamic programme without allocation or
// string hashing, since every name a screen sees asks it.
func fewestCuts(w string, set map[uint64]bool, longest int) int {
	const maxWord = 24
	if len(w) == 0 || len(w) > maxWord {
		return 0
	}
	var best [maxWord + 1]uint8 // best[i]: fewest syllables for w[:i], 0 = none
	for j := 0; j < len(w); j++ {
		if j > 0 && best[j] == 0 {
			continue
		}
		var k uint64
		for i := j; i < len(w) && i-j < longest; i++ {
			c := w[i]
			if c < 'a' || c > 'z' {
				return 0
			}
			k = k<<5 | uint64(c-'a'+1)
			if set[k] {
				if n := best[j] + 1; best[i+1] == 0 || n < best[i+1] {
					best[i+1] = n
				}
			}
		}
	}
	return int(best[len(w)])
}

// sinoSyllables returns the fewest syllables word cuts into as pinyin or
// Wade-Giles, 0 if it does not.
func sinoSyllables(w string) int { return fewestCuts(w, sinoPacked(), maxSyllable) }

// compoundSurnames are the Latin forms of hanCompoundSurnames (ouyang,
// sima), the only surnames of two syllables.
var compoundSurnames = sync.OnceValue(func() map[string]bool {
	m := make(map[string]bool)
	for h := range hanCompoundSurnames {
		m[strings.ReplaceAll(Latin(h), " ", "")] = true
	}
	for _, r := range hanCompoundReading {
		m[r] = true
	}
	return m
})

// sinoShaped reports whether tokens are the words of a Chinese personal
// name (see Analysis.Sino): two to four words of one or two syllables,
// one of them the surname, of one syllable or a compound surname. Names
// of other languages built of open syllables (Seka Baluku, Amadou Koufa)
// mostly have a longer word or no one-syllable word.
func sinoShaped(toks []Token) bool {
	if len(toks) < 2 || len(toks) > 4 {
		return false
	}
	for _, t := range toks {
		if t.Kind != Word || len(t.Text) > 2*maxSyllable {
			return false
		}
	}
	// The surname first: most names of other languages have no word of
	// one syllable, and fail here cheaply.
	surname := false
	for _, t := range toks {
		if len(t.Text) <= maxSyllable && sinoSyllables(t.Text) == 1 || compoundSurnames()[t.Text] {
			surname = true
			break
		}
	}
	if !surname {
		return false
	}
	for _, t := range toks {
		switch n := sinoSyllables(t.Text); {
		case n == 1:
			surname = true
		case n == 2:
			if compoundSurnames()[t.Text] {
				surname = true
			}
		default:
			return false
		}
	}
	return surname
}

// SinoSim compares two words of Chinese names by their syllables: 1 when
// they cut into the same syllables, or syllables that are each other's
// Wade-Giles spelling (Jinping, Chinping), and 0 when both are pinyin and
// differ (Wenjing, Wenqing). ok is false when either word is not Chinese
// syllables, or is not pinyin and matches no reading of the other; the
// caller then compares letters.
func SinoSim(a, b string) (sim float64, ok bool) {
	if a == b {
		return 1, true
	}
	if sinoSyllables(a) == 0 || sinoSyllables(b) == 0 {
		return 0, false
	}
	if sylMatch(a, b, sinoSyllable, sinoReadingMap(), maxSyllable) {
		return 1, true
	}
	// Distinct pinyin syllables are distinct names. A word read only
	// through Wade-Giles may be a word of another language that happens
	// to parse (Jansen, Jensen): its letters decide.
	if fewestCuts(a, pinyinPacked(), maxSyllable) == 0 || fewestCuts(b, pinyinPacked(), maxSyllable) == 0 {
		return 0, false
	}
	return 0, true
}

var pinyinPacked = sync.OnceValue(func() map[uint64]bool { return packSet(pinyinSet()) })

// sylMatch reports whether a and b cut into as many syllables, pairwise
// sharing a reading; it recurses over the cuts without allocating, since
// screening asks it for every pair of syllabic words.
func sylMatch(a, b string, isSyl func(string) bool, readings map[string][]string, longest int) bool {
	if a == "" || b == "" {
		return a == b
	}
	for n := 1; n <= longest && n <= len(a); n++ {
		x := a[:n]
		if !isSyl(x) {
			continue
		}
		for m := 1; m <= longest && m <= len(b); m++ {
			y := b[:m]
			if isSyl(y) && overlap(readings[x], readings[y]) && sylMatch(a[n:], b[m:], isSyl, readings, longest) {
				return true
			}
		}
	}
	return false
}

func overlap(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

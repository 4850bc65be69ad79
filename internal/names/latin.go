package names

import (
	"strconv"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Latin returns s as lower-case Latin ASCII words separated by single
// spaces. It applies NFKC compatibility folding, strips accents (NFKD minus
// combining marks), folds case, transliterates Cyrillic, Greek, Armenian,
// Georgian, Arabic, Persian, Urdu, Hebrew, the Indic scripts (Devanagari to
// Malayalam), Hangul and Japanese kana, drops apostrophes inside words
// (O'Brien -> obrien) and turns every other punctuation mark, symbol and
// hyphen into a word break ("J.P." -> "j p", "Al-Qaida" -> "al qaida").
//
// Letters of scripts it cannot transliterate (Han, Thai, Khmer, Myanmar...)
// become one word each, "x" and the decimal code point ("中" -> "x20013"),
// so that names in those scripts still compare equal to themselves.
func Latin(s string) string {
	var buf [128]byte
	b, _ := appendLatin(buf[:0], s)
	return string(b)
}

// ScriptOf returns the ISO 15924 code of the script most letters of s are
// written in: Latn, Cyrl, Grek, Armn, Geor, Arab, Hebr, Hang, Hira, Kana,
// Hani, Deva, Beng, Thai, Khmr, Mymr, Ethi... It returns "" when s has no
// letters, and "Zzzz" when the letters are in a script not listed here.
func ScriptOf(s string) string {
	var c scriptCounts
	for _, r := range s {
		c.add(r)
	}
	return c.dominant()
}

// tabSize bounds the precomputed per-rune table: it covers Latin, Greek,
// Cyrillic, Armenian, Hebrew, Arabic, Georgian and the kana blocks, which
// is where nearly every list name lives. Other runes take a slower path.
const tabSize = 0x3100

// Sentinels in the rune table. A real transliteration is never one of
// these, since every real one is lower-case ASCII letters or digits.
const (
	tDrop = ""     // combining marks, tatweel, soft signs: vanish inside a word
	tSep  = " "    // punctuation and symbols: break the word
	tHex  = "\x00" // a letter of an unsupported script: becomes its own x<code point> word
)

var latinTab = sync.OnceValue(buildLatinTab)

// buildLatinTab fills the table from the explicit transliterations and, for
// every other rune, from its NFKD decomposition without marks. Doing this
// once costs about a millisecond and makes the hot path a slice index.
func buildLatinTab() *[tabSize]string {
	t := new([tabSize]string)
	for r := rune(0); r < 0x80; r++ {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			t[r] = string(r)
		case r >= 'A' && r <= 'Z':
			t[r] = string(r + 'a' - 'A')
		case isApostrophe(r):
			t[r] = tDrop
		default:
			t[r] = tSep
		}
	}
	for r := rune(0x80); r < tabSize; r++ {
		t[r] = translitRune(r)
	}
	return t
}

// translitRune computes the context-free transliteration of one rune.
func translitRune(r rune) string {
	if isApostrophe(r) {
		return tDrop
	}
	lr := unicode.ToLower(r)
	if s, ok := explicit[lr]; ok {
		return s
	}
	if s, ok := explicit[r]; ok {
		return s
	}
	if unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Cf, r) {
		return tDrop
	}
	if unicode.IsDigit(r) {
		if d := digitValue(r); d >= 0 {
			return string(rune('0' + d))
		}
	}
	// NFKD covers NFKC's compatibility folding (ligatures, full-width and
	// superscript forms, presentation forms) and splits off accents.
	dec := norm.NFKD.String(string(lr))
	if dec != string(lr) {
		out := make([]byte, 0, len(dec))
		ok := true
		for _, d := range dec {
			switch {
			case unicode.Is(unicode.Mn, d):
			case d < 0x80:
				s := asciiTrans(d)
				if s == tSep {
					if len(out) > 0 && out[len(out)-1] != ' ' {
						out = append(out, ' ')
					}
					continue
				}
				out = append(out, s...)
			default:
				s, found := explicit[unicode.ToLower(d)]
				if !found {
					ok = false
				}
				out = append(out, s...)
			}
		}
		if ok {
			for len(out) > 0 && out[len(out)-1] == ' ' {
				out = out[:len(out)-1]
			}
			if len(out) == 0 {
				return tSep
			}
			if out[0] == ' ' {
				out = out[1:]
			}
			return string(out)
		}
	}
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		return tHex
	}
	return tSep
}

func asciiTrans(r rune) string {
	switch {
	case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		return string(r)
	case r >= 'A' && r <= 'Z':
		return string(r + 'a' - 'A')
	case r == '\'' || r == '`':
		return tDrop
	}
	return tSep
}

// digitValue returns the value of a decimal digit of any script, or -1.
func digitValue(r rune) int {
	for _, z := range [...]rune{0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810, 0xFF10} {
		if r >= z && r <= z+9 {
			return int(r - z)
		}
	}
	return -1
}

func isApostrophe(r rune) bool {
	switch r {
	case '\'', '`', 0x2019, 0x2018, 0x02BC, 0x02BB, 0x02BE, 0x02BF, 0x00B4, 0x2032:
		return true
	}
	return false
}

// appendLatin appends the Latin form of s to dst and returns the extended
// slice and the dominant script. It is the one pass behind Latin and
// Analyze; context rules (Greek digraphs, Arabic and Hebrew letters whose
// sound depends on position) are handled here, everything else by the
// table.
func appendLatin(dst []byte, s string) ([]byte, string) {
	tab := latinTab()
	base := len(dst)
	var sc scriptCounts
	ukr := -1     // whether Cyrillic г is Ukrainian/Belarusian h; -1 = not yet known
	fa := -1      // whether Arabic script is Persian, Urdu or Pashto; -1 = not yet known
	jp := -1      // whether Han characters are Japanese kanji; -1 = not yet known
	var prev rune // previous letter of the current word, lower-case, 0 at a word start
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		i += size
		if r < 0x80 {
			c := byte(r)
			switch {
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				dst = append(dst, c)
				sc.latn++
				prev = r
			case c >= 'A' && c <= 'Z':
				dst = append(dst, c+'a'-'A')
				sc.latn++
				prev = r + 'a' - 'A'
			case c == '\'' || c == '`':
				// dropped: O'Brien -> obrien
			default:
				dst = sep(dst, base)
				prev = 0
			}
			continue
		}
		lr := toLower(r)
		start := len(dst) == base || dst[len(dst)-1] == ' '
		var out string
		skip := 0 // bytes of s consumed by a digraph
		switch {
		case lr >= 0x0370 && lr <= 0x03FF:
			out, skip = greek(lr, prev, s[i:], start)
		case lr == 'г':
			if ukr < 0 {
				ukr = 0
				if hasUkrainian(s) {
					ukr = 1
				}
			}
			out = "g"
			if ukr == 1 {
				out = "h"
			}
		case lr >= 0x0561 && lr <= 0x0587:
			out, skip = armenian(lr, s[i:], start)
		case lr >= 0x0600 && lr <= 0x06FF:
			if fa < 0 {
				fa = 0
				if hasPersian(s) {
					fa = 1
				}
			}
			prevStart := len(dst) > base && (len(dst)-1 == base || dst[len(dst)-2] == ' ')
			out, skip = arabic(lr, prev, s[i:], start, prevStart, fa == 1)
		case lr >= 0x05D0 && lr <= 0x05F2:
			out, skip = hebrew(lr, s[i:], start)
		case lr >= 0x0900 && lr <= 0x0D7F:
			out, skip = indic(lr, s[i:])
		case lr >= 0xAC00 && lr <= 0xD7A3:
			if len(dst) == base {
				if end, sur := koreanName(s, i-size); sur > 0 {
					// A Korean name written as one word: the surname, then
					// the given name (김정은 -> gim jeongeun).
					k := 0
					for _, r := range s[i-size : end] {
						if k == sur {
							dst = append(dst, ' ')
						}
						if c := koreanSurnameLetter[r]; k == 0 && sur == 1 && c != "" {
							dst = append(dst, c...)
						} else {
							dst = appendHangul(dst, r)
						}
						k++
					}
					sc.hang += k
					i = end
					prev = 0
					continue
				}
			}
			dst = appendHangul(dst, lr)
			sc.hang++
			prev = lr
			continue
		case isHan(lr) && !isJapanese(&jp, s):
			var buf [8]rune
			run := append(buf[:0], lr)
			for i < len(s) {
				r, size := utf8.DecodeRuneInString(s[i:])
				if !isHan(r) {
					break
				}
				run = append(run, r)
				i += size
			}
			sc.hani += len(run)
			dst = appendHan(dst, run, base)
			prev = 0
			continue
		case lr < tabSize:
			out = tab[lr]
		default:
			out = slowRune(lr)
		}
		i += skip
		switch {
		case out == tSep:
			dst = sep(dst, base)
			prev = 0
		case out == tHex:
			if unicode.IsLetter(r) {
				sc.addLetter(r)
			}
			dst = sep(dst, base)
			dst = append(dst, 'x')
			dst = strconv.AppendInt(dst, int64(r), 10)
			dst = append(dst, ' ')
			prev = 0
		case out == tDrop:
			// a mark or a silent letter: the word goes on
		default:
			if out[0] > '9' && (r < 0x2000 || unicode.IsLetter(r)) {
				// Below U+2000 a rune that reads as letters is a letter,
				// or an Indic vowel sign, which writes one; above, symbols
				// that NFKD spells with letters (™, ⓐ) must not count.
				sc.addLetter(r)
			}
			dst = append(dst, out...)
			if out[len(out)-1] == ' ' {
				prev = 0
			} else {
				prev = lr
			}
		}
	}
	for len(dst) > base && dst[len(dst)-1] == ' ' {
		dst = dst[:len(dst)-1]
	}
	return dst, sc.dominant()
}

// toLower is unicode.ToLower with a fast path for the capitals of the
// Cyrillic and Greek blocks and for the scripts without case, which are
// most non-Latin list names.
func toLower(r rune) rune {
	switch {
	case r >= 0x0410 && r <= 0x042F, r >= 0x0391 && r <= 0x03AB && r != 0x03A2:
		return r + 0x20
	case r >= 0x0400 && r <= 0x040F:
		return r + 0x50
	case r >= 0x0430 && r <= 0x045F, r >= 0x0590 && r <= 0x0DFF, r >= 0x3040 && r <= 0x30FF, r >= 0x4E00 && r <= 0x9FFF, r >= 0xAC00 && r <= 0xD7A3:
		return r
	}
	return unicode.ToLower(r)
}

// sep ends the current word, never producing a leading or double space.
func sep(dst []byte, base int) []byte {
	if len(dst) > base && dst[len(dst)-1] != ' ' {
		dst = append(dst, ' ')
	}
	return dst
}

// slowRune transliterates a rune beyond the table. Han ideographs, the one
// common case, need no decomposition; the rest (full-width and
// presentation forms, rare scripts) are decomposed each time: caching them
// would let hostile input grow the cache without bound.
func slowRune(r rune) string {
	switch {
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r >= 0x20000 && r <= 0x323AF:
		return tHex
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		return asciiTrans(r - 0xFEE0)
	}
	return translitRune(r)
}

// hasUkrainian reports whether s has a letter that only Ukrainian or
// Belarusian use; their г sounds h (Гончаренко = Honcharenko).
func hasUkrainian(s string) bool {
	for _, r := range s {
		switch r {
		case 'і', 'ї', 'є', 'ґ', 'ў', 'І', 'Ї', 'Є', 'Ґ', 'Ў':
			return true
		}
	}
	return false
}

// hasPersian reports whether s has a letter of the Arabic script that
// Persian, Urdu or Pashto use and Arabic does not. Those languages read
// ث ذ ض ظ as s z z z, where Arabic reads th dh d z (ضیا = Zia, not Dia).
func hasPersian(s string) bool {
	for _, r := range s {
		switch r {
		case 'پ', 'چ', 'ژ', 'گ', 'ک', 'ی', 'ۀ', 'ٹ', 'ڈ', 'ڑ', 'ں', 'ے', 'ھ', 'ہ', 'ښ', 'ږ', 'ځ', 'څ':
			return true
		}
	}
	return false
}

// nextLetter returns the next rune of s that is not a combining mark or
// tatweel (Arabic harakat and Hebrew niqqud sit between letters), lower-cased,
// and the bytes up to and including it. It returns 0 at the end.
func nextLetter(s string) (rune, int) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r == 0x0640 || (r >= 0x064B && r <= 0x065F) || r == 0x0670 || (r >= 0x0591 && r <= 0x05C7 && r != 0x05BE && r != 0x05C0 && r != 0x05C3 && r != 0x05C6) || (r >= 0x0300 && r <= 0x036F) {
			continue
		}
		return unicode.ToLower(r), i
	}
	return 0, 0
}

// greek handles the Greek letters whose reading depends on neighbours:
// αυ/ευ (av/ev), ου (ou), μπ- (b), ντ (d), γγ/γκ/γξ/γχ (ng, g-, nx, nkh).
// ντ gives d everywhere because Greek writes a foreign d that way
// (Βλαντίμιρ = Vladimir); native names with nt lose the n, which Key
// tolerates less well than the reverse.
func greek(r, prev rune, rest string, start bool) (string, int) {
	switch r {
	case 'υ':
		switch prev {
		case 'α', 'ε', 'ά', 'έ':
			return "v", 0
		case 'ο', 'ό':
			return "u", 0
		}
	case 'ύ':
		if prev == 'ο' {
			return "u", 0
		}
	case 'μ':
		if n, sz := nextLetter(rest); n == 'π' && start {
			return "b", sz
		}
	case 'ν':
		if n, sz := nextLetter(rest); n == 'τ' {
			return "d", sz
		}
	case 'γ':
		switch n, sz := nextLetter(rest); n {
		case 'γ':
			return "ng", sz
		case 'κ':
			if start {
				return "g", sz
			}
			return "ng", sz
		case 'ξ':
			return "nx", sz
		case 'χ':
			return "nkh", sz
		}
	}
	return latinTab()[r], 0
}

// armenian handles ու (u), word-initial ո (vo) and ե (ye).
func armenian(r rune, rest string, start bool) (string, int) {
	switch r {
	case 'ո':
		if n, sz := nextLetter(rest); n == 'ւ' {
			return "u", sz
		}
		if start {
			return "vo", 0
		}
	case 'ե':
		if start {
			return "ye", 0
		}
	}
	return latinTab()[r], 0
}

func isArabicLetter(r rune) bool {
	return (r >= 0x0621 && r <= 0x064A) || (r >= 0x066E && r <= 0x06D3) || r == 0x06D5 || (r >= 0x06EE && r <= 0x06FF && !(r >= 0x06F0 && r <= 0x06F9))
}

// arabic handles the Arabic-script letters whose reading depends on their
// place. Short vowels are not written, so the result is consonant-heavy and
// Key does the rest. The article ال at a word start becomes the word "al";
// و and ي are consonants (w, y) at a word start or next to alef and vowels
// (u, i) elsewhere; a final ه after a consonant is the -eh/-ah ending.
// In Persian, Urdu and Pashto text ث ذ ض ظ read s z z z.
func arabic(r, prev rune, rest string, start, prevStart, persian bool) (string, int) {
	switch r {
	case 'ث':
		if persian {
			return "s", 0
		}
	case 'ذ', 'ض', 'ظ':
		if persian {
			return "z", 0
		}
	case 'ا':
		if start {
			n, sz := nextLetter(rest)
			if n == 'ل' {
				after := rest[sz:]
				n2, sz2 := nextLetter(after)
				n3, sz3 := nextLetter(after[sz2:])
				if n2 == 'ل' && (n3 == 'ه' || n3 == 'ہ') {
					if n4, _ := nextLetter(after[sz2+sz3:]); !isArabicLetter(n4) {
						return "allah", sz + sz2 + sz3
					}
				}
				if isArabicLetter(n2) {
					return "al ", sz
				}
			}
		}
		return "a", 0
	case 'و':
		n, _ := nextLetter(rest)
		if start || prev == 'ا' || prev == 'و' || n == 'ا' || n == 'ة' {
			return "w", 0
		}
		return "u", 0
	case 'ي', 'ی', 'ې':
		n, _ := nextLetter(rest)
		if start || prev == 'ا' || n == 'ا' || n == 'و' {
			return "y", 0
		}
		return "i", 0
	case 'ه', 'ہ':
		n, _ := nextLetter(rest)
		if !start && !isArabicLetter(n) {
			switch prev {
			case 'ا', 'و', 'ي', 'ی', 'ى', 'آ':
				return "h", 0
			}
			return "eh", 0
		}
		// After a letter written t, s, k, g, z, d or p, a bare h would
		// make a digraph that Key reads as one sound (تهران would be
		// "thran"); the short vowel Latin spellings put there keeps them
		// apart (Tehran, Dehghan).
		switch prev {
		case 'ت', 'ط', 'س', 'ص', 'ك', 'ک', 'گ', 'د', 'ض', 'پ', 'ق', 'ج', 'ڈ', 'ٹ':
			return "eh", 0
		case 'ز':
			// Only word-initially: Zohreh, Zahra have the vowel, but
			// Azhar, Mazhar are spelled zh in Latin too.
			if prevStart {
				return "eh", 0
			}
		}
		return "h", 0
	}
	return latinTab()[r], 0
}

func isHebrewLetter(r rune) bool { return r >= 0x05D0 && r <= 0x05F2 }

// hebrew handles the Hebrew letters whose reading depends on their place
// (no niqqud is assumed): ו is v at a word start and doubled, else u; י is
// y at a word start, else i; ב כ פ are b k p at a word start and v kh f
// inside; a final ה is the -a/-e ending; geresh makes ג׳ ז׳ צ׳ into j zh ch.
func hebrew(r rune, rest string, start bool) (string, int) {
	n, sz := nextLetter(rest)
	if n == 0x05F3 || n == '\'' {
		switch r {
		case 'ג':
			return "j", sz
		case 'ז':
			return "zh", sz
		case 'צ', 'ץ':
			return "ch", sz
		}
	}
	switch r {
	case 'ו':
		if n == 'ו' {
			return "v", sz
		}
		if start {
			return "v", 0
		}
		return "u", 0
	case 'י':
		if n == 'י' {
			return "y", sz
		}
		if start {
			return "y", 0
		}
		return "i", 0
	case 'ב':
		if start {
			return "b", 0
		}
		return "v", 0
	case 'כ':
		if start {
			return "k", 0
		}
		return "kh", 0
	case 'פ':
		if start {
			return "p", 0
		}
		return "f", 0
	case 'ה':
		if !start && !isHebrewLetter(n) {
			return "a", 0
		}
		return "h", 0
	}
	return latinTab()[r], 0
}

// Kinds of letters in the Indic blocks.
const (
	iOther  = iota // a sign with no sound of its own here (nukta, avagraha): dropped
	iCons          // a consonant, which carries an inherent a
	iVowel         // an independent vowel
	iSign          // a dependent vowel sign (matra), which replaces the inherent a
	iVirama        // the virama, which removes the inherent a
	iMod           // anusvara, candrabindu, visarga: a sound after the syllable
	iSep           // danda: a break
)

type indicLetter struct {
	s    string
	kind uint8
}

// indicTab reads the nine Indic blocks from Devanagari to Malayalam, which
// share one layout (inherited from ISCII): the same offset in each block is
// the same letter, so one table serves Hindi, Bengali, Gurmukhi, Gujarati,
// Oriya, Tamil, Telugu, Kannada and Malayalam. The reading is a plain
// ISO 15919 without diacritics.
var indicTab = func() (t [128]indicLetter) {
	set := func(kind uint8, start int, letters ...string) {
		for i, l := range letters {
			t[start+i] = indicLetter{l, kind}
		}
	}
	set(iMod, 0x01, "n", "n", "h")
	set(iVowel, 0x04, "a", "a", "a", "i", "i", "u", "u", "ri", "li", "e", "e", "e", "ai", "o", "o", "o", "au")
	set(iCons, 0x15, "k", "kh", "g", "gh", "n", "ch", "chh", "j", "jh", "n", "t", "th", "d", "dh", "n",
		"t", "th", "d", "dh", "n", "n", "p", "ph", "b", "bh", "m", "y", "r", "r", "l", "l", "zh", "v", "sh", "sh", "s", "h")
	set(iSign, 0x3A, "o", "o")
	set(iSign, 0x3E, "a", "i", "i", "u", "u", "ri", "ri", "e", "e", "e", "ai", "o", "o", "o", "au")
	set(iVirama, 0x4D, "")
	set(iSign, 0x4E, "e", "aw")
	set(iSign, 0x55, "e", "ai", "u")
	set(iCons, 0x58, "q", "kh", "gh", "z", "r", "rh", "f", "y")
	set(iVowel, 0x60, "ri", "li")
	set(iSign, 0x62, "li", "li")
	set(iSep, 0x64, "", "")
	for d := 0; d < 10; d++ {
		t[0x66+d] = indicLetter{string(rune('0' + d)), iVowel}
	}
	set(iCons, 0x7A, "n", "n", "r", "l", "l", "k")
	return t
}()

// nukta gives the sound a consonant takes with a nukta (ज़ = z, फ़ = f).
var nukta = map[rune]string{0x15: "q", 0x16: "kh", 0x17: "gh", 0x1C: "z", 0x21: "r", 0x22: "rh", 0x2B: "f", 0x2F: "y"}

// indic reads one letter of an Indic abugida. A consonant carries an
// inherent a unless a vowel sign or virama follows, or the word ends there
// (Hindi drops the final a: पुतिन = putin).
func indic(r rune, rest string) (string, int) {
	if r == 0x0A70 { // Gurmukhi tippi, a nasal like the anusvara
		return "n", 0
	}
	l := indicTab[r&0x7F]
	switch l.kind {
	case iCons:
		n, sz := nextLetter(rest)
		if n&^0x7F == r&^0x7F && n&0x7F == 0x3C { // nukta: a Perso-Arabic sound
			rest = rest[sz:]
			n, _ = nextLetter(rest)
			if s, ok := nukta[r&0x7F]; ok {
				l.s = s
			}
		}
		if n&^0x7F != r&^0x7F {
			return l.s, 0 // the word ends: no inherent a
		}
		switch indicTab[n&0x7F].kind {
		case iSign, iVirama, iSep, iOther:
			return l.s, 0
		}
		return l.s + "a", 0
	case iSep:
		return tSep, 0
	case iOther, iVirama:
		return tDrop, 0
	}
	if l.s == "" {
		if unicode.IsLetter(r) {
			return tHex, 0
		}
		return tDrop, 0
	}
	return l.s, 0
}

// Revised Romanization of Korean, by jamo.
var (
	hangulL = [...]string{"g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "", "j", "jj", "ch", "k", "t", "p", "h"}
	hangulV = [...]string{"a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we", "wi", "yu", "eu", "ui", "i"}
	hangulT = [...]string{"", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"}
)

func appendHangul(dst []byte, r rune) []byte {
	s := int(r - 0xAC00)
	dst = append(dst, hangulL[s/588]...)
	dst = append(dst, hangulV[(s%588)/28]...)
	return append(dst, hangulT[s%28]...)
}

// scriptCounts counts letters per script for ScriptOf.
type scriptCounts struct {
	latn, cyrl, grek, armn, geor, arab, hebr, hang, hira, kana, hani, deva, beng, thai, khmr, mymr, ethi, knda, taml, other int
}

// add counts r if it is a letter.
func (c *scriptCounts) add(r rune) {
	if r < 0x80 {
		if (r|0x20) >= 'a' && (r|0x20) <= 'z' {
			c.latn++
		}
		return
	}
	if unicode.IsLetter(r) {
		c.addLetter(r)
	}
}

// addLetter counts r, known to be a letter, under its script. appendLatin
// calls it for runes that transliterate to letters, which spares it the
// unicode.IsLetter table search on every rune.
func (c *scriptCounts) addLetter(r rune) {
	switch {
	case r < 0x0250 || (r >= 0x1E00 && r <= 0x1EFF) || (r >= 0xFF21 && r <= 0xFF5A):
		c.latn++
	case r >= 0x0370 && r <= 0x03FF, r >= 0x1F00 && r <= 0x1FFF:
		c.grek++
	case r >= 0x0400 && r <= 0x052F:
		c.cyrl++
	case r >= 0x0531 && r <= 0x058F:
		c.armn++
	case r >= 0x05D0 && r <= 0x05F2:
		c.hebr++
	case r >= 0x0620 && r <= 0x06FF, r >= 0x0750 && r <= 0x077F, r >= 0xFB50 && r <= 0xFDFF, r >= 0xFE70 && r <= 0xFEFF:
		c.arab++
	case r >= 0x0900 && r <= 0x097F:
		c.deva++
	case r >= 0x0980 && r <= 0x09FF:
		c.beng++
	case r >= 0x0B80 && r <= 0x0BFF:
		c.taml++
	case r >= 0x0C80 && r <= 0x0CFF:
		c.knda++
	case r >= 0x0E00 && r <= 0x0E7F:
		c.thai++
	case r >= 0x1000 && r <= 0x109F:
		c.mymr++
	case r >= 0x10A0 && r <= 0x10FF, r >= 0x1C90 && r <= 0x1CBF:
		c.geor++
	case r >= 0x1200 && r <= 0x139F:
		c.ethi++
	case r >= 0x1780 && r <= 0x17FF:
		c.khmr++
	case r >= 0x3040 && r <= 0x309F:
		c.hira++
	case r >= 0x30A0 && r <= 0x30FF:
		c.kana++
	case r >= 0x1100 && r <= 0x11FF, r >= 0x3130 && r <= 0x318F, r >= 0xAC00 && r <= 0xD7AF:
		c.hang++
	case r >= 0x4E00 && r <= 0x9FFF, r >= 0x3400 && r <= 0x4DBF, r >= 0x20000 && r <= 0x2FFFF:
		c.hani++
	default:
		c.other++
	}
}

func (c *scriptCounts) dominant() string {
	best, code := 0, ""
	for _, e := range [...]struct {
		n    int
		code string
	}{
		{c.latn, "Latn"}, {c.cyrl, "Cyrl"}, {c.arab, "Arab"}, {c.hani, "Hani"}, {c.grek, "Grek"},
		{c.hebr, "Hebr"}, {c.armn, "Armn"}, {c.geor, "Geor"}, {c.hang, "Hang"}, {c.kana, "Kana"},
		{c.hira, "Hira"}, {c.deva, "Deva"}, {c.beng, "Beng"}, {c.thai, "Thai"}, {c.khmr, "Khmr"},
		{c.mymr, "Mymr"}, {c.ethi, "Ethi"}, {c.knda, "Knda"}, {c.taml, "Taml"}, {c.other, "Zzzz"},
	} {
		if e.n > best {
			best, code = e.n, e.code
		}
	}
	return code
}

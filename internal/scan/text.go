package scan

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/chokepoint-dev/chokepoint/internal/names"
)

// word is one word of the scanned text.
type word struct {
	start, end int // offsets in the plain text
	// latin is the word as names.Latin writes it (lower-case ASCII), key
	// its spelling-variant key.
	latin, key string
	fold       string // latin folded for near
	// raw is the word as written, for identifiers, codes and part
	// numbers.
	raw string
	// cap: the first letter is a capital; caps: every letter is; uncased:
	// the word's script has no case (Arabic, Han...).
	cap, caps, uncased bool
	// breakBefore: a hard break (sentence end, bracket, quote, blank
	// line) separates it from the previous word; no name spans one.
	breakBefore bool
	// sentenceStart: the word opens a sentence, so its capital proves
	// nothing.
	sentenceStart bool
	// joinedBefore: only a hyphen, slash or dot stands between it and the
	// previous word ("IR-BAZ", "8542.31", "M/V").
	joinedBefore byte
	hasDigit     bool
}

// isWordRune reports whether r belongs to a word: letters, digits and the
// marks that combine with them. Apostrophes inside a word are kept too,
// as names.Latin drops them (O'Brien).
func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r)
}

func isApostrophe(r rune) bool { return r == '\'' || r == '’' || r == 'ʼ' }

// perRune reports whether a letter is written one word per character:
// scripts without spaces, which names.Latin writes as one word each.
func perRune(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Thai, unicode.Khmer, unicode.Myanmar, unicode.Lao)
}

// words splits text into words, recording case and what separates each
// from the previous one.
func words(text string) []word {
	var out []word
	gapStart := 0
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !isWordRune(r) || r == utf8.RuneError {
			i += n
			continue
		}
		start := i
		j := i
		if perRune(r) {
			j += n
		} else {
			for j < len(text) {
				r2, n2 := utf8.DecodeRuneInString(text[j:])
				if isWordRune(r2) && !perRune(r2) && r2 != utf8.RuneError {
					j += n2
					continue
				}
				// An apostrophe between letters stays inside the word,
				// but not the English possessive ("Iran's").
				if isApostrophe(r2) && j+n2 < len(text) {
					r3, n3 := utf8.DecodeRuneInString(text[j+n2:])
					possessive := (r3 == 's' || r3 == 'S') && (j+n2+n3 == len(text) || !isWordRune(firstRune(text[j+n2+n3:])))
					if unicode.IsLetter(r3) && !possessive {
						j += n2
						continue
					}
				}
				break
			}
		}
		w := word{start: start, end: j}
		w.raw = text[start:j]
		gap := text[gapStart:start]
		if len(out) == 0 {
			w.sentenceStart = true
		} else {
			w.breakBefore, w.sentenceStart = classifyGap(gap, &out[len(out)-1])
			if len(gap) == 1 && (gap[0] == '-' || gap[0] == '/' || gap[0] == '.') {
				w.joinedBefore = gap[0]
			}
		}
		fillWord(&w)
		if w.latin != "" {
			out = append(out, w)
		}
		gapStart = j
		i = j
	}
	return out
}

// classifyGap says whether the characters between two words are a hard
// break, and whether the second word starts a sentence.
func classifyGap(gap string, prev *word) (hard, sentence bool) {
	if strings.Count(gap, "\n") >= 2 || strings.ContainsAny(gap, ";:!?()[]{}<>\"“”«»|•\t") {
		// A colon or bracket closes off a name: "Director: Ali Rezai",
		// "Qods Aviation Industries (QAI)".
		hard = true
	}
	if strings.ContainsAny(gap, "!?") {
		sentence = true
	}
	if k := strings.IndexByte(gap, '.'); k >= 0 && k+1 < len(gap) && strings.ContainsAny(gap[k+1:], " \n\r\t") {
		// A full stop ends a sentence unless it closes an initial or an
		// abbreviation ("J. Smith", "Co. Ltd", "St. Petersburg").
		if utf8.RuneCountInString(prev.raw) > 3 || prev.hasDigit {
			hard, sentence = true, true
		}
	}
	if strings.Count(gap, "\n") >= 2 {
		sentence = true
	}
	return hard, sentence
}

// fillWord sets the Latin form, key and case flags of w.
func fillWord(w *word) {
	ascii := true
	upper, lower := 0, 0
	for _, r := range w.raw {
		if r >= utf8.RuneSelf {
			ascii = false
		}
		switch {
		case unicode.IsUpper(r):
			upper++
		case unicode.IsLower(r):
			lower++
		case unicode.IsDigit(r):
			w.hasDigit = true
		}
	}
	if ascii {
		b := make([]byte, 0, len(w.raw))
		for i := 0; i < len(w.raw); i++ {
			c := w.raw[i]
			switch {
			case c >= 'A' && c <= 'Z':
				b = append(b, c+'a'-'A')
			case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
				b = append(b, c)
			}
		}
		w.latin = string(b)
	} else {
		// names.Latin may split a word (a letter it writes as two words);
		// the scanner keeps it whole, as the key ignores the space.
		w.latin = strings.ReplaceAll(names.Latin(w.raw), " ", "")
	}
	if w.latin == "" {
		return
	}
	w.key = names.Key(w.latin)
	w.fold = fold(w.latin)
	first, _ := utf8.DecodeRuneInString(w.raw)
	w.uncased = upper == 0 && lower == 0
	w.cap = unicode.IsUpper(first) || unicode.IsTitle(first)
	w.caps = upper > 0 && lower == 0
}

// upperASCII returns s upper-cased with every byte that is not an ASCII
// letter or digit dropped.
func upperASCII(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			b = append(b, c-'a'+'A')
		case c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
			b = append(b, c)
		}
	}
	return string(b)
}

func firstRune(s string) rune {
	r, _ := utf8.DecodeRuneInString(s)
	return r
}

package parse

import "unicode"

// scripts are the non-Latin scripts the lists publish names in, with their
// ISO 15924 codes, in the order they are tried.
var scripts = []struct {
	code  string
	table *unicode.RangeTable
}{
	{"Arab", unicode.Arabic},
	{"Cyrl", unicode.Cyrillic},
	{"Hani", unicode.Han},
	{"Hang", unicode.Hangul},
	{"Hira", unicode.Hiragana},
	{"Kana", unicode.Katakana},
	{"Grek", unicode.Greek},
	{"Hebr", unicode.Hebrew},
	{"Thai", unicode.Thai},
	{"Geor", unicode.Georgian},
	{"Armn", unicode.Armenian},
	{"Deva", unicode.Devanagari},
	{"Ethi", unicode.Ethiopic},
	{"Mymr", unicode.Myanmar},
	{"Khmr", unicode.Khmer},
	{"Latn", unicode.Latin},
}

// Script returns the ISO 15924 code of the script most letters of s are
// written in ("Arab", "Cyrl", "Hani", "Latn"...), or "" when s has no
// letters. Names carry it so screening can pick a transliteration.
func Script(s string) string {
	counts := make(map[string]int, 2)
	best, bestN := "", 0
	for _, r := range s {
		if r < 0x80 {
			// ASCII is most of every list; skip the table search.
			if ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') {
				counts["Latn"]++
				if n := counts["Latn"]; n > bestN {
					best, bestN = "Latn", n
				}
			}
			continue
		}
		if !unicode.IsLetter(r) {
			continue
		}
		for _, sc := range scripts {
			if unicode.Is(sc.table, r) {
				counts[sc.code]++
				if n := counts[sc.code]; n > bestN {
					best, bestN = sc.code, n
				}
				break
			}
		}
	}
	return best
}

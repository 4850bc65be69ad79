package names

// Key returns the spelling-variant key of one Latin token (a word of
// Latin's output): a consonant skeleton that is equal for the common ways
// of transliterating the same name, so that an index keyed by it finds
// Mohammad for Muhammad, Qasem for Ghasem and Putin for پوتین. It is a
// coarse key for finding candidates; Text keeps the detail for scoring.
//
// The rules, applied left to right (examples give token -> key):
//
//   - A token with a digit is its own key ("5th" -> "5th", "x20013" for
//     a Han character), since numbers and code points must match exactly.
//   - Leading vowels (a e i o u y) become one marker "a", so words that
//     start with a vowel sound stay apart from those that do not:
//     abdollah, abdallah, abdulla -> "abdl"; yusuf, yousef, youssef -> "asf".
//   - Every other vowel, and y, is dropped: OU/U/OO, IY/II/I/Y/EE and
//     -IAN/-IYAN/-YAN all vanish (damavandian, damavandiyan -> "dmfndn").
//   - Consonant classes: b p -> b (Arabic has no p: Putin, بوتين, butin ->
//     "btn"); f v w ph -> f (Vladimir, Wladimir, فلاديمير -> "fldmr");
//     k q ck gh g, and c before a, o, u or a consonant -> k (Ghasem, Qasem,
//     Kasem, Gasem -> "ksm"; Qaddafi, Gaddafi -> "kdf"); c before e, i, y ->
//     s; kh, h -> h (Mukhammad, Mohammad -> "mhmd"); j dj dzh zh -> j;
//     sh sch sz ch tch tsh tsch cz -> x (one class, because ch is sh in French
//     and Arabic lists and tsh in English ones: Cherif, Sharif -> "xrf");
//     th -> t; dh -> d; tz -> ts; x -> ks (Aleksandr, Alexander ->
//     "alksndr"; Russian х is spelled kh, so x is the Latin letter x);
//     Hungarian gy before a vowel -> d (Vlagyimir -> "fldmr").
//   - A word-final h is dropped (Abdullah, Abdulla; Fatimah, Fatima;
//     Salih and صالح, which Latin spells salh).
//   - A consonant class repeated with no vowel between is written once
//     (Mohammed, Mohamed; Youssef, Yousef), but kept when a vowel separates
//     them (Hanan keeps both n).
//
// Unrelated names keep different keys (Putin "btn", Patel "btl"; Mehrabi
// "mhrb", Mehra "mhr"); names that differ only in vowels share one
// (Ali, Alo -> "al") and must be told apart by Text.
//
// Key lower-cases ASCII letters and ignores any other byte, so it can be
// given raw input, but it is meant for Latin's output.
func Key(token string) string {
	var buf [32]byte
	return string(appendKey(buf[:0], token))
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// appendKey appends the key of token to dst.
func appendKey(dst []byte, token string) []byte {
	for i := 0; i < len(token); i++ {
		if c := token[i]; c >= '0' && c <= '9' {
			for j := 0; j < len(token); j++ {
				c := token[j]
				if c >= 'A' && c <= 'Z' {
					c += 'a' - 'A'
				}
				if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' {
					dst = append(dst, c)
				}
			}
			return dst
		}
	}
	// w holds the letters of token, lower-cased, then three zero bytes so
	// that the digraph rules can look ahead without bounds checks.
	var buf [64]byte
	w := buf[:0]
	for i := 0; i < len(token); i++ {
		c := token[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' {
			w = append(w, c)
		}
	}
	n := len(w)
	if n == 0 {
		return dst
	}
	w = append(w, 0, 0, 0)
	last := byte(0) // last class written
	vowel := false  // a vowel since the last class written
	i := 0
	if isVowel(w[0]) {
		dst = append(dst, 'a')
		for i < n && isVowel(w[i]) {
			i++
		}
	}
	for i < n {
		c, n1, n2 := w[i], w[i+1], w[i+2]
		i++
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			vowel = true
		case 'b':
			if n1 == 'h' {
				i++
			}
			dst, last, vowel = emit(dst, 'b', last, vowel)
		case 'p':
			if n1 == 'h' {
				i++
				dst, last, vowel = emit(dst, 'f', last, vowel)
			} else {
				dst, last, vowel = emit(dst, 'b', last, vowel)
			}
		case 'f', 'v':
			dst, last, vowel = emit(dst, 'f', last, vowel)
		case 'w':
			if n1 == 'h' {
				i++
			}
			dst, last, vowel = emit(dst, 'f', last, vowel)
		case 'c':
			switch n1 {
			case 'h', 'z':
				i++
				dst, last, vowel = emit(dst, 'x', last, vowel)
			case 'k', 'q':
				i++
				dst, last, vowel = emit(dst, 'k', last, vowel)
			case 'e', 'i', 'y':
				dst, last, vowel = emit(dst, 's', last, vowel)
			default:
				dst, last, vowel = emit(dst, 'k', last, vowel)
			}
		case 'k':
			if n1 == 'h' {
				i++
				dst, last, vowel = emit(dst, 'h', last, vowel)
			} else {
				dst, last, vowel = emit(dst, 'k', last, vowel)
			}
		case 'q':
			dst, last, vowel = emit(dst, 'k', last, vowel)
		case 'g':
			switch {
			case n1 == 'h':
				i++
				dst, last, vowel = emit(dst, 'k', last, vowel)
			case n1 == 'y' && isVowel(n2) && n2 != 'y':
				i++
				dst, last, vowel = emit(dst, 'd', last, vowel)
			default:
				dst, last, vowel = emit(dst, 'k', last, vowel)
			}
		case 'j':
			dst, last, vowel = emit(dst, 'j', last, vowel)
		case 'd':
			switch {
			case n1 == 'z' && n2 == 'h':
				i += 2
				dst, last, vowel = emit(dst, 'j', last, vowel)
			case n1 == 'j':
				i++
				dst, last, vowel = emit(dst, 'j', last, vowel)
			case n1 == 'h':
				i++
				dst, last, vowel = emit(dst, 'd', last, vowel)
			default:
				dst, last, vowel = emit(dst, 'd', last, vowel)
			}
		case 't':
			switch {
			case n1 == 'h':
				i++
				dst, last, vowel = emit(dst, 't', last, vowel)
			case n1 == 's' && n2 == 'c' && w[i+2] == 'h':
				i += 3
				dst, last, vowel = emit(dst, 'x', last, vowel)
			case n1 == 'c' && n2 == 'h', n1 == 's' && n2 == 'h':
				i += 2
				dst, last, vowel = emit(dst, 'x', last, vowel)
			case n1 == 'z':
				i++
				dst, last, vowel = emit(dst, 't', last, vowel)
				dst, last, vowel = emit(dst, 's', last, vowel)
			default:
				dst, last, vowel = emit(dst, 't', last, vowel)
			}
		case 's':
			switch {
			case n1 == 'c' && n2 == 'h':
				i += 2
				dst, last, vowel = emit(dst, 'x', last, vowel)
			case n1 == 'h', n1 == 'z':
				i++
				dst, last, vowel = emit(dst, 'x', last, vowel)
			default:
				dst, last, vowel = emit(dst, 's', last, vowel)
			}
		case 'z':
			if n1 == 'h' {
				i++
				dst, last, vowel = emit(dst, 'j', last, vowel)
			} else {
				dst, last, vowel = emit(dst, 'z', last, vowel)
			}
		case 'x':
			dst, last, vowel = emit(dst, 'k', last, vowel)
			dst, last, vowel = emit(dst, 's', last, vowel)
		case 'h':
			if i >= n && i > 1 {
				// A word-final h is dropped: after a vowel it is often
				// silent or left out (Abdullah, Abdulla), and after a
				// consonant it is Arabic ح or ه written without the
				// vowel before it (صالح = salh, Salih).
				continue
			}
			dst, last, vowel = emit(dst, 'h', last, vowel)
		default:
			dst, last, vowel = emit(dst, c, last, vowel)
		}
	}
	return dst
}

// emit appends class c unless it repeats the last class with no vowel
// between (Mohammed = Mohamed), and returns the new state.
func emit(dst []byte, c, last byte, vowel bool) ([]byte, byte, bool) {
	if c != last || vowel {
		dst = append(dst, c)
	}
	return dst, c, false
}

// Abjad reports whether script writes consonants only, leaving most
// vowels to the reader (Arabic, Hebrew, Syriac, Thaana). Latin spellings
// of one name from such a script differ mostly in the vowels each
// transliterator supplied (Yusuf, Yousef; Qasem, Ghasem), so agreeing
// consonants are strong evidence there; in scripts that write their
// vowels (Latin, Cyrillic, Greek, Hangul...) two names with the same
// consonants and other vowels are usually two names (Bruno, Brian).
func Abjad(script string) bool {
	switch script {
	case "Arab", "Hebr", "Syrc", "Thaa":
		return true
	}
	return false
}

// SameVowels reports whether two Latin tokens, whose keys agree, also
// agree in their vowels: the same number of vowel groups, of which at
// most one is written differently. Spelling variants in scripts that
// write vowels vary their consonants (Ghasem, Qasem; Wladimir, Vladimir)
// or one vowel (Sergey, Sergei), while distinct names that share a
// consonant skeleton differ in several (Bruno, Brian; Mafalda, Movalled).
// Groups that transliterations write for one sound count as one (ou, oo
// and u; y, ee and i: Poutine, Putin), and a final e that only one side
// writes (a silent e) is one difference.
func SameVowels(a, b string) bool {
	diff := 0
	for {
		va, ra := nextVowels(a)
		vb, rb := nextVowels(b)
		if va == "" || vb == "" {
			if va == "" && vb == "" || va == "e" && ra == "" || vb == "e" && rb == "" {
				if va != vb {
					diff++
				}
				return diff <= 1
			}
			return false
		}
		if !sameVowel(va, vb) {
			if diff++; diff > 1 {
				return false
			}
		}
		a, b = ra, rb
	}
}

// sameVowel reports whether two vowel groups are spellings of one sound.
func sameVowel(a, b string) bool {
	if a == b {
		return true
	}
	var ba, bb [8]byte
	return string(canonVowel(ba[:0], a)) == string(canonVowel(bb[:0], b))
}

// canonVowel appends to dst the group v with y read as i and ou, oo, uu,
// ee, ii written as the one vowel they stand for.
func canonVowel(dst []byte, v string) []byte {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == 'y' {
			c = 'i'
		}
		if c == 'o' && i+1 < len(v) && (v[i+1] == 'u' || v[i+1] == 'o') {
			c = 'u'
			i++
		}
		if n := len(dst); n > 0 && dst[n-1] == c {
			continue
		}
		dst = append(dst, c)
	}
	return dst
}

// nextVowels returns the next run of vowels in s and what follows it.
func nextVowels(s string) (run, rest string) {
	i := 0
	for i < len(s) && !isVowel(s[i]) {
		i++
	}
	j := i
	for j < len(s) && isVowel(s[j]) {
		j++
	}
	return s[i:j], s[j:]
}

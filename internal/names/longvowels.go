package names

// LongVowelsAgree reports whether latin, a Latin spelling, has a vowel
// where native, the transliteration of a word written in Arabic or Hebrew
// script, has one. Those scripts leave short vowels out but write long
// ones (alif, waw, ya; vav, yod), so a vowel in native is a vowel of the
// name: حسين (Husayn, "hsin") has a long i between s and n, حسن (Hasan,
// "hsn") none, and "hsin" is not "Hassan" although both are H-S-N.
// Consonants are compared by position, a doubled letter counting once;
// when the two do not have the same number of consonants the positions
// cannot be matched and the answer is true (no evidence against).
func LongVowelsAgree(native, latin string) bool {
	var nb, lb [24]vowelSlot
	ns, ok1 := vowelSlots(native, nb[:0])
	ls, ok2 := vowelSlots(latin, lb[:0])
	if !ok1 || !ok2 || len(ns) != len(ls) {
		return true
	}
	// Slot 0 is skipped: a word-initial alif only carries the hamza of
	// a short vowel (ابراهيم is Ibrahim, not Abrahim).
	for k := 1; k < len(ns); k++ {
		if ns[k] != 0 && ns[k]&ls[k] == 0 {
			return false
		}
	}
	return true
}

// vowelSlot is the set of vowel classes written after the k-th consonant
// of a word (slot 0: before the first).
type vowelSlot uint8

const (
	vowelA vowelSlot = 1 << iota
	vowelI
	vowelU
)

// vowelClass is the classes a Latin vowel letter can write: e renders a
// fatha as often as a kasra (Mehdi, Mahdi), o a damma.
func vowelClass(c byte) vowelSlot {
	switch c {
	case 'a':
		return vowelA
	case 'e':
		return vowelA | vowelI
	case 'i', 'y':
		return vowelI
	case 'o', 'u':
		return vowelU
	}
	return 0
}

// vowelSlots appends the vowel classes after each consonant of w, a
// doubled consonant counting once, and reports false for a word too long
// to hold.
func vowelSlots(w string, out []vowelSlot) ([]vowelSlot, bool) {
	out = append(out, 0)
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if v := vowelClass(c); v != 0 {
			out[len(out)-1] |= v
			prev = 0
			continue
		}
		if c < 'a' || c > 'z' || c == prev {
			continue
		}
		if len(out) == cap(out) {
			return out, false
		}
		out = append(out, 0)
		prev = c
	}
	return out, true
}

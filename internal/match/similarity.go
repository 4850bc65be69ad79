package match

// osa returns the optimal-string-alignment distance (Levenshtein plus
// adjacent transpositions, a common typing slip: "Scholz" / "Schloz")
// between a and b if it is at most max, and a number above max otherwise,
// since the scorer discards such pairs anyway.
//
// Only cells within max of the diagonal are computed: every cell further
// out needs more than max insertions or deletions, and a cell within max
// is reached cheaply only from cells within max. Beside the band a row
// holds max+1, which stands for any distance too large.
func osa(a, b string, max int) int {
	la, lb := len(a), len(b)
	if la-lb > max || lb-la > max {
		return max + 1
	}
	if la == 0 {
		return lb
	}
	if lb == 0 {
		return la
	}
	// Three rows: two back is needed for transpositions. Names are short,
	// so the rows live on the stack unless a token is unusually long. A
	// cell exceeds its left neighbour by at most 1 and a band starts at
	// most at max+1, so bytes hold any value.
	var stack [3][64]uint8
	var pp, p, c []uint8
	if lb < 64 {
		pp, p, c = stack[0][:], stack[1][:], stack[2][:]
	} else {
		pp, p, c = make([]uint8, lb+1), make([]uint8, lb+1), make([]uint8, lb+1)
	}
	far := uint8(max + 1)
	for j := 0; j <= lb; j++ {
		p[j] = uint8(min(j, max+1))
	}
	for i := 1; i <= la; i++ {
		lo, hi := i-max, i+max
		if lo <= 1 {
			lo = 1
			c[0] = uint8(min(i, max+1))
		} else {
			c[lo-1] = far
		}
		hi = min(hi, lb)
		rowMin := int(c[lo-1])
		for j := lo; j <= hi; j++ {
			cost := uint8(1)
			if a[i-1] == b[j-1] || confusable(a[i-1], b[j-1]) {
				cost = 0
			}
			v := p[j-1] + cost
			if d := p[j] + 1; d < v {
				v = d
			}
			if d := c[j-1] + 1; d < v {
				v = d
			}
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				if d := pp[j-2] + 1; d < v {
					v = d
				}
			}
			c[j] = v
			if int(v) < rowMin {
				rowMin = int(v)
			}
		}
		if hi < lb {
			// The next row reads one cell past this row's band.
			c[hi+1] = far
		}
		if rowMin > max {
			return max + 1
		}
		pp, p, c = p, c, pp
	}
	return int(p[lb])
}

// confusablePairs are letters that transliterations and OCR swap so often
// that they should cost nothing (after the spelling-variant key has already
// folded the systematic ones).
var confusablePairs = []string{"0o", "1l", "1i", "5s", "ck", "kq", "iy", "uw", "fv", "uv"}

// confusables is confusablePairs as a lookup table, built once: the edit
// distance asks it for every letter pair it compares.
var confusables = func() (t [128][128]bool) {
	for _, p := range confusablePairs {
		t[p[0]][p[1]] = true
		t[p[1]][p[0]] = true
	}
	return t
}()

func confusable(a, b byte) bool {
	return a < 128 && b < 128 && confusables[a][b]
}

// tokenSim returns the similarity in [0,1] of two Latin tokens from their
// edit distance, with a sharp drop-off: a short name that differs in two
// letters is another name, not a typo.
func tokenSim(a, b string) float64 {
	if a == b {
		return 1
	}
	la, lb := len(a), len(b)
	n := la
	if lb > n {
		n = lb
	}
	// How many edits a token of this length may take and still be a typo
	// or spelling variant of the other.
	allowed := 0
	switch {
	case n >= 12:
		allowed = 3
	case n >= 8:
		allowed = 2
	case n >= 4:
		allowed = 1
	}
	if allowed == 0 {
		return 0
	}
	d := osa(a, b, allowed)
	if d > allowed {
		return 0
	}
	// Differing in the first letter is rarer for a typo than elsewhere, and
	// often a different name (Patel / Katel); but the first two letters
	// swapped is an ordinary slip of typing (Rbuno / Bruno), which keeps
	// every letter of the name.
	sim := 1 - float64(d)/float64(n)
	if a[0] != b[0] && !confusable(a[0], b[0]) && !(a[0] == b[1] && a[1] == b[0]) {
		sim -= 0.1
	}
	return sim
}

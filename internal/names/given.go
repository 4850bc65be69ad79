package names

import (
	_ "embed"
	"hash/maphash"
	"strings"
	"sync"
)

// givenData is the given-name lexicon: one name a line, a tab, and m or f.
// It holds the names the US Social Security Administration counted at
// least 100 times among births of 1880-2024 and gave one sex at least 90%
// of the time (see data/PROVENANCE.md). It is not the source the
// evaluation's made-up people are drawn from.
//
//go:embed data/given_names_us_ssa.tsv
var givenData string

// givenTable is the lexicon as an open-addressing table of 32-bit
// fingerprints, a quarter of a megabyte that stays in cache: screening
// asks for every word of every query, and a Go map of the names (strings
// or hashes) cost a twentieth of a query's time in cache misses. A slot
// holds the fingerprint (high bits of the name's hash, lowest bit cleared
// and bit 1 set so it is never 0) with the gender in the lowest bit (1 for
// f). A non-name word taking a name's fingerprint has odds of about one in
// two billion per lookup.
type givenTable struct {
	slots []uint32
	mask  uint64
}

var givenSeed = maphash.MakeSeed()

var givenGenders = sync.OnceValue(func() *givenTable {
	n := strings.Count(givenData, "\n")
	size := 1
	for size < 2*n {
		size <<= 1
	}
	t := &givenTable{slots: make([]uint32, size), mask: uint64(size - 1)}
	for rest := givenData; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		name, g, _ := strings.Cut(line, "\t")
		if name == "" || g != "m" && g != "f" {
			continue
		}
		h := maphash.String(givenSeed, name)
		v := fingerprint(h)
		if g == "f" {
			v |= 1
		}
		i := h & t.mask
		for t.slots[i] != 0 {
			i = (i + 1) & t.mask
		}
		t.slots[i] = v
	}
	return t
})

func fingerprint(h uint64) uint32 { return uint32(h>>32)&^1 | 2 }

// GivenGender returns 'm' or 'f' when token (a Latin token, as Analyze
// writes it) is a common given name borne almost only by men or only by
// women (Oleg, Olga; Francisco, Francisca), and 0 for any other token,
// including names given to both (Jordan, Kim, Angel).
func GivenGender(token string) byte {
	if len(token) < 2 {
		return 0
	}
	t := givenGenders()
	h := maphash.String(givenSeed, token)
	fp := fingerprint(h)
	for i := h & t.mask; t.slots[i] != 0; i = (i + 1) & t.mask {
		if v := t.slots[i]; v&^1 == fp {
			if v&1 != 0 {
				return 'f'
			}
			return 'm'
		}
	}
	return 0
}

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

// givenGenders maps the hash of a name to its gender. Hashes rather than
// strings keep the table small and spare each lookup a comparison in the
// name data: screening asks for every word of every query, and the string
// map cost a tenth of a query's time. Two of the 36,000 names sharing a
// 64-bit hash, or a non-name word taking a name's, is not a practical risk.
var givenGenders = sync.OnceValue(func() map[uint64]byte {
	m := make(map[uint64]byte, strings.Count(givenData, "\n"))
	for rest := givenData; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		name, g, _ := strings.Cut(line, "\t")
		if name != "" && (g == "m" || g == "f") {
			m[maphash.String(givenSeed, name)] = g[0]
		}
	}
	return m
})

var givenSeed = maphash.MakeSeed()

// GivenGender returns 'm' or 'f' when token (a Latin token, as Analyze
// writes it) is a common given name borne almost only by men or only by
// women (Oleg, Olga; Francisco, Francisca), and 0 for any other token,
// including names given to both (Jordan, Kim, Angel).
func GivenGender(token string) byte {
	if len(token) < 2 {
		return 0
	}
	return givenGenders()[maphash.String(givenSeed, token)]
}

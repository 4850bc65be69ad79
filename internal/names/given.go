package names

import (
	_ "embed"
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

var givenGenders = sync.OnceValue(func() map[string]byte {
	m := make(map[string]byte, strings.Count(givenData, "\n"))
	for rest := givenData; rest != ""; {
		var line string
		line, rest, _ = strings.Cut(rest, "\n")
		name, g, _ := strings.Cut(line, "\t")
		if name != "" && (g == "m" || g == "f") {
			m[name] = g[0]
		}
	}
	return m
})

// GivenGender returns 'm' or 'f' when token (a Latin token, as Analyze
// writes it) is a common given name borne almost only by men or only by
// women (Oleg, Olga; Francisco, Francisca), and 0 for any other token,
// including names given to both (Jordan, Kim, Angel).
func GivenGender(token string) byte { return givenGenders()[token] }
